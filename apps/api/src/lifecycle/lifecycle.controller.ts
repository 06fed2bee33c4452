import { Body, Controller, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { JointVentureCommandType, WorkOrderKind } from '@app/domain';
import { Access } from '../auth/auth.decorators';
import { ApiCommand, ApiSharedControl } from '../shared/api-docs';
import { CommandRequest, FromRequest } from '../commands/command-request';
import { CommandResultDto, JointVentureId } from '../shared/common.dto';
import { openWorkOrder } from '../work-orders/open-work-order';
import { WorkOrderCreatedDto } from '../work-orders/work-orders.request.dto';
import {
  CompleteDisposalRequest,
  CompleteModernizationRequest,
  CompleteRepairRequest,
  DissolveRequest,
  StartStageRequest,
} from './lifecycle.request.dto';

const START_COMMANDS = {
  development: 'StartDevelopment',
  production: 'StartProduction',
  disposal: 'StartDisposal',
} as const satisfies Record<string, JointVentureCommandType>;
type StartableStage = keyof typeof START_COMMANDS;

const DEPRECATED =
  'Deprecated: modernization and repair are work orders now (POST /joint-ventures/{id}/work-orders). ' +
  'This route runs one open-ended work order of its kind, which takes no units out of service.';

/** Moves a JV between the stages of its life; the deprecated routes of the former phases. */
@ApiTags('lifecycle')
@Controller('joint-ventures/:id')
@Access('command')
@ApiCommand()
export class LifecycleController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('modernization/start')
  @HttpCode(200)
  @ApiOperation({
    deprecated: true,
    summary: 'Start an open-ended modernization',
    description: DEPRECATED,
  })
  @ApiOkResponse({ type: WorkOrderCreatedDto })
  startModernization(
    @JointVentureId() id: string,
    @Body() body: StartStageRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<WorkOrderCreatedDto> {
    return this.startOpenEnded(id, 'modernization', body, request);
  }

  @Post('repair/start')
  @HttpCode(200)
  @ApiOperation({
    deprecated: true,
    summary: 'Start an open-ended repair',
    description: DEPRECATED,
  })
  @ApiOkResponse({ type: WorkOrderCreatedDto })
  startRepair(
    @JointVentureId() id: string,
    @Body() body: StartStageRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<WorkOrderCreatedDto> {
    return this.startOpenEnded(id, 'repair', body, request);
  }

  @Post(':stage/start')
  @HttpCode(200)
  @ApiSharedControl()
  @ApiParam({ name: 'stage', enum: Object.keys(START_COMMANDS) })
  @ApiOkResponse({ type: CommandResultDto })
  start(
    @JointVentureId() id: string,
    @Param('stage') stage: string,
    @Body() { reason, ...data }: StartStageRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    if (!Object.hasOwn(START_COMMANDS, stage))
      throw new NotFoundException(`no stage '${stage}' can be started`);
    const type = START_COMMANDS[stage as StartableStage];
    return this.commandBus.execute(request.command({ type, jointVentureId: id, data }, reason));
  }

  @Post('modernization/complete')
  @HttpCode(200)
  @ApiOperation({
    deprecated: true,
    summary: 'Complete the open-ended modernization',
    description: DEPRECATED,
  })
  @ApiOkResponse({ type: CommandResultDto, description: 'units upgraded in service' })
  completeModernization(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: CompleteModernizationRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command(
        {
          type: 'CompleteOpenEndedWorkOrder',
          jointVentureId: id,
          data: { kind: 'modernization', ...data },
        },
        reason,
      ),
    );
  }

  @Post('repair/complete')
  @HttpCode(200)
  @ApiOperation({
    deprecated: true,
    summary: 'Complete the open-ended repair',
    description: DEPRECATED,
  })
  @ApiOkResponse({ type: CommandResultDto, description: 'units repaired in service' })
  completeRepair(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: CompleteRepairRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command(
        {
          type: 'CompleteOpenEndedWorkOrder',
          jointVentureId: id,
          data: { kind: 'repair', ...data },
        },
        reason,
      ),
    );
  }

  @Post('disposal/complete')
  @HttpCode(200)
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'the JV is closed (terminal); no work order may be open',
  })
  completeDisposal(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: CompleteDisposalRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command({ type: 'CompleteDisposal', jointVentureId: id, data }, reason),
    );
  }

  @Post('dissolve')
  @HttpCode(200)
  @ApiSharedControl()
  @ApiOkResponse({ type: CommandResultDto, description: 'the JV is dissolved (terminal)' })
  dissolve(
    @JointVentureId() id: string,
    @Body() data: DissolveRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command(
        { type: 'DissolveJointVenture', jointVentureId: id, data: { ...data } },
        data.reason,
      ),
    );
  }

  private startOpenEnded(
    id: string,
    kind: WorkOrderKind,
    { reason, ...data }: StartStageRequest,
    request: CommandRequest,
  ): Promise<WorkOrderCreatedDto> {
    return openWorkOrder(
      this.commandBus,
      request,
      { type: 'StartOpenEndedWorkOrder', jointVentureId: id, data: { kind, ...data } },
      reason,
    );
  }
}
