import type { Violation } from '@app/domain';

/**
 * Errors of the application layer (not domain rules), mapped to problem details by the filter.
 * A refusal is raised before anything is written: the request can be corrected and sent again.
 */
export abstract class RefusalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class RequestValidationError extends RefusalError {
  constructor(readonly violations: readonly Violation[]) {
    super(violations.map((v) => `${v.field}: ${v.message}`).join('; '));
  }
}

/** `If-Match` named a version that is not the stream's current one. */
export class VersionMismatchError extends RefusalError {
  constructor(
    readonly expectedVersion: number,
    readonly currentVersion: number | undefined,
  ) {
    super(
      `If-Match expected version ${expectedVersion}, current version is ${currentVersion ?? 'none'}`,
    );
  }
}

/** Concurrent writers kept winning for longer than the bounded retry allows. */
export class ConcurrencyConflictError extends RefusalError {}

/** Another active joint venture already has this name (compared case-insensitively). */
export class NameTakenError extends RefusalError {
  constructor(readonly takenName: string) {
    super(`an active joint venture is already named '${takenName}'`);
  }
}

/** The Idempotency-Key was used before with a different request, or that request is still running. */
export class IdempotencyKeyConflictError extends RefusalError {}

/** The first request with this Idempotency-Key is still running: retry after `retryAfterSeconds`. */
export class IdempotencyKeyInProgressError extends IdempotencyKeyConflictError {
  constructor(readonly retryAfterSeconds: number) {
    super('a request with this Idempotency-Key is still in progress; retry later');
  }
}

/** No bearer token on a route that needs one. */
export class AuthenticationRequiredError extends RefusalError {
  constructor() {
    super('a bearer token is required');
  }
}

/** More requests than RATE_LIMIT_PER_ADDRESS or RATE_LIMIT_PER_SUBJECT in one window. */
export class RateLimitedError extends RefusalError {
  constructor(
    readonly scope: 'address' | 'subject',
    readonly limit: number,
    readonly windowSeconds: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `more than ${limit} requests in ${windowSeconds} s from this ${scope === 'address' ? 'client address' : 'subject'}; retry in ${retryAfterSeconds} s`,
    );
  }
}

/** The path exists, but not with this method. */
export class MethodNotAllowedError extends RefusalError {
  constructor(
    method: string,
    path: string,
    readonly allowed: readonly string[],
  ) {
    super(`${path} does not take ${method}; it takes ${allowed.join(', ')}`);
  }
}

/** The actor's member state takes no part in this joint venture. */
export class NotAPartnerStateError extends RefusalError {}

/**
 * The step closed the proposal instead of deciding it (it expired, or its change no longer
 * applies): the closing was recorded at `version`, and the request is refused.
 */
export class ProposalClosedError extends RefusalError {
  constructor(
    readonly proposalId: string,
    readonly reason: 'expired' | 'no-longer-applies',
    detail: string,
    readonly version: number,
  ) {
    super(detail);
  }
}

/** The transparency log has no signed checkpoint yet. */
export class NoCheckpointError extends RefusalError {}

/** A checkpoint of an empty log was asked for. */
export class NothingToSignError extends RefusalError {}

/** No joint-venture event with this id is in the transparency log. */
export class UnknownEventError extends RefusalError {
  constructor(readonly eventId: string) {
    super(`no event ${eventId} is in the transparency log`);
  }
}
