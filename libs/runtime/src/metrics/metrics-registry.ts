import { JOINT_VENTURE_STREAM_PREFIX } from '@app/domain';
import { SqlDeadLetterStore, SqlLeaseStore } from '@app/event-store';
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { STORAGE } from '../storage/storage.module';
import type { Storage } from '../storage/open-storage';
import { LogBacklog } from './log-backlog';

/** A sample is shared by the gauges of one scrape (prom-client collects them together). */
const SAMPLE_REUSE_MS = 250;

type Sample = Readonly<{
  head: bigint | undefined;
  consumers: readonly Readonly<{
    consumer: string;
    checkpoint: bigint | undefined;
    lagEvents: number;
    lagSeconds: number;
  }>[];
  leases: readonly Readonly<{ consumer: string; holder: string; epoch: number }>[];
  deadLetters: readonly Readonly<{ consumer: string; status: string; count: number }>[];
}>;

/**
 * The process's Prometheus registry, with what every process of a deployment reports alike,
 * read from the shared storage at each scrape: the head of the log, each consumer's checkpoint,
 * lag (events and seconds), lease holder and dead letters. The API adds HTTP and command
 * metrics, the consumers of a process their role and the notifier's publishing.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly backlog: LogBacklog;
  private sample: { at: number; value: Promise<Sample> } | undefined;

  constructor(@Inject(STORAGE) private readonly storage: Storage) {
    collectDefaultMetrics({ register: this.registry });
    this.backlog = new LogBacklog(storage.events, { streamPrefix: JOINT_VENTURE_STREAM_PREFIX });
    const sampled = (
      name: string,
      help: string,
      labelNames: readonly string[],
      set: (gauge: Gauge, sample: Sample) => void,
    ) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        collect: async function (this: Gauge) {
          this.reset();
          set(this, await sampleOf());
        },
      });
    const sampleOf = () => this.sampled();
    sampled(
      'jv_log_head_position',
      'Global position of the last joint-venture event in the log.',
      [],
      (g, s) => {
        if (s.head !== undefined) g.set(Number(s.head));
      },
    );
    sampled(
      'jv_consumer_checkpoint_position',
      'Global position of the last event each consumer finished.',
      ['consumer'],
      (g, s) => {
        for (const c of s.consumers)
          if (c.checkpoint !== undefined) g.set({ consumer: c.consumer }, Number(c.checkpoint));
      },
    );
    sampled(
      'jv_consumer_lag_events',
      "Events in the log after the consumer's checkpoint.",
      ['consumer'],
      (g, s) => {
        for (const c of s.consumers) g.set({ consumer: c.consumer }, c.lagEvents);
      },
    );
    sampled(
      'jv_consumer_lag_seconds',
      'Age of the oldest event the consumer has not finished (0 when caught up).',
      ['consumer'],
      (g, s) => {
        for (const c of s.consumers) g.set({ consumer: c.consumer }, c.lagSeconds);
      },
    );
    sampled(
      'jv_consumer_lease_epoch',
      'Fencing epoch of the live lease of each consumer, labelled with the process holding it.',
      ['consumer', 'holder'],
      (g, s) => {
        for (const l of s.leases) g.set({ consumer: l.consumer, holder: l.holder }, l.epoch);
      },
    );
    sampled(
      'jv_consumer_dead_letters',
      'Dead letters per consumer and status (failed, waiting, retry, skipped).',
      ['consumer', 'status'],
      (g, s) => {
        for (const d of s.deadLetters) g.set({ consumer: d.consumer, status: d.status }, d.count);
      },
    );
  }

  private sampled(): Promise<Sample> {
    const now = Date.now();
    if (!this.sample || now - this.sample.at > SAMPLE_REUSE_MS) {
      const value = this.takeSample();
      // A failed read is not kept: the next scrape tries again.
      value.catch(() => (this.sample = undefined));
      this.sample = { at: now, value };
    }
    return this.sample.value;
  }

  private async takeSample(): Promise<Sample> {
    const { readModels, checkpoints } = this.storage;
    const [positions, leases, deadLetters] = await Promise.all([
      checkpoints.all(),
      new SqlLeaseStore(readModels).all(),
      new SqlDeadLetterStore(readModels).counts(),
    ]);
    // A consumer that holds a lease but has finished nothing yet lags from the start.
    const names = new Set([...positions.keys(), ...leases.map((lease) => lease.consumer)]);
    const all = [...names].map((name) => positions.get(name));
    const floor = all.some((p) => p === undefined)
      ? undefined
      : (all as bigint[]).reduce((a, b) => (a < b ? a : b), all[0] as bigint);
    await this.backlog.refresh(floor);
    const now = Date.now();
    return {
      head: this.backlog.headPosition,
      consumers: [...names].map((consumer) => {
        const checkpoint = positions.get(consumer);
        const lag = this.backlog.lag(checkpoint);
        return { consumer, checkpoint, lagEvents: lag.events, lagSeconds: lag.seconds };
      }),
      leases: leases.filter((lease) => lease.expiresAt > now),
      deadLetters,
    };
  }
}

/** The registry for every module of an app (global, like the storage it reads). */
@Global()
@Module({ providers: [MetricsRegistry], exports: [MetricsRegistry] })
export class MetricsModule {}
