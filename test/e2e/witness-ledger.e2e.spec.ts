/**
 * `ledger witness --ledger-url` against running services, as a ministry runs it beside the
 * ledger: it polls GET /transparency/checkpoint with an auditor's token, fetches the consistency
 * proof from the kept size, keeps what extends its checkpoint, and refuses with exit 3 a ledger
 * that shows a different history under the same signing key (an insider's rewritten copy).
 */
import type { Actor } from '@app/domain';
import { establishment } from '@app/domain/testing';
import { loadConfig, localTokensOf } from '@app/runtime';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLedgerCli } from '../support/ledger-cli';
import { startApiProcess, type ApiProcess } from './support/api-process';
import { AUDITOR, OPERATOR, RU_MANAGER } from './support/test-app';

type Ledger = Readonly<{ api: ApiProcess; tokenOf(actor: Actor): Promise<string> }>;

async function startLedger(dataDir: string, env: Record<string, string> = {}): Promise<Ledger> {
  const jwtSecret = randomBytes(32).toString('base64url');
  const tokens = localTokensOf(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: jwtSecret }), {
    createKey: false,
  });
  const api = await startApiProcess({
    dataDir,
    jwtSecret,
    env: { CHECKPOINT_INTERVAL_S: '86400', ...env }, // checkpoints signed by the test only
  });
  return { api, tokenOf: (actor) => tokens.issue(actor) };
}

async function call(ledger: Ledger, actor: Actor, method: string, path: string, body?: unknown) {
  const response = await fetch(`${ledger.api.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await ledger.tokenOf(actor)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

const recorded = new Map<Ledger, number>();

/** Records `count` JVs (one event each) and signs a checkpoint once the log holds them all. */
async function growAndSign(ledger: Ledger, count: number): Promise<{ treeSize: number }> {
  for (let i = 0; i < count; i += 1)
    await call(ledger, RU_MANAGER, 'POST', '/joint-ventures', {
      ...establishment(),
      name: `Witnessed ${randomUUID()}`,
    });
  const events = (recorded.get(ledger) ?? 0) + count;
  recorded.set(ledger, events);
  for (;;) {
    // 409 while the log is still empty; a smaller tree while it catches up.
    const checkpoint = await call(ledger, OPERATOR, 'POST', '/transparency/checkpoints').catch(
      (error: Error) => {
        if (error.message.includes(': 409 ')) return { treeSize: 0 };
        throw error;
      },
    );
    if (checkpoint.treeSize >= events) return checkpoint;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('ledger witness --ledger-url', () => {
  let scratch: string;
  let honest: Ledger;
  let rewritten: Ledger | undefined;
  let trustedKey: string;
  let stateDir: string;
  const witnessOf = async (ledger: Ledger) =>
    runLedgerCli(
      {},
      'witness',
      ...['--state-dir', stateDir, '--trusted-key', trustedKey, '--once'],
      ...['--ledger-url', ledger.api.baseUrl, '--token', await ledger.tokenOf(AUDITOR)],
    );

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'jv-witness-e2e-'));
    stateDir = join(scratch, 'ministry-am');
    honest = await startLedger(join(scratch, 'honest'));
    const keys = (await (await fetch(`${honest.api.baseUrl}/transparency/keys`)).json()) as {
      keys: { verifierKey: string }[];
    };
    trustedKey = keys.keys[0].verifierKey;
  });
  afterAll(async () => {
    await honest?.api.stop();
    await rewritten?.api.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('keeps the first checkpoint, then each one that extends it, across restarts of the witness', async () => {
    const first = await growAndSign(honest, 2);
    const firstRun = await witnessOf(honest);
    expect(firstRun).toMatchObject({ code: 0 });
    expect(firstRun.stdout).toContain(`size ${first.treeSize} `);
    expect(firstRun.stdout).toContain('(first checkpoint kept)');

    const second = await growAndSign(honest, 3);
    const secondRun = await witnessOf(honest);
    expect(secondRun).toMatchObject({ code: 0 });
    expect(secondRun.stdout).toContain(`size ${second.treeSize} `);
    expect(secondRun.stdout).toContain(`(extends ${first.treeSize})`);

    // Nothing new: nothing accepted, the same checkpoint kept.
    const idle = await witnessOf(honest);
    expect(idle).toMatchObject({ code: 0 });
    expect(idle.stdout).not.toContain('accepted');
    const kept = JSON.parse(readFileSync(join(stateDir, 'checkpoint.json'), 'utf8')).note;
    expect(kept.split('\n')[1]).toBe(String(second.treeSize));
  });

  it('refuses with exit 3 a ledger that signs another history with the same key', async () => {
    const kept = readFileSync(join(stateDir, 'checkpoint.json'), 'utf8');
    // The same signing key and key list, a data folder of its own: a rewritten ledger.
    const honestDir = join(scratch, 'honest');
    rewritten = await startLedger(join(scratch, 'rewritten'), {
      LEDGER_SIGNING_KEY_FILE: join(honestDir, 'transparency-signing.key'),
      LEDGER_KEY_LIST_FILE: join(honestDir, 'transparency-keys.json'),
    });
    await growAndSign(rewritten, 8);

    const run = await witnessOf(rewritten);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('REFUSED (forked)');
    expect(readFileSync(join(stateDir, 'checkpoint.json'), 'utf8')).toBe(kept);
    expect(readdirSync(join(stateDir, 'refused'))).toHaveLength(1);
  });

  it('names a token the ledger refuses and exits 1, keeping what it had', async () => {
    const run = await runLedgerCli(
      {},
      'witness',
      ...['--state-dir', stateDir, '--trusted-key', trustedKey, '--once'],
      ...['--ledger-url', honest.api.baseUrl, '--token', 'not-a-token'],
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('GET transparency/checkpoint: 401');
  });
});
