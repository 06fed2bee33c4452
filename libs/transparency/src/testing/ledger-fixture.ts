/**
 * A small ledger for tests: hash-chained JV events made with the event store's own `hashEvent`,
 * a transparency log over them in memory, a key ring, checkpoints and export bundles.
 */
import { hashEvent } from '@app/event-store';
import { randomUUID } from 'node:crypto';
import { buildBundle, streamProofs, type Bundle, type BundleEvent } from '../bundle/bundle';
import { signCheckpoint, type SignedCheckpoint } from '../checkpoint/checkpoint';
import { KeyRing, parseKeyList } from '../keys/key-ring';
import { InMemoryLogStore } from '../log/in-memory.log-store';
import type { LogEntry } from '../log/log-store.port';
import { TransparencyLog } from '../log/transparency-log';
import { generateSignerKey, parseSignerKey } from '../note/note-signer';

export const ORIGIN = 'jv-ledger.example/transparency';

export type HistoryEntry = BundleEvent & Readonly<{ committedAt: string }>;

export class LedgerFixture {
  readonly log = new TransparencyLog(new InMemoryLogStore());
  readonly keys: KeyRing;
  readonly verifierKey: string;
  private readonly streams = new Map<string, HistoryEntry[]>();
  private pending: LogEntry[] = [];
  private clock = Date.parse('2025-03-01T09:00:00.000Z');

  constructor(signerKey = generateSignerKey(ORIGIN).signerKey) {
    const signer = parseSignerKey(signerKey);
    this.verifierKey = signer.verifierKey;
    this.keys = KeyRing.of(parseKeyList([{ verifierKey: signer.verifierKey }]), [signer]);
  }

  /** Appends an event to a stream's chain; it reaches the log at the next `commit`. */
  record(streamId: string, type: string, data: unknown): HistoryEntry {
    const events = this.streams.get(streamId) ?? [];
    this.clock += 60_000;
    const recordedAt = new Date(this.clock).toISOString();
    const metadata = {
      actor: { subject: 'pm-ru-1', memberState: 'RU', role: 'program-manager' },
      recordedAt,
      correlationId: randomUUID(),
      schemaVersion: 1,
      prevHash: events.at(-1)?.metadata.hash ?? null,
    };
    const unhashed = { id: randomUUID(), streamId, revision: events.length, type, data, metadata };
    const hash = hashEvent(unhashed);
    const entry: HistoryEntry = {
      id: unhashed.id,
      type,
      version: unhashed.revision,
      data,
      metadata: { ...metadata, hash },
      committedAt: recordedAt,
    };
    events.push(entry);
    this.streams.set(streamId, events);
    this.pending.push({
      eventId: entry.id,
      streamId,
      revision: entry.version,
      eventHash: Buffer.from(hash, 'hex'),
    });
    return entry;
  }

  /** Feeds the events recorded since the last commit to the log, as its consumer would. */
  async commit(): Promise<void> {
    await this.log.append(this.pending);
    this.pending = [];
  }

  checkpoint(now = new Date(this.clock)): Promise<SignedCheckpoint> {
    return signCheckpoint(this.log, { origin: ORIGIN, keys: this.keys, now });
  }

  events(streamId: string): HistoryEntry[] {
    return this.streams.get(streamId) ?? [];
  }

  /** The export of one JV against a signed checkpoint, as the export endpoint would build it. */
  async bundle(streamId: string, signed: SignedCheckpoint): Promise<Bundle> {
    const proofs = await streamProofs(this.log, streamId, signed.checkpoint);
    return buildBundle({
      streamId,
      events: this.events(streamId).slice(0, proofs.head.revision + 1),
      checkpoint: signed.note,
      inclusionProofs: proofs.inclusionProofs,
      headProof: proofs.headProof,
      keys: this.keys.published(),
    });
  }
}

/** Three JVs whose events interleave in the log, committed in several batches. */
export async function sampleLedger(fixture = new LedgerFixture()): Promise<LedgerFixture> {
  const jvs = ['a', 'b', 'c'].map((n) => `joint-venture-00000000-0000-4000-8000-00000000000${n}`);
  for (let round = 0; round < 6; round++) {
    for (const [i, streamId] of jvs.entries()) {
      if (round === 0)
        fixture.record(streamId, 'JointVentureEstablished', {
          name: `Совместное предприятие ${i} — “Ural” ✓`,
          partners: [
            { enterpriseCode: 'RU-UVZ', shareBasisPoints: 5100 },
            { enterpriseCode: 'BY-MZKT', shareBasisPoints: 4900 },
          ],
        });
      else
        fixture.record(streamId, 'BatchProduced', {
          productCode: 'MZKT-7930',
          quantity: round * 10 + i,
          ratio: 1.5e-7 * round,
          producedOn: '2025-03-01',
        });
    }
    await fixture.commit();
  }
  return fixture;
}
