import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { IsCalendarDate } from '../shared/common.dto';

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

/**
 * Two axes of time: what the ledger knew (`version`, or `knownAt`, by recording time) and what
 * it says about a date (`asOf`, by the facts' effective dates). Either, both, or neither.
 */
export class StateQuery {
  @ApiPropertyOptional({
    description: 'as the ledger knew it right after this version',
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
    description: 'as the ledger knew it at this instant, by recording time (ISO-8601)',
    example: '2025-06-01T00:00:00Z',
    format: 'date-time',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  knownAt?: string;

  @ApiPropertyOptional({ deprecated: true, description: 'deprecated alias of knownAt' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;

  @ApiPropertyOptional({
    description: 'as things stood at the end of this day, by the effective dates of the facts',
    example: '2025-12-31',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}
