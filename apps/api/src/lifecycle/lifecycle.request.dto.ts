import { ApiProperty } from '@nestjs/swagger';
import { IsFreeText, IsQuantity, IsProductCode, IsText, ReasonDto } from '../shared/common.dto';

/** Entering a phase needs no more than an optional reason. */
export class StartPhaseRequest extends ReasonDto {}

export class CompleteModernizationRequest extends ReasonDto {
  @ApiProperty({ example: 'MZKT-7930' })
  @IsProductCode()
  productCode!: string;

  @ApiProperty({ example: 'v1' })
  @IsText(40)
  fromVersion!: string;

  @ApiProperty({ example: 'v2' })
  @IsText(40)
  toVersion!: string;

  @ApiProperty({ example: 12, minimum: 1 })
  @IsQuantity()
  quantity!: number;
}

export class CompleteRepairRequest extends ReasonDto {
  @ApiProperty({ example: 'MZKT-7930' })
  @IsProductCode()
  productCode!: string;

  @ApiProperty({ example: 4, minimum: 1 })
  @IsQuantity()
  quantity!: number;
}

export class CompleteDisposalRequest extends ReasonDto {}

export class DissolveRequest {
  @ApiProperty({ example: 'Decision IMEC-23/2: the programme is discontinued', maxLength: 2000 })
  @IsFreeText(2000)
  reason!: string;
}
