import { Consumers, INTEGRITY_CHECKS, IntegrityMonitor } from '@app/runtime';
import { Controller, Get, Header, Inject, Injectable, Optional } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Access } from '../auth/auth.decorators';

/** Prometheus metrics of this process: commands by type and outcome, projection checkpoints. */
@Injectable()
export class LedgerMetrics {
  readonly registry = new Registry();
  readonly commands = new Counter({
    name: 'jv_commands_total',
    help: 'Commands handled, by command type and outcome (ok, or the error class).',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly commandDuration = new Histogram({
    name: 'jv_command_duration_seconds',
    help: 'Time from dispatch to append (or refusal).',
    labelNames: ['command'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly stateLoads = new Counter({
    name: 'jv_state_loads_total',
    help: 'Folded states read, by reader (command, audit, prewarm) and source: the cache, a snapshot, or a replay of the stream.',
    labelNames: ['reader', 'source'] as const,
    registers: [this.registry],
  });
  readonly snapshotsWritten = new Counter({
    name: 'jv_state_snapshots_written_total',
    help: 'State snapshots written (SNAPSHOT_EVERY).',
    registers: [this.registry],
  });

  constructor(
    @Optional() @Inject(Consumers) consumers?: Consumers,
    @Optional() @Inject(IntegrityMonitor) integrity?: IntegrityMonitor,
  ) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'jv_integrity_failures',
      help: 'Integrity findings open now, by check (0 for every check while everything holds).',
      labelNames: ['check'] as const,
      registers: [this.registry],
      collect() {
        if (!integrity) return;
        const { byCheck } = integrity.status();
        for (const check of INTEGRITY_CHECKS) this.set({ check }, byCheck[check] ?? 0);
      },
    });
    new Gauge({
      name: 'jv_projection_checkpoint',
      help: 'Global position of the last event each projection applied.',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      collect() {
        for (const status of consumers?.projectionStatus() ?? [])
          if (status.checkpoint !== null)
            this.set({ projection: status.name }, Number(status.checkpoint));
      },
    });
    new Gauge({
      name: 'jv_transparency_log_checkpoint',
      help: 'Global position of the last event the transparency log took in as a leaf.',
      registers: [this.registry],
      collect() {
        const checkpoint = consumers?.transparencyLogStatus().checkpoint;
        if (checkpoint != null) this.set(Number(checkpoint));
      },
    });
  }

  /** Times a command and counts its outcome. */
  async observe<T>(command: string, run: () => Promise<T>): Promise<T> {
    const stop = this.commandDuration.startTimer({ command });
    try {
      const result = await run();
      this.commands.inc({ command, outcome: 'ok' });
      return result;
    } catch (error) {
      this.commands.inc({
        command,
        outcome: error instanceof Error ? error.constructor.name : 'unknown',
      });
      throw error;
    } finally {
      stop();
    }
  }
}

@ApiTags('operations')
@ApiBearerAuth()
@Controller('metrics')
@Access('operate')
export class MetricsController {
  constructor(private readonly metrics: LedgerMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4')
  @ApiOkResponse({ description: 'Prometheus text format; needs an operator token' })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
