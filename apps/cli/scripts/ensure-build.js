#!/usr/bin/env node
// @ts-check
/**
 * Builds the apps (`nest build api`) only when the build is missing or stale, so that `npm start`,
 * `npm run token`, `projections:rebuild` and `start:projector` start at once on an unchanged tree
 * and never run an outdated build.
 *
 * Stale means: an input's content differs from what the last successful build was made from, an
 * input was added, removed or renamed, or an entry point is missing from dist/. Inputs are every
 * file under apps/ and libs/ except tests and docs, the tsconfig files, nest-cli.json and the lock
 * files. Contents are compared (SHA-256), not mtimes, so a checkout, pull, stash or copy that keeps
 * old mtimes is caught as well, and a touch alone rebuilds nothing.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled.
 * Usage: node apps/cli/scripts/ensure-build.js [--force]
 */
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** Bumped when what the fingerprint covers changes, so old stamps count as stale. */
const STAMP_FORMAT = 1;
const INPUT_DIRS = ['apps', 'libs'];
const INPUT_FILES = [
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'package-lock.json',
  // npm's record of what is installed: changes on npm ci / npm install even with the same lock.
  'node_modules/.package-lock.json',
];
const NOT_INPUTS = /(\.spec\.ts|\.md)$/;
const ENTRY_POINTS = ['apps/api/src/main.js', 'apps/projector/src/main.js', 'apps/cli/src/main.js'];
const LOCK_WAIT_MS = 10 * 60_000;

/** @param {string} root @returns {string[]} input paths relative to root, sorted */
function listInputs(root) {
  /** @type {string[]} */
  const found = [];
  const walk = (/** @type {string} */ relative) => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(child);
      else if (entry.isFile() && !NOT_INPUTS.test(entry.name)) found.push(child);
    }
  };
  for (const dir of INPUT_DIRS) if (fs.existsSync(path.join(root, dir))) walk(dir);
  for (const file of INPUT_FILES) if (fs.existsSync(path.join(root, file))) found.push(file);
  return found.sort();
}

/**
 * The content hash of every input, by path.
 * @param {string} root @returns {Record<string, string>}
 */
function fingerprint(root) {
  /** @type {Record<string, string>} */
  const files = {};
  for (const file of listInputs(root)) {
    files[file] = createHash('sha256')
      .update(fs.readFileSync(path.join(root, file)))
      .digest('hex');
  }
  return files;
}

/** @param {string} root */
const stampFile = (root) => path.join(root, 'dist', '.build-stamp.json');

/**
 * Why the build in dist/ cannot be used as it is, or undefined when it is up to date.
 * @param {string} root @param {Record<string, string>} [current] @returns {string | undefined}
 */
function staleness(root, current = fingerprint(root)) {
  const missing = ENTRY_POINTS.filter((entry) => !fs.existsSync(path.join(root, 'dist', entry)));
  if (missing.length === ENTRY_POINTS.length) return 'no build yet';
  if (missing.length > 0) return `dist/ lacks ${missing.join(', ')}`;
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile(root), 'utf8'));
  } catch {
    return 'the build has no stamp (made another way, or interrupted)';
  }
  if (stamp.format !== STAMP_FORMAT) return 'the build stamp is of an older format';
  const built = /** @type {Record<string, string>} */ (stamp.files);
  const changed = Object.keys({ ...built, ...current }).filter((f) => built[f] !== current[f]);
  if (changed.length === 0) return undefined;
  const shown = changed.slice(0, 5).join(', ');
  return `${changed.length} changed since the last build: ${shown}${changed.length > 5 ? ', ...' : ''}`;
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/**
 * One build at a time per tree (two `npm run token` at once must not write dist/ together). A
 * lock left by a process that died is taken over.
 * @param {string} root @param {() => void} fn
 */
function withBuildLock(root, fn) {
  const lock = path.join(root, 'dist', '.build-lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(path.join(lock, 'pid'), { flag: 'a+' }).toString());
      // No pid yet: its holder is between mkdir and writeFile, or died there (then it ages).
      const abandoned =
        holder > 0 ? !alive(holder) : Date.now() - fs.statSync(lock).mtimeMs > 30_000;
      if (abandoned) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lock} is held by process ${holder}`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** @param {string} root */
function nestBuild(root) {
  const nest = path.join(root, 'node_modules', '.bin', 'nest');
  // Its output goes to stderr: `npm run -s token` must print the token alone on stdout.
  const result = spawnSync(nest, ['build', 'api'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    throw new Error(
      `nest build api failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`,
    );
  }
}

/**
 * Builds when stale (or always with `force`) and records what the build was made from. The
 * fingerprint is taken before building, so a file edited during the build rebuilds next time;
 * the old stamp goes first, so an interrupted or failed build is never taken as current.
 * @param {string} root
 * @param {{ force?: boolean, build?: (root: string) => void, log?: (line: string) => void }} [options]
 * @returns {boolean} whether it built
 */
function ensureBuild(root, options = {}) {
  const {
    force = false,
    build = nestBuild,
    log = (line) => process.stderr.write(`${line}\n`),
  } = options;
  if (!force && staleness(root) === undefined) return false;
  let built = false;
  withBuildLock(root, () => {
    const inputs = fingerprint(root);
    const reason = force ? 'asked to' : staleness(root, inputs);
    if (reason === undefined) return; // another process built it while this one waited
    const started = Date.now();
    log(`building the apps (${reason}) ...`);
    fs.rmSync(stampFile(root), { force: true });
    build(root);
    fs.writeFileSync(stampFile(root), JSON.stringify({ format: STAMP_FORMAT, files: inputs }));
    log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    built = true;
  });
  return built;
}

module.exports = { ensureBuild, staleness, fingerprint, listInputs };

if (require.main === module) {
  try {
    ensureBuild(path.resolve(__dirname, '..', '..', '..'), {
      force: process.argv.includes('--force'),
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
