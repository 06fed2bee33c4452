import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerReadableStream,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { ServerFeaturesService } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb';
import {
  SupportedMethod,
  SupportedMethods,
} from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb';
import { StreamIdentifier } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb';
import { StreamsService } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb';
import {
  AppendReq,
  AppendResp,
  ReadReq,
  ReadResp,
} from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb';
import {
  countOf,
  eventResponse,
  filterOf,
  parseUuid,
  success,
  timestampNow,
  wrongExpectedVersion,
  type Filter,
  type LogRecord,
} from './kurrentdb-messages';
import { nowTicks, tamperHooks, textOf } from './kurrentdb-tamper';

export type { TamperedRecord } from './kurrentdb-tamper';

/** Answers `GetSupportedMethods` like a 24.10 node that lacks BatchAppend. */
const serverVersion = '24.10.0';
const advertised: [service: string, method: string][] = [
  ['event_store.client.streams.streams', 'read'],
  ['event_store.client.streams.streams', 'append'],
];

/** One number ordered as `$all` is, by (commit, prepare). */
const orderOf = (commit: bigint, prepare: bigint) => (commit << 64n) | prepare;
const keyOf = (record: LogRecord) => orderOf(record.commit, record.prepare);
const requested = (position: { getCommitPosition(): string; getPreparePosition(): string }) =>
  orderOf(BigInt(position.getCommitPosition()), BigInt(position.getPreparePosition()));

/**
 * A protocol-level test double of a single KurrentDB node, in memory: the parts of the v1 gRPC
 * protocol that `@kurrent/kurrentdb-client` uses for appends, reads and catch-up subscriptions,
 * served with the client's own generated service definitions and message classes. A test
 * double: it never ships in the product. See README.md for what it does not model.
 */
export class KurrentDbDouble {
  private server: Server | undefined;
  private readonly log: LogRecord[] = [];
  private readonly streams = new Map<string, LogRecord[]>();
  private readonly live = new Set<(record: LogRecord) => void>();
  /** Positions grow by the record's size, as a transaction-file offset would. */
  private nextPosition = 128n;
  private boundPort = 0;

  get port(): number {
    return this.boundPort;
  }

  /** Connection string for the client: insecure, and without the default 100 ms discovery wait. */
  get connectionString(): string {
    return `kurrentdb://127.0.0.1:${this.boundPort}?tls=false&discoveryInterval=10`;
  }

