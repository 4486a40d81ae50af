import { Sized, splitIntoRuns } from './pack';

/** How chunkStably cuts a run that is too large. */
export interface CutRule {
  /** A run larger than this (in bytes) is cut in two. At most the budget of one object. */
  readonly threshold: number;
  /**
   * Each side of a cut holds at least this share of the run's bytes when some item allows it (0: any item may
   * cut). A larger share gives fewer, fuller chunks at the price of cuts that depend on the run's size too.
   *
   * @default 0
   */
  readonly minShare?: number;
}

/**
 * Content-defined chunking of an ordered list, so that chunk boundaries (and the names derived from them) do not
 * move when items are added, removed or changed elsewhere in the list.
 *
 * Every item has a priority, a 32-bit hash of its key (never of its position). A run larger than the threshold
 * is cut before its item of highest priority (the first item excluded), and each side is cut again the same way
 * until it fits: a binary tree over the list whose shape, like a treap's, follows from the keys alone. Adding,
 * removing or resizing an item therefore changes only the chunk it is in, except where:
 * - that chunk crosses the threshold (it is cut in two, at its own highest item), or its parent run falls back
 *   under it (the parent's two sides become one chunk again);
 * - an added item outranks every item of an enclosing run that was cut (about 1 in the run's item count): then
 *   the cuts of that run, and only of that run, are placed again.
 * With threshold T, chunks hold T/2 bytes on average (a cut lands anywhere in its run) and a list of S bytes
 * takes about 2S/T chunks; `minShare` trades stability for fewer chunks where a folder's room needs it.
 *
 * This is the technique of content-defined chunking in backup and sync tools (rsync, restic), applied to route
 * entries instead of bytes, with a tree of cuts instead of a fixed cut level so that chunk sizes stay within
 * one threshold rather than following a geometric distribution.
 */
export function chunkStably<T extends Sized>(items: readonly T[], keyOf: (item: T) => string, rule: CutRule): T[][] {
  const priorities = Uint32Array.from(items, (item) => priorityOf(keyOf(item)));
  return splitIntoRuns(items, runLengthsByPriority(items.map((item) => item.size), priorities, rule));
}

/**
 * The cuts of chunkStably over items given as columns (their sizes and priorities, in list order): the number of items
 * in each chunk, in order. Callers holding no item objects (a partition as typed arrays) cut without making any.
 */
export function runLengthsByPriority(sizes: ArrayLike<number>, priorities: ArrayLike<number>, rule: CutRule): number[] {
  const count = sizes.length;
  const starts = new Float64Array(count + 1);
  for (let i = 0; i < count; i++) starts[i + 1] = starts[i] + sizes[i];
  const minShare = rule.minShare ?? 0;
  const lengths: number[] = [];
  // Runs to place, as [from, to) pairs, last first, so chunks come out in order without recursion.
  const stack: number[] = [count, 0];
  while (stack.length > 0) {
    const from = stack.pop()!;
    const to = stack.pop()!;
    const size = starts[to] - starts[from];
    if (to - from <= 1 || size <= rule.threshold) {
      lengths.push(to - from);
      continue;
    }
    const cut = highestCut(priorities, starts, from, to, size * minShare) ?? highestCut(priorities, starts, from, to, 0)!;
    stack.push(to, cut, cut, from);
  }
  return lengths;
}

/** The index in (from, to) of highest priority (first on ties) leaving at least `margin` bytes on each side. */
function highestCut(priorities: ArrayLike<number>, starts: ArrayLike<number>, from: number, to: number, margin: number): number | undefined {
  let best: number | undefined;
  for (let i = from + 1; i < to; i++) {
    if (starts[i] - starts[from] < margin || starts[to] - starts[i] < margin) continue;
    if (best === undefined || priorities[i] > priorities[best]) best = i;
  }
  return best;
}

/** A well-mixed 32-bit hash of `key`: FNV-1a over the UTF-16 code units, then murmur3's fmix32. */
export function priorityOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // fmix32 spreads FNV-1a's weak low bits over the whole word.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
