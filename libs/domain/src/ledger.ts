/**
 * What the ledger keeps around each domain event: its stream name and the metadata every
 * recorded fact carries (who, when, why, correlation, schema version and the hash chain).
 */
export const JOINT_VENTURE_STREAM_PREFIX = 'joint-venture-';

export function jointVentureStreamId(jointVentureId: string): string {
  return `${JOINT_VENTURE_STREAM_PREFIX}${jointVentureId}`;
}

/** The JV id of a `joint-venture-<uuid>` stream, or undefined for any other stream. */
export function jointVentureIdOf(streamId: string): string | undefined {
  return streamId.startsWith(JOINT_VENTURE_STREAM_PREFIX)
    ? streamId.slice(JOINT_VENTURE_STREAM_PREFIX.length)
    : undefined;
}

export const ROLES = ['program-manager', 'auditor', 'viewer', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export type Actor = Readonly<{ subject: string; memberState: string; role: Role }>;

export type LedgerEventMetadata = Readonly<{
  actor: Actor;
  /** When the command was accepted (ISO-8601 instant): the time auditors reason about. */
  recordedAt: string;
  reason?: string;
  correlationId: string;
  causationId?: string;
  schemaVersion: number;
  /** Hash of the previous event of the same stream; null for the first. */
  prevHash: string | null;
  /** SHA-256 over the canonical serialisation of this event (see hash-chain). */
  hash: string;
}>;
