import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import {
  FactRequest,
  IsCalendarDate,
  IsFreeText,
  IsQuantity,
  IsProductCode,
  IsText,
} from '../shared/common.dto';

/** Entering a stage needs no more than an optional reason and date of effect. */
export class StartStageRequest extends FactRequest {}

export class CompleteModernizationRequest extends FactRequest {
  @ApiProperty({ example: 'MZKT-7930' })
  @IsProductCode()
  productCode!: string;

  @ApiProperty({
    example: 'v1',
    description: 'taken first; any other version when too few are at it',
  })
  @IsText(40)
  fromVersion!: string;

  @ApiProperty({ example: 'v2' })
  @IsText(40)
  toVersion!: string;

  @ApiProperty({ example: 12, minimum: 1 })
  @IsQuantity()
  quantity!: number;
}

export class CompleteRepairRequest extends FactRequest {
  @ApiProperty({ example: 'MZKT-7930' })
  @IsProductCode()
  productCode!: string;

  @ApiProperty({ example: 4, minimum: 1 })
  @IsQuantity()
  quantity!: number;
}

export class CompleteDisposalRequest extends FactRequest {}

/** Not a FactRequest: its reason is required. */
export class DissolveRequest {
  @ApiProperty({ example: 'Decision IMEC-23/2: the programme is discontinued', maxLength: 2000 })
  @IsFreeText(2000)
  reason!: string;

  @ApiPropertyOptional({ example: '2025-03-01', description: 'when it took effect; default today' })
  @IsOptional()
  @IsCalendarDate()
  effectiveOn?: string;
}
