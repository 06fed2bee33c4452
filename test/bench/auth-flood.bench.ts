/**
 * 5. Unauthenticated flood: how many reads a legitimate client gets while anonymous (or badly
 * signed) clients post large, deeply nested JSON bodies to a command route. The API runs as a
 * child process (real TCP, its own event loop), so the attackers' cost lands on the server only.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { SignJWT } from 'jose';
import { startApiProcess, type ApiProcess } from '../e2e/support/api-process';
import type { Row } from './support/table';
import { int } from './support/stats';
import type { TempDirs } from './support/temp-dirs';

export type FloodOptions = Readonly<{
  attackers: number;
  durationMs: number;
  /** Size of each attacker's body: nested objects `{"a":{"a":...}}` up to about this many bytes. */
  bodyBytes: number;
}>;

type Phase = Readonly<{
  label: string;
  reads: number;
  readErrors: number;
  attacks: number;
  /** Status codes the attackers got, e.g. `401 x 812`. */
  attackStatuses: string;
  /** CPU seconds the API process used during the phase (Linux /proc), if known. */
  apiCpuSeconds?: number;
}>;

export type FloodResult = Readonly<{ options: FloodOptions; phases: readonly Phase[] }>;

const ISSUER = 'jv-ledger';
const AUDIENCE = 'jv-ledger-api';

function sign(secret: string, claims: Record<string, string>): Promise<string> {
  return new SignJWT({ role: claims.role, memberState: claims.memberState })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}

function nestedBody(bytes: number): Buffer {
  const depth = Math.floor((bytes - 1) / 6);
  return Buffer.from(`${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`);
}

/** User + system CPU seconds of a process so far, from /proc (Linux); undefined elsewhere. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Sends `body` again and again until `until`, counting replies by status. */
async function attack(
  api: ApiProcess,
  body: Buffer,
  authorization: string | undefined,
  until: number,
  statuses: Map<string, number>,
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL('/joint-ventures', api.baseUrl);
  try {
    while (Date.now() < until) {
      const status = await new Promise<string>((resolve) => {
        const req = request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': body.length,
              ...(authorization ? { authorization } : {}),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(String(res.statusCode)));
            res.on('error', () => resolve('reset'));
          },
        );
        // A server that answers before reading the body may close the connection.
        req.on('error', () => resolve('reset'));
        req.end(body);
      });
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  } finally {
    agent.destroy();
  }
}

/** Sequential GETs of one JV's detail until `until`. */
async function read(
  api: ApiProcess,
  path: string,
  authorization: string,
  until: number,
): Promise<{ reads: number; errors: number }> {
  let reads = 0;
  let errors = 0;
  while (Date.now() < until) {
    try {
      const response = await fetch(`${api.baseUrl}${path}`, {
        headers: { authorization },
        signal: AbortSignal.timeout(30_000),
      });
      await response.arrayBuffer();
      if (response.status === 200) reads += 1;
      else errors += 1;
    } catch {
      errors += 1;
    }
  }
  return { reads, errors };
}

export async function measureAuthFlood(
  dirs: TempDirs,
  options: FloodOptions,
  progress: (message: string) => void,
): Promise<FloodResult> {
  const jwtSecret = randomBytes(32).toString('base64url');
  // Rate limits off: the reader alone sends more than the default limits allow, and every
  // client here shares 127.0.0.1. The figure is what authentication before parsing buys.
  const api = await startApiProcess({
    dataDir: dirs.make('flood'),
    jwtSecret,
    env: { RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_SUBJECT: '0' },
  });
  try {
    const manager = `Bearer ${await sign(jwtSecret, { subject: 'bench-reader', role: 'program-manager', memberState: 'RU' })}`;
    const forged = `Bearer ${await sign(randomBytes(32).toString('base64url'), { subject: 'mallory', role: 'program-manager', memberState: 'RU' })}`;
    const created = await fetch(`${api.baseUrl}/joint-ventures`, {
      method: 'POST',
      headers: { authorization: manager, 'content-type': 'application/json' },
      body: JSON.stringify(floodTarget()),
    });
    if (created.status !== 201 && created.status !== 200)
      throw new Error(`establishing the bench JV: ${created.status} ${await created.text()}`);
    const path = `/joint-ventures/${((await created.json()) as { id: string }).id}`;
    const body = nestedBody(options.bodyBytes);

    const phases: Phase[] = [];
    const runPhase = async (label: string, authorization: string | null | undefined) => {
      progress(`  ${label}`);
      const until = Date.now() + options.durationMs;
      const statuses = new Map<string, number>();
      const cpuBefore = cpuSecondsOf(api.pid);
      const attackers =
        authorization === null
          ? []
          : Array.from({ length: options.attackers }, () =>
              attack(api, body, authorization, until, statuses),
            );
      const [reader] = await Promise.all([read(api, path, manager, until), ...attackers]);
      const cpuAfter = cpuSecondsOf(api.pid);
      phases.push({
        apiCpuSeconds:
          cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
        label,
        reads: reader.reads,
        readErrors: reader.errors,
        attacks: [...statuses.values()].reduce((a, b) => a + b, 0),
        attackStatuses: [...statuses].map(([status, n]) => `${status} x ${int(n)}`).join(', '),
      });
    };
    await runPhase('reader alone', null);
    await runPhase(`reader + ${options.attackers} anonymous posters`, undefined);
    await runPhase(`reader + ${options.attackers} badly signed posters`, forged);
    return { options, phases };
  } finally {
    await api.stop();
  }
}

function floodTarget() {
  return {
    name: 'Flood Bench JV',
    decision: { reference: 'BENCH-1', date: '2024-06-14' },
    purposes: ['production'],
    partners: [
      { enterpriseCode: 'RU-A', name: 'Alpha', memberState: 'RU', shareBasisPoints: 5000 },
      { enterpriseCode: 'BY-B', name: 'Beta', memberState: 'BY', shareBasisPoints: 5000 },
    ],
    productLines: [{ productCode: 'P-1', name: 'Product' }],
  };
}

export function floodRows({ options, phases }: FloodResult): Row[] {
  const alone = phases[0]?.reads ?? 0;
  const seconds = options.durationMs / 1000;
  const kib = Math.round(options.bodyBytes / 1024);
  return phases.map((phase, index) => ({
    benchmark: '5. reads under an unauthenticated flood',
    setting: phase.label,
    figure:
      `${int(phase.reads)} reads / ${seconds} s` +
      (phase.readErrors ? ` (${int(phase.readErrors)} failed)` : '') +
      (phase.apiCpuSeconds === undefined ? '' : `; API CPU ${phase.apiCpuSeconds.toFixed(1)} s`) +
      (index === 0
        ? ''
        : `; ${int(phase.attacks)} posts of ${kib} KiB answered (${phase.attackStatuses || 'none'})`),
    target: index === 0 ? '-' : '>= 50% of the reads alone',
    met: index === 0 ? undefined : phase.reads >= alone / 2,
  }));
}
