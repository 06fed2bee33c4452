/**
 * The dependency fences of `.dependency-cruiser.cjs`, run by the real CLI: on a small tree that
 * breaks each rule once beside imports each rule allows (so every rule is shown to fail, and
 * only where it should), and on this repository, whose violations must be exactly the known ones.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = join(__dirname, '..', '..');
const CONFIG = join(REPO_ROOT, '.dependency-cruiser.cjs');
const KNOWN_VIOLATIONS = join(REPO_ROOT, '.dependency-cruiser-known-violations.json');
const CLI = join(REPO_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

type Violation = Readonly<{ rule: string; from: string; to: string }>;
type CruiseViolation = Readonly<{ rule: { name: string }; from: string; to: string }>;

/** The violations the CLI reports for `apps libs test` under `cwd`, sorted. */
async function cruise(cwd: string): Promise<Violation[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [CLI, '--config', CONFIG, '--no-cache', '--output-type', 'json', 'apps', 'libs', 'test'],
    { cwd, maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => {
    // The CLI exits with the number of errors; the report is on stdout all the same.
    if (typeof error.stdout === 'string' && error.stdout.startsWith('{')) return error;
    throw error;
  });
  const report = JSON.parse(stdout as string) as {
    summary: { violations: CruiseViolation[] };
  };
  return sorted(
    report.summary.violations.map(({ rule, from, to }) => ({ rule: rule.name, from, to })),
  );
}

const sorted = (violations: Violation[]) =>
  [...violations].sort((a, b) =>
    `${a.rule} ${a.from} ${a.to}`.localeCompare(`${b.rule} ${b.from} ${b.to}`),
  );

/**
 * The files of a miniature repository, each with its import specifiers: every rule broken once,
 * beside imports the rules allow, and no circle but the one that is meant.
 */
const TREE: Readonly<Record<string, readonly string[]>> = {
  // allowed: its own files. refused: a Node built-in, a driver, another lib.
  'libs/domain/src/index.ts': ['./values', 'node:fs', '@app/event-store'],
  'libs/domain/src/values.ts': [],
  'libs/domain/src/driver.ts': ['sql-driver'],
  // a type-only circle is still a circle
  'libs/domain/src/cycle-a.ts': ['type:./cycle-b'],
  'libs/domain/src/cycle-b.ts': ['./cycle-a'],
  // allowed: Node built-ins and drivers. refused: the domain.
  'libs/event-store/src/index.ts': ['node:crypto', 'sql-driver', '@app/domain/values'],
  // allowed: the domain and the event store. refused: the other consumer and the runtime.
  'libs/read-models/src/index.ts': ['@app/domain', '@app/event-store', '@app/notifications'],
  'libs/notifications/src/index.ts': ['@app/event-store/index', '@app/runtime/config'],
  // allowed: any lib, and test support in a testing file or folder. refused: an app.
  'libs/runtime/src/index.ts': [
    '@app/read-models',
    '@app/notifications',
    '../../../apps/api/src/constants',
  ],
  'libs/runtime/src/config.ts': [],
  'libs/read-models/src/testing/history.ts': ['../../../../test/support/helper'],
  'libs/event-store/src/testing.ts': ['../../../test/support/helper'],
  'libs/event-store/src/contract/append.contract.ts': ['../../../../test/support/helper'],
  'libs/event-store/src/store.contract.ts': ['../../../test/support/helper'],
  // allowed: Node built-ins, drivers, its own files, other libs in its specs. refused: another lib.
  'libs/transparency/src/index.ts': [
    'node:crypto',
    'sql-driver',
    './verifier/offline.verifier',
    '@app/event-store',
  ],
  'libs/transparency/src/log.unit.spec.ts': ['@app/event-store', './index'],
  // allowed: Node built-ins. refused: a package and another file.
  'libs/transparency/src/verifier/offline.verifier.ts': [
    'node:crypto',
    'node:fs',
    'sql-driver',
    '../merkle',
  ],
  'libs/transparency/src/merkle.ts': [],
  // allowed: libs, the app's own files, test support from a spec. refused: another app, test/.
  'apps/api/src/main.ts': ['@app/runtime', './wiring'],
  'apps/api/src/wiring.ts': ['../../../test/support/helper'],
  'apps/api/src/constants.ts': [],
  'apps/api/src/main.unit.spec.ts': ['./main', '../../../test/support/helper'],
  'apps/cli/src/main.ts': ['../../api/src/constants'],
  'apps/cli/src/typo.ts': ['./no-such-file'],
  // allowed: tests import anything.
  'test/support/helper.ts': ['../../apps/api/src/constants', '@app/domain/values'],
};

