import type { AppConfig } from '@app/runtime';
import type { FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import { sendProblem } from '../problem/problem-details.filter';
import { toProblem } from '../problem/problem-details';

/** A 4xx that toProblem maps by its status, as it maps Fastify's own errors. */
export function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { statusCode });
}

/**
 * Errors Node's HTTP parser finds before Fastify sees a request (headers over the limit, a
 * request that is not HTTP, headers or body too slow): a problem document on the raw socket,
 * then the connection is closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request line and headers are larger than HTTP_MAX_HEADER_BYTES']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request did not arrive within HTTP_REQUEST_TIMEOUT_MS']
        : [400, 'the request is not valid HTTP/1.1'];
  const body = JSON.stringify(toProblem(httpError(status, message)));
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}

/** Fastify's settings: body and header limits, timeouts for idle and slow clients, proxies. */
export function serverOptionsOf(config: AppConfig): FastifyServerOptions & {
  http: ServerOptions;
} {
  const headersTimeout = Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS);
  return {
    bodyLimit: config.BODY_LIMIT_BYTES,
    connectionTimeout: config.HTTP_CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    http: {
      maxHeaderSize: config.HTTP_MAX_HEADER_BYTES,
      // Slow headers (slowloris), which Fastify has no option for; Node looks for overdue
      // requests every connectionsCheckingInterval (30 s by default: too coarse for these limits).
      headersTimeout,
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(headersTimeout / 2))),
    },
    trustProxy: trustProxyOf(config.TRUST_PROXY),
    clientErrorHandler: answerClientError,
    // A malformed percent-encoding or an over-long path parameter, found while routing.
    frameworkErrors: (error, request, reply) => sendProblem(request, reply, error),
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\x21-\x7e]{1,100}$/.test(given) ? given : randomUUID();
    },
  };
}

function trustProxyOf(value: string | undefined): false | string[] {
  return value === undefined ? false : value.split(',').map((address) => address.trim());
}
