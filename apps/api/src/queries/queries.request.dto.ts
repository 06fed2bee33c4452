import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@app/read-models';
import { PHASES, type Phase } from '@app/domain';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsMemberState, IsPlainText } from '../shared/validators';

export class ListJointVenturesQuery {
  @ApiPropertyOptional({ enum: PHASES, example: 'production' })
  @IsOptional()
  @IsIn(PHASES)
  phase?: Phase;

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