  /** Starts listening on a free loopback port (or `port`, when restarting). */
  async start(port = 0): Promise<this> {
    const server = new Server();
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: sendUnaryData<SupportedMethods>) =>
        callback(null, this.supportedMethods()),
    });
    server.addService(StreamsService, {
      read: (call: ServerWritableStream<ReadReq, ReadResp>) => this.read(call),
      append: (
        call: ServerReadableStream<AppendReq, AppendResp>,
        callback: sendUnaryData<AppendResp>,
      ) => this.append(call, callback),
    });
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    this.server = server;
    return this;
  }

  /** Drops every connection and call at once, as a crashed node would; the data stays. */
  async stop(): Promise<void> {
    this.live.clear();
    this.server?.forceShutdown();
    this.server = undefined;
  }

  /** Comes back on the same port with the same events. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start(this.boundPort);
  }

  /** Events in the log, for assertions. */
  get eventCount(): number {
    return this.log.length;
  }

  /**
   * A new, stopped double holding a copy of this one's log: what a copy of a server's data
   * files would be. Start it to serve the copy.
   */
  clone(): KurrentDbDouble {
    const copy = new KurrentDbDouble();
    for (const record of this.log) {
      const cloned = { ...record, metadata: new Map(record.metadata) };
      copy.log.push(cloned);
      const stream = copy.streams.get(record.streamId) ?? [];
      stream.push(cloned);
      copy.streams.set(record.streamId, stream);
    }
    copy.nextPosition = this.nextPosition;
    return copy;
  }

  /**
   * Test-only tampering, as someone holding the server's files could do it (the integrity
   * tests): see kurrentdb-tamper.ts.
   */
  readonly tamper = tamperHooks({
    log: this.log,
    streams: this.streams,
    nextPosition: () => {
      const position = this.nextPosition;
      this.nextPosition += 256n;
      return position;
    },
  });

  private supportedMethods(): SupportedMethods {
    const methods = advertised.map(([service, method]) =>
      new SupportedMethod().setServiceName(service).setMethodName(method),
    );
    return new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion(serverVersion);
  }

  private append(
    call: ServerReadableStream<AppendReq, AppendResp>,
    callback: sendUnaryData<AppendResp>,
  ): void {
    let options: AppendReq.Options | undefined;
    const proposed: AppendReq.ProposedMessage[] = [];
    call.on('data', (req: AppendReq) => {
      if (req.hasOptions()) options = req.getOptions();
      else if (req.hasProposedMessage()) proposed.push(req.getProposedMessage()!);
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      if (!options) {
        callback({ code: status.INVALID_ARGUMENT, details: 'append without options' });
        return;
      }
      callback(null, this.commit(options, proposed));
    });
  }

  /** The server's write rules: expected version, idempotency by event id, then the write. */
  private commit(options: AppendReq.Options, proposed: AppendReq.ProposedMessage[]): AppendResp {
    const streamId = textOf(options.getStreamIdentifier()!.getStreamName());
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length - 1; // -1: no stream
    const ids = proposed.map((message) => parseUuid(message.getId()));

    // Idempotency as the server applies it: the same ids right after the expected revision
    // (or, with `any`, anywhere in the stream starting at the first id) answer as the first write.
    const expectedRevision = options.hasRevision()
      ? Number(options.getRevision())
      : options.hasNoStream()
        ? -1
        : undefined;
    const start =
      expectedRevision !== undefined
        ? expectedRevision + 1
        : options.hasAny()
          ? stream.findIndex((record) => record.id === ids[0])
          : -1;
    if (start >= 0 && start < stream.length && ids.length > 0) {
      const recorded = stream.slice(start, start + ids.length);
      if (recorded.length === ids.length && recorded.every((record, i) => record.id === ids[i])) {
        return success(recorded[recorded.length - 1]);
      }
    }

    const matches = options.hasAny()
      ? true
      : options.hasNoStream()
        ? current === -1
        : options.hasStreamExists()
          ? current >= 0
          : current === Number(options.getRevision());
    if (!matches) return wrongExpectedVersion(options, current);

    const created = nowTicks();
    const transaction = this.nextPosition;
    let last: LogRecord | undefined;
    for (const message of proposed) {
      const metadata = new Map<string, string>(
        message.getMetadataMap().entries() as Iterable<[string, string]>,
      );
      metadata.set('created', created);
      const data = message.getData_asU8();
      const customMetadata = message.getCustomMetadata_asU8();
      last = {
        id: parseUuid(message.getId()),
        streamId,
        revision: stream.length,
        commit: transaction,
        prepare: this.nextPosition,
        metadata,
        customMetadata,
        data,
      };
      this.nextPosition += BigInt(64 + data.length + customMetadata.length);
      stream.push(last);
      this.log.push(last);
    }
    this.streams.set(streamId, stream);
    if (!last) return success(undefined, current);
    for (const record of stream.slice(stream.length - proposed.length)) {
      for (const listener of this.live) listener(record);
    }
    return success(last);
  }

  private read(call: ServerWritableStream<ReadReq, ReadResp>): void {
    const options = call.request.getOptions();
    if (!options) {
      call.destroy(
        Object.assign(new Error('read without options'), { code: status.INVALID_ARGUMENT }),
      );
      return;
    }
    const structured = options.getUuidOption()?.hasStructured() ?? false;
    const send = (record: LogRecord) => call.write(eventResponse(record, structured));

    if (options.hasStream()) {
      if (options.hasSubscription()) {
        call.destroy(
          Object.assign(new Error('stream subscriptions are not modelled'), {
            code: status.UNIMPLEMENTED,
          }),
        );
        return;
      }
      const streamOptions = options.getStream()!;
      const streamId = textOf(streamOptions.getStreamIdentifier()!.getStreamName());
      const stream = this.streams.get(streamId);
      if (!stream) {
        const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(
          new StreamIdentifier().setStreamName(Buffer.from(streamId)),
        );
        call.write(new ReadResp().setStreamNotFound(notFound));
        call.end();
        return;
      }
      const forwards = options.getReadDirection() === ReadReq.Options.ReadDirection.FORWARDS;
      const from = streamOptions.hasRevision() ? Number(streamOptions.getRevision()) : undefined;
      const selected = forwards
        ? stream.filter((record) => from === undefined || record.revision >= from)
        : [...stream]
            .reverse()
            .filter(
              (record) => streamOptions.hasStart() || from === undefined || record.revision <= from,
            );
      const ordered = forwards && streamOptions.hasEnd() ? [] : selected;
      for (const record of ordered.slice(0, countOf(options))) send(record);
      call.end();
      return;
    }

    const allOptions = options.getAll()!;
    const filter = filterOf(options);
    if (options.hasSubscription()) {
      this.subscribe(call, allOptions, filter, send);
      return;
    }
    const forwards = options.getReadDirection() === ReadReq.Options.ReadDirection.FORWARDS;
    const at = allOptions.hasPosition() ? requested(allOptions.getPosition()!) : undefined;
    // Forwards from a position includes the event there; backwards starts before it.
    const selected = forwards
      ? allOptions.hasEnd()
        ? []
        : this.log.filter((record) => at === undefined || keyOf(record) >= at)
      : [...this.log]
          .reverse()
          .filter((record) =>
            allOptions.hasStart() ? false : at === undefined || keyOf(record) < at,
          );
    for (const record of selected.filter(filter).slice(0, countOf(options))) send(record);
    call.end();
  }

  /**
   * A catch-up subscription to $all: confirmation, the matching events strictly after the
   * requested position, a checkpoint and `caught_up`, then every matching append as it commits.
   * JavaScript runs this without interleaving appends, so replay and live delivery meet exactly.
   */
  private subscribe(
    call: ServerWritableStream<ReadReq, ReadResp>,
    allOptions: ReadReq.Options.AllOptions,
    filter: Filter,
    send: (record: LogRecord) => void,
  ): void {
    call.write(
      new ReadResp().setConfirmation(
        new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID()),
      ),
    );
    const last = this.log.at(-1);
    const after = allOptions.hasPosition()
      ? requested(allOptions.getPosition()!)
      : allOptions.hasEnd() && last
        ? keyOf(last)
        : -1n;
    for (const record of this.log) {
      if (keyOf(record) > after && filter(record)) send(record);
    }
    const head = {
      commit: (last?.commit ?? 0n).toString(),
      prepare: (last?.prepare ?? 0n).toString(),
    };
    const position = new ReadResp.Position()
      .setCommitPosition(head.commit)
      .setPreparePosition(head.prepare);
    call.write(
      new ReadResp().setCheckpoint(
        new ReadResp.Checkpoint().setCommitPosition(head.commit).setPreparePosition(head.prepare),
      ),
    );
    call.write(
      new ReadResp().setCaughtUp(
        new ReadResp.CaughtUp().setPosition(position).setTimestamp(timestampNow()),
      ),
    );
    const listener = (record: LogRecord) => {
      if (filter(record)) send(record);
    };
    this.live.add(listener);
    const end = () => this.live.delete(listener);
    call.on('cancelled', end);
    call.on('close', end);
    call.on('error', end);
  }
}
