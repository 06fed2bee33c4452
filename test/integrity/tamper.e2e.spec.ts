/**
 * Issue 9, "Tests that must exist": each tamper scenario on a copy of a real ledger file that the
 * service made (SQLite), detected with the right reason by the offline verifier (a bundle served
 * after the tampering, checked against the proofs and checkpoint the auditor took before it) and
 * by the server's alarm (the service started on the tampered copy: /health, /metrics, and a 409
 * for commands on the affected JV that appends nothing).
 */
import { createSqliteKysely, openSqlite } from '@app/event-store';
import {
  loadConfig,
  localTokensOf,
  TRANSPARENCY,
  type AppConfig,
  type TransparencyLedger,
} from '@app/runtime';
import {
  KyselyLogStore,
  TransparencyLog,
  verifyBundle,
  type Bundle,
  type LogTables,
} from '@app/transparency';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kysely } from 'kysely';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../apps/api/src/create-app';
import {
  AUDITOR,
  batchBody,
  establishBody,
  eventually,
  OPERATOR,
  RU_MANAGER,
} from '../e2e/support/test-app';
import { runLedgerCli } from '../support/ledger-cli';
import { startKurrentDb } from '../services/kurrentdb';
import {
  bundleAfter,
  doubleTamperable,
  sqliteTamperable,
  type TamperableStore,
  TAMPER_SCENARIOS,
  type TamperContext,
} from './tamper';

type Running = Readonly<{
  app: NestFastifyApplication;
  config: AppConfig;
  send(
    method: 'GET' | 'POST',
    url: string,
    actor: typeof RU_MANAGER,
    body?: object,
  ): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}>;

