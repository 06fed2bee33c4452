/**
 * Corrections by reversal, never by editing: a `FactReversed` says that the fact at a version
 * does not count, and its corrected replacement (if any) is recorded in the same append,
 * checked as the reversed fact's own command would be. Only facts that record something
 * (batches, disposal lots, milestones, work-order progress) can be reversed, once; the units
 * must add up without the fact on every date from its effective date on, or it is refused.
 *
 * The decision is one pure function of the command and the state, so a shared-control
 * approval (a proposal approved by the partner states concerned) can wrap it later as it
 * wraps any other command.
 */
import type { CommandOf, CorrectFact, JointVentureCommandType } from './commands';
import { after, recordBatch, recordDisposalLot, recordMilestone } from './decide-facts';
import { recordWorkOrderProgress } from './decide-work-orders';
import {
  DomainError,
  InvalidCommandError,
  InvariantViolationError,
  type Violation,
} from './errors';
import { isReversible, type JointVentureEvent, type ReversibleEvent } from './events';
import type { ExistingJointVenture, RecordedFact } from './state';
import { requireUnitsHoldFrom } from './unit-checks';
import { Violations } from './validation';

/** The command a replacement is decided as, and the fields it may name. */
const REPLACED_BY = {
  BatchProduced: {
    command: 'RecordBatch',
    fields: ['productCode', 'productVersion', 'quantity', 'batchReference', 'producedOn'],
  },
  UnitsDisposed: {
    command: 'RecordDisposalLot',
    fields: ['productCode', 'productVersion', 'quantity', 'method', 'effectiveOn'],
  },
  DevelopmentMilestoneReached: { command: 'RecordMilestone', fields: ['name', 'reachedOn'] },
  WorkOrderProgressed: {
    command: 'RecordWorkOrderProgress',
    fields: ['upgraded', 'repaired', 'writtenOff', 'effectiveOn'],
  },
} as const satisfies Record<
  ReversibleEvent['type'],
  { command: JointVentureCommandType; fields: readonly string[] }
>;

function reversibleFact(
  command: CorrectFact,
  jv: ExistingJointVenture,
): RecordedFact & { event: ReversibleEvent } {
  const { reverses, reason } = command.data;
  const v = new Violations().text('reason', reason);
  const fact = jv.facts.find((f) => f.version === reverses);
  if (!Number.isSafeInteger(reverses) || reverses < 0 || reverses > jv.version)
    v.add('reverses', `must be a version of this joint venture, 0 to ${jv.version}`);
  else if (fact === undefined || !isReversible(fact.event))
    v.add(
      'reverses',
      `version ${reverses} is not a batch, a disposal lot, a milestone or work-order progress: only those can be reversed`,
    );
  else if (fact.reversed) v.add('reverses', `version ${reverses} is already reversed`);
  else if (fact.event.type === 'WorkOrderProgressed') {
    const { workOrderId } = fact.event.data;
    const order = jv.workOrders.find((o) => o.workOrderId === workOrderId);
    if (order?.status !== 'open')
      v.add(
        'reverses',
        `work order ${workOrderId} is ${order?.status ?? 'unknown'}: its progress stands`,
      );
  }
  v.throwIfInvalid();
  return fact as RecordedFact & { event: ReversibleEvent };
}

/** Field paths of a refused replacement, as the request names them. */
function underReplacement(error: unknown): never {
  const prefix = (violations: readonly Violation[]) =>
    violations.map(({ field, message }) => ({ field: `replacement.${field}`, message }));
  if (error instanceof InvalidCommandError) throw new InvalidCommandError(prefix(error.violations));
  if (error instanceof InvariantViolationError)
    throw new InvariantViolationError(prefix(error.violations));
  throw error;
}

/** Refuses fields that the reversed fact's own command does not have. */
function checkReplacementFields(
  reversed: ReversibleEvent,
  replacement: Readonly<Record<string, unknown>>,
): void {
  const { command: type, fields } = REPLACED_BY[reversed.type];
  const unknown = Object.keys(replacement).filter(
    (key) => !(fields as readonly string[]).includes(key),
  );
  if (unknown.length > 0)
    throw new InvalidCommandError(
      unknown.map((key) => ({ field: `replacement.${key}`, message: `is not a field of ${type}` })),
    );
}

/** The replacement, decided as the reversed fact's own command against the state after the reversal. */
function replacementOf(
  reversed: ReversibleEvent,
  replacement: Readonly<Record<string, unknown>>,
  command: CorrectFact,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const base = { jointVentureId: command.jointVentureId, now: command.now };
  const data = replacement as never;
  try {
    switch (reversed.type) {
      case 'BatchProduced':
        return recordBatch({ ...base, type: 'RecordBatch', data } as CommandOf<'RecordBatch'>, jv);
      case 'UnitsDisposed':
        return recordDisposalLot({ ...base, type: 'RecordDisposalLot', data }, jv);
      case 'DevelopmentMilestoneReached':
        return recordMilestone({ ...base, type: 'RecordMilestone', data }, jv);
      case 'WorkOrderProgressed': {
        const progress = { ...replacement, workOrderId: reversed.data.workOrderId };
        return recordWorkOrderProgress(
          { ...base, type: 'RecordWorkOrderProgress', data: progress as never },
          jv,
        );
      }
    }
  } catch (error) {
    if (error instanceof DomainError) underReplacement(error);
    throw error;
  }
}

export function decideCorrection(
  command: CorrectFact,
  jv: ExistingJointVenture,
): JointVentureEvent[] {
  const fact = reversibleFact(command, jv);
  const { replacement } = command.data;
  if (replacement !== undefined) checkReplacementFields(fact.event, replacement);
  const { effectiveOn } = fact.event.data;
  const reversal: JointVentureEvent = {
    type: 'FactReversed',
    data: {
      reversedVersion: fact.version,
      reversedEventId: fact.eventId,
      reversedType: fact.event.type,
      reason: command.data.reason,
      effectiveOn,
    },
  };
  const reversed = after(jv, [reversal]);
  requireUnitsHoldFrom(reversed, effectiveOn, 'reverses');
  if (replacement === undefined) return [reversal];
  return [reversal, ...replacementOf(fact.event, replacement, command, reversed)];
}
