/**
 * Test fixtures and the given / when / then helper for the joint-venture decider specs.
 * Not exported from the barrel.
 */
import { establishment, TANK } from '../testing/joint-venture.fixture';
import type { JointVentureCommand, JointVentureCommandType } from './commands';
import { decide } from './decide';
import type { JointVentureEvent, JointVentureEventType } from './events';
import { foldEvents } from './evolve';
import type { Purpose } from './values';

export {
  ALL_PURPOSES,
  CHASSIS,
  KZ_SEMEY as KZ_PARTNER,
  PARTNERS,
  PRODUCT_LINES,
  TANK,
} from '../testing/joint-venture.fixture';

export const NOW = '2025-03-01T10:00:00Z';
export const JV_ID = '5b0e7c2a-3f1d-4c8e-9a6b-2d7f1e0c4b93';

type CommandOf<T extends JointVentureCommandType> = Extract<JointVentureCommand, { type: T }>;
type EventOf<T extends JointVentureEventType> = Extract<JointVentureEvent, { type: T }>;

export function command<T extends JointVentureCommandType>(
  type: T,
  data: CommandOf<T>['data'],
): CommandOf<T> {
  return { type, jointVentureId: JV_ID, data, now: NOW } as CommandOf<T>;
}

export function event<T extends JointVentureEventType>(
  type: T,
  data: EventOf<T>['data'],
): EventOf<T> {
  return { type, data } as EventOf<T>;
}

export const establishData = (purposes?: Purpose[]) => establishment(purposes ? { purposes } : {});

export const established = (purposes?: Purpose[]) =>
  event('JointVentureEstablished', establishData(purposes));

export const batch = (quantity: number, productCode = TANK) =>
  event('BatchProduced', {
    productCode,
    quantity,
    batchReference: 'B-1',
    producedOn: '2024-01-10',
  });

export const phaseEvent = (
  type:
    | 'DevelopmentStarted'
    | 'ProductionStarted'
    | 'ModernizationStarted'
    | 'RepairStarted'
    | 'DisposalStarted'
    | 'DisposalCompleted',
) => event(type, {});

/** Histories that leave a fully-purposed JV in each phase; production ones have 10 tanks. */
export const HISTORY = {
  established: [established()],
  development: [established(), phaseEvent('DevelopmentStarted')],
  production: [established(), phaseEvent('ProductionStarted'), batch(10)],
  modernization: [
    established(),
    phaseEvent('ProductionStarted'),
    batch(10),
    phaseEvent('ModernizationStarted'),
  ],
  repair: [established(), phaseEvent('ProductionStarted'), batch(10), phaseEvent('RepairStarted')],
  disposal: [
    established(),
    phaseEvent('ProductionStarted'),
    batch(10),
    phaseEvent('DisposalStarted'),
  ],
  closed: [
    established(),
    phaseEvent('ProductionStarted'),
    phaseEvent('DisposalStarted'),
    phaseEvent('DisposalCompleted'),
  ],
  dissolved: [established(), event('JointVentureDissolved', { reason: 'programme cancelled' })],
} satisfies Record<string, JointVentureEvent[]>;

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** Given the recorded events, when the command is decided, then these events or this error. */
export function given(...history: JointVentureEvent[]) {
  const state = foldEvents(history);
  return {
    when(cmd: JointVentureCommand) {
      return {
        /** Asserts the decided events and returns them with the state they lead to. */
        then(expected: JointVentureEvent[]) {
          const events = decide(cmd, state);
          expect(events).toEqual(expected);
          return { events, state: foldEvents([...history, ...events]) };
        },
        /** Asserts the error class and its fields (a partial match), and returns the error. */
        thenThrows<E extends Error>(errorClass: ErrorClass<E>, matcher: object = {}): E {
          let thrown: unknown;
          try {
            decide(cmd, state);
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(errorClass);
          expect(thrown).toMatchObject(matcher);
          return thrown as E;
        },
      };
    },
  };
}
