/**
 * Summarises `.cpuprofile` files written with `node --cpu-prof` (e.g. by `BENCH_HTTP_PROFILE`):
 * the share of samples per area (a package, a lib of this repository, Node's internals, GC,
 * idle), self and inclusive, and the functions with the most self time.
 *
 *   npx ts-node --transpile-only test/bench/http/profile-summary.ts <file.cpuprofile>...
 */
import { readFileSync } from 'node:fs';

type ProfileNode = Readonly<{
  id: number;
  callFrame: Readonly<{ functionName: string; url: string; lineNumber: number }>;
  children?: readonly number[];
}>;
type Profile = Readonly<{ nodes: readonly ProfileNode[]; samples: readonly number[] }>;

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

const percent = (part: number, whole: number) =>
  `${((100 * part) / whole).toFixed(1)}%`.padStart(6);

function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const node = byId.get(id)!;
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
    'functions by self time',
    ...sorted(functions)
      .filter(([name]) => !name.startsWith('(idle)'))
      .slice(0, top)
      .map(([name, n]) => `${percent(n, busy)}  ${name}`),
  ];
  return lines.join('\n');
}

for (const file of process.argv.slice(2)) {
  process.stdout.write(
    `== ${file}\n${summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile)}\n\n`,
  );
}
