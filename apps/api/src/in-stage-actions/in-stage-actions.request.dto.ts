import { IP_RESULT_KINDS } from '@app/domain';
import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import {
  FactRequest,
  IsAllocation,
  IsCalendarDate,
  IsProductCode,
  IsProductVersion,
  IsQuantity,
  IsText,
  ProductLineDto,
  ReasonDto,
  ShareAllocationDto,
} from '../shared/common.dto';

/** Takes effect on `reachedOn`. */
export class RecordMilestoneRequest extends ReasonDto {
  @ApiProperty({ example: 'Prototype passed state trials' })
  @IsText(200)
  name!: string;

  @ApiProperty({ example: '2025-03-01' })
  @IsCalendarDate()
  reachedOn!: string;
}

/** Takes effect on `producedOn`. */
export class RecordBatchRequest extends ReasonDto {
  @ApiProperty({ example: 'MZKT-7930', description: 'one of the JV product lines' })
  @IsProductCode()
  productCode!: string;

  @ApiPropertyOptional({
    example: 'v1',
    description: 'the version built; absent when not recorded',
  })
  @IsProductVersion()
  productVersion?: string;

  @ApiProperty({ example: 40, minimum: 1 })
  @IsQuantity()
  quantity!: number;

  @ApiProperty({ example: 'B-2025-001', description: "unique among the JV's batches" })
  @IsText(60)
  batchReference!: string;

  @ApiProperty({ example: '2025-05-20' })
  @IsCalendarDate()
  producedOn!: string;
}

export class RecordDisposalLotRequest extends FactRequest {
  @ApiProperty({ example: 'MZKT-7930' })
  @IsProductCode()
  productCode!: string;

  @ApiPropertyOptional({
    example: 'v2',
    description:
      'dispose of units of this version only; absent: unrecorded versions first, then any',
  })
  @IsProductVersion()
  productVersion?: string;

  @ApiProperty({ example: 10, minimum: 1 })
  @IsQuantity()
  quantity!: number;

  @ApiProperty({ example: 'dismantling and recycling' })
  @IsText(200)
  method!: string;
}

export class AddProductLineRequest extends IntersectionType(ProductLineDto, FactRequest) {}

export class RegisterIpResultRequest extends FactRequest {
  @ApiProperty({ example: 'Suspension damping method' })
  @IsText(300)
  title!: string;

  @ApiProperty({ enum: IP_RESULT_KINDS, example: 'patent' })
  @IsIn(IP_RESULT_KINDS)
  kind!: string;

  @ApiProperty({
    type: [ShareAllocationDto],
    example: [
      { enterpriseCode: 'RU-UVZ', shareBasisPoints: 5000 },
      { enterpriseCode: 'BY-MZKT', shareBasisPoints: 5000 },
    ],
  })
  @IsAllocation()
  rightsHolders!: ShareAllocationDto[];
}
