/**
 * 5. Transparency log (libs/transparency): building the tree through the SQL store on SQLite,
 * appends as the log's consumer would make them on a large tree, inclusion and consistency
 * proofs on a 1,000,000-leaf log, signing a checkpoint, and the offline verifier's rate.
 * 5b (a 10,000,000-leaf tree) is in transparency-large-tree.bench.ts.
 */
import { createSqliteKysely, hashEvent, openSqlite } from '@app/event-store';
import {
  HeadsTree,
  KeyRing,
  KyselyLogStore,
  TransparencyLog,
  buildBundle,
  eventHash,
  formatCheckpoint,
  generateSignerKey,
  migrateLogStore,
  parseKeyList,
  parseSignerKey,
  signCheckpoint,
  signNote,
  streamProofs,
  verifyBundle,
  type Bundle,
  type BundleEvent,
  type LogEntry,
  type LogTables,
} from '@app/transparency';
import { createHash, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cpuSince, latencyFigure, timedAsync, type Timed } from './support/cpu-timing';
import { int, ms, perSecond, since } from './support/stats';
import type { Row } from './support/table';
import type { TempDirs } from './support/temp-dirs';

export const MAX_PROOF_P99_MS = 5;
export const MAX_SIGNING_P99_MS = 1;
export const MIN_VERIFY_EVENTS_PER_SECOND = 50_000;
const ORIGIN = 'jv-ledger.example/transparency';

export type TransparencyOptions = Readonly<{
  leaves: number;
  /** JVs the synthetic leaves are spread over (the heads tree's size). */
  jointVentures: number;
  /** Real, hash-chained events at the start of the log, for the verifier: JVs x events each. */
  verifiedJvs: number;
  eventsPerVerifiedJv: number;
  samples: number;
}>;

export type TransparencyResult = Readonly<{
  leaves: number;
  buildMs: number;
  /** CPU time of this process (user + system): the machine's other load does not count. */
  buildCpuMs: number;
  bytesPerLeaf: number;
  singleAppend: Timed;
  inclusion: Timed;
  consistency: Timed;
  headsMs: number;
  signing: Timed;
  checkpointMs: number;
  verifiedEvents: number;
  verifyMs: number;
  verifyCpuMs: number;
  chainOnlyMs: number;
  chainOnlyCpuMs: number;
}>;

/** Real events of a few JVs, interleaved, hash-chained with the event store's own code. */
function chainedEvents(jvs: number, perJv: number): { streamId: string; events: BundleEvent[] }[] {
  const streams = Array.from({ length: jvs }, () => ({
    streamId: `joint-venture-${randomUUID()}`,
    events: [] as BundleEvent[],
  }));
  for (let revision = 0; revision < perJv; revision++)
    for (const stream of streams) {
      const metadata = {
        actor: { subject: 'pm-ru-1', memberState: 'RU', role: 'program-manager' },
        recordedAt: new Date(Date.UTC(2025, 0, 1) + revision * 60_000).toISOString(),
        correlationId: randomUUID(),
        schemaVersion: 1,
        prevHash: stream.events.at(-1)?.metadata.hash ?? null,
      };
      const data = {
        productCode: 'MZKT-7930',
        quantity: revision + 1,
        batchReference: `B-${revision}`,
      };
      const event = {
        id: randomUUID(),
        streamId: stream.streamId,
        revision,
        type: 'BatchProduced',
        data,
        metadata,
      };
      stream.events.push({
        id: event.id,
        type: event.type,
        version: revision,
        data,
        metadata: { ...metadata, hash: hashEvent(event) },
      });
    }
  return streams;
}

