/**
 * The whole HTTP API on the embedded default, started in-process on a given data folder and
 * driven through Fastify's inject with real bearer tokens (as test/e2e/support/test-app.ts does).
 */
import type { Actor } from '@app/domain';
import { Consumers, loadConfig, type AppConfig } from '@app/runtime';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Database from 'better-sqlite3';
import { TokenService } from '../../../apps/api/src/auth/token.service';
import { createApp } from '../../../apps/api/src/create-app';
import { withTimeout } from './stats';

export const BENCH_MANAGER: Actor = {
  subject: 'bench-manager',
  role: 'program-manager',
  memberState: 'RU',
};

export type Reply = Readonly<{ status: number; body: unknown }>;

export type BenchApp = Readonly<{
  app: NestFastifyApplication;
  config: AppConfig;
  /** The bus behind the controllers: how seeding skips HTTP but not the command handler. */
  commands: CommandBus;
  /** `Bearer <token>` for the actor, signed with this app's key. */
  bearer(actor?: Actor): Promise<string>;
  post(url: string, body: unknown, authorization: string): Promise<Reply>;
  /** Resolves once every embedded projection has applied the whole log. */
  projectionsCaughtUp(): Promise<void>;
  close(): Promise<void>;
}>;

export async function startBenchApp(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<BenchApp> {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const app = await createApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const tokens = app.get(TokenService);

  return {
    app,
    config,
    commands: app.get(CommandBus),
    bearer: async (actor = BENCH_MANAGER) => `Bearer ${await tokens.issue(actor)}`,
    post: async (url, body, authorization) => {
      const response = await app.inject({
        method: 'POST',
        url,
        headers: { authorization },
        payload: body as object,
      });
      const type = String(response.headers['content-type'] ?? '');
      return {
        status: response.statusCode,
        body: type.includes('json') ? response.json() : response.body,
      };
    },
    projectionsCaughtUp: async () => {
      if (config.EMBEDDED_PROJECTOR !== 'true') return;
      const head = headPosition(config.databaseFile);
      if (head !== undefined)
        await withTimeout(
          app.get(Consumers).waitForProjections(head),
          120_000,
          'projections catching up',
        );
    },
    close: () => app.close(),
  };
}

/** Position of the last event in the log, read on a connection of its own. */
export function headPosition(file: string): bigint | undefined {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare('SELECT max(position) AS head FROM events').get() as {
      head: number | null;
    };
    return row.head === null ? undefined : BigInt(row.head);
  } finally {
    db.close();
  }
}

/** Throws with the problem details unless the reply has the expected status. */
export function expectStatus(reply: Reply, status: number, what: string): Reply {
  if (reply.status !== status)
    throw new Error(
      `${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`,
    );
  return reply;
}
