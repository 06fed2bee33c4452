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

/** The actor's member state takes no part in this joint venture. */
export class NotAPartnerStateError extends RefusalError {}
