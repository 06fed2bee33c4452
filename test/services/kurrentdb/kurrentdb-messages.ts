/**
 * The KurrentDB double's records and how they become protocol messages (built with the
 * client's own generated message classes), and how read requests are interpreted.
 * A test double: never shipped.
 */
import {
  Empty,
  StreamIdentifier,
  UUID,
} from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb';
import {
  AppendReq,
  AppendResp,
  ReadReq,
  ReadResp,
} from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb';

/** What the double keeps of an event: the log record, as the server would. */
export type LogRecord = Readonly<{
  id: string;
  streamId: string;
  revision: number;
  /**
   * Position in `$all`: the commit position is the append's (shared by all its events), the
   * prepare position the event's own record. `$all` is ordered by the pair. (Whether a real
   * node gives each event of a multi-event append its own commit position or the append's, the
   * adapter must not assume: the double takes the case where one commit position repeats.)
   */
  commit: bigint;
  prepare: bigint;
  metadata: ReadonlyMap<string, string>;
  customMetadata: Uint8Array;
  data: Uint8Array;
}>;

export type Filter = (record: LogRecord) => boolean;

export function timestampNow() {
  // The Timestamp class comes with google-protobuf, which the generated code depends on.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Timestamp } = require('google-protobuf/google/protobuf/timestamp_pb') as {
    Timestamp: { fromDate(date: Date): unknown };
  };
  return Timestamp.fromDate(new Date()) as ReturnType<ReadResp.CaughtUp['getTimestamp']>;
}

export function parseUuid(uuid: UUID | undefined): string {
  if (!uuid) throw new Error('event without id');
  if (uuid.hasString()) return uuid.getString();
  const hex = (bits: string) => (BigInt(bits) & ((1n << 64n) - 1n)).toString(16).padStart(16, '0');
  const structured = uuid.getStructured()!;
  const ms = hex(structured.getMostSignificantBits());
  const ls = hex(structured.getLeastSignificantBits());
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-${ms.slice(12)}-${ls.slice(0, 4)}-${ls.slice(4)}`;
}

export function toUuid(id: string, structured: boolean): UUID {
  if (!structured) return new UUID().setString(id);
  const hex = id.replace(/-/g, '');
  const signed = (part: string) => BigInt.asIntN(64, BigInt(`0x${part}`)).toString();
  return new UUID().setStructured(
    new UUID.Structured()
      .setMostSignificantBits(signed(hex.slice(0, 16)))
      .setLeastSignificantBits(signed(hex.slice(16))),
  );
}

export function eventResponse(record: LogRecord, structured: boolean): ReadResp {
  const event = new ReadResp.ReadEvent.RecordedEvent()
    .setId(toUuid(record.id, structured))
    .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(record.streamId)))
    .setStreamRevision(String(record.revision))
    .setPreparePosition(record.prepare.toString())
    .setCommitPosition(record.commit.toString())
    .setCustomMetadata(record.customMetadata)
    .setData(record.data);
  for (const [key, value] of record.metadata) event.getMetadataMap().set(key, value);
  const readEvent = new ReadResp.ReadEvent()
    .setEvent(event)
    .setCommitPosition(record.commit.toString());
  return new ReadResp().setEvent(readEvent);
}

export function success(last: LogRecord | undefined, current = -1): AppendResp {
  const result = new AppendResp.Success();
  if (last) {
    result
      .setCurrentRevision(String(last.revision))
      .setPosition(
        new AppendResp.Position()
          .setCommitPosition(last.commit.toString())
          .setPreparePosition(last.prepare.toString()),
      );
  } else {
    if (current >= 0) result.setCurrentRevision(String(current));
    else result.setNoStream(new Empty());
    result.setNoPosition(new Empty());
  }
  return new AppendResp().setSuccess(result);
}

export function wrongExpectedVersion(options: AppendReq.Options, current: number): AppendResp {
  const wrong = new AppendResp.WrongExpectedVersion();
  if (current >= 0) wrong.setCurrentRevision(String(current));
  else wrong.setCurrentNoStream(new Empty());
  if (options.hasRevision()) wrong.setExpectedRevision(options.getRevision());
  else if (options.hasNoStream()) wrong.setExpectedNoStream(new Empty());
  else if (options.hasStreamExists()) wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
  return new AppendResp().setWrongExpectedVersion(wrong);
}

/** `count` of a read; the client sends u64 max for "no limit". */
export function countOf(options: ReadReq.Options): number {
  const count = BigInt(options.getCount() || '0');
  return count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count);
}

/** The server-side filter of a $all read: stream name or event type, by prefixes or regex. */
export function filterOf(options: ReadReq.Options): Filter {
  if (!options.hasFilter()) return () => true;
  const filter = options.getFilter()!;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  return (record) => {
    const subject = onStream ? record.streamId : (record.metadata.get('type') ?? '');
    if (prefixes.length > 0 && !prefixes.some((prefix) => subject.startsWith(prefix))) return false;
    return regex ? regex.test(subject) : true;
  };
}