const EXPECTED_IN_TREE: Violation[] = [
  { rule: 'domain-is-pure', from: 'libs/domain/src/index.ts', to: 'fs' },
  { rule: 'domain-is-pure', from: 'libs/domain/src/index.ts', to: 'libs/event-store/src/index.ts' },
  {
    rule: 'domain-is-pure',
    from: 'libs/domain/src/driver.ts',
    to: 'node_modules/sql-driver/index.js',
  },
  { rule: 'no-circular', from: 'libs/domain/src/cycle-a.ts', to: 'libs/domain/src/cycle-b.ts' },
  {
    rule: 'event-store-imports-no-lib',
    from: 'libs/event-store/src/index.ts',
    to: 'libs/domain/src/values.ts',
  },
  {
    rule: 'consumers-import-domain-and-event-store-only',
    from: 'libs/read-models/src/index.ts',
    to: 'libs/notifications/src/index.ts',
  },
  {
    rule: 'consumers-import-domain-and-event-store-only',
    from: 'libs/notifications/src/index.ts',
    to: 'libs/runtime/src/config.ts',
  },
  { rule: 'libs-not-to-apps', from: 'libs/runtime/src/index.ts', to: 'apps/api/src/constants.ts' },
  {
    rule: 'transparency-imports-no-lib',
    from: 'libs/transparency/src/index.ts',
    to: 'libs/event-store/src/index.ts',
  },
  {
    rule: 'offline-verifier-imports-node-only',
    from: 'libs/transparency/src/verifier/offline.verifier.ts',
    to: 'node_modules/sql-driver/index.js',
  },
  {
    rule: 'offline-verifier-imports-node-only',
    from: 'libs/transparency/src/verifier/offline.verifier.ts',
    to: 'libs/transparency/src/merkle.ts',
  },

  { rule: 'product-not-to-test', from: 'apps/api/src/wiring.ts', to: 'test/support/helper.ts' },
  { rule: 'apps-not-to-apps', from: 'apps/cli/src/main.ts', to: 'apps/api/src/constants.ts' },
  { rule: 'not-to-unresolvable', from: 'apps/cli/src/typo.ts', to: './no-such-file' },
];

function writeTree(root: string): void {
  for (const [file, imports] of Object.entries(TREE)) {
    const lines = imports.map((specifier, i) =>
      specifier.startsWith('type:')
        ? `import type * as m${i} from '${specifier.slice('type:'.length)}';`
        : `import * as m${i} from '${specifier}';`,
    );
    const path = join(root, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${lines.join('\n')}\nexport {};\n`);
  }
  const paths = Object.fromEntries(
    ['domain', 'event-store', 'read-models', 'notifications', 'runtime', 'transparency'].flatMap(
      (lib) => [
        [`@app/${lib}`, [`libs/${lib}/src`]],
        [`@app/${lib}/*`, [`libs/${lib}/src/*`]],
      ],
    ),
  );
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'commonjs', baseUrl: './', paths } }),
  );
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fences', private: true }));
  // A package, so that a driver resolves as one does in the repository.
  const driver = join(root, 'node_modules', 'sql-driver');
  mkdirSync(driver, { recursive: true });
  writeFileSync(
    join(driver, 'package.json'),
    JSON.stringify({ name: 'sql-driver', main: 'index.js' }),
  );
  writeFileSync(join(driver, 'index.js'), 'module.exports = {};\n');
}

describe('dependency fences (.dependency-cruiser.cjs)', () => {
  let tree: string;
  beforeAll(() => {
    tree = mkdtempSync(join(tmpdir(), 'jv-fences-'));
    writeTree(tree);
  });
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  it('reports each rule where it is broken, and nothing where the rules allow the import', async () => {
    expect(await cruise(tree)).toEqual(sorted(EXPECTED_IN_TREE));
  });

  it('finds in this repository exactly the violations listed as known, so none is new or stale', async () => {
    const known = JSON.parse(readFileSync(KNOWN_VIOLATIONS, 'utf8')) as CruiseViolation[];
    const excused = sorted(known.map(({ rule, from, to }) => ({ rule: rule.name, from, to })));
    expect(await cruise(REPO_ROOT)).toEqual(excused);
  });
});
