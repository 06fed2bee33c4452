/**
 * Who records an event, and what every recorded event carries besides its data: the command's
 * context (read once from the request), when it was recorded, its schema version and its link in
 * the stream's hash chain.
 */
export const ROLES = ['program-manager', 'auditor', 'viewer', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export type Actor = Readonly<{ subject: string; memberState: string; role: Role }>;

/** Who asked for a command and why; stored unchanged in the metadata of every event it records. */
export type CommandContext = Readonly<{
  actor: Actor;
  correlationId: string;
  causationId?: string;
  /** Free text from the requester; optional. */
  reason?: string;
}>;

export type JointVentureEventMetadata = CommandContext &
  Readonly<{
    /** When the command was accepted (ISO-8601 instant): the time auditors reason about. */
    recordedAt: string;
    schemaVersion: number;
    /** Hash of the previous event of the same stream; null for the first. */
    prevHash: string | null;
    /** SHA-256 over the canonical serialisation of this event (see the event store's hash chain). */
    hash: string;
  }>;
