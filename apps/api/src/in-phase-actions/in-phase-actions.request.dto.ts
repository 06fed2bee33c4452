import { IP_RESULT_KINDS } from '@app/domain';
import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import {
  IsAllocation,
  IsCalendarDate,
  IsProductCode,
  IsQuantity,
  IsText,
  ProductLineDto,
  ReasonDto,
  ShareAllocationDto,
} from '../shared/common.dto';

export class RecordMilestoneRequest extends ReasonDto {
  @ApiProperty({ example: 'Prototype passed state trials' })
  @IsText(200)
  name!: string;

  @ApiProperty({ example: '2025-03-01' })
  @IsCalendarDate()
  reachedOn!: string;
}

export class RecordBatchRequest extends ReasonDto {
  @ApiProperty({ example: 'MZKT-7930', description: 'one of the JV product lines' })
  @IsProductCode()
  productCode!: string;

  @ApiProperty({ example: 40, minimum: 1 })
  @IsQuantity()
  quantity!: number;

  @ApiProperty({ example: 'B-2025-001' })
  @IsText(60)
  batchReference!: string;

  @ApiProperty({ example: '2025-05-20' })
  @IsCalendarDate()
  producedOn!: string;
}

export class RecordDisposalLotRequest extends ReasonDto {
  @ApiProperty({ example: 'MZKT-7930' })
  @IsProductCode()
  productCode!: string;

  @ApiProperty({ example: 10, minimum: 1 })
  @IsQuantity()
  quantity!: number;

  @ApiProperty({ example: 'dismantling and recycling' })
  @IsText(200)
  method!: string;
}

export class AddProductLineRequest extends IntersectionType(ProductLineDto, ReasonDto) {}

export class RegisterIpResultRequest extends ReasonDto {
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
