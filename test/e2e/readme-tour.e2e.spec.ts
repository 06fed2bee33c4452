/**
 * The README's "A tour with curl", run as a newcomer runs it: its bash block, taken from
 * README.md as it is, against a real API process on a fresh data folder, with tokens from
 * `npm run -s token` given the server's DATA_DIR and JWT_SECRET. The README and the code cannot
 * drift apart without this failing.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiProcess, type ApiProcess } from './support/api-process';
import { eventually } from './support/test-app';

const REPO_ROOT = join(__dirname, '..', '..');
/**
 * The tour's own count: establishment, then 21 recorded events up to the closing disposal (the
 * correction records two), and for each of the five shared-control changes its proposal and
 * approval (APPROVALS=on).
 */
const TOUR_EVENTS = 32;

/** The first bash block under the README's tour heading. */
function tourScript(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A tour with curl'));
  const block = /```bash\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md has no bash block under "## A tour with curl"');
  return block[1];
}

/** The bash block of the README's section for auditors, run after the tour (its $API, $AUDITOR, $ID). */
function auditorScript(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## For auditors: how to verify without trusting us'),
  );
  const block = /```bash\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md has no bash block under "## For auditors"');
  return block[1];
}

/** `output` holds stdout and stderr interleaved, as a terminal shows them; `stdout` alone too. */
type Run = Readonly<{ code: number | null; output: string; stdout: string }>;

/** Runs a command in the repository's folder with only the given environment (and PATH, HOME). */
function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output, stdout }));
  });
}

