import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/auth.decorators';
import { RequestValidationError } from '../problem/application-errors';
import { CommandRequest, FromRequest } from '../commands/command-request';
import { ApiCommand, ApiSharedControl } from '../shared/api-docs';
import { CommandResultDto, ENTERPRISE_CODE, JointVentureId } from '../shared/common.dto';
import {
  AdmitPartnerRequest,
  ReallocateSharesRequest,
  WithdrawPartnerRequest,
} from './partners.request.dto';

/** Who owns the JV and in what shares; the invariants hold after every change. */
@ApiTags('partners')
@Controller('joint-ventures/:id')
@Access('command')
@ApiCommand()
export class PartnersController {
  constructor(private readonly commandBus: CommandBus) {}

  @ApiSharedControl()
  @Post('partners')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto })
  admit(
    @JointVentureId() id: string,
    @Body() { reason, partner, allocation, effectiveOn }: AdmitPartnerRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command(
        { type: 'AdmitPartner', jointVentureId: id, data: { partner, allocation, effectiveOn } },
        reason,
      ),
    );
  }

  @ApiSharedControl()
  @Post('partners/:enterpriseCode/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto })
  withdraw(
    @JointVentureId() id: string,
    @Param('enterpriseCode') enterpriseCode: string,
    @Body() { reason, allocation, effectiveOn }: WithdrawPartnerRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    if (!ENTERPRISE_CODE.test(enterpriseCode))
      throw new RequestValidationError([
        { field: 'enterpriseCode', message: 'enterpriseCode is not a valid enterprise code' },
      ]);
    return this.commandBus.execute(
      request.command(
        {
          type: 'WithdrawPartner',
          jointVentureId: id,
          data: { enterpriseCode, allocation, effectiveOn },
        },
        reason,
      ),
    );
  }

  @ApiSharedControl()
  @Put('shares')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandResultDto })
  reallocate(
    @JointVentureId() id: string,
    @Body() { reason, allocation, effectiveOn }: ReallocateSharesRequest,
    @FromRequest() request: CommandRequest,
  ): Promise<CommandResultDto> {
    return this.commandBus.execute(
      request.command(
        { type: 'ReallocateShares', jointVentureId: id, data: { allocation, effectiveOn } },
        reason,
      ),
    );
  }
}
