/** A command line the CLI cannot run: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** A command that ran and must report failure with its own exit code (e.g. 3: the witness refused). */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
