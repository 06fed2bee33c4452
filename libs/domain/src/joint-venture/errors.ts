/**
 * Typed domain errors. The API maps each class to one problem-details status in a single
 * exception filter; nothing here knows about HTTP.
 */
import type { Stage } from './stages';

export type Violation = Readonly<{ field: string; message: string }>;

export abstract class DomainError extends Error {
  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command is well-formed but refers to things this JV does not have, or breaks a rule of its own content. */
export class InvalidCommandError extends DomainError {
  constructor(readonly violations: readonly Violation[]) {
    super(violations.map((v) => `${v.field}: ${v.message}`).join('; '));
  }
}

/** The lifecycle does not allow this command in the current stage. */
export class IllegalTransitionError extends DomainError {
  constructor(
    readonly command: string,
    readonly stage: Stage,
    readonly allowed: readonly string[],
  ) {
    super(
      `'${command}' is not allowed in stage '${stage}'; allowed: ${allowed.length ? allowed.join(', ') : 'none (terminal)'}`,
    );
  }
}

/** Accepting the command would break an invariant of the JV's state (e.g. more units than are in service). */
export class InvariantViolationError extends DomainError {
  constructor(readonly violations: readonly Violation[]) {
    super(violations.map((v) => `${v.field}: ${v.message}`).join('; '));
  }
}

export class JointVentureNotFoundError extends DomainError {
  constructor(readonly jointVentureId: string) {
    super(`joint venture ${jointVentureId} does not exist`);
  }
}

export class JointVentureAlreadyExistsError extends DomainError {
  constructor(readonly jointVentureId: string) {
    super(`joint venture ${jointVentureId} already exists`);
  }
}
