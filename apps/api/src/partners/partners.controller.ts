import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { RequestValidationError } from '../problem/application-errors';
import { ApiCommand } from '../shared/api-docs';
import { Envelope, type CommandEnvelope } from '../shared/command-envelope';
import { CommandResultDto, ENTERPRISE_CODE, JointVentureId } from '../shared/common.dto';
import { CommandSender } from '../shared/record-command';
import {
  AdmitPartnerRequest,
  ReallocateSharesRequest,
  WithdrawPartnerRequest,
} from './partners.request.dto';

/** Who owns the JV and in what shares; the invariants hold after every change. */
@ApiTags('partners')
@Controller('joint-ventures/:id')
@Roles('program-manager')
@ApiCommand()
export class PartnersController {
  constructor(private readonly sender: CommandSender) {}

  @Post('partners')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto })
  admit(
    @JointVentureId() id: string,
    @Body() { reason, partner, allocation }: AdmitPartnerRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    return this.sender.send(
      id,
      { type: 'AdmitPartner', data: { partner, allocation } },
      envelope,
      reason,
    );
  }

  @Post('partners/:enterpriseCode/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto })
  withdraw(
    @JointVentureId() id: string,
    @Param('enterpriseCode') enterpriseCode: string,
    @Body() { reason, allocation }: WithdrawPartnerRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    if (!ENTERPRISE_CODE.test(enterpriseCode))
      throw new RequestValidationError([
        { field: 'enterpriseCode', message: 'enterpriseCode is not a valid enterprise code' },
      ]);
    return this.sender.send(
      id,
      { type: 'WithdrawPartner', data: { enterpriseCode, allocation } },
      envelope,
      reason,
    );
  }

  @Put('shares')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto })
  reallocate(
    @JointVentureId() id: string,
    @Body() { reason, allocation }: ReallocateSharesRequest,
    @Envelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    return this.sender.send(
      id,
      { type: 'ReallocateShares', data: { allocation } },
      envelope,
      reason,
    );
  }
}
