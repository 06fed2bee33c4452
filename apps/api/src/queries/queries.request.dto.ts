import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@app/read-models';
import { STAGES, type Stage } from '@app/domain';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsCalendarDate } from '../shared/common.dto';
import { IsMemberState, IsPlainText } from '../shared/validators';

export class ListJointVenturesQuery {
  @ApiPropertyOptional({ enum: STAGES, example: 'production' })
  @IsOptional()
  @IsIn(STAGES)
  stage?: Stage;

  @ApiPropertyOptional({
    enum: STAGES,
    deprecated: true,
    description:
      'deprecated alias of stage (modernization and repair are work orders now, not stages)',
  })
  @IsOptional()
  @IsIn(STAGES, { message: `phase must be one of the stages ${STAGES.join(', ')}` })
  phase?: Stage;

  @ApiPropertyOptional({ example: 'BY', description: 'JVs with a partner from this member state' })
  @IsOptional()
  @IsMemberState()
  memberState?: string;

  @ApiPropertyOptional({
    example: 'chassis',
    description: 'case-insensitive part of the name',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @IsPlainText()
  q?: string;

  @ApiPropertyOptional({
    example: DEFAULT_PAGE_SIZE,
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class DetailQuery {
  @ApiPropertyOptional({
    example: '2025-12-31',
    description:
      'unit totals as they stood at the end of this day, by the effective dates of the facts',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}
