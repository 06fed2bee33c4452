/**
 * Whether a Docker engine can run the harnesses' containers. A Docker CLI alone proves nothing
 * (the build machines have one and no engine): a socket or DOCKER_HOST is the cheap hint, and
 * testcontainers' own runtime check is the answer.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const DOCKER_SOCKETS = (): string[] => {
  const home = os.homedir();
  const xdg = process.env.XDG_RUNTIME_DIR;
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  return [
    '/var/run/docker.sock',
    '/run/podman/podman.sock',
    path.join(home, '.docker', 'run', 'docker.sock'),
    path.join(home, '.docker', 'desktop', 'docker.sock'),
    path.join(home, '.colima', 'default', 'docker.sock'),
    path.join(home, '.rd', 'docker.sock'),
    ...(xdg ? [path.join(xdg, 'docker.sock'), path.join(xdg, 'podman', 'podman.sock')] : []),
    ...(uid !== undefined ? [`/run/user/${uid}/docker.sock`] : []),
  ];
};

/** Cheap, synchronous hint that a Docker engine may be reachable (confirmed at start). */
export function dockerHint(): string | undefined {
  if (process.env.DOCKER_HOST) return `DOCKER_HOST=${process.env.DOCKER_HOST}`;
  const tcProps = path.join(os.homedir(), '.testcontainers.properties');
  if (fs.existsSync(tcProps) && /docker\.host|tc\.host/.test(fs.readFileSync(tcProps, 'utf8'))) {
    return tcProps;
  }
  return DOCKER_SOCKETS().find((socket) => fs.existsSync(socket));
}

/** undefined when testcontainers reaches an engine, else why not. */
export async function dockerReachable(): Promise<string | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return undefined;
  } catch (err) {
    return String(err instanceof Error ? err.message : err);
  }
}

/** A free port on every interface, for a container port published on the host. */
export function freeHostPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object'
          ? resolve(address.port)
          : reject(new Error('no free port')),
      );
    });
  });
}
