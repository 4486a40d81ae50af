import { compareText } from '../util/compare';
import { groupBy } from '../util/group-by';

/**
 * Entries that must share one VirtualService: every entry whose literal starts with `root`, where `root` is a
 * minimal literal (no other entry's literal is a proper prefix of it).
 *
 * Two entries can only match a common path when one literal is a prefix of the other, so requests never reach
 * routes in two different components: the components may go to different objects in any order, and Istio's
 * creation-time merge order cannot change which route wins.
 */
export interface Component<T> {
  readonly root: string;
  /** In input order. */
  readonly entries: readonly T[];
}

/** Splits entries into components, in path order of their roots; each keeps its entries in input order. */
export function partitionComponents<T extends { readonly literal: string }>(entries: readonly T[]): Component<T>[] {
  // In sorted order the literals starting with R follow R contiguously, so one pass finds every root.
  const literals = [...new Set(entries.map((e) => e.literal))].sort(compareText);
  const rootOf = new Map<string, string>();
  let root: string | undefined;
  for (const literal of literals) {
    if (root === undefined || !literal.startsWith(root)) root = literal;
    rootOf.set(literal, root);
  }
  const groups = groupBy(entries, (e) => rootOf.get(e.literal)!);
  return [...groups.keys()].sort(compareText).map((r) => ({ root: r, entries: groups.get(r)! }));
}

/**
 * For each distinct literal, the literals among them that it starts with (itself included), shortest first:
 * the only candidates for covering or overlapping it. One pass over the sorted literals with a stack.
 */
export function prefixChains(literals: Iterable<string>): Map<string, readonly string[]> {
  const sorted = [...new Set(literals)].sort(compareText);
  const chains = new Map<string, readonly string[]>();
  const stack: string[] = [];
  for (const literal of sorted) {
    while (stack.length > 0 && !literal.startsWith(stack[stack.length - 1])) stack.pop();
    stack.push(literal);
    chains.set(literal, [...stack]);
  }
  return chains;
}
