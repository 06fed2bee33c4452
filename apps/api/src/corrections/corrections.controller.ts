import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/auth.decorators';
import { CommandRequest, FromRequest } from '../commands/command-request';
import { ApiCommand } from '../shared/api-docs';
import { CommandResultDto, JointVentureId } from '../shared/common.dto';
import { CorrectionRequest } from './corrections.request.dto';

/** The request fields that were sent (a DTO instance also holds the absent ones, as undefined). */
const sent = (fields: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

/** Corrections by reversal, never by editing. */
@ApiTags('corrections')
@Controller('joint-ventures/:id/corrections')
@Access('command')
@ApiCommand()
export class CorrectionsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reverse a fact, and optionally record its replacement',
    description:
      'Batches, disposal lots, milestones and work-order progress (while the order is open) can be ' +
      'reversed, once; the history keeps both. Refused (409) when the units would not add up without it.',
  })
  @ApiOkResponse({
    type: CommandResultDto,
    description: 'the version of the reversal, or of its replacement',
  })
  correct(
    @JointVentureId() id: string,
    @Body() { reverses, reason, replacement }: CorrectionRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    const data = {
      reverses,
      reason,
      ...(replacement === undefined ? {} : { replacement: sent(replacement) }),
    };
    return this.commandBus.execute(
      request.command({ type: 'CorrectFact', jointVentureId: id, data }, reason),
    );
  }
}
