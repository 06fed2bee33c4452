import { JointVentureNotFoundError } from '@app/domain';
import { DEFAULT_PAGE_SIZE, JointVentureQueries } from '@app/read-models';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../shared/api-docs';
import { JointVentureId } from '../shared/common.dto';
import { ListJointVenturesQuery } from './queries.request.dto';

/** Read models for every role: lists, detail with unit totals, phase timeline. */
@ApiTags('queries')
@ApiBearerAuth()
@Controller('joint-ventures')
@ApiProblems(400, 401, 404)
export class QueriesController {
  constructor(@Inject(JointVentureQueries) private readonly queries: JointVentureQueries) {}

  @Get()
  @ApiOkResponse({
    description: 'summaries, newest first, with totals per product code and nextCursor',
  })
  list(@Query() { limit, ...filters }: ListJointVenturesQuery) {
    return this.queries.list({ ...filters, limit: limit ?? DEFAULT_PAGE_SIZE });
  }

  @Get(':id')
  @ApiOkResponse({
    description: 'partners, shares, product lines with unit totals, IP results, milestones',
  })
  async detail(@JointVentureId() id: string) {
    return (await this.queries.get(id)) ?? notFound(id);
  }

  @Get(':id/timeline')
  @ApiOkResponse({ description: 'when each phase was entered and left, and how long it lasted' })
  async timeline(@JointVentureId() id: string) {
    const periods = await this.queries.timeline(id);
    return periods ? { id, periods } : notFound(id);
  }
}

function notFound(id: string): never {
  throw new JointVentureNotFoundError(id);
}
