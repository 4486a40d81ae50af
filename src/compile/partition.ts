import { sortedDistinct } from '../util/compare';
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

/** partitionComponents per list of entries (lists are never changed once built). */
const componentsMemo = new WeakMap<readonly { readonly literal: string }[], readonly Component<{ readonly literal: string }>[]>();

/**
 * Splits entries into components, in path order of their roots; each keeps its entries in input order. Computed
 * once per list: the clusters hosting an environment lay out the same sorted list under their own budgets and
 * sizes. Callers must not change the result.
 */
export function partitionComponents<T extends { readonly literal: string }>(entries: readonly T[]): readonly Component<T>[] {
  let components = componentsMemo.get(entries) as readonly Component<T>[] | undefined;
  if (!components) componentsMemo.set(entries, (components = partition(entries)));
  return components;
}

function partition<T extends { readonly literal: string }>(entries: readonly T[]): Component<T>[] {
  const literals = sortedLiterals(entries);
  const rootOfEach = rootsOf(literals);
  const rootOf = new Map(literals.map((literal, i) => [literal, rootOfEach[i]]));
  const groups = groupBy(entries, (e) => rootOf.get(e.literal)!);
  return [...new Set(rootOfEach)].map((r) => ({ root: r, entries: groups.get(r)! }));
}

/**
 * The root of the component of each of `sorted` (literals in compareText order, repeats allowed): in that order the
 * literals starting with a root R follow R contiguously, so one pass finds every root, in path order.
 */
export function rootsOf(sorted: readonly string[]): string[] {
  const roots = new Array<string>(sorted.length);
  let root: string | undefined;
  for (let i = 0; i < sorted.length; i++) {
    const literal = sorted[i];
    if (root === undefined || !literal.startsWith(root)) root = literal;
    roots[i] = root;
  }
  return roots;
}

/**
 * For each distinct literal, the literals among them that it starts with (itself included), shortest first:
 * the only candidates for covering or overlapping it. One pass over the sorted literals with a stack.
 */
export function prefixChains(literals: Iterable<string>): Map<string, readonly string[]> {
  const chains = new Map<string, readonly string[]>();
  const stack: string[] = [];
  for (const literal of sortedDistinct(literals)) {
    while (stack.length > 0 && !literal.startsWith(stack[stack.length - 1])) stack.pop();
    stack.push(literal);
    chains.set(literal, stack.slice());
  }
  return chains;
}

/** Sorted literals and their chains per list of entries (see sortedLiterals). */
const literalsMemo = new WeakMap<readonly { readonly literal: string }[], readonly string[]>();
const chainsMemo = new WeakMap<readonly { readonly literal: string }[], Map<string, readonly string[]>>();

/**
 * The distinct literals of `entries`, in compareText order. Computed once per list: a table's conflict checks
 * and its layout all read the same list of entries (lists are never changed once built).
 */
export function sortedLiterals(entries: readonly { readonly literal: string }[]): readonly string[] {
  let literals = literalsMemo.get(entries);
  if (!literals) literalsMemo.set(entries, (literals = sortedDistinct(entries.map((e) => e.literal))));
  return literals;
}

/** prefixChains of the literals of `entries`, computed once per list. */
export function literalChains(entries: readonly { readonly literal: string }[]): Map<string, readonly string[]> {
  let chains = chainsMemo.get(entries);
  if (!chains) chainsMemo.set(entries, (chains = prefixChains(sortedLiterals(entries))));
  return chains;
}
