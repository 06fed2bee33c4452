import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.decorators';
import { JointVentureCommandService } from '../ledger/joint-venture-commands.service';
import { ApiCommand } from '../shared/api-docs';
import { Envelope, type CommandEnvelope } from '../shared/command-envelope';
import { CommandResultDto } from '../shared/common.dto';
import { CommandSender } from '../shared/record-command';
import { EstablishJointVentureRequest } from './establish-joint-venture.request.dto';

@ApiTags('lifecycle')
@Controller('joint-ventures')
export class EstablishJointVentureController {
  constructor(
    private readonly sender: CommandSender,
    @Inject(JointVentureCommandService) private readonly commands: JointVentureCommandService,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('program-manager')
  @ApiCommand()
  @ApiCreatedResponse({
    type: CommandResultDto,
    description: 'established; Location and ETag headers set',
  })
  async establish(
    @Body() { reason, ...data }: EstablishJointVentureRequest,
    @Envelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResultDto> {
    const id = this.commands.newIdentifier(
      'joint-venture',
      envelope.actor,
      envelope.idempotencyKey,
    );
    const outcome = await this.sender.send(
      id,
      { type: 'EstablishJointVenture', data },
      envelope,
      reason,
    );
    void reply.header('location', `/joint-ventures/${id}`);
    return outcome;
  }
}
