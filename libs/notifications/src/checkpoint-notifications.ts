/**
 * The public message of a signed checkpoint of the transparency log (issue 9 §4): what each
 * member state's witness reads from `jv.checkpoints.v1`. Checkpoints are events of the stream
 * `transparency-checkpoints` (type `CheckpointSigned`, data `{note, treeSize, rootHash,
 * signedAt}`); the message carries the note exactly as signed and, when the ledger can compute
 * it, the RFC 9162 consistency proof from the checkpoint before it.
 */
import type { RecordedEvent } from '@app/event-store';
import { CHECKPOINT_SIGNED, CHECKPOINT_STREAM } from '@app/transparency';
import type { CloudEvent, CloudEventSettings } from './integration-events';
import { closed, count, text, type Schema } from './schema-parts';

export { CHECKPOINT_SIGNED, CHECKPOINT_STREAM };
export const CHECKPOINT_NOTIFICATION_TYPE = 'jv.transparency.checkpoint-signed.v1';
export const DEFAULT_CHECKPOINT_TOPIC = 'jv.checkpoints.v1';

/** The transparency log's RFC 9162 consistency proof between two tree sizes. */
export type ConsistencyProofs = (first: number, second: number) => Promise<readonly Uint8Array[]>;

export type CheckpointMessageData = Readonly<{
  note: string;
  treeSize: number;
  rootHash: string;
  signedAt: string;
  consistency?: Readonly<{ fromTreeSize: number; proof: readonly string[] }>;
}>;

/** The log's origin: the first line of the checkpoint note (C2SP tlog-checkpoint). */
export const originOf = (note: string): string => note.slice(0, note.indexOf('\n'));

/**
 * The message of one `CheckpointSigned` event: keyed (subject) by the log's origin, so every
 * checkpoint of a log stays in order on one partition; `streamrevision` is its index in the
 * checkpoint stream.
 */
export async function checkpointMessageOf(
  recorded: RecordedEvent,
  settings: CloudEventSettings,
  options: Readonly<{ previous?: RecordedEvent; proofs?: ConsistencyProofs }> = {},
): Promise<CloudEvent> {
  if (recorded.type !== CHECKPOINT_SIGNED)
    throw new TypeError(`${recorded.streamId}@${recorded.revision} is a ${recorded.type}`);
  const { note, treeSize, rootHash, signedAt } = recorded.data as Record<string, unknown>;
  if (
    typeof note !== 'string' ||
    !note.includes('\n') ||
    typeof treeSize !== 'number' ||
    typeof rootHash !== 'string' ||
    typeof signedAt !== 'string'
  )
    throw new TypeError(`${recorded.streamId}@${recorded.revision} is not a signed checkpoint`);
  const fromTreeSize = (options.previous?.data as { treeSize?: unknown } | undefined)?.treeSize;
  const consistency =
    options.proofs && typeof fromTreeSize === 'number' && fromTreeSize <= treeSize
      ? await proofBetween(options.proofs, fromTreeSize, treeSize)
      : undefined;
  const data: CheckpointMessageData = {
    note,
    treeSize,
    rootHash,
    signedAt,
    ...(consistency && { consistency }),
  };
  return {
    specversion: '1.0',
    id: recorded.id,
    source: settings.source,
    type: CHECKPOINT_NOTIFICATION_TYPE,
    subject: originOf(note),
    time: signedAt,
    datacontenttype: 'application/json',
    dataschema: `${settings.schemaBaseUri}${CHECKPOINT_NOTIFICATION_TYPE}.json`,
    streamrevision: recorded.revision,
    data,
  };
}

/**
 * The proof, or none when the log here cannot give one for these sizes (RangeError: a tree
 * smaller than the checkpoint, e.g. while a rebuilt log catches up): the witness then fetches
 * it from the API; any other failure is the database's and the batch is retried.
 */
async function proofBetween(
  proofs: ConsistencyProofs,
  fromTreeSize: number,
  treeSize: number,
): Promise<CheckpointMessageData['consistency']> {
  try {
    const proof = await proofs(fromTreeSize, treeSize);
    return { fromTreeSize, proof: proof.map((hash) => Buffer.from(hash).toString('base64')) };
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

const base64Hash = {
  type: 'string',
  pattern: '^[A-Za-z0-9+/]{43}=$',
  description: 'a SHA-256 hash, base64',
};

/** The JSON Schema (2020-12) of the checkpoint message. */
export function checkpointNotificationSchema(baseUri: string): Schema {
  const type = CHECKPOINT_NOTIFICATION_TYPE;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${baseUri}${type}.json`,
    title: type,
    description:
      'CloudEvents 1.0 structured message: a signed checkpoint of the ledger’s transparency log ' +
      '(C2SP tlog-checkpoint in a C2SP signed note). Verify the note with a trusted verifier key ' +
      'before believing any other field.',
    ...closed({
      specversion: { const: '1.0' },
      id: { type: 'string', format: 'uuid', description: 'the checkpoint event id' },
      source: text,
      type: { const: type },
      subject: { ...text, description: 'the log’s origin, the note’s first line (the Kafka key)' },
      time: { type: 'string', format: 'date-time', description: 'when it was signed' },
      datacontenttype: { const: 'application/json' },
      dataschema: { type: 'string', format: 'uri' },
      streamrevision: {
        ...count,
        description: 'the checkpoint’s index among the ledger’s checkpoints: consecutive',
      },
      data: closed(
        {
          note: { ...text, description: 'the signed note, byte for byte as signed' },
          treeSize: count,
          rootHash: base64Hash,
          signedAt: { type: 'string', format: 'date-time' },
          consistency: {
            ...closed({
              fromTreeSize: count,
              proof: { type: 'array', items: base64Hash },
            }),
            description:
              'RFC 9162 consistency proof from the tree size of the checkpoint before this one',
          },
        },
        ['consistency'],
      ),
    }),
  };
}
