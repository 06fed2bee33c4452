import {
  IllegalTransitionError,
  InvalidCommandError,
  InvariantViolationError,
  JointVentureAlreadyExistsError,
  JointVentureNotFoundError,
  ProposalNotFoundError,
  ProposalRefusedError,
  type ProposalRefusal,
  type Violation,
} from '@app/domain';
import { EventStoreUnavailableError } from '@app/event-store';
import { InvalidCursorError } from '@app/read-models';
import { CheckpointMismatchError } from '@app/transparency';
import {
  IdentityProviderUnavailableError,
  IntegrityAlarmError,
  InvalidTokenError,
  NotYetInLogError,
} from '@app/runtime';
import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import {
  AuthenticationRequiredError,
  ConcurrencyConflictError,
  IdempotencyKeyConflictError,
  IdempotencyKeyInProgressError,
  MethodNotAllowedError,
  NameTakenError,
  NoCheckpointError,
  NotAPartnerStateError,
  NothingToSignError,
  ProposalClosedError,
  RateLimitedError,
  RequestValidationError,
  UnknownEventError,
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
const REALM = 'jv-ledger';
/** How long a client should wait before an export of a JV the transparency log has not taken in yet. */
const NOT_YET_IN_LOG_RETRY_SECONDS = 1;
/** How long a client should wait before retrying when an identity provider is unreachable. */
const IDENTITY_PROVIDER_RETRY_SECONDS = 10;

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

/** Fastify's own 4xx (unparsable JSON, body too large, media type, URL, headers) by status. */
const FASTIFY_SLUGS: Record<number, string> = {
  408: 'request-timeout',
  413: 'body-too-large',
  414: 'uri-too-long',
  415: 'unsupported-media-type',
  431: 'header-fields-too-large',
};

/** Each refusal of a proposal step: its status and problem type. */
const PROPOSAL_REFUSALS: Record<ProposalRefusal, [number, string]> = {
  'not-pending': [409, 'proposal-not-pending'],
  'already-approved': [409, 'proposal-already-approved'],
  exists: [409, 'proposal-exists'],
  'not-a-required-state': [403, 'not-a-required-state'],
  'not-the-proposer': [403, 'not-the-proposer'],
};

/** Maps every error that reaches HTTP to one problem document; only the unexpected become 500s. */
export function toProblem(error: unknown): Problem {
  if (error instanceof RequestValidationError)
    return problem(400, 'validation', 'the request is not valid', { errors: error.violations });
  if (error instanceof InvalidCursorError)
    return problem(400, 'validation', error.message, {
      errors: [{ field: 'cursor', message: error.message }],
    });
  if (error instanceof AuthenticationRequiredError)
    return problem(401, 'unauthorized', error.message);
  if (error instanceof InvalidTokenError) return problem(401, 'invalid-token', error.message);
  if (error instanceof RateLimitedError)
    return problem(429, 'rate-limited', error.message, {
      limit: error.limit,
      windowSeconds: error.windowSeconds,
      retryAfterSeconds: error.retryAfterSeconds,
    });
  if (error instanceof MethodNotAllowedError)
    return problem(405, 'method-not-allowed', error.message, { allowed: error.allowed });
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
  if (error instanceof ProposalNotFoundError)
    return problem(404, 'proposal-not-found', error.message, { proposalId: error.proposalId });
  if (error instanceof ProposalRefusedError) {
    const [status, slug] = PROPOSAL_REFUSALS[error.refusal];
    return problem(status, slug, error.message, {
      proposalId: error.proposalId,
      proposalStatus: error.status,
    });
  }
  if (error instanceof ProposalClosedError)
    return problem(409, `proposal-${error.reason}`, error.message, {
      proposalId: error.proposalId,
      proposalStatus: 'closed',
      currentVersion: error.version,
    });
  if (error instanceof JointVentureAlreadyExistsError)
    return problem(409, 'already-exists', error.message);
  if (error instanceof NameTakenError)
    return problem(409, 'name-taken', error.message, {
      errors: [{ field: 'name', message: error.message }],
    });
  if (error instanceof IntegrityAlarmError)
    return problem(409, 'integrity-alarm', error.message, {
      check: error.finding?.check ?? null,
      brokenVersion: error.finding?.revision ?? null,
    });
  // The stored log no longer reproduces a checkpoint it signed: tampering or a lost tree, not a
  // server fault; the sizes say which checkpoint against which log.
  if (error instanceof CheckpointMismatchError)
    return problem(409, 'checkpoint-mismatch', error.message, {
      part: error.part,
      checkpointSize: error.checkpointSize,
      logSize: error.logSize,
    });
  if (error instanceof VersionMismatchError)
    return problem(412, 'version-mismatch', error.message, {
      currentVersion: error.currentVersion ?? null,
    });
  if (error instanceof ConcurrencyConflictError)
    return problem(409, 'concurrency-conflict', error.message);
  if (error instanceof IdempotencyKeyInProgressError)
    return problem(409, 'idempotency-key-conflict', error.message, {
      retryAfterSeconds: error.retryAfterSeconds,
    });
  if (error instanceof IdempotencyKeyConflictError)
    return problem(409, 'idempotency-key-conflict', error.message);
  if (error instanceof NotAPartnerStateError) return problem(403, 'forbidden', error.message);
  if (error instanceof NoCheckpointError) return problem(404, 'no-checkpoint', error.message);
  if (error instanceof UnknownEventError)
    return problem(404, 'unknown-event', error.message, {
      errors: [{ field: 'eventId', message: error.message }],
    });
  if (error instanceof NothingToSignError) return problem(409, 'empty-log', error.message);
  if (error instanceof NotYetInLogError)
    return problem(409, 'not-in-log-yet', error.message, {
      retryAfterSeconds: NOT_YET_IN_LOG_RETRY_SECONDS,
    });
  if (error instanceof EventStoreUnavailableError)
    return problem(
      503,
      'store-unavailable',
      'the event store cannot be reached; retry later (a retry with the same Idempotency-Key is safe)',
    );
  if (error instanceof IdentityProviderUnavailableError)
    return problem(
      503,
      'identity-provider-unavailable',
      "the token's issuer cannot be reached to check it; retry later",
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
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const message = (error as Error).message;
    const slug = FASTIFY_SLUGS[statusCode];
    if (slug) return problem(statusCode, slug, message);
    const field = (error as { code?: unknown }).code === 'FST_ERR_BAD_URL' ? 'url' : 'body';
    return problem(statusCode, 'malformed-request', message, { errors: [{ field, message }] });
  }
  return problem(HttpStatus.INTERNAL_SERVER_ERROR, 'internal', 'an unexpected error occurred');
}

/** RFC 6750 §3 challenge: printable ASCII without quotes or backslashes in the description. */
const challenge = (description: string) =>
  `Bearer realm="${REALM}", error="invalid_token", error_description="${description.replace(/[^\x20-\x7e]|["\\]/g, "'").slice(0, 200)}"`;

/** The headers a problem needs besides its body: how to authenticate, when to retry, what is allowed. */
export function problemHeaders(error: unknown, status: number): Record<string, string> {
  if (error instanceof InvalidTokenError) return { 'www-authenticate': challenge(error.message) };
  if (status === 401) return { 'www-authenticate': `Bearer realm="${REALM}"` };
  if (error instanceof RateLimitedError || error instanceof IdempotencyKeyInProgressError)
    return { 'retry-after': String(error.retryAfterSeconds) };
  if (error instanceof IdentityProviderUnavailableError)
    return { 'retry-after': String(IDENTITY_PROVIDER_RETRY_SECONDS) };
  if (error instanceof MethodNotAllowedError) return { allow: error.allowed.join(', ') };
  if (error instanceof NotYetInLogError)
    return { 'retry-after': String(NOT_YET_IN_LOG_RETRY_SECONDS) };
  return {};
}
