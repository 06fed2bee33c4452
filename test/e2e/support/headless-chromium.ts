/**
 * Headless Chromium, where one is installed (`CHROMIUM`, else /usr/bin/chromium): loads a page,
 * runs its scripts for a while of virtual time, and returns the DOM and the Content Security
 * Policy violations the browser logged to its console.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const chromiumInstalled = (): boolean => existsSync(CHROMIUM);

export type LoadedPage = Readonly<{ dom: string; cspViolations: string[] }>;

export function loadInChromium(url: string, timeoutMs = 60_000): Promise<LoadedPage> {
  return new Promise((resolve, reject) => {
    execFile(
      CHROMIUM,
      [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--enable-logging=stderr',
        '--v=0',
        '--virtual-time-budget=10000',
        '--dump-dom',
        url,
      ],
      { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          return reject(new Error(`chromium failed: ${error.message}\n${stderr.slice(-2000)}`));
        resolve({
          dom: stdout,
          cspViolations: stderr.split('\n').filter((line) => /Content Security Policy/i.test(line)),
        });
      },
    );
  });
}
