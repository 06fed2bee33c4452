/**
 * HTTP/1.1 over a bare TCP socket, for what Fastify's inject cannot show: Node's own parser
 * (header limits), timeouts of slow and idle clients, and answers that come before a body.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type AddressInfo, type Socket } from 'node:net';

export type RawAnswer = Readonly<{
  status: number;
  headers: Record<string, string>;
  body: string;
}>;

/** Listens on a free loopback port (after `app.init()`), returning the port. */
export async function listenOnLoopback(app: NestFastifyApplication): Promise<number> {
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer().address() as AddressInfo).port;
}

export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves once the peer has closed the socket (or rejects after `withinMs`). */
export function closedBy(socket: Socket, withinMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed || socket.readableEnded) return resolve();
    const timer = setTimeout(
      () => reject(new Error(`socket still open after ${withinMs} ms`)),
      withinMs,
    );
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    // A paused socket never sees the peer's end: read (and drop) whatever is still coming.
    socket.resume();
  });
}

/** Reads one response (by Content-Length) from the socket; rejects after `withinMs`. */
export function readAnswer(socket: Socket, withinMs: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const timer = setTimeout(
      () => finish(new Error(`no whole answer within ${withinMs} ms: ${data.toString()}`)),
      withinMs,
    );
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const answer = parse(data);
      if (answer) finish(undefined, answer);
    };
    const onEnd = () => {
      const answer = parse(data);
      finish(answer ? undefined : new Error(`closed before a whole answer: ${data}`), answer);
    };
    function finish(error?: Error, answer?: RawAnswer) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      if (error) reject(error);
      else resolve(answer!);
    }
    socket.on('data', onData);
    socket.once('end', onEnd);
  });
}

function parse(data: Buffer): RawAnswer | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const length = Number(headers['content-length'] ?? 0);
  const body = data.subarray(end + 4);
  if (body.length < length) return undefined;
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: body.subarray(0, length).toString('utf8'),
  };
}
