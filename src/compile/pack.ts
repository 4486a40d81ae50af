/**
 * Fixed bytes per VirtualService besides its http routes (apiVersion, kind, metadata, hosts, gateways) that
 * the packing budget reserves.
 */
export const OBJECT_OVERHEAD_BYTES = 1024;

/** Something with a serialized size in bytes. */
export interface Sized {
  readonly size: number;
}

/**
 * Packs items, keeping their order, into consecutive bins of total size ≤ budget (greedy: a bin is closed when
 * the next item does not fit). An item larger than the budget gets a bin of its own; callers report it.
 */
export function packInOrder<T extends Sized>(items: readonly T[], budget: number): T[][] {
  return splitIntoRuns(items, packedRunLengths(items.map((item) => item.size), budget));
}

/** packInOrder over the items' sizes (in order): the number of items in each bin, in order. */
export function packedRunLengths(sizes: ArrayLike<number>, budget: number): number[] {
  const lengths: number[] = [];
  let length = 0;
  let used = 0;
  for (let i = 0; i < sizes.length; i++) {
    if (length > 0 && used + sizes[i] > budget) {
      lengths.push(length);
      length = 0;
      used = 0;
    }
    length++;
    used += sizes[i];
  }
  if (length > 0) lengths.push(length);
  return lengths;
}

/** `items` cut into consecutive runs of `lengths` items (which add up to the item count). */
export function splitIntoRuns<T>(items: readonly T[], lengths: readonly number[]): T[][] {
  const runs: T[][] = [];
  let start = 0;
  for (const length of lengths) runs.push(items.slice(start, (start += length)));
  return runs;
}

/** Sum of sizes. */
export function totalSize(items: readonly Sized[]): number {
  return items.reduce((sum, i) => sum + i.size, 0);
}
