import {
  fromStored,
  JointVentureNotFoundError,
  jointVentureStreamId,
  stateAsOf,
} from '@app/domain';
import { EVENT_STORE, verifyChain, type EventStore, type RecordedEvent } from '@app/event-store';
import { historyEntryOf } from '@app/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { RequestValidationError } from '../problem/application-errors';

/** What auditors rely on, read from the event store itself, never from a read model. */
@Injectable()
export class AuditService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** A page of the history; with `until`, none of the events after that version. */
  async history(id: string, after: number, limit: number, until = Infinity) {
    const read = await this.store.readStream(jointVentureStreamId(id), {
      fromRevision: after + 1,
      maxCount: limit + 1,
    });
    const events = read.filter((event) => event.revision <= until);
    if (events.length === 0 && after < 0) throw new JointVentureNotFoundError(id);
    const page = events.slice(0, limit).map(historyEntryOf);
    return {
      id,
      items: page,
      nextAfter: events.length > limit ? page[page.length - 1].version : null,
    };
  }

  /**
   * The state rebuilt by replaying events: those known at a version or an instant (all by
   * default), and of those the ones in effect by the end of `asOf` when it is given.
   */
  async stateAsOf(
    id: string,
    query: Readonly<{ version?: number; knownAt?: string; at?: string; asOf?: string }>,
  ) {
    const { version, asOf } = query;
    if (query.at !== undefined && query.knownAt !== undefined)
      throw new RequestValidationError([
        { field: 'at', message: 'at is a deprecated alias of knownAt: give one of them' },
      ]);
    const knownAt = query.knownAt ?? query.at;
    const knownField = query.knownAt === undefined ? 'at' : 'knownAt';
    if (version !== undefined && knownAt !== undefined)
      throw new RequestValidationError([
        { field: 'version', message: `give either version or ${knownField}, not both` },
      ]);
    const events = await this.allEvents(id);
    const current = events[events.length - 1].revision;
    if (version !== undefined && version > current)
      throw new RequestValidationError([
        { field: 'version', message: `version must be at most ${current}, the current version` },
      ]);
    const instant = knownAt === undefined ? undefined : Date.parse(knownAt);
    const known = events.filter((event) =>
      version !== undefined
        ? event.revision <= version
        : instant === undefined || Date.parse(String(event.metadata.recordedAt)) <= instant,
    );
    if (known.length === 0)
      throw new RequestValidationError([
        { field: knownField, message: `the joint venture did not exist yet at ${knownAt}` },
      ]);
    const folded = known.map(fromStored);
    const state = stateAsOf(folded, asOf);
    if (asOf !== undefined && state.status === 'existing' && asOf < state.decision.date)
      throw new RequestValidationError([
        {
          field: 'asOf',
          message: `asOf must not lie before ${state.decision.date}, the decision date`,
        },
      ]);
    const last = known[known.length - 1];
    return {
      id,
      version: last.revision,
      recordedAt: last.metadata.recordedAt,
      ...(knownAt === undefined ? {} : { knownAt }),
      ...(asOf === undefined ? {} : { asOf }),
      state,
    };
  }

  async verification(id: string) {
    const { valid, events, firstBrokenVersion, reason } = verifyChain(await this.allEvents(id));
    return { id, valid, events, ...(valid ? {} : { firstBrokenVersion, reason }) };
  }

  private async allEvents(id: string): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(jointVentureStreamId(id));
    if (events.length === 0) throw new JointVentureNotFoundError(id);
    return events;
  }
}
