import { nodeHash } from '../verifier/offline.verifier';
import { resolveRoot, type NodeId } from '../merkle/merkle-tree';

/**
 * The log's tree is stored as tiles, after C2SP tlog-tiles but of height 4: the tile at level L,
 * index N holds the hashes of the complete subtrees at tree level 4L with indexes 16N .. 16N+15
 * (leaf hashes at level 0). Any complete subtree's hash is at most 15 hashings of one tile's
 * entries, so a proof reads O(log n) tiles and hashes little; height 8 (the C2SP width) would
 * cost up to 255 hashings per tile level. Only the right-most tile of each level is partial; it
 * is rewritten as the tree grows, full tiles never change. A C2SP height-8 tile is the
 * concatenation of 16 consecutive full tiles two levels of ours up, should they be served.
 */
export const TILE_HEIGHT = 4;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;
const HASH_SIZE = 32;

export type TileId = Readonly<{ level: number; index: number }>;
/** `hashes` is 1 to TILE_WIDTH hashes of 32 bytes, concatenated. */
export type Tile = TileId & Readonly<{ hashes: Buffer }>;

export const tileKey = (tile: TileId): string => `${tile.level}/${tile.index}`;

/** Hashes at tree level `level * TILE_HEIGHT` in a tree of `size` leaves. */
const nodesAtTileLevel = (size: number, level: number) =>
  Math.floor(size / 2 ** (level * TILE_HEIGHT));

/** The entries of one tile a complete subtree folds. */
export function tileSpan(node: NodeId): Readonly<{ tile: TileId; offset: number; count: number }> {
  const level = Math.floor(node.level / TILE_HEIGHT);
  const count = 2 ** (node.level - level * TILE_HEIGHT);
  const first = node.index * count;
  return {
    tile: { level, index: Math.floor(first / TILE_WIDTH) },
    offset: first % TILE_WIDTH,
    count,
  };
}

/** The hash of a complete subtree from the tiles that hold it. */
export function hashFromTiles(node: NodeId, tiles: ReadonlyMap<string, Tile>): Buffer {
  const { tile, offset, count } = tileSpan(node);
  const hashes = tiles.get(tileKey(tile))?.hashes;
  if (hashes === undefined || hashes.length < (offset + count) * HASH_SIZE)
    throw new Error(
      `tile ${tileKey(tile)} is missing or short for node ${node.level}/${node.index}`,
    );
  return perfectRoot(split(hashes.subarray(offset * HASH_SIZE, (offset + count) * HASH_SIZE)));
}

/** The root over a power-of-two number of subtree hashes. */
function perfectRoot(hashes: readonly Buffer[]): Buffer {
  let layer = hashes;
  while (layer.length > 1)
    layer = Array.from({ length: layer.length / 2 }, (_, i) =>
      nodeHash(layer[2 * i], layer[2 * i + 1]),
    );
  return Buffer.from(layer[0]);
}

/** The tiles a set of complete subtrees is read from, once each. */
export function tilesFor(nodes: readonly NodeId[]): TileId[] {
  const tiles = new Map<string, TileId>();
  for (const node of nodes) {
    const { tile } = tileSpan(node);
    tiles.set(tileKey(tile), tile);
  }
  return [...tiles.values()];
}

/** The partial tiles of a tree of `size`, with how many hashes each holds: what an append extends. */
export function edgeTiles(size: number): (TileId & Readonly<{ width: number }>)[] {
  const edge: (TileId & { width: number })[] = [];
  for (let level = 0; nodesAtTileLevel(size, level) > 0; level++) {
    const nodes = nodesAtTileLevel(size, level);
    if (nodes % TILE_WIDTH > 0)
      edge.push({ level, index: Math.floor(nodes / TILE_WIDTH), width: nodes % TILE_WIDTH });
  }
  return edge;
}

/**
 * Appends leaf hashes to a tree of `size` whose partial tiles are `edge` (from `edgeTiles`):
 * returns every tile to write (those filled on the way and the new partial ones; a filled tile's
 * root goes into the level above) and the new root.
 */
export function appendToTiles(
  size: number,
  edge: readonly Tile[],
  leafHashes: readonly Buffer[],
): Readonly<{ tiles: Tile[]; root: Buffer }> {
  const known = new Map(edge.map((tile) => [tileKey(tile), tile]));
  const pending = new Map<number, Buffer[]>();
  for (const { level, index, width } of edgeTiles(size)) {
    const hashes = known.get(tileKey({ level, index }))?.hashes;
    if (hashes === undefined || hashes.length < width * HASH_SIZE)
      throw new Error(`tile ${level}/${index} is missing or short for tree size ${size}`);
    pending.set(level, split(hashes.subarray(0, width * HASH_SIZE)));
  }
  const counts: number[] = [];
  const countAt = (level: number) => counts[level] ?? nodesAtTileLevel(size, level);
  // The tile being filled at each level, and every tile written, in order (each one once).
  const open = new Map<number, { level: number; index: number; hashes: Buffer[] }>();
  const written: { level: number; index: number; hashes: Buffer[] }[] = [];
  const add = (level: number, hash: Buffer): void => {
    let tile = open.get(level);
    if (tile === undefined) {
      const index = Math.floor(countAt(level) / TILE_WIDTH);
      tile = { level, index, hashes: pending.get(level) ?? [] };
      pending.delete(level);
      open.set(level, tile);
      written.push(tile);
    }
    tile.hashes.push(hash);
    counts[level] = countAt(level) + 1;
    if (tile.hashes.length < TILE_WIDTH) return;
    open.delete(level);
    add(level + 1, perfectRoot(tile.hashes));
  };
  for (const hash of leafHashes) add(0, hash);

  const tiles = written.map((t) => ({ ...t, hashes: Buffer.concat(t.hashes) }));
  for (const tile of tiles) known.set(tileKey(tile), tile);
  const root = resolveRoot(size + leafHashes.length, (node) => hashFromTiles(node, known));
  return { tiles, root };
}

const split = (hashes: Buffer): Buffer[] =>
  Array.from({ length: hashes.length / HASH_SIZE }, (_, i) =>
    hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE),
  );
