import { jointVentureIdOf, jointVentureStreamId, JointVentureNotFoundError } from '@app/domain';
import { EVENT_STORE, type EventStore } from '@app/event-store';
import {
  Consumers,
  TRANSPARENCY,
  type Identity,
  type StoredCheckpoint,
  type TransparencyLedger,
} from '@app/runtime';
import { JointVentureQueries } from '@app/read-models';
import type { Bundle, LogLeaf } from '@app/transparency';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { accessTo, mayReadVersion, scopeOf } from '../auth/access-policy';
import {
  NoCheckpointError,
  NothingToSignError,
  RequestValidationError,
  UnknownEventError,
} from '../problem/application-errors';

/** How long an export waits for the log to take in the JV's last event (embedded projector). */
const EXPORT_WAITS_FOR_LOG_MS = 5_000;

const base64 = (hashes: readonly Buffer[]) => hashes.map((hash) => hash.toString('base64'));

/**
 * The transparency log over HTTP (issue 9 §5): checkpoints, keys, proofs and export bundles,
 * with the refusals a client can act on (the field that is wrong, nothing signed yet).
 */
@Injectable()
export class TransparencyService {
  constructor(
    @Inject(TRANSPARENCY) private readonly ledger: TransparencyLedger,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(JointVentureQueries) private readonly queries: JointVentureQueries,
    @Optional() private readonly consumers?: Consumers,
  ) {}

  async latest(): Promise<StoredCheckpoint> {
    return (await this.ledger.latest()) ?? this.noCheckpoint();
  }

  async checkpoints(after: number, limit: number) {
    const items = await this.ledger.checkpoints(after, limit);
    return {
      items,
      nextAfter: items.length === limit ? items[items.length - 1].position : null,
    };
  }

  keys() {
    return { keys: this.ledger.publishedKeys() };
  }

  /** Signs now; a 409 while the log is empty. */
  async signNow(): Promise<StoredCheckpoint> {
    const signed = await this.ledger.signNow();
    if (signed === undefined) throw new NothingToSignError('the log is empty: nothing to sign');
    return signed;
  }

  /**
   * The audit path of an event of a JV the caller may audit. An event of a JV hidden from the
   * caller is answered exactly as an unknown one, so neither its existence nor its place leaks.
   */
  async inclusion(eventId: string, treeSize: number | undefined, identity: Identity) {
    const leaf = await this.ledger.log.findLeaf(eventId);
    if (leaf === undefined || !(await this.mayAudit(identity, leaf)))
      throw new UnknownEventError(eventId);
    let proof;
    try {
      proof = await this.ledger.inclusion(leaf, treeSize);
    } catch (error) {
      throw badField(error, 'treeSize');
    }
    if (proof === 'no-checkpoint') return this.noCheckpoint();
    return { ...proof, auditPath: base64(proof.auditPath) };
  }

  /** Whether the caller may audit this event: as the JV's history answers them (`mayReadVersion`). */
  private async mayAudit(identity: Identity, leaf: LogLeaf): Promise<boolean> {
    const id = jointVentureIdOf(leaf.streamId);
    if (id === undefined) return false;
    const access = accessTo(scopeOf(identity), await this.queries.partnerStatesOf(id));
    return mayReadVersion(access, leaf.revision);
  }

  async consistency(first: number, second: number) {
    if (first > second)
      throw new RequestValidationError([
        { field: 'first', message: 'first must not be larger than second' },
      ]);
    try {
      return {
        first,
        second,
        proof: base64(await this.ledger.log.consistencyProof(first, second)),
      };
    } catch (error) {
      throw badField(error, 'second');
    }
  }

  /** The bundle of one JV; in the embedded default, once the log has its last event. */
  async exportBundle(jointVentureId: string): Promise<Bundle> {
    const streamId = jointVentureStreamId(jointVentureId);
    const [last] = await this.events.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    if (last === undefined) throw new JointVentureNotFoundError(jointVentureId);
    const consumer = this.consumers?.transparencyLog;
    if (consumer?.status().role === 'active') {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        consumer.waitFor(last.position).catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, EXPORT_WAITS_FOR_LOG_MS))),
      ]).finally(() => clearTimeout(timer));
    }
    return this.ledger.exportBundle(jointVentureId);
  }

  private noCheckpoint(): never {
    throw new NoCheckpointError('no checkpoint has been signed yet');
  }
}

/** The log's RangeError (a size beyond the log, a leaf beyond the size) as a 400 naming the field. */
function badField(error: unknown, field: string): unknown {
  if (!(error instanceof RangeError)) return error;
  return new RequestValidationError([{ field, message: error.message }]);
}
