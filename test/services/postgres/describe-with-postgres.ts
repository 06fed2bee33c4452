/** The jest helper: one PostgreSQL server per spec file, a fresh database per suite or per test. */
import { planPostgres, startPostgres, type TestPostgres } from './test-postgres';

/** What a suite's `pg()` gives: the server's controls, and the URL of the suite's own database. */
export interface SuitePostgres extends TestPostgres {
  /** The database of this suite (or of this test, with `database: 'per-test'`), empty at first. */
  readonly url: string;
}

export interface DescribeWithPostgresOptions {
  /** `per-suite` (default): one database for the block; `per-test`: a new one before each test. */
  database?: 'per-suite' | 'per-test';
  /** jest timeout of the hook that starts the server (default 180 s: a first image pull). */
  startTimeoutMs?: number;
}

const ci = () => /^(1|true|yes)$/i.test(process.env.CI ?? '');

// jest gives every spec file its own module registry: this is one server per spec file, shared
// by its describeWithPostgres blocks and disposed after the file's last test.
let server: Promise<TestPostgres> | undefined;
let disposeRegistered = false;

function sharedServer(): Promise<TestPostgres> {
  server ??= startPostgres().then((pg) => {
    process.stderr.write(`[postgres] ${pg.description}; ready in ${pg.startupMs} ms\n`);
    return pg;
  });
  return server;
}

/**
 * `describe` with a real PostgreSQL: `fn` gets a getter for the server and the suite's own
 * database (`pg().url`). With no server to be had: under CI=true the block fails with the
 * reason; elsewhere it is skipped with one loud line on stderr.
 */
export function describeWithPostgres(
  name: string,
  fn: (pg: () => SuitePostgres) => void,
  options: DescribeWithPostgresOptions = {},
): void {
  const plan = planPostgres();
  if (plan.kind === 'none') {
    if (ci()) {
      describe(name, () => {
        it('needs a real PostgreSQL (CI=true: a missing service fails the run)', () => {
          throw new Error(`PostgreSQL integration suite "${name}" cannot run: ${plan.reason}`);
        });
      });
      return;
    }
    process.stderr.write(
      `\n!!! SKIPPED PostgreSQL integration suite "${name}": ${plan.reason} (CI=true makes this a failure).\n`,
    );
    describe.skip(name, () => fn(() => notStarted()));
    return;
  }

  if (!disposeRegistered) {
    disposeRegistered = true;
    // Registered where the first block is declared (the file's top level, usually), so it runs
    // after every block of the file.
    afterAll(async () => {
      const started = await server?.catch(() => undefined);
      server = undefined;
      await started?.dispose();
    }, 60_000);
  }

  describe(name, () => {
    let pg: TestPostgres | undefined;
    let url: string | undefined;
    const fresh = async () => {
      url = await pg!.createDatabase(name);
    };
    beforeAll(async () => {
      pg = await sharedServer();
      if (!pg.isRunning()) await pg.start(); // an earlier block may have left it down
      if (options.database !== 'per-test') await fresh();
    }, options.startTimeoutMs ?? 180_000);
    if (options.database === 'per-test') {
      beforeEach(async () => {
        if (!pg!.isRunning()) await pg!.start();
        await fresh();
      }, 60_000);
    }
    fn(() => {
      if (!pg || !url) return notStarted();
      return Object.freeze({ ...pg, url });
    });
  });
}

function notStarted(): never {
  throw new Error('The PostgreSQL server is not started (did beforeAll fail?)');
}
