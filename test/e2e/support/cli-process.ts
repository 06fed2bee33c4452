import { execFile } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..', '..');

export type CliRun = Readonly<{ code: number; stdout: string; stderr: string }>;

/**
 * `npm run -s ledger -- <args>` as the README runs it, without the build: the CLI from source,
 * as its own process with only `env` (plus PATH).
 */
export function runCli(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        'apps/cli/src/main.ts',
        ...args,
      ],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
