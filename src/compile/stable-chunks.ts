import { stableHash } from './naming';
import { packInOrder, Sized, totalSize } from './pack';

/**
 * Content-defined chunking of an ordered list under a size budget, so that chunk boundaries (and the names
 * derived from them) do not move when items are added or removed elsewhere in the list.
 *
 * Each item gets a level from a hash of its key: the number of trailing zero bits, so about one item in 2^L has
 * level L or more. A run that does not fit the budget is cut before every item of level >= L (the top level,
 * see topLevelFor), and each piece that still does not fit
 * is cut again at level L-1, and so on; below level 1 the rest is packed greedily. A chunk's boundaries depend
 * only on the items of the run it was cut from, so adding or removing an item changes only the chunk it lands
 * in (which may split in two: its first item, and so its name, stay). The one exception: an added item of a
 * level higher than the cuts around it that lands in a run which was too large, and makes part of it fit again;
 * then the cut after it may go. With levels from a 32-bit hash that is about one added item in 2^L.
 *
 * This is the technique of content-defined chunking in backup and sync tools (rsync, restic), applied to route
 * entries instead of bytes.
 */
export function chunkStably<T extends Sized>(items: readonly T[], budget: number, keyOf: (item: T) => string, topLevel: number): T[][] {
  const levels = items.map((item) => levelOf(keyOf(item)));
  const chunks: T[][] = [];
  const split = (from: number, to: number, level: number): void => {
    const run = items.slice(from, to);
    if (run.length <= 1 || totalSize(run) <= budget) {
      chunks.push(run);
      return;
    }
    if (level < 1) {
      chunks.push(...packInOrder(run, budget));
      return;
    }
    let start = from;
    for (let i = from + 1; i < to; i++) {
      if (levels[i] < level) continue;
      split(start, i, level - 1);
      start = i;
    }
    split(start, to, level - 1);
  };
  split(0, items.length, topLevel);
  return chunks.filter((c) => c.length > 0);
}

/**
 * The top level for chunks of about `preferredBytes` (between half and all of it on average) when items are
 * `nominalItemBytes` each. A fixed nominal size, not the measured average, so that levels never shift with content.
 */
export function topLevelFor(preferredBytes: number, nominalItemBytes: number): number {
  const itemsPerChunk = preferredBytes / nominalItemBytes;
  return itemsPerChunk < 2 ? 0 : Math.floor(Math.log2(itemsPerChunk));
}

/** Trailing zero bits of a well-mixed 32-bit hash of `key` (0-32). */
export function levelOf(key: string): number {
  let h = parseInt(stableHash(key), 16);
  // murmur3 fmix32: spreads FNV-1a's weak low bits over the whole word.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  h >>>= 0;
  if (h === 0) return 32;
  let level = 0;
  while ((h & 1) === 0) {
    h >>>= 1;
    level++;
  }
  return level;
}
