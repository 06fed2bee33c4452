import { Body, Controller, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { JointVentureCommandType } from '@app/domain';
import { Roles } from '../auth/auth.decorators';
import { ApiCommand } from '../shared/api-docs';
import { Envelope, type CommandEnvelope } from '../shared/command-envelope';
import { CommandResultDto, JointVentureId } from '../shared/common.dto';
import { CommandSender } from '../shared/record-command';
import {
  CompleteDisposalRequest,
  CompleteModernizationRequest,
  CompleteRepairRequest,
  DissolveRequest,
  StartPhaseRequest,
} from './lifecycle.request.dto';

const START_COMMANDS = {
  development: 'StartDevelopment',
  production: 'StartProduction',
  modernization: 'StartModernization',
  repair: 'StartRepair',
  disposal: 'StartDisposal',
} as const satisfies Record<string, JointVentureCommandType>;
type StartablePhase = keyof typeof START_COMMANDS;

/** Moves a JV between the phases of its life. */
@ApiTags('lifecycle')
@Controller('joint-ventures/:id')
@Roles('program-manager')
@ApiCommand()
export class LifecycleController {
  constructor(private readonly sender: CommandSender) {}

  @Post(':phase/start')
  @HttpCode(200)
  @ApiParam({ name: 'phase', enum: Object.keys(START_COMMANDS) })
  @ApiOkResponse({ type: CommandResultDto })
  start(
    @JointVentureId() id: string,
    @Param('phase') phase: string,
    @Body() { reason }: StartPhaseRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    if (!Object.hasOwn(START_COMMANDS, phase))
      throw new NotFoundException(`no phase '${phase}' can be started`);
    return this.sender.send(
      id,
      { type: START_COMMANDS[phase as StartablePhase], data: {} },
      envelope,
      reason,
    );
  }

  @Post('modernization/complete')
  @HttpCode(200)
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'units upgraded; the JV is back in production',
  })
  completeModernization(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: CompleteModernizationRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    return this.sender.send(id, { type: 'CompleteModernization', data }, envelope, reason);
  }

  @Post('repair/complete')
  @HttpCode(200)
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'units repaired; the JV is back in production',
  })
  completeRepair(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: CompleteRepairRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    return this.sender.send(id, { type: 'CompleteRepair', data }, envelope, reason);
  }

  @Post('disposal/complete')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto, description: 'the JV is closed (terminal)' })
  completeDisposal(
    @JointVentureId() id: string,
    @Body() { reason }: CompleteDisposalRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    return this.sender.send(id, { type: 'CompleteDisposal', data: {} }, envelope, reason);
  }

  @Post('dissolve')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto, description: 'the JV is dissolved (terminal)' })
  dissolve(
    @JointVentureId() id: string,
    @Body() { reason }: DissolveRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    return this.sender.send(
      id,
      { type: 'DissolveJointVenture', data: { reason } },
      envelope,
      reason,
    );
  }
}
