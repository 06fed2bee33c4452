/** Each joint venture's events form one stream, `joint-venture-<uuid>`. */
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
