import type { Actor } from '@app/domain';
import { CHASSIS, establishment } from '@app/domain/testing';
import { loadConfig, localTokensOf, type AppConfig } from '@app/runtime';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../../apps/api/src/create-app';
import { GENEROUS_WAIT_MS, waitUntil } from '../../support/wait';

export type Reply = Readonly<{ status: number; body: any; headers: Record<string, unknown> }>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type Client = Readonly<{
  get(url: string, headers?: Record<string, string>): Promise<Reply>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  put(url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
}>;

export type TestApp = Readonly<{
  app: NestFastifyApplication;
  config: AppConfig;
  dataDir: string;
  /** A client sending a bearer token for this actor (or none); AUTH_MODE=local. */
  as(actor?: Actor): Promise<Client>;
  /** A client sending this bearer token. */
  withToken(token: string): Client;
  /** A client sending raw requests, for headers and bodies a well-behaved client would not send. */
  raw(options: Parameters<NestFastifyApplication['inject']>[0]): Promise<Reply>;
  close(): Promise<void>;
}>;

/** The whole HTTP API on the embedded default, on a fresh data folder, through Fastify's inject. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jv-e2e-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const app = await createApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  // Signed with the key the service created in its data folder, as `npm run token` signs
  // (AUTH_MODE=local only: with oidc, tests sign with their identity providers).
  const tokens = config.AUTH_MODE === 'local' ? localTokensOf(config, { createKey: false }) : null;

  const raw = async (options: Parameters<NestFastifyApplication['inject']>[0]): Promise<Reply> => {
    const response = await app.inject(options);
    const type = String(response.headers['content-type'] ?? '');
    const body = type.includes('json') ? response.json() : response.body;
    return { status: response.statusCode, body, headers: response.headers };
  };

  const client = (auth: Record<string, string>): Client => {
    const send =
      (method: 'GET' | 'POST' | 'PUT') =>
      (url: string, body?: unknown, headers: Record<string, string> = {}) =>
        raw({
          method,
          url,
          headers: { ...auth, ...headers },
          ...(body === undefined ? {} : { payload: body as object }),
        });
    return {
      get: (url, headers) => send('GET')(url, undefined, headers),
      post: send('POST'),
      put: send('PUT'),
    };
  };
  const as = async (actor?: Actor): Promise<Client> => {
    if (!actor) return client({});
    if (!tokens) throw new Error('as(actor) signs AUTH_MODE=local tokens only');
    return client({ authorization: `Bearer ${await tokens.issue(actor)}` });
  };

  return {
    app,
    config,
    dataDir,
    as,
    withToken: (token) => client({ authorization: `Bearer ${token}` }),
    raw,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Retries an assertion until it passes: read models follow the log asynchronously. Bounded by
 * time, generously (a loaded machine is slow, a passing run never waits for the bound).
 */
export function eventually<T>(
  check: () => Promise<T>,
  { timeoutMs = GENEROUS_WAIT_MS }: Readonly<{ timeoutMs?: number }> = {},
): Promise<T> {
  return waitUntil(async () => ({ value: await check() }), {
    what: 'an assertion to pass',
    timeoutMs,
    pollMs: 50,
  }).then(({ value }) => value);
}

export const RU_MANAGER: Actor = { subject: 'alice', role: 'program-manager', memberState: 'RU' };
export const BY_MANAGER: Actor = { subject: 'boris', role: 'program-manager', memberState: 'BY' };
export const KZ_MANAGER: Actor = { subject: 'aigerim', role: 'program-manager', memberState: 'KZ' };
/** The commission's auditor (COMMISSION_MEMBER_STATE's default): sees every JV. */
export const AUDITOR: Actor = { subject: 'olga', role: 'auditor', memberState: 'CSTO' };
/** A viewer of RU, a partner state of the canonical JV (`establishBody`). */
export const VIEWER: Actor = { subject: 'vera', role: 'viewer', memberState: 'RU' };
export const OPERATOR: Actor = { subject: 'otto', role: 'operator', memberState: 'KG' };

/** The canonical JV's establishment as an HTTP body (`@app/domain/testing`). */
export function establishBody(overrides: Record<string, unknown> = {}) {
  return { ...establishment(), ...overrides };
}

/** Establishes the canonical JV under `name` and starts its development: two events. */
export async function establishInDevelopment(manager: Client, name: string): Promise<string> {
  const created = await manager.post('/joint-ventures', establishBody({ name }));
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  expect((await manager.post(`/joint-ventures/${id}/development/start`, {})).status).toBe(200);
  return id;
}

/** A production batch of the JV that `establishBody` sets up. */
export function batchBody(overrides: Record<string, unknown> = {}) {
  return {
    productCode: CHASSIS,
    quantity: 1,
    batchReference: 'B-1',
    producedOn: '2025-01-01',
    ...overrides,
  };
}
