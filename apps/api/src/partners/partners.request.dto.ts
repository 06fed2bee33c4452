import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';
import {
  FactRequest,
  IsAllocation,
  PartnerIdentityDto,
  ShareAllocationDto,
} from '../shared/common.dto';

const ALLOCATION_EXAMPLE = [
  { enterpriseCode: 'RU-UVZ', shareBasisPoints: 4000 },
  { enterpriseCode: 'BY-MZKT', shareBasisPoints: 3500 },
  { enterpriseCode: 'KZ-KEC', shareBasisPoints: 2500 },
];

export class AdmitPartnerRequest extends FactRequest {
  @ApiProperty({
    type: PartnerIdentityDto,
    example: { enterpriseCode: 'KZ-KEC', name: 'Kazakhstan Engineering', memberState: 'KZ' },
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PartnerIdentityDto)
  partner!: PartnerIdentityDto;

  @ApiProperty({
    type: [ShareAllocationDto],
    example: ALLOCATION_EXAMPLE,
    description: 'shares of every partner after the admission',
  })
  @IsAllocation()
  allocation!: ShareAllocationDto[];
}

export class WithdrawPartnerRequest extends FactRequest {
  @ApiProperty({
    type: [ShareAllocationDto],
    example: ALLOCATION_EXAMPLE.slice(0, 2).map((a, i) => ({
      ...a,
      shareBasisPoints: i === 0 ? 5500 : 4500,
    })),
    description: 'shares of the partners who remain',
  })
  @IsAllocation()
  allocation!: ShareAllocationDto[];
}

export class ReallocateSharesRequest extends FactRequest {
  @ApiProperty({
    type: [ShareAllocationDto],
    example: ALLOCATION_EXAMPLE,
    description: 'shares of every partner',
  })
  @IsAllocation()
  allocation!: ShareAllocationDto[];
}
