import type { LogRecord } from './kurrentdb-messages';

/** An event as the tamper hooks show and take it: payloads as JSON values. */
export type TamperedRecord = {
  id: string;
  streamId: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
};

/** What the hooks reach of the double: its log, its streams, and the next position to give. */
export type TamperedState = Readonly<{
  log: LogRecord[];
  streams: Map<string, LogRecord[]>;
  nextPosition: () => bigint;
}>;

/** Ticks of 100 ns since the Unix epoch, the unit of the `created` metadata entry. */
export const nowTicks = () => (BigInt(Date.now()) * 10_000n).toString();

export const textOf = (bytes: Uint8Array | string) =>
  typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');

/**
 * Test-only tampering of the double, as someone holding the server's files could do it (the
 * integrity tests): the records of a stream as JSON, a record rewritten in place (its position
 * kept), a record removed, one added at the end of the log bypassing the append rules.
 */
export function tamperHooks(state: TamperedState) {
  return {
    rows: (streamId: string): TamperedRecord[] =>
      (state.streams.get(streamId) ?? []).map((record) => ({
        id: record.id,
        streamId: record.streamId,
        revision: record.revision,
        type: record.metadata.get('type') ?? '',
        data: JSON.parse(textOf(record.data)),
        metadata: JSON.parse(textOf(record.customMetadata)),
      })),
    replace: (streamId: string, revision: number, event: TamperedRecord): void => {
      const stream = state.streams.get(streamId) ?? [];
      const at = stream.findIndex((record) => record.revision === revision);
      if (at === -1) throw new Error(`${streamId} has no revision ${revision}`);
      const old = stream[at];
      const record: LogRecord = {
        ...old,
        id: event.id,
        revision: event.revision,
        metadata: new Map(old.metadata).set('type', event.type),
        data: Buffer.from(JSON.stringify(event.data)),
        customMetadata: Buffer.from(JSON.stringify(event.metadata)),
      };
      stream[at] = record;
      stream.sort((a, b) => a.revision - b.revision);
      state.log[state.log.indexOf(old)] = record;
    },
    remove: (streamId: string, revision: number): void => {
      const stream = state.streams.get(streamId) ?? [];
      const old = stream.find((record) => record.revision === revision);
      if (!old) throw new Error(`${streamId} has no revision ${revision}`);
      stream.splice(stream.indexOf(old), 1);
      state.log.splice(state.log.indexOf(old), 1);
    },
    insert: (event: TamperedRecord): void => {
      const position = state.nextPosition();
      const record: LogRecord = {
        id: event.id,
        streamId: event.streamId,
        revision: event.revision,
        commit: position,
        prepare: position,
        metadata: new Map([
          ['type', event.type],
          ['content-type', 'application/json'],
          ['created', nowTicks()],
        ]),
        customMetadata: Buffer.from(JSON.stringify(event.metadata)),
        data: Buffer.from(JSON.stringify(event.data)),
      };
      const stream = state.streams.get(event.streamId) ?? [];
      stream.push(record);
      state.streams.set(event.streamId, stream);
      state.log.push(record);
    },
  };
}
