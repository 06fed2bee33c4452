/**
 * The Kafka broker's classpath from Maven Central: resolved once by Maven from ./pom.xml into
 * <repo>/.cache/kafka/libs, and reused while the pom is unchanged (a marker file named after the
 * pom's hash says which pom filled it). Also what a machine lacks to run it (Java 17, Maven).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const POM = path.join(__dirname, 'pom.xml');
/** Where the resolved jars live (git-ignored). */
export const KAFKA_CACHE_DIR = process.env.KAFKA_CACHE_DIR
  ? path.resolve(process.env.KAFKA_CACHE_DIR)
  : path.join(REPO_ROOT, '.cache', 'kafka');
const LIBS_DIR = path.join(KAFKA_CACHE_DIR, 'libs');
/** The Kafka version the pom pins (single source of truth: <kafka.version> in pom.xml). */
export const KAFKA_VERSION = readPomProperty('kafka.version');
/** Bound on the Maven run that fills the cache (first run, or a changed pom). */
export const KAFKA_MAVEN_TIMEOUT_MS = Number(process.env.KAFKA_MAVEN_TIMEOUT_MS ?? 600_000);

function readPomProperty(name: string): string {
  const pom = fs.readFileSync(POM, 'utf8');
  const match = new RegExp(`<${name.replace(/\./g, '\\.')}>([^<]+)</`).exec(pom);
  if (!match) throw new Error(`${POM} has no <${name}> property`);
  return match[1].trim();
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function javaBinary(): string | undefined {
  const home = process.env.JAVA_HOME;
  if (home) {
    const candidate = path.join(home, 'bin', 'java');
    if (fs.existsSync(candidate)) return candidate;
  }
  return findOnPath('java');
}

function pomHash(): string {
  return createHash('sha256').update(fs.readFileSync(POM)).digest('hex').slice(0, 16);
}

function markerFile(): string {
  return path.join(LIBS_DIR, `.resolved-${pomHash()}`);
}

/** True when the jars for the current pom are already in the cache (no Maven needed). */
export function kafkaClasspathCached(): boolean {
  return fs.existsSync(markerFile());
}

/**
 * Why a local broker cannot be started here, or undefined when it can (as far as a cheap,
 * synchronous check can tell: Java on PATH/JAVA_HOME, and Maven unless the jars are cached).
 */
export function localKafkaMissing(): string | undefined {
  const missing: string[] = [];
  if (!javaBinary()) missing.push('java (17+) not found in JAVA_HOME or PATH');
  if (!kafkaClasspathCached() && !findOnPath('mvn')) {
    missing.push(`mvn not found in PATH and no cached Kafka jars in ${LIBS_DIR}`);
  }
  return missing.length ? missing.join('; ') : undefined;
}

let javaChecked: string | undefined;
export function checkJavaVersion(java: string): void {
  if (javaChecked === java) return;
  const res = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  const text = `${res.stderr ?? ''}${res.stdout ?? ''}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (res.status !== 0 || !match) {
    throw new Error(`Cannot run ${java} -version (needed for the local Kafka broker):\n${text}`);
  }
  const major = match[1] === '1' ? Number(match[2]) : Number(match[1]);
  if (major < 17) {
    throw new Error(`Kafka ${KAFKA_VERSION} needs Java 17+, but ${java} is Java ${major}`);
  }
  javaChecked = java;
}

// ---------------------------------------------------------------------------------------------
// Classpath: Maven once, then the cache
// ---------------------------------------------------------------------------------------------

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A cross-process lock (jest runs spec files in parallel workers): an atomic mkdir. */
async function withDirLock<T>(
  lockDir: string,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {
        // being created or removed right now
      }
      let ageMs = 0;
      try {
        ageMs = Date.now() - fs.statSync(lockDir).mtimeMs;
      } catch {
        continue; // just removed: try again at once
      }
      const stale = (Number.isInteger(holder) && !pidAlive(holder)) || ageMs > timeoutMs;
      if (stale) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for the lock ${lockDir} (pid ${holder})`,
        );
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}

export function runCommand(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output: Buffer.concat(chunks).toString('utf8'), timedOut });
    });
  });
}

export interface KafkaClasspath {
  libsDir: string;
  resolved: boolean;
  ms: number;
}

/**
 * Makes sure <cache>/libs holds the broker's runtime classpath for the current pom.
 * Runs `mvn dependency:copy-dependencies -DincludeScope=runtime` into a temp folder, then swaps it
 * in (so a pom change never leaves jars of two Kafka versions side by side on the classpath).
 */
export async function ensureKafkaClasspath(): Promise<KafkaClasspath> {
  const started = Date.now();
  if (kafkaClasspathCached()) return { libsDir: LIBS_DIR, resolved: false, ms: 0 };
  fs.mkdirSync(KAFKA_CACHE_DIR, { recursive: true });
  let resolved = false;
  await withDirLock(path.join(KAFKA_CACHE_DIR, 'libs.lock'), KAFKA_MAVEN_TIMEOUT_MS, async () => {
    const marker = markerFile();
    if (fs.existsSync(marker)) return; // another worker did it while we waited
    const mvn = findOnPath('mvn');
    if (!mvn) throw new Error(`Kafka jars are not cached in ${LIBS_DIR} and mvn is not in PATH`);
    const tmp = path.join(KAFKA_CACHE_DIR, `libs.tmp-${process.pid}`);
    fs.rmSync(tmp, { recursive: true, force: true });
    const args = [
      '-B',
      '-q',
      '-f',
      POM,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${tmp}`,
    ];
    process.stderr.write(
      `[kafka] resolving the Kafka ${KAFKA_VERSION} classpath with Maven (first run only) -> ${LIBS_DIR}\n`,
    );
    const res = await runCommand(mvn, args, KAFKA_MAVEN_TIMEOUT_MS);
    const expectedJar = path.join(tmp, `kafka_2.13-${KAFKA_VERSION}.jar`);
    if (res.code !== 0 || !fs.existsSync(expectedJar)) {
      fs.rmSync(tmp, { recursive: true, force: true });
      const why = res.timedOut
        ? `timed out after ${KAFKA_MAVEN_TIMEOUT_MS} ms`
        : `exit ${res.code ?? res.signal}`;
      throw new Error(
        `Resolving the Kafka classpath failed (${why}): mvn ${args.join(' ')}\n${res.output.slice(-8000)}`,
      );
    }
    fs.writeFileSync(path.join(tmp, path.basename(marker)), `${new Date().toISOString()}\n`);
    fs.rmSync(LIBS_DIR, { recursive: true, force: true });
    fs.renameSync(tmp, LIBS_DIR);
    resolved = true;
  });
  return { libsDir: LIBS_DIR, resolved, ms: Date.now() - started };
}
