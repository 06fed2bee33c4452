import { generateSignerKey } from '@app/transparency';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLedgerCli } from '../support/ledger-cli';
import {
  AUDITOR,
  establishInDevelopment,
  eventually,
  RU_MANAGER,
  startTestApp,
  type TestApp,
} from './support/test-app';

const ledger = runLedgerCli;

/**
 * The auditor's commands (issue 9 §6, §8): `ledger checkpoint`, `ledger export <id>` and
 * `ledger verify-bundle`, on the data folder of a running service, as the README's auditor
 * section runs them: a good bundle verifies (exit 0), a tampered copy fails naming the check.
 */
describe('ledger export, checkpoint and verify-bundle', () => {
  let testApp: TestApp;
  let env: Record<string, string>;
  let id: string;
  let verifierKey: string;
  let bundleFile: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    env = { DATA_DIR: testApp.dataDir, LOG_LEVEL: 'silent' };
    const manager = await testApp.as(RU_MANAGER);
    id = await establishInDevelopment(manager, 'CLI bundle JV');
    verifierKey = (
      (await (await testApp.as()).get('/transparency/keys')).body.keys[0] as {
        verifierKey: string;
      }
    ).verifierKey;
    const auditor = await testApp.as(AUDITOR);
    // The log has taken in both events once the API's export of them works.
    await eventually(async () =>
      expect((await auditor.get(`/joint-ventures/${id}/export`)).body.events).toHaveLength(2),
    );
    bundleFile = join(testApp.dataDir, 'bundle.json');
  });
  afterAll(() => testApp?.close());

  it('signs a checkpoint on demand', async () => {
    const run = await ledger(env, 'checkpoint');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const signed = JSON.parse(run.stdout);
    expect(signed).toMatchObject({ treeSize: 2 });
    expect(signed.note.startsWith(`${testApp.config.TRANSPARENCY_ORIGIN}\n2\n`)).toBe(true);
  }, 120_000);

  it('exports a bundle that verifies (exit 0), and names the failure in a tampered copy', async () => {
    const exported = await ledger(env, 'export', id);
    expect(exported.code).toBe(0);
    writeFileSync(bundleFile, exported.stdout);
    const good = await ledger(env, 'verify-bundle', bundleFile, '--trusted-key', verifierKey);
    expect(good.stdout).toMatch(/^VALID: 2 events of joint-venture-/);
    expect(good.code).toBe(0);

    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8'));
    const edited = structuredClone(bundle);
    edited.events[1].metadata.actor.subject = 'someone-else';
    const editedFile = join(testApp.dataDir, 'edited.json');
    writeFileSync(editedFile, JSON.stringify(edited));
    const bad = await ledger(env, 'verify-bundle', editedFile, '--trusted-key', verifierKey);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^INVALID \(hash\) at event 1/);

    const { verifierKey: stranger } = generateSignerKey(testApp.config.TRANSPARENCY_ORIGIN);
    const untrusted = await ledger(env, 'verify-bundle', bundleFile, '--trusted-key', stranger);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout).toMatch(/^INVALID \(signature\)/);
  }, 240_000);

  it('refuses a bad command line', async () => {
    const run = await ledger(env, 'export', 'not-a-uuid');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the id (a UUID) of a joint venture');
    const usage = await ledger(env, 'verify-bundle', bundleFile);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toMatch(/^usage: verify-bundle/);
  }, 120_000);
});
