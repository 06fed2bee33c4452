import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/auth.decorators';
import { CommandRequest, FromRequest } from '../commands/command-request';
import { newIdentifier } from '../commands/ids';
import { ApiCommand, ApiSharedControl } from '../shared/api-docs';
import { CommandResultDto, JointVentureId } from '../shared/common.dto';
import {
  AddProductLineRequest,
  RecordBatchRequest,
  RecordDisposalLotRequest,
  RecordMilestoneRequest,
  RegisterIpResultRequest,
} from './in-stage-actions.request.dto';

/** In-stage actions: what is recorded inside one stage (milestones, batches, disposal lots) or in any live stage. */
@ApiTags('in-stage actions')
@Controller('joint-ventures/:id')
@Access('command')
@ApiCommand()
export class InStageActionsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('development/milestones')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto, description: 'recorded; only during development' })
  recordMilestone(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: RecordMilestoneRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command({ type: 'RecordMilestone', jointVentureId: id, data }, reason),
    );
  }

  @Post('production/batches')
  @HttpCode(200)
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'recorded; only during production, also while work orders are open',
  })
  recordBatch(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: RecordBatchRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command({ type: 'RecordBatch', jointVentureId: id, data }, reason),
    );
  }

  @Post('disposal/lots')
  @HttpCode(200)
  @ApiOkResponse({
    type: CommandResultDto,
    description:
      'recorded; only during disposal, never more units than were in service on its date',
  })
  recordDisposalLot(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: RecordDisposalLotRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command({ type: 'RecordDisposalLot', jointVentureId: id, data }, reason),
    );
  }

  @Post('product-lines')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto })
  addProductLine(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: AddProductLineRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command({ type: 'AddProductLine', jointVentureId: id, data }, reason),
    );
  }

  @ApiSharedControl()
  @Post('ip-results')
  @HttpCode(200)
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'registered; rights holders must be partners',
  })
  async registerIpResult(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: RegisterIpResultRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto & { ipResultId: string }> {
    const ipResultId = newIdentifier('ip-result', request.actor, request.conditions.idempotencyKey);
    const outcome = await this.commandBus.execute(
      request.command(
        { type: 'RegisterIpResult', jointVentureId: id, data: { ipResultId, ...data } },
        reason,
      ),
    );
    return { ...outcome, ipResultId };
  }
}
