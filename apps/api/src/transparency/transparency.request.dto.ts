import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export const CHECKPOINTS_MAX_PAGE = 100;

export class CheckpointsQuery {
  @ApiPropertyOptional({
    description: 'return checkpoints after this position in the checkpoint stream (exclusive)',
    example: -1,
    type: 'integer',
    minimum: -1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(-1)
  after?: number;

  @ApiPropertyOptional({
    description: `page size, at most ${CHECKPOINTS_MAX_PAGE}`,
    example: 20,
    type: 'integer',
    minimum: 1,
    maximum: CHECKPOINTS_MAX_PAGE,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(CHECKPOINTS_MAX_PAGE)
  limit?: number;
}

export class InclusionQuery {
  @ApiProperty({ description: 'the id of a joint-venture event', format: 'uuid' })
  @IsUUID()
  eventId!: string;

  @ApiPropertyOptional({
    description:
      "the tree size to prove inclusion in (a checkpoint's); default: the latest checkpoint's",
    example: 18,
    type: 'integer',
    minimum: 1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  treeSize?: number;
}

export class ConsistencyQuery {
  @ApiProperty({
    description: 'the smaller tree size (a kept checkpoint)',
    example: 18,
    type: 'integer',
    minimum: 1,
  })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  first!: number;

  @ApiProperty({ description: 'the larger tree size', example: 40, type: 'integer', minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  second!: number;
}
