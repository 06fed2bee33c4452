import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { MethodNotAllowedError } from './application-errors';
import { problemHeaders, toProblem } from './problem-details';

/**
 * No route matched: a 405 with `Allow` when the path takes other methods, else the 404.
 * (Fastify itself answers 404 for both, or 400 when a method it expects a body with, such as
 * QUERY, comes without one.)
 */
function unmatchedRoute(request: FastifyRequest, error: unknown): unknown {
  const path = request.url.split('?')[0];
  const allowed = (request.server.supportedMethods as HTTPMethods[]).filter(
    (method) => method !== request.method && request.server.findRoute({ method, url: path }),
  );
  if (allowed.length > 0) return new MethodNotAllowedError(request.method, path, allowed);
  return error instanceof NotFoundException
    ? error
    : new NotFoundException(`Cannot ${request.method} ${path}`);
}

/** Errors about a request's body or media type, which mean nothing where no route matched. */
const isRoutingOrBodyError = (error: unknown) =>
  error instanceof NotFoundException ||
  String((error as { code?: unknown })?.code ?? '').startsWith('FST_ERR_CTP_') ||
  (error instanceof HttpException && [400, 413, 415].includes(error.getStatus()));

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
      request.routeOptions.url === undefined && isRoutingOrBodyError(caught)
        ? unmatchedRoute(request, caught)
        : caught;
    if (toProblem(error).status >= 500)
      this.logger.error(error instanceof Error ? error.stack : String(error));
    sendProblem(request, reply, error);
  }
}
