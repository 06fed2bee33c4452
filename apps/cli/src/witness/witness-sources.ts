/**
 * Where a witness gets checkpoints from: the ledger's API (polled), or the checkpoint topic
 * every member state reads (`jv.checkpoints.v1`). Both hand each checkpoint to `offer` in
 * order and stop at the first refusal.
 */
import { CHECKPOINT_NOTIFICATION_TYPE, kafkaConfig, type KafkaSettings } from '@app/notifications';
import { Kafka } from 'kafkajs';
import type { OfferedCheckpoint, ProofSource, WitnessOutcome } from './witness';

export type Offer = (checkpoint: OfferedCheckpoint) => Promise<WitnessOutcome>;

/** How a source run ended: it was stopped, it ran out (`--once`), or a checkpoint was refused. */
export type SourceEnd = Readonly<{ refused?: WitnessOutcome & { kind: 'refused' } }>;

export type LedgerApi = Readonly<{ url: string; token?: string }>;

async function getFromLedger(api: LedgerApi, path: string): Promise<Response> {
  const response = await fetch(new URL(path, api.url.endsWith('/') ? api.url : `${api.url}/`), {
    headers: api.token ? { authorization: `Bearer ${api.token}` } : {},
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok)
    throw new Error(`GET ${path}: ${response.status} ${(await response.text()).slice(0, 300)}`);
  return response;
}

/** GET /transparency/consistency?first=&second= as a proof source. */
export function ledgerProofs(api: LedgerApi): ProofSource {
  return async (first, second) => {
    const response = await getFromLedger(
      api,
      `transparency/consistency?first=${first}&second=${second}`,
    );
    const body = (await response.json()) as { proof?: unknown };
    if (!Array.isArray(body.proof) || !body.proof.every((hash) => typeof hash === 'string'))
      throw new Error('the consistency answer holds no proof: [base64...]');
    return body.proof.map((hash: string) => Buffer.from(hash, 'base64'));
  };
}

/**
 * Polls GET /transparency/checkpoint every `intervalMs` (once with `once`). A ledger that does
 * not answer is tried again at the next poll (said on stderr), except with `once`.
 */
export async function pollLedger(
  api: LedgerApi,
  offer: Offer,
  options: Readonly<{ once: boolean; intervalMs: number; stopped: () => boolean }>,
): Promise<SourceEnd> {
  for (;;) {
    let note: string | undefined;
    try {
      note = await (await getFromLedger(api, 'transparency/checkpoint')).text();
    } catch (error) {
      if (options.once) throw error;
      console.error(`the ledger did not answer, trying again: ${(error as Error).message}`);
    }
    if (note !== undefined) {
      const outcome = await offer({ note });
      if (outcome.kind === 'refused') return { refused: outcome };
    }
    if (options.once || options.stopped()) return {};
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    if (options.stopped()) return {};
  }
}

export type KafkaSource = Readonly<{
  settings: Pick<KafkaSettings, 'brokers' | 'clientId' | 'ssl' | 'sasl' | 'log'>;
  topic: string;
  groupId: string;
}>;

/**
 * Reads the checkpoint topic in its consumer group from the beginning (a new group) or where
 * the group left off. With `once`, stops at the end of the topic as it was at the start.
 */
export async function consumeCheckpoints(
  source: KafkaSource,
  offer: Offer,
  options: Readonly<{ once: boolean; stopped: Promise<void> }>,
): Promise<SourceEnd> {
  const kafka = new Kafka(kafkaConfig({ ...source.settings } as KafkaSettings));
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(source.topic)) {
      if (options.once) return {};
      throw new Error(`topic ${source.topic} does not exist`);
    }
    for (const { partition, high } of await admin.fetchTopicOffsets(source.topic))
      ends.set(partition, BigInt(high));
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId: source.groupId, maxWaitTimeInMs: 500 });
  const next = new Map<number, bigint>();
  const atEnd = () => [...ends].every(([partition, high]) => (next.get(partition) ?? 0n) >= high);
  let finish!: (end: SourceEnd) => void;
  let fail!: (error: unknown) => void;
  const finished = new Promise<SourceEnd>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  let done = false;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: source.topic, fromBeginning: true });
    // Where the group resumes: what it committed before counts as read for `--once`.
    const committed = kafka.admin();
    await committed.connect();
    try {
      const [offsets] = await committed.fetchOffsets({
        groupId: source.groupId,
        topics: [source.topic],
      });
      for (const { partition, offset } of offsets?.partitions ?? [])
        if (Number(offset) >= 0) next.set(partition, BigInt(offset));
    } finally {
      await committed.disconnect();
    }
    if (options.once && atEnd()) return {};
    void options.stopped.then(() => finish({}));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (done) return;
        try {
          next.set(partition, BigInt(message.offset) + 1n);
          const event = JSON.parse(message.value?.toString() ?? 'null') as {
            type?: string;
            streamrevision?: number;
            data?: { note?: unknown; consistency?: { fromTreeSize?: unknown; proof?: unknown } };
          };
          if (
            event?.type === CHECKPOINT_NOTIFICATION_TYPE &&
            typeof event.data?.note === 'string'
          ) {
            const outcome = await offer({
              note: event.data.note,
              position: event.streamrevision,
              consistency: consistencyOf(event.data.consistency),
            });
            if (outcome.kind === 'refused') {
              done = true;
              return finish({ refused: outcome });
            }
          }
          if (options.once && atEnd()) {
            done = true;
            finish({});
          }
        } catch (error) {
          done = true;
          fail(error);
        }
      },
    });
    return await finished;
  } finally {
    await consumer.disconnect();
  }
}

function consistencyOf(value: unknown): OfferedCheckpoint['consistency'] {
  const { fromTreeSize, proof } = (value ?? {}) as { fromTreeSize?: unknown; proof?: unknown };
  if (typeof fromTreeSize !== 'number' || !Array.isArray(proof)) return undefined;
  return { fromTreeSize, proof: proof.map((hash) => Buffer.from(String(hash), 'base64')) };
}
