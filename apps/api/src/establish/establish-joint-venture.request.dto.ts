import { PURPOSES, type Purpose } from '@app/domain';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import {
  IsCalendarDate,
  IsText,
  MAX_PARTNERS,
  PartnerDto,
  ProductLineDto,
  ReasonDto,
} from '../shared/common.dto';
import { SharesAddUpToWhole, UniqueBy } from '../shared/validators';

export class DecisionDto {
  @ApiProperty({ example: 'IMEC-21/4', description: 'reference of the commission decision' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ./_-]{0,39}$/, {
    message: '$property must be a decision reference such as IMEC-21/4',
  })
  reference!: string;

  @ApiProperty({ example: '2024-06-14' })
  @IsCalendarDate()
  date!: string;
}

export class EstablishJointVentureRequest extends ReasonDto {
  @ApiProperty({
    example: 'Eurasian Heavy Chassis JV',
    description: 'unique among active JVs, case-insensitive',
  })
  @IsText(200)
  name!: string;

  @ApiProperty({ type: DecisionDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => DecisionDto)
  decision!: DecisionDto;

  @ApiProperty({
    enum: PURPOSES,
    isArray: true,
    example: ['development', 'production', 'disposal'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(PURPOSES, { each: true })
  purposes!: Purpose[];

  @ApiProperty({
    type: [PartnerDto],
    example: [
      {
        enterpriseCode: 'RU-UVZ',
        name: 'Uralvagonzavod',
        memberState: 'RU',
        shareBasisPoints: 5100,
      },
      {
        enterpriseCode: 'BY-MZKT',
        name: 'Minsk Wheel Tractor Plant',
        memberState: 'BY',
        shareBasisPoints: 4900,
      },
    ],
  })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_PARTNERS)
  @ValidateNested({ each: true })
  @Type(() => PartnerDto)
  @UniqueBy('enterpriseCode')
  @SharesAddUpToWhole()
  partners!: PartnerDto[];

  @ApiProperty({
    type: [ProductLineDto],
    example: [
      { productCode: 'MZKT-7930', name: 'Heavy wheeled chassis', standard: 'CSTO-STD-0042' },
    ],
  })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ProductLineDto)
  @UniqueBy('productCode')
  productLines!: ProductLineDto[];
}
