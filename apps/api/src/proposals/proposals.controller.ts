import { JointVentureNotFoundError } from '@app/domain';
import { PendingApprovalsQueries } from '@app/read-models';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@app/domain';
import { Access, CurrentActor } from '../auth/auth.decorators';
import { CommandRequest, FromRequest } from '../commands/command-request';
import type { CommandOutcome, SubmittedProposalStep } from '../commands/execute-command';
import { JointVentureRepository } from '../commands/joint-venture.repository';
import { RequestValidationError } from '../problem/application-errors';
import { ApiCommand, ApiProblems } from '../shared/api-docs';
import { JointVentureId } from '../shared/common.dto';
import { proposalView } from './proposal-view';
import {
  ApproveProposalRequest,
  AwaitingProposalsQuery,
  DEFAULT_AWAITING_PAGE,
  ProposalDto,
  ProposalReasonRequest,
  ProposalsQuery,
} from './proposals.request.dto';

const ProposalId = () =>
  Param(
    'proposalId',
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new RequestValidationError([{ field: 'proposalId', message: 'proposalId must be a UUID' }]),
    }),
  );
const PROPOSAL_PARAM = ApiParam({ name: 'proposalId', schema: { type: 'string', format: 'uuid' } });

/** Reads the proposals of a JV, and those waiting for the caller's state (issue 10 §2). */
@ApiTags('proposals')
@ApiBearerAuth()
@Controller()
export class ProposalQueriesController {
  constructor(
    private readonly streams: JointVentureRepository,
    @Inject(PendingApprovalsQueries) private readonly pending: PendingApprovalsQueries,
  ) {}

  @Get('joint-ventures/:id/proposals')
  @Access('read')
  @ApiProblems(400, 401, 404)
  @ApiOkResponse({ description: 'its proposals in the order they were made, from its stream' })
  async list(@JointVentureId() id: string, @Query() { status }: ProposalsQuery) {
    const { state } = await this.streams.load(id);
    if (state.status !== 'existing') throw new JointVentureNotFoundError(id);
    const items = Object.values(state.proposals)
      .filter((proposal) => status === undefined || proposal.status === status)
      .map(proposalView);
    return { id, items };
  }

  @Get('proposals')
  @Access('command')
  @ApiProblems(400, 401)
  @ApiOkResponse({
    description:
      "pending proposals, not expired, waiting for the caller's member state, oldest first (from a read model), with nextCursor",
  })
  async awaiting(@Query() { limit, cursor }: AwaitingProposalsQuery, @CurrentActor() actor: Actor) {
    return this.pending.awaiting(
      actor.memberState,
      new Date().toISOString(),
      limit ?? DEFAULT_AWAITING_PAGE,
      cursor,
    );
  }
}

/** Steps on a proposal: a programme manager of a required state approves or rejects, its proposer withdraws. */
@ApiTags('proposals')
@Controller('joint-ventures/:id/proposals/:proposalId')
@Access('command')
@ApiCommand()
export class ProposalStepsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('approve')
  @HttpCode(200)
  @PROPOSAL_PARAM
  @ApiOkResponse({
    type: ProposalDto,
    description:
      'the proposal; status applied when this approval completed it (version: the JV after the change)',
  })
  approve(
    @JointVentureId() id: string,
    @ProposalId() proposalId: string,
    @Body() { reason }: ApproveProposalRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandOutcome> {
    return this.step('ApproveProposal', id, proposalId, request, reason);
  }

  @Post('reject')
  @HttpCode(200)
  @PROPOSAL_PARAM
  @ApiOkResponse({ type: ProposalDto, description: 'the proposal, rejected' })
  reject(
    @JointVentureId() id: string,
    @ProposalId() proposalId: string,
    @Body() { reason }: ProposalReasonRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandOutcome> {
    return this.step('RejectProposal', id, proposalId, request, reason);
  }

  @Post('withdraw')
  @HttpCode(200)
  @PROPOSAL_PARAM
  @ApiOkResponse({ type: ProposalDto, description: 'the proposal, withdrawn' })
  withdraw(
    @JointVentureId() id: string,
    @ProposalId() proposalId: string,
    @Body() { reason }: ProposalReasonRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandOutcome> {
    return this.step('WithdrawProposal', id, proposalId, request, reason);
  }

  private step(
    type: SubmittedProposalStep['type'],
    jointVentureId: string,
    proposalId: string,
    request: CommandRequest,
    reason?: string,
  ): Promise<CommandOutcome> {
    const step: SubmittedProposalStep = {
      type,
      jointVentureId,
      data: reason === undefined ? { proposalId } : { proposalId, reason },
    };
    return this.commandBus.execute(request.command(step, reason));
  }
}
