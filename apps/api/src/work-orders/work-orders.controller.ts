import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/auth.decorators';
import { CommandRequest, FromRequest } from '../commands/command-request';
import { RequestValidationError } from '../problem/application-errors';
import { ApiCommand } from '../shared/api-docs';
import { CommandResultDto, JointVentureId } from '../shared/common.dto';
import { openWorkOrder } from './open-work-order';
import {
  CancelWorkOrderRequest,
  CompleteWorkOrderRequest,
  OpenWorkOrderRequest,
  WorkOrderCreatedDto,
  WorkOrderProgressRequest,
} from './work-orders.request.dto';

const WORK_ORDER_ID = /^[\w.-]{1,100}$/;

function workOrderIdOf(value: string): string {
  if (!WORK_ORDER_ID.test(value))
    throw new RequestValidationError([
      { field: 'workOrderId', message: 'workOrderId is not a work-order id' },
    ]);
  return value;
}

/**
 * Work orders inside production: modernization programmes and repair orders, several at once,
 * each with its own id; opening one takes its units out of service, progress and completion
 * bring them back.
 */
@ApiTags('work orders')
@Controller('joint-ventures/:id/work-orders')
@Access('command')
@ApiCommand()
export class WorkOrdersController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({
    type: WorkOrderCreatedDto,
    description: "opened; Location set to the JV's work orders",
  })
  async open(
    @JointVentureId() id: string,
    @Body() { reason, ...data }: OpenWorkOrderRequest,
    @FromRequest() request: CommandRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WorkOrderCreatedDto> {
    const opened = await openWorkOrder(
      this.commandBus,
      request,
      { type: 'OpenWorkOrder', jointVentureId: id, data },
      reason,
    );
    void reply.header('location', `/joint-ventures/${id}/work-orders?status=open`);
    return opened;
  }

  @Post(':workOrderId/progress')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto, description: 'units upgraded, repaired or written off' })
  progress(
    @JointVentureId() id: string,
    @Param('workOrderId') workOrderId: string,
    @Body() { reason, ...data }: WorkOrderProgressRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command(
        {
          type: 'RecordWorkOrderProgress',
          jointVentureId: id,
          data: { workOrderId: workOrderIdOf(workOrderId), ...data },
        },
        reason,
      ),
    );
  }

  @Post(':workOrderId/complete')
  @HttpCode(200)
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'done; the units it still held are back in service',
  })
  complete(
    @JointVentureId() id: string,
    @Param('workOrderId') workOrderId: string,
    @Body() { reason, ...data }: CompleteWorkOrderRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command(
        {
          type: 'CompleteWorkOrder',
          jointVentureId: id,
          data: { workOrderId: workOrderIdOf(workOrderId), ...data },
        },
        reason,
      ),
    );
  }

  @Post(':workOrderId/cancel')
  @HttpCode(200)
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'called off; the units it still held are back in service',
  })
  cancel(
    @JointVentureId() id: string,
    @Param('workOrderId') workOrderId: string,
    @Body() { reason, ...data }: CancelWorkOrderRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command(
        {
          type: 'CancelWorkOrder',
          jointVentureId: id,
          data: { workOrderId: workOrderIdOf(workOrderId), ...data, ...(reason ? { reason } : {}) },
        },
        reason,
      ),
    );
  }
}
