import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import {
  IsCalendarDate,
  IsProductCode,
  IsProductVersion,
  IsQuantity,
  IsText,
} from '../shared/common.dto';
import { IsCount } from '../work-orders/work-orders.request.dto';

/**
 * The corrected fact: the fields of the reversed fact's own request (a batch's, a disposal
 * lot's, a milestone's, a work-order progress's). Which of them are required depends on what
 * is reversed, so the domain checks that (422, naming `replacement.<field>`); here only types.
 */
export class ReplacementFactDto {
  @ApiPropertyOptional({ example: 'MZKT-7930' })
  @IsOptional()
  @IsProductCode()
  productCode?: string;

  @ApiPropertyOptional({ example: 'v2' })
  @IsProductVersion()
  productVersion?: string;

  @ApiPropertyOptional({ example: 38, minimum: 1 })
  @IsOptional()
  @IsQuantity()
  quantity?: number;

  @ApiPropertyOptional({ example: 'B-2025-001' })
  @IsOptional()
  @IsText(60)
  batchReference?: string;

  @ApiPropertyOptional({ example: '2025-05-20' })
  @IsOptional()
  @IsCalendarDate()
  producedOn?: string;

  @ApiPropertyOptional({ example: 'dismantling' })
  @IsOptional()
  @IsText(200)
  method?: string;

  @ApiPropertyOptional({ example: 'Prototype passed state trials' })
  @IsOptional()
  @IsText(200)
  name?: string;

  @ApiPropertyOptional({ example: '2025-03-01' })
  @IsOptional()
  @IsCalendarDate()
  reachedOn?: string;

  @ApiPropertyOptional({ example: 2 })
  @IsCount()
  upgraded?: number;

  @ApiPropertyOptional({ example: 2 })
  @IsCount()
  repaired?: number;

  @ApiPropertyOptional({ example: 0 })
  @IsCount()
  writtenOff?: number;

  @ApiPropertyOptional({ example: '2025-03-01' })
  @IsOptional()
  @IsCalendarDate()
  effectiveOn?: string;
}

export class CorrectionRequest {
  @ApiProperty({
    example: 7,
    minimum: 0,
    description: 'the version of the fact that does not count',
  })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  reverses!: number;

  @ApiProperty({ example: 'Batch B-2 was entered twice', maxLength: 2000 })
  @IsText(2000)
  reason!: string;

  @ApiPropertyOptional({
    type: ReplacementFactDto,
    description: 'the corrected fact, recorded in the same append as the reversal',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReplacementFactDto)
  replacement?: ReplacementFactDto;
}
