import { inSpan, INTEGRITY_CHECKS, IntegrityMonitor, MetricsRegistry } from '@app/runtime';
import type { Attributes } from '@opentelemetry/api';
import { Controller, Get, Header, Inject, Injectable, Optional } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Access } from '../auth/auth.decorators';

/**
 * The API's own metrics, in the process's registry (beside the log and consumer metrics every
 * process reports): commands by type and outcome, HTTP requests by route and status, where
 * folded states came from, and the integrity monitor's open findings.
 */
@Injectable()
export class LedgerMetrics {
  readonly registry: Registry;
  readonly commands: Counter<'command' | 'outcome'>;
  readonly commandDuration: Histogram<'command'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly stateLoads: Counter<'reader' | 'source'>;
  readonly snapshotsWritten: Counter;

  constructor(
    @Optional() shared?: MetricsRegistry,
    @Optional() @Inject(IntegrityMonitor) integrity?: IntegrityMonitor,
  ) {
    this.registry = shared?.registry ?? new Registry();
    const registers = [this.registry];
    this.commands = new Counter({
      name: 'jv_commands_total',
      help: 'Commands handled, by command type and outcome (ok, or the error class).',
      labelNames: ['command', 'outcome'] as const,
      registers,
    });
    this.commandDuration = new Histogram({
      name: 'jv_command_duration_seconds',
      help: 'Time from dispatch to append (or refusal).',
      labelNames: ['command'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'jv_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status (its _count is the request rate).',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.stateLoads = new Counter({
      name: 'jv_state_loads_total',
      help: 'Folded states read, by reader (command, audit, prewarm) and source: the cache, a snapshot, or a replay of the stream.',
      labelNames: ['reader', 'source'] as const,
      registers,
    });
    this.snapshotsWritten = new Counter({
      name: 'jv_state_snapshots_written_total',
      help: 'State snapshots written (SNAPSHOT_EVERY).',
      registers,
    });
    new Gauge({
      name: 'jv_integrity_failures',
      help: 'Integrity findings open now, by check (0 for every check while everything holds).',
      labelNames: ['check'] as const,
      registers,
      collect() {
        if (!integrity) return;
        const { byCheck } = integrity.status();
        for (const check of INTEGRITY_CHECKS) this.set({ check }, byCheck[check] ?? 0);
      },
    });
  }

  /** Times a command and counts its outcome, in a span `command <type>` (when tracing is on). */
  async observe<T>(
    command: string,
    run: () => Promise<T>,
    attributes: Attributes = {},
  ): Promise<T> {
    const stop = this.commandDuration.startTimer({ command });
    try {
      const result = await inSpan(
        `command ${command}`,
        { 'jv.command': command, ...attributes },
        run,
      );
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

  /**
   * Observes every answer, refusals before Nest included (401, 413, 429): labelled with the
   * route's pattern, never the raw URL (ids would make a series per JV), `unmatched` for 404s.
   */
  recordHttp(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', async (request, reply) => {
      this.httpDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });
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
