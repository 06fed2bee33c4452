/**
 * Test fixtures and the given / when / then helper for the joint-venture decider specs.
 * Not exported from the barrel. Every state a spec folds is checked against the unit
 * invariant after every event, so no spec can build or reach a history that breaks it.
 */
import { establishment, DECISION, TANK } from '../testing/joint-venture.fixture';
import type { CommandOf, JointVentureCommand, JointVentureCommandType } from './commands';
import { decide } from './decide';
import type { EventOf, JointVentureEvent, JointVentureEventType } from './events';
import { evolve, type FoldableEvent } from './evolve';
import { initialState, type ExistingJointVenture, type JointVentureState } from './state';
import { unitProblems } from './units';
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
export const TODAY = '2025-03-01';
/** When the facts of the canned histories took effect. */
export const ON = '2024-01-10';
export const JV_ID = '5b0e7c2a-3f1d-4c8e-9a6b-2d7f1e0c4b93';

type DataOf<T extends JointVentureEventType> = EventOf<T>['data'];
type Undated<T extends JointVentureEventType> = Omit<DataOf<T>, 'effectiveOn'>;

export function command<T extends JointVentureCommandType>(
  type: T,
  data: CommandOf<T>['data'],
): CommandOf<T> {
  return { type, jointVentureId: JV_ID, data, now: NOW } as CommandOf<T>;
}

export function event<T extends JointVentureEventType>(type: T, data: DataOf<T>): EventOf<T> {
  return { type, data } as EventOf<T>;
}

/** An event that took effect on `effectiveOn` (today by default, as `decide` dates it). */
export function fact<T extends JointVentureEventType>(
  type: T,
  data: Undated<T>,
  effectiveOn: string = TODAY,
): EventOf<T> {
  return { type, data: { ...data, effectiveOn } } as unknown as EventOf<T>;
}

export const establishData = (purposes?: Purpose[]) => establishment(purposes ? { purposes } : {});

export const established = (purposes?: Purpose[]) =>
  fact('JointVentureEstablished', establishData(purposes), DECISION.date);

export const batch = (
  quantity: number,
  productCode = TANK,
  options: Partial<Undated<'BatchProduced'>> = {},
) => {
  const producedOn = options.producedOn ?? ON;
  return fact(
    'BatchProduced',
    { productCode, productVersion: null, quantity, batchReference: 'B-1', producedOn, ...options },
    producedOn,
  );
};

type StageEventType =
  'DevelopmentStarted' | 'ProductionStarted' | 'DisposalStarted' | 'DisposalCompleted';
export const stageEvent = (type: StageEventType, effectiveOn = ON) =>
  fact(type, {} as Undated<StageEventType>, effectiveOn);

/** Histories that leave a fully-purposed JV in each stage; production ones have 10 tanks. */
export const HISTORY = {
  established: [established()],
  development: [established(), stageEvent('DevelopmentStarted')],
  production: [established(), stageEvent('ProductionStarted'), batch(10)],
  disposal: [
    established(),
    stageEvent('ProductionStarted'),
    batch(10),
    stageEvent('DisposalStarted'),
  ],
  closed: [
    established(),
    stageEvent('ProductionStarted'),
    stageEvent('DisposalStarted'),
    stageEvent('DisposalCompleted'),
  ],
  dissolved: [established(), fact('JointVentureDissolved', { reason: 'programme cancelled' }, ON)],
} satisfies Record<string, JointVentureEvent[]>;

/** Folds events, checking the unit invariant after each one. */
export function foldChecked(
  events: readonly FoldableEvent[],
  from = initialState(),
): JointVentureState {
  return events.reduce<JointVentureState>((state, next, index) => {
    const after = evolve(state, next);
    if (after.status === 'existing') {
      const problems = unitProblems(after.units);
      if (problems.length > 0)
        throw new Error(
          `after event ${index} (${next.type}) the units break: ${problems.join('; ')}`,
        );
    }
    return after;
  }, from);
}

/** The existing JV after the events (checked as `foldChecked` does). */
export function existing(...events: FoldableEvent[]): ExistingJointVenture {
  const state = foldChecked(events);
  if (state.status !== 'existing') throw new Error('expected an existing joint venture');
  return state;
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** Given the recorded events, when the command is decided, then these events or this error. */
export function given(...history: JointVentureEvent[]) {
  const state = foldChecked(history);
  return {
    when(cmd: JointVentureCommand) {
      return {
        /** Asserts the decided events and returns them with the state they lead to. */
        then(expected: JointVentureEvent[]) {
          const events = decide(cmd, state);
          expect(events).toEqual(expected);
          return { events, state: foldChecked(events, state) as ExistingJointVenture };
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
