import { EVENT_STORE, type EventStore } from '@app/event-store';
import { Consumers } from '@app/runtime';
import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';

/** Liveness and readiness: the event store answers, the projections run, notifications flow or are degraded. */
@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() private readonly consumers?: Consumers,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.eventStore(),
      () => this.projectionsHealth(),
      () => this.notificationsHealth(),
    ]);
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

  /**
   * An unreachable broker degrades notifications but not the service: commands are still
   * recorded, and the notifier catches up from its checkpoint once the broker is back.
   */
  private notificationsHealth() {
    const indicator = this.indicators.check('notifications');
    const status = this.consumers?.notifierStatus();
    if (!status) return indicator.up({ mode: 'off in this process' });
    const { name: _name, ...details } = status;
    return indicator.up({ ...details, state: details.degraded ? 'degraded' : 'ok' });
  }

  private projectionsHealth() {
    const indicator = this.indicators.check('projections');
    if (!this.consumers) return indicator.up({ mode: 'not hosted in this process' });
    const statuses = this.consumers.projectionStatus();
    const details = Object.fromEntries(statuses.map(({ name, ...status }) => [name, status]));
    const healthy = statuses.every((status) => status.running && status.lastError === null);
    return healthy ? indicator.up(details) : indicator.down(details);
  }
}
