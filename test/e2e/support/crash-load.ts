/**
 * Load over real HTTP that ends in a SIGKILL: concurrent workers establish JVs, start their
 * production and record batches, and the API process is killed right after the n-th 2xx
 * while the other workers' requests are still on the wire.
 */
import type { ApiProcess } from './api-process';
import { establishBody } from './test-app';

export type HttpReply = Readonly<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One JSON request (with a bearer token unless it is undefined); rejects on connection errors and after `timeoutMs`. */
export async function request(
  baseUrl: string,
  token: string | undefined,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = 60_000,
): Promise<HttpReply> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text for the failure message.
  }
  return { status: response.status, body: parsed };
}

/** A command the API answered with a 2xx, and the event it says it recorded. */
export type Ack = Readonly<{
  id: string;
  version: number;
  type: 'JointVentureEstablished' | 'ProductionStarted' | 'BatchProduced';
  batch?: Readonly<{ quantity: number; batchReference: string }>;
}>;

export type CrashLoadReport = Readonly<{
  acks: readonly Ack[];
  /** Acknowledged when the SIGKILL was sent; later 2xx had left the server before it died. */
  ackedBeforeKill: number;
  /** Requests on the wire when the SIGKILL was sent. */
  inFlightAtKill: number;
  /** Requests that failed with a connection error: unacknowledged, landed or not. */
  cut: number;
  killed: boolean;
  /** Non-2xx answers and errors before the kill: none are expected from this load. */
  unexpected: readonly string[];
}>;

export type CrashLoadOptions = Readonly<{
  api: ApiProcess;
  /** One token per worker, round robin (programme managers of a partner state). */
  tokens: readonly string[];
  workers: number;
  killAfterAcks: number;
  batchesPerJointVenture: number;
  /** Makes JV names unique to this run. */
  runTag: string;
}>;

export async function driveLoadUntilKilled(options: CrashLoadOptions): Promise<CrashLoadReport> {
  const { api, tokens, workers, killAfterAcks, batchesPerJointVenture, runTag } = options;
  const acks: Ack[] = [];
  const unexpected: string[] = [];
  let killed = false;
  let inFlight = 0;
  let inFlightAtKill = 0;
  let ackedBeforeKill = 0;
  let cut = 0;

  const acknowledge = (ack: Ack) => {
    acks.push(ack);
    if (killed || acks.length < killAfterAcks) return;
    // Synchronously, right after the 2xx: every other live worker has a request on the wire.
    killed = true;
    ackedBeforeKill = acks.length;
    inFlightAtKill = inFlight;
    api.kill('SIGKILL');
  };

  /** The reply when it is a 2xx; undefined (and the worker stops) otherwise. */
  const send = async (
    token: string,
    path: string,
    body: unknown,
  ): Promise<HttpReply | undefined> => {
    if (killed) return undefined;
    inFlight += 1;
    let reply: HttpReply;
    try {
      reply = await request(api.baseUrl, token, 'POST', path, body);
    } catch (error) {
      if (killed) cut += 1;
      else unexpected.push(`POST ${path}: ${String(error)}`);
      return undefined;
    } finally {
      inFlight -= 1;
    }
    if (reply.status >= 200 && reply.status < 300) return reply;
    unexpected.push(`POST ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return undefined;
  };

  const worker = async (index: number) => {
    const token = tokens[index % tokens.length];
    for (let n = 0; !killed; n += 1) {
      const name = `Crash ${runTag} worker ${index} venture ${n}`;
      const created = await send(token, '/joint-ventures', establishBody({ name }));
      if (!created) return;
      const id: string = created.body.id;
      acknowledge({ id, version: created.body.version, type: 'JointVentureEstablished' });

      const jv = `/joint-ventures/${id}`;
      const started = await send(token, `${jv}/production/start`, {});
      if (!started) return;
      acknowledge({ id, version: started.body.version, type: 'ProductionStarted' });

      for (let b = 0; b < batchesPerJointVenture; b += 1) {
        const batch = {
          quantity: 1 + ((index * 37 + n * 11 + b * 7) % 90),
          batchReference: `B-${index}-${n}-${b}`,
        };
        const recorded = await send(token, `${jv}/production/batches`, {
          productCode: 'MZKT-7930',
          producedOn: '2025-03-01',
          ...batch,
        });
        if (!recorded) return;
        acknowledge({ id, version: recorded.body.version, type: 'BatchProduced', batch });
      }
    }
  };

  await Promise.all(Array.from({ length: workers }, (_, index) => worker(index)));
  return { acks, ackedBeforeKill, inFlightAtKill, cut, killed, unexpected };
}