export async function measureTransparency(
  dirs: TempDirs,
  options: TransparencyOptions,
  progress: (message: string) => void,
): Promise<TransparencyResult> {
  const dir = dirs.make('transparency');
  const file = join(dir, 'ledger.db');
  const database = openSqlite(file, { synchronous: 'FULL' });
  // The apps' SQLite Kysely (statement cache, BEGIN IMMEDIATE): as the log will be wired.
  const db = createSqliteKysely<LogTables>(database);
  try {
    await migrateLogStore(db, 'sqlite');
    const log = new TransparencyLog(new KyselyLogStore(db));
    const verified = chainedEvents(options.verifiedJvs, options.eventsPerVerifiedJv);
    const real: LogEntry[] = [];
    for (let revision = 0; revision < options.eventsPerVerifiedJv; revision++)
      for (const { streamId, events } of verified)
        real.push({
          eventId: events[revision].id,
          streamId,
          revision,
          eventHash: Buffer.from(String(events[revision].metadata.hash), 'hex'),
        });

    progress(`  building a tree of ${int(options.leaves)} leaves in batches of 1,000`);
    const revisions = new Map<number, number>();
    const synthetic = (n: number): LogEntry => {
      const jv = n % options.jointVentures;
      const revision = revisions.get(jv) ?? 0;
      revisions.set(jv, revision + 1);
      return {
        eventId: `event-${n}`,
        streamId: `joint-venture-synthetic-${jv}`,
        revision,
        eventHash: createHash('sha256').update(`event ${n}`).digest(),
      };
    };
    const [buildStart, buildCpu] = [performance.now(), process.cpuUsage()];
    for (let size = 0; size < options.leaves;) {
      const count = Math.min(1000, options.leaves - size);
      const batch = Array.from({ length: count }, (_, i) =>
        size + i < real.length ? real[size + i] : synthetic(size + i),
      );
      await log.append(batch, String(size + count));
      size += count;
    }
    const [buildMs, buildCpuMs] = [since(buildStart), cpuSince(buildCpu)];
    database.pragma('wal_checkpoint(TRUNCATE)');
    const bytesPerLeaf = statSync(file).size / options.leaves;

    progress('  proofs, single appends, heads and signing');
    const size = (await log.state()).size;
    const random = (below: number) => Math.floor(Math.random() * below);
    const inclusion = await timedAsync(options.samples, () =>
      log.inclusionProof(random(size), size),
    );
    const consistency = await timedAsync(options.samples, () =>
      log.consistencyProof(1 + random(size - 1), size),
    );
    let next = size;
    const singleAppend = await timedAsync(Math.min(300, options.samples), () =>
      log.append([synthetic(next++)]),
    );
    const headsStart = performance.now();
    const heads = HeadsTree.of(await log.headsAt(next));
    const headsMs = since(headsStart);

    const signer = parseSignerKey(generateSignerKey(ORIGIN).signerKey);
    const keys = KeyRing.of(parseKeyList([{ verifierKey: signer.verifierKey }]), [signer]);
    const text = formatCheckpoint({
      origin: ORIGIN,
      size: next,
      root: (await log.state()).root,
      heads: { count: heads.count, root: heads.root },
      time: new Date().toISOString(),
    });
    const signing = await timedAsync(options.samples, () => signNote(text, [signer]));
    const checkpointStart = performance.now();
    const signed = await signCheckpoint(log, { origin: ORIGIN, keys, now: new Date() });
    const checkpointMs = since(checkpointStart);

    progress(
      `  verifying ${options.verifiedJvs} bundles of ${int(options.eventsPerVerifiedJv)} events`,
    );
    const bundles: Bundle[] = [];
    for (const { streamId, events } of verified) {
      const proofs = await streamProofs(log, streamId, signed.checkpoint);
      bundles.push(
        buildBundle({
          streamId,
          events,
          checkpoint: signed.note,
          inclusionProofs: proofs.inclusionProofs,
          headProof: proofs.headProof,
          keys: keys.published(),
        }),
      );
    }
    const [verifyStart, verifyCpu] = [performance.now(), process.cpuUsage()];
    for (const bundle of bundles) {
      const verdict = verifyBundle(bundle, [signer.verifierKey]);
      if (!verdict.valid)
        throw new Error(
          `a bundle the ledger built did not verify: ${verdict.check} ${verdict.message}`,
        );
    }
    const [verifyMs, verifyCpuMs] = [since(verifyStart), cpuSince(verifyCpu)];
    const [chainStart, chainCpu] = [performance.now(), process.cpuUsage()];
    for (const bundle of bundles)
      bundle.events.forEach((event, i) => {
        const hash = eventHash(bundle.streamId, event);
        if (
          hash !== event.metadata.hash ||
          (i > 0 && event.metadata.prevHash !== bundle.events[i - 1].metadata.hash)
        )
          throw new Error('chain broken');
      });
    const [chainOnlyMs, chainOnlyCpuMs] = [since(chainStart), cpuSince(chainCpu)];
    return {
      leaves: options.leaves,
      buildMs,
      buildCpuMs,
      bytesPerLeaf,
      singleAppend,
      inclusion,
      consistency,
      headsMs,
      signing,
      checkpointMs,
      verifiedEvents: options.verifiedJvs * options.eventsPerVerifiedJv,
      verifyMs,
      verifyCpuMs,
      chainOnlyMs,
      chainOnlyCpuMs,
    };
  } finally {
    await db.destroy();
    database.close();
    dirs.remove(dir);
  }
}

