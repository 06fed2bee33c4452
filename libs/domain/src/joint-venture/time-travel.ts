/**
 * A JV as things stood on a date: the events that had taken effect by the end of that day,
 * folded in the order they were recorded (the establishment always counts: the JV's decision
 * date bounds every effective date). Combined with a choice of which events were known (up to
 * a version or a recording instant), this answers "what did the ledger know at T about D".
 */
import { effectiveDateOf } from './events';
import { foldEvents, type FoldableEvent } from './evolve';
import type { JointVentureState } from './state';

/** Whether an event had taken effect by the end of `asOf`. */
export function inEffectBy(event: FoldableEvent, asOf: string): boolean {
  return event.type === 'JointVentureEstablished' || effectiveDateOf(event) <= asOf;
}

/** The state as of the end of `asOf` (every event when it is undefined). */
export function stateAsOf(events: readonly FoldableEvent[], asOf?: string): JointVentureState {
  return foldEvents(asOf === undefined ? events : events.filter((e) => inEffectBy(e, asOf)));
}
