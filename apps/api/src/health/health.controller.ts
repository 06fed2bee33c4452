import { EVENT_STORE, type EventStore } from '@app/event-store';
import { Projections } from '@app/runtime';
import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';

/** Liveness and readiness: the event store answers, and the projections run without failing. */
@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() private readonly projections?: Projections,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.eventStore(), () => this.projectionsHealth()]);
  }

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  private async eventStore() {
    const indicator = this.indicators.check('eventStore');
    try {
      await this.store.ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: String(error) });
    }
  }

  private projectionsHealth() {
    const indicator = this.indicators.check('projections');
    if (!this.projections) return indicator.up({ mode: 'not hosted in this process' });
    const statuses = this.projections.status();
    const details = Object.fromEntries(statuses.map(({ name, ...status }) => [name, status]));
    const healthy = statuses.every((status) => status.running && status.lastError === null);
    return healthy ? indicator.up(details) : indicator.down(details);
  }
}
