import type { Actor } from '@app/domain';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { RequestValidationError } from '../problem/application-errors';
import {
  ExecuteCommand,
  type CommandConditions,
  type SubmittedCommand,
  type SubmittedProposalStep,
} from './execute-command';

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

/**
 * What a command request carries besides its body: who sent it (from the token), its
 * correlation (headers or the request id), and its conditions. Controllers turn a domain
 * command into the bus message with `command()`, adding the body's `reason`.
 */
export class CommandRequest {
  constructor(
    readonly actor: Actor,
    readonly correlationId: string,
    readonly causationId: string,
    readonly conditions: CommandConditions,
  ) {}

  static of(request: FastifyRequest & { actor: Actor }): CommandRequest {
    const idempotencyKey = header(request, 'idempotency-key');
    if (idempotencyKey !== undefined && !TOKEN.test(idempotencyKey))
      throw new RequestValidationError([
        {
          field: 'Idempotency-Key',
          message: 'Idempotency-Key must be 1-200 visible ASCII characters',
        },
      ]);
    const correlationId = header(request, 'x-correlation-id');
    const requestId = String(request.id ?? randomUUID());
    return new CommandRequest(
      request.actor,
      correlationId && TOKEN.test(correlationId) ? correlationId : requestId,
      requestId,
      { ifMatch: parseIfMatch(header(request, 'if-match')), idempotencyKey },
    );
  }

  /** The bus message for `command`, recorded with the request's context and `reason`. */
  command(command: SubmittedCommand | SubmittedProposalStep, reason?: string): ExecuteCommand {
    const { actor, correlationId, causationId } = this;
    return new ExecuteCommand(
      command,
      { actor, correlationId, causationId, ...(reason ? { reason } : {}) },
      this.conditions,
    );
  }
}

/** The authenticated request's `CommandRequest`. */
export const FromRequest = createParamDecorator((_: unknown, context: ExecutionContext) =>
  CommandRequest.of(context.switchToHttp().getRequest()),
);
