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
  const bins: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    if (current.length > 0 && used + item.size > budget) {
      bins.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += item.size;
  }
  if (current.length > 0) bins.push(current);
  return bins;
}

/** Sum of sizes. */
export function totalSize(items: readonly Sized[]): number {
  return items.reduce((sum, i) => sum + i.size, 0);
}