/** The service on an existing data folder (the embedded default), through Fastify's inject. */
async function startOn(dataDir: string, env: Record<string, string>): Promise<Running> {
  const config = loadConfig({
    ...env,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'tamper-tests-secret-of-at-least-32-characters',
    // Signed by the test when it wants one, so that none lands between tamper and check.
    CHECKPOINT_INTERVAL_S: '86400',
    VERIFY_INTERVAL_S: '1',
  });
  const app = await createApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const tokens = localTokensOf(config, { createKey: false });
  return {
    app,
    config,
    send: async (method, url, actor, body) => {
      const response = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${await tokens.issue(actor)}` },
        ...(body === undefined ? {} : { payload: body }),
      });
      const json = String(response.headers['content-type'] ?? '').includes('json');
      return { status: response.statusCode, body: json ? response.json() : response.body };
    },
  };
}

/** A copy of the ledger as the service left it: its data folder and, elsewhere, its events. */
type LedgerCopy = Readonly<{
  dataDir: string;
  /** The service's settings for this copy (where its events are). */
  env: Record<string, string>;
  store: TamperableStore;
  /** Serves the tampered copy (a store that is a server starts only now). */
  open(): Promise<void>;
  close(): Promise<void>;
}>;

type Backend = Readonly<{
  name: string;
  /** Where the original ledger's events go; `copy` copies them with the data folder. */
  start(): Promise<{
    env: Record<string, string>;
    copy(dataDir: string): LedgerCopy;
    stop(): Promise<void>;
  }>;
  /** The CLI runs on the data folder alone: the SQLite ledger only. */
  cli: boolean;
}>;

const copyFolder = (from: string): string => {
  const copy = mkdtempSync(join(tmpdir(), 'jv-tampered-'));
  cpSync(from, copy, { recursive: true });
  return copy;
};

const SQLITE: Backend = {
  name: 'events in SQLite: a copy of the ledger file',
  cli: true,
  start: async () => ({
    env: {},
    copy: (from) => {
      const dataDir = copyFolder(from);
      return {
        dataDir,
        env: {},
        store: sqliteTamperable(join(dataDir, 'ledger.db')),
        open: async () => undefined,
        close: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
    stop: async () => undefined,
  }),
};

const KURRENTDB: Backend = {
  name: 'events in KurrentDB (the double): a copy of its log, tampered through its records',
  cli: false,
  start: async () => {
    const server = await startKurrentDb({ require: 'double' });
    const env = (url: string) => ({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: url });
    return {
      env: env(server.connectionString),
      copy: (from) => {
        const dataDir = copyFolder(from);
        const double = server.double!.clone();
        const copy = {
          dataDir,
          env: {} as Record<string, string>,
          store: doubleTamperable(double),
          open: async () => {
            await double.start();
            Object.assign(copy.env, env(double.connectionString));
          },
          close: async () => {
            await double.stop();
            rmSync(dataDir, { recursive: true, force: true });
          },
        };
        return copy;
      },
      stop: () => server.stop(),
    };
  },
};

describe.each([SQLITE, KURRENTDB].map((backend) => [backend.name, backend] as const))(
  'tampering with a ledger the service made, %s',
  (_name, backend) => {
    let events: Awaited<ReturnType<Backend['start']>>;
    let original: string;
    let before: Bundle;
    let trustedKey: string;
    let target: string;
    const copies: string[] = [];

    beforeAll(async () => {
      events = await backend.start();
      original = mkdtempSync(join(tmpdir(), 'jv-tamper-'));
      const service = await startOn(original, events.env);
      try {
        // Three JVs of five events each, interleaved in the log.
        const ids: string[] = [];
        for (const n of [1, 2, 3]) {
          const established = await service.send(
            'POST',
            '/joint-ventures',
            RU_MANAGER,
            establishBody({ name: `Tamper test JV ${n}` }),
          );
          expect(established.status).toBeLessThan(300);
          ids.push(established.body.id);
        }
        for (const id of ids)
          expect(
            (await service.send('POST', `/joint-ventures/${id}/production/start`, RU_MANAGER, {}))
              .status,
          ).toBeLessThan(300);
        for (const reference of ['B-1', 'B-2', 'B-3'])
          for (const id of ids) {
            const batch = batchBody({ batchReference: reference });
            expect(
              (
                await service.send(
                  'POST',
                  `/joint-ventures/${id}/production/batches`,
                  RU_MANAGER,
                  batch,
                )
              ).status,
            ).toBeLessThan(300);
          }
        [target] = ids;
        const transparency = service.app.get<TransparencyLedger>(TRANSPARENCY);
        await eventually(async () => expect((await transparency.log.state()).size).toBe(15));
        expect(await transparency.signNow()).toMatchObject({ treeSize: 15 });
        // What GET /joint-ventures/{id}/export serves (trust's TransparencyLedger.exportBundle).
        before = await transparency.exportBundle(target);
        trustedKey = transparency.keys.trusted()[0].key.text;
        expect(verifyBundle(before, [trustedKey])).toMatchObject({ valid: true, events: 5 });
        // Untampered, the server finds nothing.
        await eventually(async () => {
          const health = await service.send('GET', '/health', OPERATOR);
          expect(health.body.info.integrity).toMatchObject({ state: 'ok', findings: 0 });
          expect(health.body.status).toBe('ok');
        });
      } finally {
        await service.app.close();
      }
    });

    afterAll(async () => {
      for (const dir of [original, ...copies]) rmSync(dir, { recursive: true, force: true });
      await events?.stop();
    });

    (backend.cli ? it : it.skip)(
      'ledger verify --all and verify <jvId>: exit 0 on the ledger as made, 1 naming the first finding on a tampered copy, where projections:rebuild stops too',
      async () => {
        const env = { DATA_DIR: original, LOG_LEVEL: 'silent' };
        const clean = await runLedgerCli(env, 'verify', '--all');
        expect(clean.code).toBe(0);
        // Off a terminal: one JSON summary line.
        expect(JSON.parse(clean.stdout)).toMatchObject({
          operation: 'verify',
          done: 15,
          valid: true,
          findings: 0,
          checkpoints: 1,
        });

        const copy = mkdtempSync(join(tmpdir(), 'jv-tampered-'));
        copies.push(copy);
        cpSync(original, copy, { recursive: true });
        const store = sqliteTamperable(join(copy, 'ledger.db'));
        const streamId = `joint-venture-${target}`;
        const event = store.rows(streamId)[3];
        store.replace(streamId, 3, { ...event, data: { ...event.data, quantity: 1000 } });
        store.close();
        for (const args of [['--all'], [target]]) {
          const tampered = await runLedgerCli({ ...env, DATA_DIR: copy }, 'verify', ...args);
          expect(tampered.code).toBe(1);
          expect(tampered.stderr).toContain(`INVALID: hash at JV ${target}, version 3`);
          expect(JSON.parse(tampered.stdout)).toMatchObject({
            valid: false,
            first: { check: 'hash', streamId, revision: 3 },
          });
        }
        // projections:rebuild verifies as it goes: it stops there and builds nothing from it.
        const rebuild = await runLedgerCli({ ...env, DATA_DIR: copy }, 'rebuild-projections');
        expect(rebuild.code).toBe(1);
        expect(rebuild.stderr).toContain(`stopped at tampering: hash at JV ${target}, version 3`);
        expect(JSON.parse(rebuild.stdout)).toMatchObject({
          stopped: true,
          finding: { check: 'hash' },
        });
      },
    );

    it.each(TAMPER_SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
      '%s: named by the offline verifier and by the server',
      async (_name, scenario) => {
        const ledger = events.copy(original);
        const { store } = ledger;
        const file = join(ledger.dataDir, 'ledger.db');
        const connection = openSqlite(file);
        const db = createSqliteKysely(connection) as unknown as Kysely<LogTables>;
        const streamId = `joint-venture-${target}`;
        const context: TamperContext = {
          store,
          streamId,
          log: new TransparencyLog(new KyselyLogStore(db)),
          origin: loadConfig({ DATA_DIR: ledger.dataDir }).TRANSPARENCY_ORIGIN,
        };
        let expectedRevision: number | undefined;
        try {
          await scenario.tamper(context);
          expectedRevision = scenario.server.revision?.(context);
          // The offline verifier, given what the tampered ledger serves.
          const verdict = verifyBundle(JSON.parse(JSON.stringify(bundleAfter(before, store))), [
            trustedKey,
          ]);
          expect(verdict).toMatchObject({ valid: false, check: scenario.offline });
        } finally {
          await db.destroy();
          connection.close();
          store.close();
        }

        // The server, started on the tampered copy.
        await ledger.open();
        const service = await startOn(ledger.dataDir, ledger.env);
        try {
          const health = await eventually(async () => {
            const reply = await service.send('GET', '/health', OPERATOR);
            expect(reply.body.status).toBe('alarm');
            return reply.body;
          });
          const onCheckpoints = scenario.server.check.startsWith('checkpoint');
          expect(health.info.integrity.first).toMatchObject({
            check: scenario.server.check,
            streamId: onCheckpoints ? 'transparency-checkpoints' : streamId,
            ...(expectedRevision === undefined ? {} : { revision: expectedRevision }),
          });
          const metrics = await service.send('GET', '/metrics', OPERATOR);
          expect(metrics.body).toMatch(
            new RegExp(`jv_integrity_failures\\{check="${scenario.server.check}"\\} [1-9]`),
          );
          // Anyone else learns up or down only.
          const anonymous = await service.app.inject({ method: 'GET', url: '/health' });
          expect(anonymous.json()).toEqual({ status: 'ok' });
          if (!onCheckpoints) {
            const history = async () =>
              (
                await service.send(
                  'GET',
                  `/joint-ventures/${target}/history?after=-1&limit=100`,
                  AUDITOR,
                )
              ).body.items.length;
            const length = await history();
            const refused = await service.send(
              'POST',
              `/joint-ventures/${target}/production/batches`,
              RU_MANAGER,
              batchBody({ batchReference: 'B-after' }),
            );
            expect(refused.status).toBe(409);
            expect(refused.body).toMatchObject({
              type: 'https://jv-ledger.example/problems/integrity-alarm',
              check: health.info.integrity.first.check,
            });
            expect(await history()).toBe(length);
          }
        } finally {
          await service.app.close();
          await ledger.close();
        }
      },
    );
  },
);
