import {
  IllegalTransitionError,
  InvalidCommandError,
  InvariantViolationError,
  JointVentureAlreadyExistsError,
  JointVentureNotFoundError,
  type Violation,
} from '@app/domain';
import { EventStoreUnavailableError } from '@app/event-store';
import { InvalidCursorError } from '@app/read-models';
import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import {
  ConcurrencyConflictError,
  IdempotencyKeyConflictError,
  NameTakenError,
  NotAPartnerStateError,
  RequestValidationError,
  VersionMismatchError,
} from './application-errors';

/** RFC 9457 problem details; extension members carry what a client needs to act. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: readonly Violation[];
  [extension: string]: unknown;
};

const TYPE_BASE = 'https://jv-ledger.example/problems/';

function problem(
  status: number,
  slug: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return {
    type: `${TYPE_BASE}${slug}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...extensions,
  };
}

/** Maps every error that reaches HTTP to one problem document; only the unexpected become 500s. */
export function toProblem(error: unknown): Problem {
  if (error instanceof RequestValidationError)
    return problem(400, 'validation', 'the request is not valid', { errors: error.violations });
  if (error instanceof InvalidCursorError)
    return problem(400, 'validation', error.message, {
      errors: [{ field: 'cursor', message: error.message }],
    });
  if (error instanceof InvalidCommandError)
    return problem(422, 'invalid-command', 'the request does not fit this joint venture', {
      errors: error.violations,
    });
  if (error instanceof IllegalTransitionError)
    return problem(409, 'illegal-transition', error.message, {
      currentStage: error.stage,
      // Deprecated alias of currentStage, for clients of release 0.1.0.
      currentPhase: error.stage,
      allowed: error.allowed,
    });
  if (error instanceof InvariantViolationError)
    return problem(409, 'invariant-violation', error.message, { errors: error.violations });
  if (error instanceof JointVentureNotFoundError) return problem(404, 'not-found', error.message);
  if (error instanceof JointVentureAlreadyExistsError)
    return problem(409, 'already-exists', error.message);
  if (error instanceof NameTakenError)
    return problem(409, 'name-taken', error.message, {
      errors: [{ field: 'name', message: error.message }],
    });
  if (error instanceof VersionMismatchError)
    return problem(412, 'version-mismatch', error.message, {
      currentVersion: error.currentVersion ?? null,
    });
  if (error instanceof ConcurrencyConflictError)
    return problem(409, 'concurrency-conflict', error.message);
  if (error instanceof IdempotencyKeyConflictError)
    return problem(409, 'idempotency-key-conflict', error.message);
  if (error instanceof NotAPartnerStateError) return problem(403, 'forbidden', error.message);
  if (error instanceof EventStoreUnavailableError)
    return problem(
      503,
      'store-unavailable',
      'the event store cannot be reached; retry later (a retry with the same Idempotency-Key is safe)',
    );
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const detail = String(
      typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? error.message),
    );
    // A plain 400 (not from validation) is a body Fastify could not parse.
    const errors = status === 400 ? { errors: [{ field: 'body', message: detail }] } : {};
    const slug = STATUS_CODES[status]?.toLowerCase().replace(/\W+/g, '-') ?? 'error';
    // Terminus's 503 carries which checks failed (an unreachable event store, say): keep it.
    const checks =
      typeof body === 'object' && body !== null && 'details' in body
        ? { checks: (body as { details: unknown }).details }
        : {};
    return problem(status, slug, detail, { ...errors, ...checks });
  }
  // Fastify's own 4xx (malformed JSON, body too large, unsupported media type) carry statusCode.
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const slug =
      statusCode === 413
        ? 'body-too-large'
        : statusCode === 415
          ? 'unsupported-media-type'
          : 'malformed-request';
    const errors =
      slug === 'malformed-request'
        ? [{ field: 'body', message: (error as Error).message }]
        : undefined;
    return problem(statusCode, slug, (error as Error).message, errors ? { errors } : {});
  }
  return problem(HttpStatus.INTERNAL_SERVER_ERROR, 'internal', 'an unexpected error occurred');
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = { ...toProblem(error), instance: request.url };
    if (body.status >= 500) this.logger.error(error instanceof Error ? error.stack : String(error));
    void reply.status(body.status).header('content-type', 'application/problem+json').send(body);
  }
}
