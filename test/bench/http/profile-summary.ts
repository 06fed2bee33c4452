/**
 * Summarises `.cpuprofile` files written with `node --cpu-prof` (e.g. by `BENCH_HTTP_PROFILE`):
 * the share of samples per area (a package, a lib of this repository, Node's internals, GC,
 * idle), self and inclusive, and the functions with the most self time.
 *
 *   npx ts-node --transpile-only test/bench/http/profile-summary.ts [--skip-seconds=N] <file.cpuprofile>...
 *
 * `--skip-seconds=N` leaves out the first N seconds of each profile: a profile of the service
 * starts with its start-up (loading modules) and the bench's set-up (creating JVs, the warm-up).
 */
import { readFileSync } from 'node:fs';

type ProfileNode = Readonly<{
  id: number;
  callFrame: Readonly<{ functionName: string; url: string; lineNumber: number }>;
  children?: readonly number[];
}>;
type Profile = Readonly<{
  nodes: readonly ProfileNode[];
  samples: readonly number[];
  /** Microseconds from the previous sample (from the profile's start for the first one). */
  timeDeltas: readonly number[];
}>;

/** Where a frame's code lives: a package, a lib or app of this repository, Node, or a VM state. */
function areaOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1];
  const inRepo = /\/(?:dist\/)?((?:apps|libs)\/[^/]+)\//.exec(url);
  if (inRepo) return inRepo[1];
  if (url.startsWith('node:'))
    return `node:${url.slice(5).split('/')[0] === 'internal' ? 'internal' : url.slice(5)}`;
  return url;
}

type Frame = ProfileNode['callFrame'];
const inPackage = (frame: Frame, ...names: string[]) =>
  names.some((name) => frame.url.includes(`node_modules/${name}/`));
const inRepo = (frame: Frame, folder: string) =>
  new RegExp(`/(?:dist/)?${folder}/`).test(frame.url);

/**
 * The areas issue 12 asks about, each a test on one frame of a sample's stack: `self` counts the
 * samples whose top frame passes, `inclusive` those with a passing frame anywhere on the stack.
 * A native call (better-sqlite3's `run`, `all`, the
 * fsync under a COMMIT) has no frame of its own: V8 counts it as self time of the JS frame that
 * made it, so SQLite shows as self time of its callers.
 */
const FOCUS: readonly [string, (frame: Frame) => boolean][] = [
  ['Nest (@nestjs/*, rxjs)', (f) => inPackage(f, '@nestjs', 'rxjs')],
  [
    'Fastify (fastify, @fastify/*, find-my-way, avvio)',
    (f) => inPackage(f, 'fastify', '@fastify', 'find-my-way', 'avvio', 'light-my-request'),
  ],
  [
    'logging (pino, nestjs-pino, pino-http)',
    (f) => inPackage(f, 'pino', 'nestjs-pino', 'pino-http'),
  ],
  [
    'validation (class-validator, class-transformer)',
    (f) => inPackage(f, 'class-validator', 'class-transformer'),
  ],
  ['auth (jose, apps/api/src/auth)', (f) => inPackage(f, 'jose') || inRepo(f, 'apps/api/src/auth')],
  [
    'hashing (canonicalize, node:crypto hash, *hash* in libs)',
    (f) =>
      inPackage(f, 'canonicalize') ||
      f.url === 'node:internal/crypto/hash' ||
      (/\/(?:dist\/)?libs\//.test(f.url) && /hash/i.test(f.functionName)),
  ],
  [
    "SQLite BEGIN/COMMIT/savepoints incl. fsync (better-sqlite3's transaction())",
    (f) => f.url.includes('better-sqlite3/lib/methods/transaction.js'),
  ],
  [
    "SQLite statements (better-sqlite3, kysely's sqlite driver, libs/event-store/src/sqlite)",
    (f) =>
      inPackage(f, 'better-sqlite3') ||
      f.url.includes('kysely/dist/cjs/dialect/sqlite/') ||
      inRepo(f, 'libs/event-store/src/sqlite'),
  ],
  ['domain (libs/domain: decide, evolve)', (f) => inRepo(f, 'libs/domain')],
  ['kysely (query building and driver)', (f) => inPackage(f, 'kysely')],
  ['projections (libs/read-models)', (f) => inRepo(f, 'libs/read-models')],
  [
    'async hooks (async_hooks, AsyncLocalStorage)',
    (f) => /^node:(?:internal\/)?async_(?:hooks|local_storage)/.test(f.url),
  ],
  ['GC', (f) => f.functionName === '(garbage collector)'],
];

const percent = (part: number, whole: number) =>
  `${((100 * part) / whole).toFixed(1)}%`.padStart(6);

/** The profile without the samples of its first `seconds`. */
function skipping(profile: Profile, seconds: number): Profile {
  let at = 0;
  const kept = profile.samples.map((id, i) => {
    at += profile.timeDeltas[i];
    return at >= seconds * 1e6 ? id : undefined;
  });
  return { ...profile, samples: kept.filter((id) => id !== undefined) };
}

function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  const focusSelf = FOCUS.map(() => 0);
  const focusInclusive = FOCUS.map(() => 0);
  let busy = 0;
  for (const id of profile.samples) {
    const node = byId.get(id)!;
    FOCUS.forEach(([, test], i) => {
      if (test(node.callFrame)) focusSelf[i] += 1;
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
        if (test(byId.get(at)!.callFrame)) {
          focusInclusive[i] += 1;
          break;
        }
    });
    const area = areaOf(node.callFrame);
    self.set(area, (self.get(area) ?? 0) + 1);
    if (area !== '(idle)') busy += 1;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '')}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + 1);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      seen.add(areaOf(byId.get(at)!.callFrame));
    for (const stacked of seen) inclusive.set(stacked, (inclusive.get(stacked) ?? 0) + 1);
  }
  const total = profile.samples.length;
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  const lines = [
    `${total} samples, ${percent(total - busy, total).trim()} idle; shares below are of the busy samples`,
    '',
    'area                                   self  inclusive',
    ...sorted(self)
      .filter(([area]) => area !== '(idle)')
      .slice(0, top)
      .map(
        ([area, n]) =>
          `${area.padEnd(34)} ${percent(n, busy)}   ${percent(inclusive.get(area) ?? n, busy)}`,
      ),
    '',
    'focus (issue 12)                                                                   self  inclusive',
    ...FOCUS.map(
      ([name], i) =>
        `${name.padEnd(80)} ${percent(focusSelf[i], busy)}   ${percent(focusInclusive[i], busy)}`,
    ),
    '',
    'functions by self time',
    ...sorted(functions)
      .filter(([name]) => !name.startsWith('(idle)'))
      .slice(0, top)
      .map(([name, n]) => `${percent(n, busy)}  ${name}`),
  ];
  return lines.join('\n');
}

const args = process.argv.slice(2);
const skip = Number(
  /^--skip-seconds=(.+)$/.exec(args.find((a) => a.startsWith('--skip')) ?? '')?.[1] ?? 0,
);
for (const file of args.filter((a) => !a.startsWith('--'))) {
  const profile = skipping(JSON.parse(readFileSync(file, 'utf8')) as Profile, skip);
  process.stdout.write(`== ${file}${skip ? ` (from ${skip} s)` : ''}\n${summarise(profile)}\n\n`);
}
