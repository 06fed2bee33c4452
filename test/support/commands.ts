/**
 * Runs domain commands through an app's CommandBus, as a controller would but without HTTP:
 * what seeding in tests and benchmarks uses, so every seeded event is one a user could cause.
 */
import type { Actor } from '@app/domain';
import type { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { ExecuteCommand, type SubmittedCommand } from '../../apps/api/src/commands/execute-command';

/** A command before it names its JV. */
export type Unaddressed = SubmittedCommand extends infer C
  ? C extends SubmittedCommand
    ? Omit<C, 'jointVentureId'>
    : never
  : never;

/** Runs `command` on `jointVentureId` as `actor`; resolves to the JV's new version. */
export async function execute(
  bus: CommandBus,
  jointVentureId: string,
  command: Unaddressed,
  actor: Actor,
): Promise<number> {
  const { version } = await bus.execute(
    new ExecuteCommand({ ...command, jointVentureId } as SubmittedCommand, {
      actor,
      correlationId: randomUUID(),
      causationId: randomUUID(),
    }),
  );
  return version;
}
