import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { JointVentureCommandService } from '../ledger/joint-venture-commands.service';
import { ApiCommand } from '../shared/api-docs';
import { Envelope, type CommandEnvelope } from '../shared/command-envelope';
import { CommandResultDto, JointVentureId } from '../shared/common.dto';
import { CommandSender } from '../shared/record-command';
import {
  AddProductLineRequest,
  RecordBatchRequest,
  RecordDisposalLotRequest,
  RecordMilestoneRequest,
  RegisterIpResultRequest,
} from './facts.request.dto';

/** Facts recorded inside a phase (milestones, batches, disposal lots) or in any live phase. */
@ApiTags('facts')
@Controller('joint-ventures/:id')
@Roles('program-manager')
@ApiCommand()
export class FactsController {
  constructor(
    private readonly sender: CommandSender,
    @Inject(JointVentureCommandService) private readonly commands: JointVentureCommandService,
  ) {}

  @Post('development/milestones')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto, description: 'recorded; only during development' })
  recordMilestone(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: RecordMilestoneRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    return this.sender.send(id, { type: 'RecordMilestone', data }, envelope, reason);
  }

  @Post('production/batches')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto, description: 'recorded; only during production' })
  recordBatch(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: RecordBatchRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    return this.sender.send(id, { type: 'RecordBatch', data }, envelope, reason);
  }

  @Post('disposal/lots')
  @HttpCode(200)
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'recorded; only during disposal, never more units than in service',
  })
  recordDisposalLot(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: RecordDisposalLotRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    return this.sender.send(id, { type: 'RecordDisposalLot', data }, envelope, reason);
  }

  @Post('product-lines')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto })
  addProductLine(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: AddProductLineRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    return this.sender.send(id, { type: 'AddProductLine', data }, envelope, reason);
  }

  @Post('ip-results')
  @HttpCode(200)
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'registered; rights holders must be partners',
  })
  async registerIpResult(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: RegisterIpResultRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto & { ipResultId: string }> {
    const ipResultId = this.commands.newIdentifier(
      'ip-result',
      envelope.actor,
      envelope.idempotencyKey,
    );
    const outcome = await this.sender.send(
      id,
      { type: 'RegisterIpResult', data: { ipResultId, ...data } },
      envelope,
      reason,
    );
    return { ...outcome, ipResultId };
  }
}
