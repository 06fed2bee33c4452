import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Access, VisibleUntil } from '../auth/auth.decorators';
import { ApiProblems } from '../shared/api-docs';
import { JointVentureId } from '../shared/common.dto';
import { HistoryQuery, StateQuery } from './audit.request.dto';
import { TransparencyService } from '../transparency/transparency.service';
import { AuditService } from './audit.service';

const DEFAULT_HISTORY_PAGE = 100;

/** History, time travel, verification and export: for the commission's auditors. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('joint-ventures/:id')
@Access('audit')
@ApiProblems(400, 401, 403, 404)
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly transparency: TransparencyService,
  ) {}

  @Get('history')
  @Access('audit', { formerPartners: true })
  @ApiOkResponse({
    description:
      'events in order with type, version, data and metadata; nextAfter pages on. ' +
      'A member state that withdrew reads the events up to its withdrawal.',
  })
  history(
    @JointVentureId() id: string,
    @Query() { after, limit }: HistoryQuery,
    @VisibleUntil() until: number | undefined,
  ) {
    return this.audit.history(id, after ?? -1, limit ?? DEFAULT_HISTORY_PAGE, until);
  }

  @Get('state')
  @ApiOkResponse({
    description:
      'the state rebuilt from events: as the ledger knew it at a version or an instant (knownAt), ' +
      'and as things stood on a date (asOf, by effective dates); both together say what the ledger ' +
      'knew at T about D; the current state when none is given',
  })
  state(@JointVentureId() id: string, @Query() query: StateQuery) {
    return this.audit.stateAsOf(id, query);
  }

  @Get('verification')
  @ApiOkResponse({
    description: '{valid, events, firstBrokenVersion?} from recomputing the hash chain',
  })
  verification(@JointVentureId() id: string) {
    return this.audit.verification(id);
  }

  @Get('export')
  @ApiOkResponse({
    description:
      'a self-contained bundle (jv-ledger-bundle/1): the events, a signed checkpoint covering them, ' +
      'an inclusion proof per event, the proof of the head, the keys; `ledger verify-bundle` checks it offline',
  })
  @ApiResponse({
    status: 409,
    description: 'the transparency log has not taken in this JV yet (Retry-After)',
  })
  export(@JointVentureId() id: string) {
    return this.transparency.exportBundle(id);
  }
}
