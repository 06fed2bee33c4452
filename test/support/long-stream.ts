/**
 * A long JV stream built fast: commands decided by the real domain, their events appended
 * through the real repository (hash chain and metadata as a command writes them) in large
 * appends instead of one per command. For cold-start tests and benchmarks of long streams.
 */
import {
  decide,
  evolve,
  initialState,
  type Actor,
  type JointVentureCommand,
  type JointVentureEvent,
} from '@app/domain';
import { establishment, TANK } from '@app/domain/testing';
import type { EventStore } from '@app/event-store';
import { randomUUID } from 'node:crypto';
import { JointVentureRepository } from '../../apps/api/src/commands/joint-venture.repository';

const SEEDER: Actor = { subject: 'seeder', role: 'program-manager', memberState: 'RU' };
const NOW = '2025-03-01T10:00:00.000Z';
const APPEND_SIZE = 1_000;

/** Appends an establishment, the start of production and batches up to `events` events; returns the JV's id. */
export async function appendLongStream(
  store: EventStore,
  events: number,
  options: Readonly<{ id?: string; name?: string }> = {},
): Promise<string> {
  const jointVentureId = options.id ?? randomUUID();
  const decided: JointVentureEvent[] = [];
  let state = initialState();
  const push = (command: Omit<JointVentureCommand, 'jointVentureId' | 'now'>) => {
    const full = { ...command, jointVentureId, now: NOW } as JointVentureCommand;
    for (const event of decide(full, state)) {
      state = evolve(state, { ...event, revision: decided.length });
      decided.push(event);
    }
  };
  push({
    type: 'EstablishJointVenture',
    data: establishment({ name: options.name ?? `Long JV ${jointVentureId}` }),
  });
  push({ type: 'StartProduction', data: { effectiveOn: '2025-01-15' } });
  for (let n = 0; decided.length < events; n++)
    push({
      type: 'RecordBatch',
      data: { productCode: TANK, quantity: 1, batchReference: `L-${n}`, producedOn: '2025-02-01' },
    });

  const repository = new JointVentureRepository(store, 1);
  for (let from = 0; from < decided.length; from += APPEND_SIZE) {
    const chunk = decided.slice(from, from + APPEND_SIZE);
    const recordedAt = new Date(Date.parse(NOW) + from).toISOString();
    await repository.append(
      jointVentureId,
      await repository.load(jointVentureId),
      chunk,
      chunk.map(() => randomUUID()),
      { actor: SEEDER, correlationId: randomUUID() },
      recordedAt,
    );
  }
  return jointVentureId;
}
