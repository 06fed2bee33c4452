import { JointVentureNotFoundError } from '@app/domain';
import { DEFAULT_PAGE_SIZE, JointVentureQueries } from '@app/read-models';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Identity } from '@app/runtime';
import { scopeOf } from '../auth/access-policy';
import { Access, CurrentIdentity } from '../auth/auth.decorators';
import { RequestValidationError } from '../problem/application-errors';
import { ApiProblems } from '../shared/api-docs';
import { JointVentureId } from '../shared/common.dto';
import { WorkOrderStatusQuery } from '../work-orders/work-orders.request.dto';
import { detailWithAliases, listItemWithAliases, withPhase } from './deprecated-aliases';
import { DetailQuery, ListJointVenturesQuery } from './queries.request.dto';

const ALIASES =
  '`phase` (= `stage`) and, in unit totals, `modernized` (= `upgraded`) are deprecated aliases kept for clients of release 0.1.0.';

/** Read models for every role: lists, detail with unit totals, work orders, stage timeline. */
@ApiTags('queries')
@ApiBearerAuth()
@Controller('joint-ventures')
@Access('read')
@ApiProblems(400, 401, 404)
export class QueriesController {
  constructor(@Inject(JointVentureQueries) private readonly queries: JointVentureQueries) {}

  @Get()
  @ApiOkResponse({
    description: `summaries, newest first, with unit totals per product code and nextCursor. ${ALIASES}`,
  })
  async list(
    @Query() { limit, phase, stage, ...filters }: ListJointVenturesQuery,
    @CurrentIdentity() identity: Identity,
  ) {
    if (phase !== undefined && stage !== undefined && phase !== stage)
      throw new RequestValidationError([
        { field: 'phase', message: 'phase is a deprecated alias of stage: give one of them' },
      ]);
    const scope = scopeOf(identity);
    const page = await this.queries.list({
      ...filters,
      ...(scope.kind === 'member-state' ? { visibleTo: scope.memberState } : {}),
      stage: stage ?? phase,
      limit: limit ?? DEFAULT_PAGE_SIZE,
    });
    return { ...page, items: page.items.map(listItemWithAliases) };
  }

  @Get(':id')
  @ApiOkResponse({
    description:
      'partners, shares, product lines with unit totals (per version too, unless asOf), IP results, ' +
      `milestones; with asOf, the unit totals as of that date. ${ALIASES}`,
  })
  async detail(@JointVentureId() id: string, @Query() { asOf }: DetailQuery) {
    const detail = (await this.queries.get(id, { asOf })) ?? notFound(id);
    return detailWithAliases(detail);
  }

  @Get(':id/work-orders')
  @ApiOkResponse({
    description:
      'the work orders in the order they were opened, with their units: held, upgraded, repaired, ' +
      'written off, returned; units null for an open-ended order',
  })
  async workOrders(@JointVentureId() id: string, @Query() { status }: WorkOrderStatusQuery) {
    const items = (await this.queries.workOrders(id, { status })) ?? notFound(id);
    return { id, items };
  }

  @Get(':id/timeline')
  @ApiOkResponse({
    description:
      'when each stage took effect, was entered and left, and how long it lasted (phase: deprecated alias of stage)',
  })
  async timeline(@JointVentureId() id: string) {
    const periods = await this.queries.timeline(id);
    return periods ? { id, periods: periods.map(withPhase) } : notFound(id);
  }
}

function notFound(id: string): never {
  throw new JointVentureNotFoundError(id);
}
