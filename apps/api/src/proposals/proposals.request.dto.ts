import type { ProposalStatus } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsFreeText, ReasonDto } from '../shared/common.dto';

export const PROPOSAL_STATUSES = [
  'pending',
  'applied',
  'rejected',
  'withdrawn',
  'closed',
] as const satisfies readonly ProposalStatus[];

export class ProposalsQuery {
  @ApiPropertyOptional({ enum: PROPOSAL_STATUSES, example: 'pending' })
  @IsOptional()
  @IsIn(PROPOSAL_STATUSES)
  status?: ProposalStatus;
}

export const DEFAULT_AWAITING_PAGE = 20;

export class AwaitingProposalsQuery {
  @ApiProperty({ enum: ['me'], description: "proposals waiting for the caller's member state" })
  @IsIn(['me'])
  awaiting!: 'me';

  @ApiPropertyOptional({
    example: DEFAULT_AWAITING_PAGE,
    type: 'integer',
    minimum: 1,
    maximum: 100,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

/** Approving needs no more than an optional reason. */
export class ApproveProposalRequest extends ReasonDto {}

/** Rejecting and withdrawing say why. */
export class ProposalReasonRequest {
  @ApiProperty({ example: 'the programme continues', maxLength: 2000 })
  @IsFreeText(2000)
  reason!: string;
}

/** A proposal as the API shows it. */
export class ProposalDto {
  @ApiProperty({ example: '0b8f8f8e-2f0b-4a7e-9d2c-5f1f3b6c2a10', description: 'the JV' })
  id!: string;

  @ApiProperty({ example: 4, description: "the JV's version after this answer's events" })
  version!: number;

  @ApiProperty({ example: '7c0e7a52-0b1d-4c2e-9f3a-5d6e7f8a9b0c', format: 'uuid' })
  proposalId!: string;

  @ApiProperty({
    example: { type: 'DissolveJointVenture', data: { reason: 'programme cancelled' } },
    description: 'the command proposed, as submitted',
  })
  change!: Record<string, unknown>;

  @ApiProperty({ example: 'RU' })
  proposedBy!: string;

  @ApiProperty({
    example: ['BY', 'RU'],
    description: "every state that must agree, the proposer's included",
  })
  required!: string[];

  @ApiProperty({ example: ['RU'], description: 'the states that agreed' })
  approved!: string[];

  @ApiProperty({ example: ['BY'], description: 'the states still to agree' })
  awaiting!: string[];

  @ApiProperty({ enum: PROPOSAL_STATUSES, example: 'pending' })
  status!: ProposalStatus;

  @ApiProperty({
    example: '2026-01-01T10:00:00.000Z',
    description: 'after it, it cannot be approved',
  })
  expiresAt!: string;

  @ApiPropertyOptional({ description: 'why it ended without effect' })
  closedBecause?: string;
}

/** With APPROVALS=on, what an action of the rule table answers when other states must agree. */
export const PROPOSAL_ACCEPTED =
  'APPROVALS=on and other partner states must agree (see the approval rules): recorded as a proposal, not applied';
