/**
 * Public integration events: what downstream systems see of each recorded event. They are
 * separate from the domain events (a gateway transform, as Eventuous calls it): every type is
 * mapped field by field, so a field added to a domain event for internal use never leaks.
 * Who recorded an event, why, and the hash chain stay inside the ledger.
 *
 * A notification's type carries the schema version its event was recorded with: an event
 * recorded by release 0.1.0 is published as the `.v1` message 0.1.0 published for it (see
 * `release-0.1.0-notifications.ts`), an event recorded today as today's version.
 */
import {
  EVENT_SCHEMA_VERSIONS,
  fromStored,
  jointVentureIdOf,
  type JointVentureEventType,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { kebab, publicDataOf } from './public-data';
import { isRelease010Event, release010DataOf } from './release-0.1.0-notifications';

export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** `ProductionStarted`, 2 -> `jv.lifecycle.production-started.v2`. */
export function integrationTypeOf(
  type: string,
  version: number = EVENT_SCHEMA_VERSIONS[type as JointVentureEventType],
): string {
  return `jv.lifecycle.${kebab(type)}.v${version}`;
}

/**
 * A CloudEvents 1.0 message in structured mode. `subject` is also its Kafka key (the JV id for
 * lifecycle notifications), so one subject's messages stay in order on one partition.
 */
export type CloudEvent = Readonly<{
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  dataschema: string;
  /** Extension attribute: the stream revision of the event, for ordering and gaps. */
  streamrevision: number;
  data: Readonly<Record<string, unknown>>;
}>;

/** A lifecycle notification: `subject` is the JV id, `streamrevision` its version. */
export type LifecycleCloudEvent = CloudEvent;

export type CloudEventSettings = Readonly<{
  /** CloudEvents `source`: identifies this ledger instance. */
  source: string;
  /** Base URI of the published JSON Schemas; the type and `.json` are appended. */
  schemaBaseUri: string;
}>;

/**
 * The notification type of a recorded event: the `.v1` type release 0.1.0 published for an
 * event it recorded, today's type of the upcast event for any other.
 */
export function notificationTypeOf(
  recorded: Pick<RecordedEvent, 'type' | 'metadata'>,
  upcastType: string,
): string {
  const recordedVersion = Number(recorded.metadata.schemaVersion ?? 1);
  return isRelease010Event(recorded.type, recordedVersion)
    ? integrationTypeOf(recorded.type, 1)
    : integrationTypeOf(upcastType);
}

/** The notification for one recorded joint-venture event, or undefined for any other stream. */
export function toCloudEvent(
  recorded: RecordedEvent,
  settings: CloudEventSettings,
): LifecycleCloudEvent | undefined {
  const jointVentureId = jointVentureIdOf(recorded.streamId);
  if (jointVentureId === undefined) return undefined;
  const event = fromStored(recorded);
  const old = isRelease010Event(recorded.type, Number(recorded.metadata.schemaVersion ?? 1));
  const type = notificationTypeOf(recorded, event.type);
  return {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: recorded.id,
    source: settings.source,
    type,
    subject: jointVentureId,
    time: String(recorded.metadata.recordedAt ?? recorded.committedAt),
    datacontenttype: 'application/json',
    dataschema: `${settings.schemaBaseUri}${type}.json`,
    streamrevision: recorded.revision,
    data: old ? release010DataOf(recorded.type, event) : publicDataOf(event),
  };
}
