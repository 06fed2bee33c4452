import {
  foldEvents,
  fromStored,
  JointVentureNotFoundError,
  jointVentureStreamId,
} from '@app/domain';
import {
  EVENT_STORE,
  HASH_ALGORITHM,
  verifyChain,
  type EventStore,
  type RecordedEvent,
} from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';
import { RequestValidationError } from '../problem/application-errors';

export type HistoryEntry = Readonly<{
  id: string;
  type: string;
  version: number;
  data: unknown;
  metadata: Readonly<Record<string, unknown>>;
  committedAt: string;
}>;

const entryOf = (event: RecordedEvent): HistoryEntry => ({
  id: event.id,
  type: event.type,
  version: event.revision,
  data: event.data,
  metadata: event.metadata,
  committedAt: event.committedAt,
});

/** What auditors rely on, read from the event store itself, never from a read model. */
@Injectable()
export class AuditService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async history(id: string, after: number, limit: number) {
    const events = await this.store.readStream(jointVentureStreamId(id), {
      fromRevision: after + 1,
      maxCount: limit + 1,
    });
    if (events.length === 0 && after < 0) throw new JointVentureNotFoundError(id);
    const page = events.slice(0, limit).map(entryOf);
    return {
      id,
      items: page,
      nextAfter: events.length > limit ? page[page.length - 1].version : null,
    };
  }

  /** The state rebuilt by replaying events up to a version or an instant. */
  async stateAsOf(id: string, asOf: { version?: number; at?: string }) {
    if (asOf.version !== undefined && asOf.at !== undefined)
      throw new RequestValidationError([
        { field: 'version', message: 'give either version or at, not both' },
      ]);
    const events = await this.allEvents(id);
    const at = asOf.at === undefined ? undefined : Date.parse(asOf.at);
    const current = events[events.length - 1].revision;
    if (asOf.version !== undefined && asOf.version > current)
      throw new RequestValidationError([
        { field: 'version', message: `version must be at most ${current}, the current version` },
      ]);
    const upTo = events.filter((event) =>
      asOf.version !== undefined
        ? event.revision <= asOf.version
        : at === undefined || Date.parse(String(event.metadata.recordedAt)) <= at,
    );
    if (upTo.length === 0)
      throw new RequestValidationError([
        { field: 'at', message: `the joint venture did not exist yet at ${asOf.at}` },
      ]);
    const last = upTo[upTo.length - 1];
    return {
      id,
      version: last.revision,
      recordedAt: last.metadata.recordedAt,
      state: foldEvents(upTo.map(fromStored)),
    };
  }

  async verification(id: string) {
    const { valid, events, firstBrokenVersion, reason } = verifyChain(await this.allEvents(id));
    return { id, valid, events, ...(valid ? {} : { firstBrokenVersion, reason }) };
  }

  /** Everything a third party needs to verify the history offline. */
  async export(id: string) {
    const events = await this.allEvents(id);
    return {
      format: 'jv-ledger-export/1',
      streamId: jointVentureStreamId(id),
      hashAlgorithm: HASH_ALGORITHM,
      canonicalization:
        'RFC 8785 (JCS) of {id, streamId, revision, type, data, metadata without hash}',
      events: events.map((event) => ({
        ...entryOf(event),
        streamId: event.streamId,
        revision: event.revision,
      })),
    };
  }

  private async allEvents(id: string): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(jointVentureStreamId(id));
    if (events.length === 0) throw new JointVentureNotFoundError(id);
    return events;
  }
}
