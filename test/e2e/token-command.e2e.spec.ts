import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli-process';
import { startTestApp, type TestApp } from './support/test-app';

/** `npm run token` as the README runs it, without the build. */
const token = (env: Record<string, string>, ...args: string[]) => runCli(env, 'token', ...args);
const VIEWER_ARGS = ['--role', 'viewer', '--member-state', 'RU', '--subject', 'vera'];

/** The token command signs with the service's key, or fails saying where it looked (issue 8 §6). */
describe('npm run token', () => {
  let scratch: string;
  let testApp: TestApp | undefined;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'jv-token-'));
  });
  afterEach(async () => {
    await testApp?.close();
    testApp = undefined;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('never creates a key: without the service key it fails naming the path and the variables', async () => {
    const dataDir = join(scratch, 'elsewhere');
    const run = await token({ DATA_DIR: dataDir }, ...VIEWER_ARGS);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`no signing key at ${join(dataDir, 'jwt-signing.key')}`);
    expect(run.stderr).toMatch(/DATA_DIR.*JWT_SECRET/s);
    expect(existsSync(dataDir)).toBe(false);
  }, 90_000);

  it('prints the bare token signed with the key the service created, and says which on stderr', async () => {
    testApp = await startTestApp({ DATA_DIR: scratch });
    const run = await token({ DATA_DIR: scratch }, ...VIEWER_ARGS);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(run.stderr.trim()).toBe(
      `signed with the key in ${join(scratch, 'jwt-signing.key')} (DATA_DIR=${scratch})`,
    );
    const reply = await testApp.withToken(run.stdout.trim()).get('/joint-ventures');
    expect(reply.status).toBe(200);
  }, 90_000);

  it('signs with JWT_SECRET when it is set, and says so', async () => {
    const secret = 'an-example-secret-of-at-least-32-characters';
    testApp = await startTestApp({ JWT_SECRET: secret });
    const run = await token(
      { JWT_SECRET: secret, DATA_DIR: join(scratch, 'unused') },
      ...VIEWER_ARGS,
    );
    expect([run.code, run.stderr.trim()]).toEqual([0, 'signed with JWT_SECRET']);
    expect((await testApp.withToken(run.stdout.trim()).get('/joint-ventures')).status).toBe(200);
  }, 90_000);

  it('refuses what the service would refuse: an unknown member state, a lifetime over the maximum', async () => {
    testApp = await startTestApp({ DATA_DIR: scratch });
    const unknown = await token(
      { DATA_DIR: scratch },
      '--role',
      'viewer',
      '--member-state',
      'DE',
      '--subject',
      'x',
    );
    expect([unknown.code, unknown.stdout]).toEqual([2, '']);
    expect(unknown.stderr).toContain('--member-state must be one of AM, BY, KZ, KG, RU, TJ, CSTO');
    const tooLong = await token({ DATA_DIR: scratch }, ...VIEWER_ARGS, '--expires-in', '30d');
    expect([tooLong.code, tooLong.stdout]).toEqual([2, '']);
    expect(tooLong.stderr).toContain('AUTH_MAX_TOKEN_LIFETIME_SECONDS');
  }, 90_000);
});
