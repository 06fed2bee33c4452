import { WORK_ORDER_KINDS, type WorkOrderKind } from '@app/domain';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  CommandResultDto,
  FactRequest,
  IsProductCode,
  IsProductVersion,
  IsQuantity,
} from '../shared/common.dto';

export class OpenWorkOrderRequest extends FactRequest {
  @ApiProperty({ enum: WORK_ORDER_KINDS, example: 'repair' })
  @IsIn(WORK_ORDER_KINDS)
  kind!: WorkOrderKind;

  @ApiProperty({ example: 'MZKT-7930' })
  @IsProductCode()
  productCode!: string;

  @ApiProperty({ example: 3, minimum: 1, description: 'units taken out of service for the order' })
  @IsQuantity()
  quantity!: number;

  @ApiPropertyOptional({
    example: 'v1',
    description:
      'the version of the units taken; absent for units whose version was never recorded',
  })
  @IsProductVersion()
  fromVersion?: string;

  @ApiPropertyOptional({
    example: 'v2',
    description: 'a modernization: the version it upgrades to',
  })
  @IsProductVersion()
  toVersion?: string;
}

/** A count of units in a progress report: zero or more. */
export const IsCount = () => applyDecorators(IsOptional(), IsInt(), Min(0), Max(1_000_000_000));

export class WorkOrderProgressRequest extends FactRequest {
  @ApiPropertyOptional({
    example: 2,
    description: 'a modernization: units back in service at toVersion',
  })
  @IsCount()
  upgraded?: number;

  @ApiPropertyOptional({ example: 2, description: 'a repair: units back in service' })
  @IsCount()
  repaired?: number;

  @ApiPropertyOptional({ example: 1, description: 'units that will not come back' })
  @IsCount()
  writtenOff?: number;
}

export class CompleteWorkOrderRequest extends FactRequest {}

export class CancelWorkOrderRequest extends FactRequest {}

export class WorkOrderStatusQuery {
  @ApiPropertyOptional({ enum: ['open', 'completed', 'cancelled'], example: 'open' })
  @IsOptional()
  @IsIn(['open', 'completed', 'cancelled'])
  status?: 'open' | 'completed' | 'cancelled';
}

/** What opening a work order answers: the JV's version and the order's id. */
export class WorkOrderCreatedDto extends CommandResultDto {
  @ApiProperty({ example: '7d1e0f5c-6a2b-4c3d-8e9f-0a1b2c3d4e5f' })
  workOrderId!: string;
}
