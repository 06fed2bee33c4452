import { ArgumentsHost, Catch, ExceptionFilter, Logger, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { MethodNotAllowedError } from './application-errors';
import { problemHeaders, toProblem } from './problem-details';

const METHODS: readonly HTTPMethods[] = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
];

/**
 * No route matched: a 405 with `Allow` when the path takes other methods, else the 404.
 * (Fastify itself answers 404 for both.)
 */
function unmatchedRoute(request: FastifyRequest, error: NotFoundException): Error {
  const path = request.url.split('?')[0];
  const allowed = METHODS.filter(
    (method) => method !== request.method && request.server.findRoute({ method, url: path }),
  );
  return allowed.length > 0 ? new MethodNotAllowedError(request.method, path, allowed) : error;
}

/** A body is on its way that nothing has read: the request was refused before parsing. */
const hasUnreadBody = (request: FastifyRequest) =>
  request.body === undefined &&
  (Number(request.headers['content-length']) > 0 || 'transfer-encoding' in request.headers);

/** Answers with the error's problem document and the headers it needs. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  const body = { ...toProblem(error), instance: request.url.split('?')[0] };
  // Closing costs a refused client a reconnect; keeping the connection would cost the service
  // reading a body (up to BODY_LIMIT_BYTES) that nobody needs.
  if (body.status < 500 && hasUnreadBody(request)) void reply.header('connection', 'close');
  void reply
    .status(body.status)
    .headers(problemHeaders(error, body.status))
    .header('content-type', 'application/problem+json')
    .send(body);
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(caught: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error =
      caught instanceof NotFoundException && request.routeOptions.url === undefined
        ? unmatchedRoute(request, caught)
        : caught;
    if (toProblem(error).status >= 500)
      this.logger.error(error instanceof Error ? error.stack : String(error));
    sendProblem(request, reply, error);
  }
}