export function transparencyRows(result: TransparencyResult, jointVentures: number): Row[] {
  const tree = `${int(result.leaves)} leaves, SQLite`;
  return [
    {
      benchmark: '5. transparency: build the tree',
      setting: `${tree}, batches of 1,000, sync=FULL`,
      figure: `${int(perSecond(result.leaves, result.buildMs))} leaves/s (${int(perSecond(result.leaves, result.buildCpuMs))} per CPU-second), ${int(result.bytesPerLeaf)} bytes/leaf on disk`,
      target: '(keeps up with commands)',
    },
    {
      benchmark: '5. transparency: append 1 leaf',
      setting: `${tree}, sync=FULL`,
      figure: `${latencyFigure(result.singleAppend)}, ~${int(perSecond(1, result.singleAppend.p50))} appends/s`,
      target: '(one commit per batch)',
    },
    {
      benchmark: '5. transparency: inclusion proof',
      setting: tree,
      figure: latencyFigure(result.inclusion),
      target: `p99 < ${MAX_PROOF_P99_MS} ms`,
      met: result.inclusion.p99 < MAX_PROOF_P99_MS,
    },
    {
      benchmark: '5. transparency: consistency proof',
      setting: tree,
      figure: latencyFigure(result.consistency),
      target: `p99 < ${MAX_PROOF_P99_MS} ms`,
      met: result.consistency.p99 < MAX_PROOF_P99_MS,
    },
    {
      benchmark: '5. transparency: sign a checkpoint',
      setting: 'Ed25519 over the note text',
      figure: latencyFigure(result.signing),
      target: `p99 < ${MAX_SIGNING_P99_MS} ms`,
      met: result.signing.p99 < MAX_SIGNING_P99_MS,
    },
    {
      benchmark: '5. transparency: whole checkpoint',
      setting: `heads of ${int(jointVentures)} JVs + sign`,
      figure: `${ms(result.checkpointMs)} (heads read and tree: ${ms(result.headsMs)})`,
      target: '(every CHECKPOINT_INTERVAL_S)',
    },
    {
      benchmark: '5. transparency: offline verifier',
      setting: `${int(result.verifiedEvents)} events, proofs in a ${int(result.leaves)}-leaf tree`,
      figure: `${int(perSecond(result.verifiedEvents, result.verifyMs))} events/s (${int(perSecond(result.verifiedEvents, result.verifyCpuMs))} per CPU-second)`,
      target: `(bundles; verify --all: >= ${int(MIN_VERIFY_EVENTS_PER_SECOND)})`,
    },
    {
      benchmark: '5. transparency: chain recomputation',
      setting: 'RFC 8785 + SHA-256 + link per event',
      figure: `${int(perSecond(result.verifiedEvents, result.chainOnlyMs))} events/s (${int(perSecond(result.verifiedEvents, result.chainOnlyCpuMs))} per CPU-second)`,
      target: `>= ${int(MIN_VERIFY_EVENTS_PER_SECOND)} events/s`,
      met: perSecond(result.verifiedEvents, result.chainOnlyMs) >= MIN_VERIFY_EVENTS_PER_SECOND,
    },
  ];
}
