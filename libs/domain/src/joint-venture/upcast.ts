/**
 * Turns a stored event (type, schema version, payload) into the current typed event. Old
 * payloads are lifted one version at a time by upcasters keyed `${type}@${fromVersion}`.
 */
import { EVENT_SCHEMA_VERSIONS, isJointVentureEventType, type JointVentureEvent } from './events';

/** Lifts a payload from the version in its key to the next version. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/**
 * Every event type is at version 1 today, so nothing needs lifting. When `X` moves to v2,
 * add `'X@1': (data) => ({ ...data, newField: defaultValue })` and bump EVENT_SCHEMA_VERSIONS.
 */
export const UPCASTERS: Readonly<Record<string, Upcaster>> = {};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The current typed event for a stored one; throws on a type or version this code cannot read. */
export function upcast(type: string, schemaVersion: number, data: unknown): JointVentureEvent {
  if (!isJointVentureEventType(type)) throw new Error(`unknown event type '${type}'`);
  const current = EVENT_SCHEMA_VERSIONS[type];
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new Error(`invalid schema version ${schemaVersion} for ${type}`);
  }
  if (schemaVersion > current) {
    throw new Error(`${type}@${schemaVersion} is newer than supported version ${current}`);
  }
  if (!isRecord(data)) throw new Error(`${type}@${schemaVersion} payload is not an object`);

  let payload = data;
  for (let version = schemaVersion; version < current; version++) {
    const lift = UPCASTERS[`${type}@${version}`];
    if (!lift) throw new Error(`no upcaster from ${type}@${version} to version ${version + 1}`);
    payload = lift(payload);
  }
  // The payload now has the shape written at the current version of this type.
  return { type, data: payload } as JointVentureEvent;
}

/** An event as a store hands it out: its type, payload and metadata (with `schemaVersion`). */
export type StoredEvent = Readonly<{
  type: string;
  data: unknown;
  metadata: Readonly<Record<string, unknown>>;
}>;

/**
 * The current typed domain event for a stored one: how every reader (command handler, audit,
 * projections, notifications) turns the store's events back into the domain's. Events written
 * before schema versions were recorded count as version 1.
 */
export function fromStored(stored: StoredEvent): JointVentureEvent {
  return upcast(stored.type, Number(stored.metadata.schemaVersion ?? 1), stored.data);
}
