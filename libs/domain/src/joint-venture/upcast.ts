/**
 * Turns a stored event (type, schema version, payload) into the current typed event. Old
 * payloads are lifted one version at a time by upcasters keyed `${type}@${fromVersion}`; an
 * upcaster may also rename the type (a retired event becomes the event that replaced it).
 * Stored events are never rewritten: this runs on every read.
 */
import { EVENT_SCHEMA_VERSIONS, isJointVentureEventType, type JointVentureEvent } from './events';
import type { FoldableEvent } from './evolve';
import {
  RELEASE_0_1_0_UPCASTERS,
  type UpcastContext,
  type Upcaster,
  type UpcastPayload,
} from './upcasters';

/** Every upcaster, one per (type, version) that is no longer written. */
export const UPCASTERS: Readonly<Record<string, Upcaster>> = RELEASE_0_1_0_UPCASTERS;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Upcasting stops after this many steps: a cycle in the table would otherwise never end. */
const MAX_STEPS = 20;

/** The current typed event for a stored one; throws on a type or version this code cannot read. */
export function upcast(
  type: string,
  schemaVersion: number,
  data: unknown,
  context: UpcastContext = { eventId: '', recordedAt: '' },
): JointVentureEvent {
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new Error(`invalid schema version ${schemaVersion} for ${type}`);
  }
  if (!isRecord(data)) throw new Error(`${type}@${schemaVersion} payload is not an object`);
  let current: UpcastPayload = { type, schemaVersion, data };
  for (let step = 0; ; step++) {
    if (isJointVentureEventType(current.type)) {
      const written = EVENT_SCHEMA_VERSIONS[current.type];
      if (current.schemaVersion === written)
        // The payload now has the shape written at the current version of this type.
        return { type: current.type, data: current.data } as JointVentureEvent;
      if (current.schemaVersion > written)
        throw new Error(
          `${current.type}@${current.schemaVersion} is newer than supported version ${written}`,
        );
    }
    const lift = UPCASTERS[`${current.type}@${current.schemaVersion}`];
    if (lift === undefined) {
      if (!isJointVentureEventType(current.type)) throw new Error(`unknown event type '${type}'`);
      throw new Error(`no upcaster from ${current.type}@${current.schemaVersion}`);
    }
    if (step >= MAX_STEPS) throw new Error(`upcasting ${type}@${schemaVersion} does not end`);
    current = lift(current.data, context);
  }
}

/** An event as a store hands it out: its type, payload and metadata (with `schemaVersion`). */
export type StoredEvent = Readonly<{
  id?: string;
  revision?: number;
  type: string;
  data: unknown;
  metadata: Readonly<Record<string, unknown>>;
  committedAt?: string;
}>;

/**
 * The current typed domain event for a stored one, with its id and revision: how every reader
 * (command handler, audit, projections, notifications) turns the store's events back into the
 * domain's. Events written before schema versions were recorded count as version 1.
 */
export function fromStored(stored: StoredEvent): FoldableEvent {
  const recordedAt = stored.metadata.recordedAt ?? stored.committedAt ?? '';
  const event = upcast(stored.type, Number(stored.metadata.schemaVersion ?? 1), stored.data, {
    eventId: stored.id ?? '',
    recordedAt: String(recordedAt),
  });
  return {
    ...event,
    ...(stored.id === undefined ? {} : { id: stored.id }),
    ...(stored.revision === undefined ? {} : { revision: stored.revision }),
  } as FoldableEvent;
}
