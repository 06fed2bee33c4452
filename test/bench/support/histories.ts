/**
 * Seeds joint-venture histories through the real command handler (load, decide, hash-chained
 * append), skipping only HTTP: every seeded event is one a user could have caused.
 */
import { IP_RESULT_KINDS, type Actor } from '@app/domain';
import { CHASSIS, establishment } from '@app/domain/testing';
import type { CommandBus } from '@nestjs/cqrs';
import { execute, type Unaddressed } from '@test/support/commands';
import { randomUUID } from 'node:crypto';
import { BENCH_MANAGER } from './bench-app';

type DomainCommand = Unaddressed;

export const PRODUCT = CHASSIS;

export function establishCommand(name: string): DomainCommand {
  return { type: 'EstablishJointVenture', data: establishment({ name }) };
}

/** The HTTP body of RecordBatch (the command's data). */
export function batchBody(reference: string) {
  return {
    productCode: PRODUCT,
    quantity: 10,
    batchReference: reference,
    producedOn: '2025-05-20',
  };
}

/** Runs one command as the bench manager; throws if it is refused. */
export function run(
  commands: CommandBus,
  jointVentureId: string,
  command: DomainCommand,
  actor: Actor = BENCH_MANAGER,
): Promise<number> {
  return execute(commands, jointVentureId, command, actor);
}

/** A JV straight in production with `events` events in all: RecordBatch after the first two. */
export async function seedProductionStream(
  commands: CommandBus,
  name: string,
  events: number,
): Promise<string> {
  const id = randomUUID();
  await run(commands, id, establishCommand(name));
  await run(commands, id, { type: 'StartProduction', data: {} });
  for (let i = 2; i < events; i++)
    await run(commands, id, { type: 'RecordBatch', data: batchBody(`SEED-${i}`) });
  return id;
}

/**
 * The `index`-th command of a varied life, one event each: establishment, development with
 * milestones, then production cycles with batches, work orders, IP and share changes.
 */
export function varietyCommand(index: number): DomainCommand {
  const opening: DomainCommand[] = [
    { type: 'StartDevelopment', data: {} },
    { type: 'RecordMilestone', data: { name: 'Design review', reachedOn: '2024-09-01' } },
    { type: 'RecordMilestone', data: { name: 'Prototype built', reachedOn: '2024-12-01' } },
    { type: 'RecordMilestone', data: { name: 'Factory trials', reachedOn: '2025-02-01' } },
    { type: 'RecordMilestone', data: { name: 'State trials', reachedOn: '2025-03-01' } },
    { type: 'StartProduction', data: {} },
  ];
  if (index < opening.length) return opening[index];
  const slot = (index - opening.length) % 20;
  const round = Math.floor((index - opening.length) / 20);
  switch (slot) {
    case 12:
      return {
        type: 'OpenWorkOrder',
        data: {
          workOrderId: `M-${round}`,
          kind: 'modernization',
          productCode: PRODUCT,
          // The units upgraded in the previous round are at v<round>; the first round's are unversioned.
          ...(round === 0 ? {} : { fromVersion: `v${round}` }),
          toVersion: `v${round + 1}`,
          quantity: 5,
        },
      };
    case 13:
      return { type: 'RecordWorkOrderProgress', data: { workOrderId: `M-${round}`, upgraded: 5 } };
    case 14:
      return { type: 'CompleteWorkOrder', data: { workOrderId: `M-${round}` } };
    case 15:
      return {
        type: 'OpenWorkOrder',
        data: { workOrderId: `R-${round}`, kind: 'repair', productCode: PRODUCT, quantity: 2 },
      };
    case 16:
      return {
        type: 'RegisterIpResult',
        data: {
          ipResultId: randomUUID(),
          title: `Suspension damping method ${round}`,
          kind: IP_RESULT_KINDS[round % IP_RESULT_KINDS.length],
          rightsHolders: [
            { enterpriseCode: 'RU-UVZ', shareBasisPoints: 5000 },
            { enterpriseCode: 'BY-MZKT', shareBasisPoints: 5000 },
          ],
        },
      };
    case 17:
      return {
        type: 'ReallocateShares',
        data: {
          allocation: [
            { enterpriseCode: 'RU-UVZ', shareBasisPoints: round % 2 === 0 ? 5000 : 5100 },
            { enterpriseCode: 'BY-MZKT', shareBasisPoints: round % 2 === 0 ? 5000 : 4900 },
          ],
        },
      };
    case 18:
      return {
        type: 'AddProductLine',
        data: { productCode: `AUX-${round}`, name: `Auxiliary unit ${round}` },
      };
    default:
      return { type: 'RecordBatch', data: batchBody(`B-${round}-${slot}`) };
  }
}

/**
 * `jointVentures` JVs of `eventsPerJv` events each, appended round-robin so the global log
 * interleaves them as concurrent users would. Returns the number of events written.
 */
export async function seedVariedLog(
  commands: CommandBus,
  jointVentures: number,
  eventsPerJv: number,
): Promise<number> {
  const ids = Array.from({ length: jointVentures }, () => randomUUID());
  let written = 0;
  for (const [n, id] of ids.entries()) {
    await run(commands, id, establishCommand(`Varied JV ${n}`));
    written++;
  }
  for (let index = 0; index < eventsPerJv - 1; index++) {
    for (const id of ids) {
      await run(commands, id, varietyCommand(index));
      written++;
    }
  }
  return written;
}