describe('the README tour', () => {
  const jwtSecret = randomBytes(24).toString('hex');
  let workDir: string;
  let api: ApiProcess;
  let serverEnv: Record<string, string>;

  /** Runs `script` as the tour runs: bash, the server's DATA_DIR and JWT_SECRET, its own TMPDIR. */
  const runTour = (script: string, name: string) => {
    const file = join(workDir, `${name}.sh`);
    writeFileSync(file, script);
    const temp = mkdtempSync(join(workDir, `${name}-tmp-`));
    return run('bash', [file], { ...serverEnv, API: api.baseUrl, TMPDIR: temp }).then((result) => ({
      ...result,
      temp,
    }));
  };

  const auditorGet = async (path: string) => {
    const token = await run(
      'node',
      [
        'dist/apps/cli/src/main.js',
        'token',
        '--role',
        'auditor',
        '--member-state',
        'CSTO',
        '--subject',
        'tour-check',
      ],
      serverEnv,
    );
    expect(token.code).toBe(0);
    const response = await fetch(`${api.baseUrl}${path}`, {
      // The token command says on stderr which key signed; stdout is the bare token.
      headers: { authorization: `Bearer ${token.stdout.trim()}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'jv-tour-'));
    serverEnv = { DATA_DIR: join(workDir, 'data'), JWT_SECRET: jwtSecret };
    // The tour's `npm run token` builds first if the build is stale: do it here, with its own
    // bound, so that the tour below is timed on its steps alone.
    const build = await run('node', ['apps/cli/scripts/ensure-build.js'], {});
    if (build.code !== 0) throw new Error(`the build failed:\n${build.output}`);
    // As the tour says to start it: with shared control on.
    api = await startApiProcess({
      dataDir: serverEnv.DATA_DIR,
      jwtSecret,
      env: { APPROVALS: 'on' },
    });
  });

  afterAll(async () => {
    await api?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('runs to the end, records the whole lifecycle, and writes nothing into the repository', async () => {
    const rootBefore = readdirSync(REPO_ROOT).sort();
    const tour = await runTour(tourScript(), 'tour');
    expect({ code: tour.code, output: tour.output }).toEqual({
      code: 0,
      output: expect.any(String),
    });

    // The deliberately refused step answered 409 with the phase it was refused in.
    expect(tour.output).toMatch(/"status":409.*"currentPhase":"closed".* 409\n/);
    // What the tour recorded: one JV, closed, with the full history and a valid chain.
    const list = (await eventually(async () => {
      const page = await auditorGet('/joint-ventures?phase=closed');
      expect(page.items).toHaveLength(1);
      return page;
    })) as { items: { id: string; phase: string }[] };
    const id = list.items[0].id;
    const history = (await auditorGet(`/joint-ventures/${id}/history?after=-1&limit=100`)) as {
      items: { version: number; type: string }[];
    };
    expect(history.items.map((event) => event.version)).toEqual([...Array(TOUR_EVENTS).keys()]);
    expect(history.items.at(-1)?.type).toBe('DisposalCompleted');
    expect(history.items.filter((event) => event.type === 'ChangeProposed')).toHaveLength(5);
    // The second JV: dissolved by RU's proposal and BY's approval.
    const dissolved = (await eventually(async () => {
      const page = await auditorGet('/joint-ventures?phase=dissolved');
      expect(page.items).toHaveLength(1);
      return page;
    })) as { items: { id: string }[] };
    const second = (await auditorGet(`/joint-ventures/${dissolved.items[0].id}/history`)) as {
      items: { type: string }[];
    };
    expect(second.items.map((event) => event.type)).toEqual([
      'JointVentureEstablished',
      'ChangeProposed',
      'ChangeApproved',
      'JointVentureDissolved',
    ]);
    expect(await auditorGet(`/joint-ventures/${id}/verification`)).toMatchObject({
      valid: true,
      events: TOUR_EVENTS,
    });

    // The export went to a temp file, and nothing new appeared in the repository's folder.
    const [exportFile] = readdirSync(tour.temp).filter((file) => file.startsWith('jv-export.'));
    expect(tour.output).toContain(`export written to ${join(tour.temp, exportFile)}`);
    const exported = JSON.parse(readFileSync(join(tour.temp, exportFile), 'utf8'));
    expect(exported.events).toHaveLength(TOUR_EVENTS);
    expect(readdirSync(REPO_ROOT).sort()).toEqual(rootBefore);
  });

  it("runs the auditors' worked example after it: the bundle verifies, the edited and truncated copies fail named", async () => {
    const script = `${tourScript().replace(
      '"name": "Eurasian Heavy Chassis JV"',
      '"name": "Audited Tour JV"',
    )}\n${auditorScript()}`;
    const tour = await runTour(script, 'auditor-tour');
    expect({ code: tour.code, output: tour.output }).toEqual({
      code: 0,
      output: expect.any(String),
    });
    expect(tour.stdout).toMatch(
      new RegExp(
        `^VALID: ${TOUR_EVENTS} events of joint-venture-[0-9a-f-]+, complete as of checkpoint`,
        'm',
      ),
    );
    expect(tour.stdout).toMatch(/^INVALID \(hash\) at event 4 \(version 4, /m);
    expect(tour.stdout).toMatch(
      new RegExp(
        `^INVALID \\(head\\) at event ${TOUR_EVENTS - 2} \\(version ${TOUR_EVENTS - 2}, `,
        'm',
      ),
    );
    expect(tour.stdout.match(/^exit 1$/gm)).toHaveLength(2);
  });

  it('stops at the first step that fails, with a non-zero exit and the problem details', async () => {
    const broken = tourScript()
      .replace('"name": "Eurasian Heavy Chassis JV"', '"name": "Broken Tour JV"')
      .replace('"quantity": 40', '"quantity": 0');
    const tour = await runTour(broken, 'broken-tour');

    expect(tour.code).not.toBe(0);
    expect(tour.output).toMatch(/"status":400.*quantity/);
    expect(tour.output).not.toContain('export written');
    // The steps after the refused batch never ran: the JV ends in production, at version 3.
    const list = (await eventually(async () => {
      const page = await auditorGet('/joint-ventures?q=Broken');
      expect(page.items).toEqual([expect.objectContaining({ phase: 'production', version: 3 })]);
      return page;
    })) as { items: { id: string }[] };
    expect(list.items).toHaveLength(1);
  });
});
