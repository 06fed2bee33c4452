import { EVENT_STORE, type EventStore } from '@app/event-store';
import { Notifications, Projections } from '@app/runtime';
import type { Identity } from '@app/runtime';
import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { CurrentIdentity, Public } from '../auth/auth.decorators';

/**
 * Liveness and readiness: the event store answers, the projections run, notifications flow or
 * are degraded. Anyone learns up or down; positions, counts and errors are for operators.
 */
@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() private readonly projections?: Projections,
    @Optional() private readonly notifications?: Notifications,
  ) {}

  @Get()
  @HealthCheck()
  async check(@CurrentIdentity() identity?: Identity) {
    const checks = this.health.check([
      () => this.eventStore(),
      () => this.projectionsHealth(),
      () => this.notificationsHealth(),
    ]);
    if (identity?.actor.role === 'operator') return checks;
    try {
      return { status: (await checks).status };
    } catch (error) {
      if (error instanceof ServiceUnavailableException)
        throw new ServiceUnavailableException('the service is not ready');
      throw error;
    }
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
    if (!this.notifications) return indicator.up({ mode: 'off in this process' });
    const { name: _name, ...status } = this.notifications.status();
    return indicator.up({ ...status, state: status.degraded ? 'degraded' : 'ok' });
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
