import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/auth.decorators';
import { CommandRequest, FromRequest } from '../commands/command-request';
import { newIdentifier } from '../commands/ids';
import { ApiCommand } from '../shared/api-docs';
import { CommandResultDto } from '../shared/common.dto';
import { EstablishJointVentureRequest } from './establish-joint-venture.request.dto';

@ApiTags('lifecycle')
@Controller('joint-ventures')
export class EstablishJointVentureController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Access('command')
  @ApiCommand()
  @ApiCreatedResponse({
    type: CommandResultDto,
    description: 'established; Location and ETag headers set',
  })
  async establish(
    @Body() { reason, ...data }: EstablishJointVentureRequest,
    @FromRequest() request: CommandRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResultDto> {
    const id = newIdentifier('joint-venture', request.actor, request.conditions.idempotencyKey);
    const outcome = await this.commandBus.execute(
      request.command({ type: 'EstablishJointVenture', jointVentureId: id, data }, reason),
    );
    void reply.header('location', `/joint-ventures/${id}`);
    return outcome;
  }
}
