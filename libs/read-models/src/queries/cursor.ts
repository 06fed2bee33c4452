/**
 * Opaque keyset cursors for the paged lists (JVs, proposals awaiting a state): the sort key of
 * the last item of a page, a time and an id, as base64url JSON. Clients must not build them; a
 * malformed one is refused with a typed error.
 */

/** The cursor is not one this API issued (or it was altered); maps to 400. */
export class InvalidCursorError extends Error {
  constructor(readonly cursor: string) {
    super('cursor is malformed; pass back the nextCursor of a previous page unchanged');
    this.name = 'InvalidCursorError';
  }
}

/** `at`: the item's time in the list's order (established, proposed); `id` breaks ties. */
export type ListCursor = Readonly<{ at: string; id: string }>;

export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): ListCursor {
  // Node's decoder skips characters outside the alphabet instead of failing: check first.
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError(cursor);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError(cursor);
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== 'string' ||
    typeof decoded[1] !== 'string' ||
    Number.isNaN(Date.parse(decoded[0])) ||
    decoded[1].length === 0
  ) {
    throw new InvalidCursorError(cursor);
  }
  return { at: decoded[0], id: decoded[1] };
}

/**
 * One page of a keyset query that asked for `limit + 1` rows: the first `limit`, and the cursor of
 * the last of them when the extra row shows that more follow.
 */
export function keysetPage<R>(
  rows: readonly R[],
  limit: number,
  cursorOf: (row: R) => ListCursor,
): Readonly<{ page: R[]; nextCursor: string | null }> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const more = rows.length > limit && last !== undefined;
  return { page, nextCursor: more ? encodeCursor(cursorOf(last)) : null };
}
