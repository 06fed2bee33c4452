import type { CommandContext, JointVentureCommand } from '@app/domain';
import { Command } from '@nestjs/cqrs';

/** A domain command as a controller hands it over: the handler stamps its time (`now`). */
export type SubmittedCommand = Omit<JointVentureCommand, 'now'>;

/** Conditions a request may put on its command (HTTP `If-Match`, `Idempotency-Key`). */
export type CommandConditions = Readonly<{
  /** The command applies only if the JV is at exactly this version. */
  ifMatch?: number;
  /** A retry with the same key gets the first outcome and records nothing new. */
  idempotencyKey?: string;
}>;

/** What every command answers: the JV and its version after the command. */
export type CommandOutcome = Readonly<{ id: string; version: number }>;

/** The bus message every command route sends; `ExecuteCommandHandler` is its use case. */
export class ExecuteCommand extends Command<CommandOutcome> {
  constructor(
    readonly command: SubmittedCommand,
    readonly context: CommandContext,
    readonly conditions: CommandConditions = {},
  ) {
    super();
  }
}
