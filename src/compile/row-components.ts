import { rootsOf } from './partition';
import { ListRows } from './table-index';

/**
 * The components (partition.ts) of a list's rows, column by column: component `i` has root `roots[i]`, its rows are
 * `starts[i]` to `starts[i + 1]` (excluded; rows are in literal order, so a component's rows are one run), and its
 * entries take `sizes[i]` bytes. At tier L a list has about one component per row (6,961 of 7,350): columns keep a
 * partition to one array of roots and a few typed arrays (their contents outside the collected heap) rather than
 * thousands of objects that the collector copies and marks for as long as the memos below keep them.
 */
export interface RowComponents {
  /** Per component: its root, in path order. */
  readonly roots: readonly string[];
  /** Per component, and one more: where its rows start (the last is the row count). */
  readonly starts: Uint32Array;
  /** Per component: the bytes of its entries (RouteEntry.size). */
  readonly sizes: Float64Array;
  /** Per component: 1 when some row of it comes from a changed file. */
  readonly touched: Uint8Array;
}

/** componentsOf by rows and changed files (neither is changed once made): the tables of one list share them. */
const componentsMemo = new WeakMap<ListRows, WeakMap<ReadonlySet<string>, RowComponents>>();

/** The components of a list's rows, with which hold rows of `changed` files (callers must not change them). */
export function componentsOf(rows: ListRows, changed: ReadonlySet<string>): RowComponents {
  let byChanged = componentsMemo.get(rows);
  if (!byChanged) componentsMemo.set(rows, (byChanged = new WeakMap()));
  let components = byChanged.get(changed);
  if (!components) byChanged.set(changed, (components = partitionRows(rows, changed)));
  return components;
}

function partitionRows(rows: ListRows, changed: ReadonlySet<string>): RowComponents {
  // Rows are in literal order: a component's rows are one run (partition.ts rootsOf), starting at its root.
  const rootOfRow = rootsOf(rows.literals);
  const rowCount = rootOfRow.length;
  // Per route: whether its file changed, asked once per route rather than once per row (a set lookup of the route's
  // file path per row, reading each row's route object, was most of a partition's time at tier L).
  const touchedRoute = new Uint8Array(rows.routes.length);
  if (changed.size > 0) for (let i = 0; i < rows.routes.length; i++) if (changed.has(rows.routes[i].file)) touchedRoute[i] = 1;
  // A component starts at each row whose root is not the previous row's: counted first, so every column is made at
  // its final length (a pushed array of roots holds up to half as many slots again, kept as long as the memo).
  let count = 0;
  for (let row = 0; row < rowCount; row++) if (row === 0 || rootOfRow[row] !== rootOfRow[row - 1]) count++;
  const roots = new Array<string>(count);
  const starts = new Uint32Array(count + 1);
  const sizes = new Float64Array(count);
  const touched = new Uint8Array(count);
  for (let row = 0, component = -1; row < rowCount; row++) {
    if (row === 0 || rootOfRow[row] !== rootOfRow[row - 1]) {
      starts[++component] = row;
      roots[component] = rootOfRow[row];
    }
    sizes[component] += rows.sizes[row];
    touched[component] |= touchedRoute[rows.routeOf[row]];
  }
  starts[count] = rowCount;
  return { roots, starts, sizes, touched };
}

/** What of two partitions of a list (before and now) the index-driven layout compares (incremental-table.ts). */
export interface ComponentDiff {
  /** The size of the largest component of either. */
  readonly largest: number;
  /** Per component before (same order): 1 when unchanged (see incremental-table.ts layoutFromIndex). */
  readonly cleanBefore: Uint8Array;
  /** Per component now (same order): 1 when unchanged. */
  readonly unchanged: Uint8Array;
  /** Per index i of the components now (and their count): how many of those before i are unchanged. */
  readonly unchangedBefore: Uint32Array;
}

const diffMemo = new WeakMap<RowComponents, WeakMap<RowComponents, ComponentDiff>>();

/**
 * The diff of two partitions (the tables of one list share it): both in path order of their roots, walked together. A
 * component is unchanged when the other partition has one of the same root and neither holds a row of a changed file.
 */
export function diffOf(before: RowComponents, now: RowComponents): ComponentDiff {
  let byNow = diffMemo.get(before);
  if (!byNow) diffMemo.set(before, (byNow = new WeakMap()));
  let diff = byNow.get(now);
  if (!diff) byNow.set(now, (diff = diffPartitions(before, now)));
  return diff;
}

function diffPartitions(before: RowComponents, now: RowComponents): ComponentDiff {
  const cleanBefore = new Uint8Array(before.roots.length);
  const unchanged = new Uint8Array(now.roots.length);
  for (let i = 0, j = 0; i < before.roots.length && j < now.roots.length;) {
    const a = before.roots[i];
    const b = now.roots[j];
    if (a < b) i++;
    else if (a > b) j++;
    else {
      cleanBefore[i] = unchanged[j] = before.touched[i] === 0 && now.touched[j] === 0 ? 1 : 0;
      i++;
      j++;
    }
  }
  let largest = 0;
  // indexed: a for-of over a typed array makes an iterator result per component while the code is cold
  for (let i = 0; i < before.sizes.length; i++) if (before.sizes[i] > largest) largest = before.sizes[i];
  for (let i = 0; i < now.sizes.length; i++) if (now.sizes[i] > largest) largest = now.sizes[i];
  const unchangedBefore = new Uint32Array(now.roots.length + 1);
  for (let j = 0; j < now.roots.length; j++) unchangedBefore[j + 1] = unchangedBefore[j] + unchanged[j];
  return { largest, cleanBefore, unchanged, unchangedBefore };
}
