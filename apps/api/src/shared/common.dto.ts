import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsISO8601,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  ValidateIf,
} from 'class-validator';
import { applyDecorators, Param, ParseUUIDPipe } from '@nestjs/common';
import { RequestValidationError } from '../problem/application-errors';
import { IsMemberState, IsPlainText, SharesAddUpToWhole, UniqueBy } from './validators';

export const ENTERPRISE_CODE = /^[A-Z0-9][A-Z0-9._-]{0,39}$/;
export const PRODUCT_CODE = /^[A-Z0-9][A-Z0-9./-]{0,39}$/;
export const MAX_PARTNERS = 50;

/**
 * The field may be left out, but not sent as null (class-validator's IsOptional lets null
 * through, and a null would then be recorded as the value).
 */
export const IsOmittable = () =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);

/** A calendar date, `YYYY-MM-DD`, that exists. */
export const IsCalendarDate = () =>
  applyDecorators(
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date as YYYY-MM-DD' }),
    IsISO8601({ strict: true }, { message: '$property must be a real calendar date' }),
  );

/** A name or label: one line of visible text. */
export const IsText = (max: number, { multiline = false } = {}) =>
  applyDecorators(
    IsString(),
    MinLength(1),
    MaxLength(max),
    Matches(/\S/, { message: '$property must not be blank' }),
    IsPlainText({ multiline }),
  );

/** Free text (a reason): visible text that may break lines. */
export const IsFreeText = (max: number) => IsText(max, { multiline: true });

/** A positive whole number of units. */
export const IsQuantity = () => applyDecorators(IsInt(), Min(1), Max(1_000_000_000));

export const IsEnterpriseCode = () =>
  applyDecorators(
    IsString(),
    Matches(ENTERPRISE_CODE, { message: '$property must be 1-40 of A-Z, 0-9, ".", "_", "-"' }),
  );

export const IsProductCode = () =>
  applyDecorators(
    IsString(),
    Matches(PRODUCT_CODE, { message: '$property must be 1-40 of A-Z, 0-9, ".", "/", "-"' }),
  );

/** Every command body may say why. */
export class ReasonDto {
  @ApiPropertyOptional({ example: 'Decision IMEC-21/4, item 3', maxLength: 2000 })
  @IsOmittable()
  @IsFreeText(2000)
  reason?: string;
}

/** A command body that records a fact dated by `effectiveOn` (today when absent). */
export class FactRequest extends ReasonDto {
  @ApiPropertyOptional({
    example: '2025-03-01',
    description:
      'when the fact took effect (YYYY-MM-DD); default today; not before the decision date, not after tomorrow',
  })
  @IsOmittable()
  @IsCalendarDate()
  effectiveOn?: string;
}

/** An optional product version, a free label (`B3M`); absent for units whose version is not recorded. */
export const IsProductVersion = () => applyDecorators(IsOmittable(), IsText(40));

export class ShareAllocationDto {
  @ApiProperty({ example: 'RU-UVZ' })
  @IsEnterpriseCode()
  enterpriseCode!: string;

  @ApiProperty({
    example: 5100,
    minimum: 1,
    maximum: 10000,
    description: 'basis points; 10000 = 100 %',
  })
  @IsInt()
  @Min(1)
  @Max(10_000)
  shareBasisPoints!: number;
}

/** A list of shares that names each enterprise once and adds up to 10000 basis points. */
export const IsAllocation = (elementType: () => new () => object = () => ShareAllocationDto) =>
  applyDecorators(
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_PARTNERS),
    ValidateNested({ each: true }),
    Type(elementType),
    UniqueBy('enterpriseCode'),
    SharesAddUpToWhole(),
  );

export class PartnerIdentityDto {
  @ApiProperty({ example: 'BY-MZKT' })
  @IsEnterpriseCode()
  enterpriseCode!: string;

  @ApiProperty({ example: 'Minsk Wheel Tractor Plant' })
  @IsText(200)
  name!: string;

  @ApiProperty({ example: 'BY', description: 'ISO 3166-1 alpha-2 code of a member state' })
  @IsString()
  @IsMemberState()
  memberState!: string;
}

export class PartnerDto extends PartnerIdentityDto {
  @ApiProperty({
    example: 4900,
    minimum: 1,
    maximum: 10000,
    description: 'basis points; 10000 = 100 %',
  })
  @IsInt()
  @Min(1)
  @Max(10_000)
  shareBasisPoints!: number;
}

export class ProductLineDto {
  @ApiProperty({ example: 'MZKT-7930' })
  @IsProductCode()
  productCode!: string;

  @ApiProperty({ example: 'Heavy wheeled chassis' })
  @IsText(200)
  name!: string;

  @ApiPropertyOptional({ example: 'CSTO-STD-0042' })
  @IsOmittable()
  @IsText(100)
  standard?: string;
}

/** What every command answers: the JV and its version after the command. */
export class CommandResultDto {
  @ApiProperty({ example: '0b8f8f8e-2f0b-4a7e-9d2c-5f1f3b6c2a10' })
  id!: string;

  @ApiProperty({
    example: 3,
    description: 'stream revision of the last event; send it back as If-Match',
  })
  version!: number;
}

/** The `{id}` path parameter: a UUID, or a 400 naming `id`. */
export const JointVentureId = () =>
  Param(
    'id',
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new RequestValidationError([{ field: 'id', message: 'id must be a UUID' }]),
    }),
  );
