/**
 * 2. Command throughput: N clients, each on its own JV, send RecordBatch over inject as fast as
 * their previous reply comes back, for a fixed time, with the embedded projector running.
 */
import { performance } from 'node:perf_hooks';
import { expectStatus, startBenchApp } from './support/bench-app';
import { batchBody, establishCommand } from './support/histories';
import { int, ms, perSecond, since, summarize, type Latencies } from './support/stats';
import type { Row } from './support/table';
import type { TempDirs } from './support/temp-dirs';

/** The stated target at synchronous=FULL on a 2-core machine. */
export const MIN_COMMANDS_PER_SECOND = 300;

export type ThroughputOptions = Readonly<{
  synchronous: 'FULL' | 'NORMAL';
  clients: number;
  durationMs: number;
}>;

export type ThroughputResult = Readonly<{
  options: ThroughputOptions;
  commands: number;
  elapsedMs: number;
  latencies: Latencies;
  /** How long the projections needed, after the load stopped, to reach the head of the log. */
  projectionLagMs: number;
}>;

export async function measureThroughput(
  dirs: TempDirs,
  options: ThroughputOptions,
): Promise<ThroughputResult> {
  const dir = dirs.make(`throughput-${options.synchronous}`);
  const app = await startBenchApp(dir, { SQLITE_SYNCHRONOUS: options.synchronous });
  try {
    const authorization = await app.bearer();
    const ids: string[] = [];
    for (let c = 0; c < options.clients; c++) {
      const { data } = establishCommand(`Throughput JV ${c}`);
      const created = expectStatus(
        await app.post('/joint-ventures', data, authorization),
        201,
        'EstablishJointVenture',
      );
      const id = (created.body as { id: string }).id;
      expectStatus(
        await app.post(`/joint-ventures/${id}/production/start`, {}, authorization),
        200,
        'StartProduction',
      );
      ids.push(id);
    }
    const send = (id: string, reference: string) =>
      app
        .post(`/joint-ventures/${id}/production/batches`, batchBody(reference), authorization)
        .then((reply) => expectStatus(reply, 200, `RecordBatch on ${id}`));

    for (let i = 0; i < 10; i++) await Promise.all(ids.map((id) => send(id, `WARM-${i}`)));
    await app.projectionsCaughtUp();

    const latencies: number[] = [];
    const start = performance.now();
    const deadline = start + options.durationMs;
    await Promise.all(
      ids.map(async (id) => {
        for (let i = 0; performance.now() < deadline; i++) {
          const sent = performance.now();
          await send(id, `LOAD-${i}`);
          latencies.push(since(sent));
        }
      }),
    );
    const elapsedMs = since(start);
    const drained = performance.now();
    await app.projectionsCaughtUp();
    return {
      options,
      commands: latencies.length,
      elapsedMs,
      latencies: summarize(latencies),
      projectionLagMs: since(drained),
    };
  } finally {
    await app.close();
    dirs.remove(dir);
  }
}

export function throughputRows(result: ThroughputResult): Row[] {
  const { synchronous, clients, durationMs } = result.options;
  const rate = perSecond(result.commands, result.elapsedMs);
  const setting = `sync=${synchronous}, ${clients} clients, ${durationMs / 1000} s`;
  const targeted = synchronous === 'FULL';
  return [
    {
      benchmark: '2. command throughput',
      setting,
      figure: `${int(rate)} commands/s (${int(result.commands)} in ${ms(result.elapsedMs)})`,
      target: targeted ? `>= ${MIN_COMMANDS_PER_SECOND}/s (2 cores)` : '(compare)',
      met: targeted ? rate >= MIN_COMMANDS_PER_SECOND : undefined,
    },
    {
      benchmark: '2. latency under load',
      setting,
      figure: `p50 ${ms(result.latencies.p50)} / p99 ${ms(result.latencies.p99)} / max ${ms(result.latencies.max)}`,
      target: '-',
    },
    {
      benchmark: '2. projection lag after load',
      setting,
      figure: ms(result.projectionLagMs),
      target: '-',
    },
  ];
}
