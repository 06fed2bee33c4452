/** What the figures were measured on: they mean little without it. */
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, tmpdir, totalmem, type as osType } from 'node:os';

/** Filesystem type of the folder holding the databases (fsync cost depends on it); Linux only. */
function filesystemOf(path: string): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' '))
      .filter((fields) => fields.length > 2 && path.startsWith(fields[1]))
      .sort((a, b) => b[1].length - a[1].length);
    return mounts.length > 0 ? `${mounts[0][2]} (${mounts[0][0]} on ${mounts[0][1]})` : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): string[] {
  const cores = cpus();
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  return [
    `cpus:     ${cores.length} x ${cores[0]?.model.trim() ?? 'unknown'}`,
    `memory:   ${gib(totalmem())} total, ${gib(freemem())} free`,
    `os:       ${osType()} ${release()} (${process.arch})`,
    `node:     ${process.version}`,
    // Other work on the machine skews every figure: say how busy it was when the run started.
    `load:     ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')} (1, 5, 15 min averages)`,
    `data dir: ${tmpdir()} on ${filesystemOf(tmpdir())}`,
  ];
}
