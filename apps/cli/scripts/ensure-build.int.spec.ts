import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureBuild, staleness } from './ensure-build';

/** A small tree shaped like the repository, and a stand-in for `nest build` that counts runs. */
function tree() {
  const root = fs.mkdtempSync(path.join(tmpdir(), 'ensure-build-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write('apps/api/src/main.ts', 'listen();\n');
  write('apps/cli/src/main.ts', 'token();\n');
  write('apps/projector/src/main.ts', 'project();\n');
  write('libs/domain/src/decide.ts', 'export const decide = 1;\n');
  write('tsconfig.json', '{}\n');
  write('package-lock.json', '{"lockfileVersion": 3}\n');
  let builds = 0;
  const build = (at: string) => {
    builds++;
    for (const app of ['api', 'cli', 'projector']) {
      fs.mkdirSync(path.join(at, 'dist/apps', app, 'src'), { recursive: true });
      fs.writeFileSync(path.join(at, 'dist/apps', app, 'src/main.js'), `// build ${builds}\n`);
    }
  };
  const ensure = (options: { force?: boolean; build?: (at: string) => void } = {}) =>
    ensureBuild(root, { build, log: () => undefined, ...options });
  return { root, write, ensure, build, builds: () => builds };
}

const trees: string[] = [];
const newTree = () => {
  const t = tree();
  trees.push(t.root);
  return t;
};
afterAll(() => trees.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

describe('building only when the build is missing or stale', () => {
  it('builds a tree that has no build, then not again while nothing changed', () => {
    const t = newTree();
    expect(staleness(t.root)).toBe('no build yet');
    expect(t.ensure()).toBe(true);
    expect(staleness(t.root)).toBeUndefined();
    expect(t.ensure()).toBe(false);
    expect(t.builds()).toBe(1);
  });

  it('rebuilds after a source is edited, and says which', () => {
    const t = newTree();
    t.ensure();
    t.write('libs/domain/src/decide.ts', 'export const decide = 2;\n');
    expect(staleness(t.root)).toBe('1 changed since the last build: libs/domain/src/decide.ts');
    expect(t.ensure()).toBe(true);
    expect(t.builds()).toBe(2);
  });

  it('rebuilds when a source is added, removed or renamed, or a config or lock file changes', () => {
    const t = newTree();
    t.ensure();
    const changes: (() => void)[] = [
      () => t.write('libs/domain/src/evolve.ts', 'export const evolve = 1;\n'),
      () => fs.rmSync(path.join(t.root, 'libs/domain/src/evolve.ts')),
      () =>
        fs.renameSync(
          path.join(t.root, 'libs/domain/src/decide.ts'),
          path.join(t.root, 'libs/domain/src/decider.ts'),
        ),
      () => t.write('tsconfig.json', '{"compilerOptions": {}}\n'),
      () => t.write('package-lock.json', '{"lockfileVersion": 3, "packages": {}}\n'),
      () => t.write('node_modules/.package-lock.json', '{}\n'),
    ];
    for (const change of changes) {
      change();
      expect(staleness(t.root)).toMatch(/changed since the last build/);
      t.ensure();
    }
    expect(t.builds()).toBe(1 + changes.length);
  });

  it('rebuilds when content changes even if the mtime goes back, and not for a bare touch', () => {
    const t = newTree();
    t.ensure();
    const file = path.join(t.root, 'apps/api/src/main.ts');
    const old = new Date('2001-01-01T00:00:00Z');
    fs.utimesSync(file, new Date(), new Date());
    expect(staleness(t.root)).toBeUndefined();
    fs.writeFileSync(file, 'listen(3000);\n');
    fs.utimesSync(file, old, old); // as a copy that keeps mtimes, or a checkout of an old file
    expect(staleness(t.root)).toMatch(/apps\/api\/src\/main\.ts/);
  });

  it('ignores tests and docs, which the build does not read', () => {
    const t = newTree();
    t.ensure();
    t.write('libs/domain/src/decide.unit.spec.ts', 'it("works", () => undefined);\n');
    t.write('libs/domain/README.md', '# domain\n');
    expect(staleness(t.root)).toBeUndefined();
  });

  it('rebuilds when an entry point is missing from dist/', () => {
    const t = newTree();
    t.ensure();
    fs.rmSync(path.join(t.root, 'dist/apps/cli/src/main.js'));
    expect(staleness(t.root)).toBe('dist/ lacks apps/cli/src/main.js');
  });

  it('never takes a failed or interrupted build as current', () => {
    const t = newTree();
    t.ensure();
    t.write('apps/api/src/main.ts', 'listen(4000);\n');
    const failing = () => {
      throw new Error('nest build api failed (exit 1)');
    };
    expect(() => t.ensure({ build: failing })).toThrow('nest build api failed');
    expect(staleness(t.root)).toMatch(/no stamp/);
    expect(t.ensure()).toBe(true);
  });

  it('rebuilds next time when a source was edited while the build ran', () => {
    const t = newTree();
    t.ensure({
      build: (at) => {
        t.write('libs/domain/src/decide.ts', 'export const decide = 3;\n');
        t.build(at);
      },
    });
    expect(staleness(t.root)).toMatch(/libs\/domain\/src\/decide\.ts/);
  });

  it('takes over a build lock left by a process that died', async () => {
    const t = newTree();
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    fs.mkdirSync(path.join(t.root, 'dist/.build-lock'), { recursive: true });
    fs.writeFileSync(path.join(t.root, 'dist/.build-lock/pid'), String(dead.pid));
    expect(t.ensure()).toBe(true);
    expect(fs.existsSync(path.join(t.root, 'dist/.build-lock'))).toBe(false);
  });

  it('builds once when two processes find the same stale tree at the same moment', async () => {
    const t = newTree();
    const child = `
      const fs = require('node:fs'), path = require('node:path');
      const [script, root] = process.argv.slice(1);
      require(script).ensureBuild(root, { log: () => undefined, build: (at) => {
        fs.appendFileSync(path.join(at, 'builds.log'), process.pid + '\\n');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
        for (const app of ['api', 'cli', 'projector']) {
          fs.mkdirSync(path.join(at, 'dist/apps', app, 'src'), { recursive: true });
          fs.writeFileSync(path.join(at, 'dist/apps', app, 'src/main.js'), '\\n');
        }
      } });`;
    const run = () =>
      new Promise<number | null>((resolve) =>
        spawn(process.execPath, ['-e', child, require.resolve('./ensure-build'), t.root], {
          stdio: 'inherit',
        }).once('exit', resolve),
      );
    expect(await Promise.all([run(), run()])).toEqual([0, 0]);
    const builds = fs.readFileSync(path.join(t.root, 'builds.log'), 'utf8').trim().split('\n');
    expect(builds).toHaveLength(1);
    expect(staleness(t.root)).toBeUndefined();
  });

  it('builds with --force even when nothing changed', () => {
    const t = newTree();
    t.ensure();
    expect(t.ensure({ force: true })).toBe(true);
    expect(t.builds()).toBe(2);
  });
});
