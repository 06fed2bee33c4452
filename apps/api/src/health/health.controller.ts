import { EVENT_STORE, type EventStore } from '@app/event-store';
import { Consumers, IntegrityMonitor, STORAGE, type Identity, type Storage } from '@app/runtime';
import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { CurrentIdentity, Public } from '../auth/auth.decorators';

/**
 * Liveness, readiness and the details. Ready means what this process must do itself: serve
 * commands (the event store answers) and queries (the SQL database answers). Consumer trouble (a
 * lagging, failing or parking projection, an unreachable broker) shows as `degraded` in the
 * details and in the metrics, never as unready: it must not take the API out of a load balancer.
 * Anyone learns up or down; positions, counts and errors are for operators. An integrity alarm
 * (a broken chain, a changed or missing event, a tree that no longer matches a signed
 * checkpoint) turns an operator's status into `alarm`, naming the first broken item; the
 * service stays up and ready (reads go on, commands on the affected JV are refused).
 */
@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(STORAGE) private readonly storage: Storage,
    @Optional() private readonly consumers?: Consumers,
    @Optional() private readonly integrity?: IntegrityMonitor,
  ) {}

  @Get()
  @HealthCheck()
  check(@CurrentIdentity() identity?: Identity) {
    return this.forCaller(identity, [
      () => this.probe('eventStore', () => this.store.ping()),
      () => this.probe('database', () => this.storage.sql.ping()),
      () => this.consumersHealth(),
      () => this.integrityHealth(),
    ]);
  }

  @Get('ready')
  @HealthCheck()
  ready(@CurrentIdentity() identity?: Identity) {
    return this.forCaller(identity, [
      () => this.probe('eventStore', () => this.store.ping()),
      () => this.probe('database', () => this.storage.sql.ping()),
    ]);
  }

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Operators get the details; anyone else up (200) or down (503) only. */
  private async forCaller(
    identity: Identity | undefined,
    checks: Parameters<HealthCheckService['check']>[0],
  ): Promise<HealthCheckResult | Pick<HealthCheckResult, 'status'>> {
    const result = this.health.check(checks);
    if (identity?.actor.role === 'operator') {
      const details = await result;
      // From the integrity details of this very answer, so that status and first finding agree.
      return details.info?.integrity?.state === 'alarm'
        ? { ...details, status: 'alarm' as HealthCheckResult['status'] }
        : details;
    }
    try {
      return { status: (await result).status };
    } catch (error) {
      if (error instanceof ServiceUnavailableException)
        throw new ServiceUnavailableException('the service is not ready');
      throw error;
    }
  }

  private async probe(key: string, ping: () => Promise<void>) {
    const indicator = this.indicators.check(key);
    try {
      await ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: String(error) });
    }
  }

  /** Up whatever it found (the alarm is the operator's status); the first finding in the details. */
  private integrityHealth() {
    const indicator = this.indicators.check('integrity');
    if (!this.integrity) return indicator.up({ state: 'not monitored in this process' });
    const { state, first, findings, byCheck, lastRun } = this.integrity.status();
    return indicator.up({ state, findings, byCheck, ...(first && { first }), lastRun });
  }

  /** Up whatever the consumers' state: each one's role, checkpoint and trouble in the details. */
  private consumersHealth() {
    const indicator = this.indicators.check('consumers');
    if (!this.consumers) return indicator.up({ mode: 'not hosted in this process' });
    const statuses = [
      ...this.consumers.projectionStatus(),
      this.consumers.transparencyLogStatus(),
      ...(this.consumers.notifierStatus() ? [this.consumers.notifierStatus()!] : []),
      ...(this.consumers.checkpointPublisherStatus()
        ? [this.consumers.checkpointPublisherStatus()!]
        : []),
    ];
    const details = Object.fromEntries(
      statuses.map(({ name, ...status }) => [
        name,
        {
          ...status,
          state: status.degraded ? 'degraded' : status.role === 'standby' ? 'standby' : 'ok',
        },
      ]),
    );
    const degraded = statuses.some((status) => status.degraded);
    return indicator.up({ state: degraded ? 'degraded' : 'ok', ...details });
  }
}
