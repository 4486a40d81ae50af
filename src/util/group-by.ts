/**
 * Groups items by key, keeping first-seen key order and item order within each group; the one way kfaas groups.
 *
 * @param value what to keep of each item in its group
 * @default - the item itself
 */
export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]>;
export function groupBy<T, K, V>(items: Iterable<T>, key: (item: T) => K, value: (item: T) => V): Map<K, V[]>;
export function groupBy<T, K, V>(items: Iterable<T>, key: (item: T) => K, value?: (item: T) => V): Map<K, (T | V)[]> {
  const groups = new Map<K, (T | V)[]>();
  for (const item of items) {
    const k = key(item);
    const v = value ? value(item) : item;
    const group = groups.get(k);
    if (group) group.push(v);
    else groups.set(k, [v]);
  }
  return groups;
}

/**
 * The groups of {@link groupBy} whose key occurs more than once, in the same order: duplicates. Cheaper than
 * grouping everything when nearly every key is unique (route names and matches: 7,000 at the bench's tier L), since
 * only the items of repeated keys are grouped.
 */
export function groupRepeated<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const keys = items.map(key);
  const seen = new Set<K>();
  const repeated = new Set<K>();
  for (const k of keys) {
    if (seen.has(k)) repeated.add(k);
    else seen.add(k);
  }
  const groups = new Map<K, T[]>();
  if (repeated.size === 0) return groups;
  items.forEach((item, i) => {
    const k = keys[i];
    if (!repeated.has(k)) return;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  });
  return groups;
}
