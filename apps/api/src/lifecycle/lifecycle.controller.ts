import { Body, Controller, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { JointVentureCommandType } from '@app/domain';
import { Roles } from '../auth/auth.decorators';
import { ApiCommand } from '../shared/api-docs';
import { CommandRequest, FromRequest } from '../commands/command-request';
import { CommandResultDto, JointVentureId } from '../shared/common.dto';
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
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':phase/start')
  @HttpCode(200)
  @ApiParam({ name: 'phase', enum: Object.keys(START_COMMANDS) })
  @ApiOkResponse({ type: CommandResultDto })
  start(
    @JointVentureId() id: string,
    @Param('phase') phase: string,
    @Body() { reason }: StartPhaseRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    if (!Object.hasOwn(START_COMMANDS, phase))
      throw new NotFoundException(`no phase '${phase}' can be started`);
    const type = START_COMMANDS[phase as StartablePhase];
    return this.commandBus.execute(request.command({ type, jointVentureId: id, data: {} }, reason));
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
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command({ type: 'CompleteModernization', jointVentureId: id, data }, reason),
    );
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
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command({ type: 'CompleteRepair', jointVentureId: id, data }, reason),
    );
  }

  @Post('disposal/complete')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto, description: 'the JV is closed (terminal)' })
  completeDisposal(
    @JointVentureId() id: string,
    @Body() { reason }: CompleteDisposalRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command({ type: 'CompleteDisposal', jointVentureId: id, data: {} }, reason),
    );
  }

  @Post('dissolve')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto, description: 'the JV is dissolved (terminal)' })
  dissolve(
    @JointVentureId() id: string,
    @Body() { reason }: DissolveRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command(
        { type: 'DissolveJointVenture', jointVentureId: id, data: { reason } },
        reason,
      ),
    );
  }
}
