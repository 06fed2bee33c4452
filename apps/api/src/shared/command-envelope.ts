import type { Actor } from '@app/domain';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { RequestValidationError } from '../problem/application-errors';

/** What every command request carries besides its body: who, which request, and its conditions. */
export type CommandEnvelope = Readonly<{
  actor: Actor;
  correlationId: string;
  causationId: string;
  ifMatch?: number;
  idempotencyKey?: string;
}>;

const TOKEN = /^[\x21-\x7e]{1,200}$/;

/** `7`, `"7"` or the weak ETag `W/"7"` this API hands out. */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(value);
  if (!match)
    throw new RequestValidationError([
      { field: 'If-Match', message: 'If-Match must be a version such as W/"3"' },
    ]);
  return Number(match[1]);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function envelopeOf(request: FastifyRequest & { actor: Actor }): CommandEnvelope {
  const idempotencyKey = header(request, 'idempotency-key');
  if (idempotencyKey !== undefined && !TOKEN.test(idempotencyKey))
    throw new RequestValidationError([
      {
        field: 'Idempotency-Key',
        message: 'Idempotency-Key must be 1-200 visible ASCII characters',
      },
    ]);
  const correlationId = header(request, 'x-correlation-id');
  return {
    actor: request.actor,
    correlationId:
      correlationId && TOKEN.test(correlationId)
        ? correlationId
        : String(request.id ?? randomUUID()),
    causationId: String(request.id ?? randomUUID()),
    ifMatch: parseIfMatch(header(request, 'if-match')),
    idempotencyKey,
  };
}

/** The command's envelope, read from the authenticated request's headers. */
export const Envelope = createParamDecorator((_: unknown, context: ExecutionContext) =>
  envelopeOf(context.switchToHttp().getRequest()),
);
