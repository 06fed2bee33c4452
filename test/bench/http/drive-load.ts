/**
 * The load generator of `npm run bench:http`, run as a process of its own so that it does not
 * share an event loop (or a core's worth of scheduling) with the server it measures. It reads a
 * `LoadPlan` as JSON from its first argument, drives autocannon for that long and prints one
 * `LoadResult` as JSON on stdout.
 */
import autocannon from 'autocannon';

export type LoadKind = 'own-jv' | 'contention' | 'mixed';

export type LoadPlan = Readonly<{
  baseUrl: string;
  kind: LoadKind;
  connections: number;
  seconds: number;
  /** JVs in production; connection n records batches on `jointVentures[n % length]`. */
  jointVentures: readonly string[];
  /** Bearer tokens: a programme manager of a partner state (commands), an auditor (history). */
  managerToken: string;
  auditorToken: string;
  /** Distinguishes batch references across runs on the same server. */
  runTag: string;
}>;

export type LoadResult = Readonly<{
  seconds: number;
  requests: number;
  commands: number;
  /** 2xx answers to commands. */
  commandsOk: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers by status. */
  statuses: Record<string, number>;
  /** Socket errors, timeouts included. */
  errors: number;
  timeouts: number;
}>;

type Context = { jointVenture?: string; queries?: number };

/** Of every five requests a connection sends in the mixed load, the fifth is a query. */
const MIXED_CYCLE = 5;

async function drive(plan: LoadPlan, counts: Counts) {
  let nextConnection = 0;
  let batch = 0;
  const jvOf = (context: Context) =>
    (context.jointVenture ??= plan.jointVentures[nextConnection++ % plan.jointVentures.length]);

  const command: autocannon.Request = {
    method: 'POST',
    setupRequest: (request, context: Context) => {
      batch += 1;
      return {
        ...request,
        path: `/joint-ventures/${jvOf(context)}/production/batches`,
        headers: {
          authorization: `Bearer ${plan.managerToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          productCode: 'MZKT-7930',
          quantity: 1 + (batch % 90),
          batchReference: `B-${plan.runTag}-${batch}`,
          producedOn: '2025-03-01',
        }),
      };
    },
    onResponse: (status) => counts.answer('command', status),
  };
  const query: autocannon.Request = {
    method: 'GET',
    setupRequest: (request, context: Context) => {
      const n = (context.queries = (context.queries ?? 0) + 1);
      const id = jvOf(context);
      const [path, token] =
        n % 3 === 0
          ? [`/joint-ventures?limit=20`, plan.managerToken]
          : n % 3 === 1
            ? [`/joint-ventures/${id}`, plan.managerToken]
            : [`/joint-ventures/${id}/history?after=-1&limit=20`, plan.auditorToken];
      return { ...request, method: 'GET', path, headers: { authorization: `Bearer ${token}` } };
    },
    onResponse: (status) => counts.answer('query', status),
  };
  const requests =
    plan.kind === 'mixed'
      ? [...Array<autocannon.Request>(MIXED_CYCLE - 1).fill(command), query]
      : [command];

  return autocannon({
    url: plan.baseUrl,
    connections: plan.connections,
    duration: plan.seconds,
    timeout: 10,
    requests,
  });
}

class Counts {
  commands = 0;
  commandsOk = 0;
  statuses: Record<string, number> = {};

  answer(kind: 'command' | 'query', status: number): void {
    const ok = status >= 200 && status < 300;
    if (kind === 'command') {
      this.commands += 1;
      if (ok) this.commandsOk += 1;
    }
    if (!ok) this.statuses[status] = (this.statuses[status] ?? 0) + 1;
  }
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2]) as LoadPlan;
  const counts = new Counts();
  const run = await drive(plan, counts);
  const result: LoadResult = {
    seconds: run.duration,
    requests: run.requests.total,
    commands: counts.commands,
    commandsOk: counts.commandsOk,
    p50Ms: run.latency.p50,
    p99Ms: run.latency.p99,
    statuses: counts.statuses,
    errors: run.errors,
    timeouts: run.timeouts,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
