import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';

export const HISTORY_MAX_PAGE = 1000;

export class HistoryQuery {
  @ApiPropertyOptional({
    description: 'return events after this version (exclusive)',
    example: 4,
    type: 'integer',
    minimum: -1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(-1)
  after?: number;

  @ApiPropertyOptional({
    description: `page size, at most ${HISTORY_MAX_PAGE}`,
    example: 100,
    type: 'integer',
    minimum: 1,
    maximum: HISTORY_MAX_PAGE,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(HISTORY_MAX_PAGE)
  limit?: number;
}

export class StateQuery {
  @ApiPropertyOptional({
    description: 'the state right after this version',
    example: 3,
    type: 'integer',
    minimum: 0,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  version?: number;

  @ApiPropertyOptional({
    description: 'the state as it was at this instant (ISO-8601)',
    example: '2025-06-01T00:00:00Z',
    format: 'date-time',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;
}
