import { compareSpecificity } from './specificity';
import { RouteEntry } from './entries';
import { FindingRecord, Findings } from './findings';
import { LayoutContext } from './layout-context';
import { chunkRoots, planComponent, rootHttp, rootObjectNames, Unit, unitOf } from './layout-merged';
import { componentsOf, diffOf, RowComponents } from './row-components';
import { VirtualServiceTable } from './route-table';
import { IndexedRoute, ListRows } from './table-index';

/** A root object of an earlier layout of a table, as the table index records it. */
export interface IndexedObject {
  readonly name: string;
  /** How many components (partition.ts) it holds: objects hold runs of components in path order of their roots. */
  readonly units: number;
  /** Its object key (src/cache/object-reuse.ts): what its rendered bytes depend on. */
  readonly key: string;
}

/** What {@link layoutFromIndex} needs. */
export interface IndexLayoutInput {
  /** The rows of the table's list when it was last laid out, and its root objects then (in order). */
  readonly previous: { readonly rows: ListRows; readonly objects: readonly IndexedObject[] };
  /** The rows of the list now (table-index.ts updateRows). */
  readonly rows: ListRows;
  /** The route files whose rows changed (table-index.ts changedFilesOf). */
  readonly changed: ReadonlySet<string>;
  /** The entries the table gives the landings of these routes now (every entry of each). */
  readonly entriesOf: (routes: readonly IndexedRoute[]) => readonly RouteEntry[];
  /**
   * The order checks of the table (conflicts and fallbacks) over `sorted`, a list in specificity order: the entries
   * of the changed components.
   */
  readonly checkOrder: (sorted: readonly RouteEntry[]) => readonly FindingRecord[];
  /**
   * Whether an unchanged earlier object can be kept as it is (its file is still in the output folder as it was
   * rendered); one that cannot is built again from its entries. @default every one can
   */
  readonly canKeep?: (object: IndexedObject) => boolean;
  readonly ctx: LayoutContext;
}

/** A root object of {@link layoutFromIndex}: an earlier one, unchanged, or one built now. */
export type IndexedRoot = { readonly kept: IndexedObject } | { readonly built: VirtualServiceTable };

/** What {@link layoutFromIndex} gives: the root objects in order, or why the table must be compiled whole. */
export type IndexLayout =
  | { readonly roots: readonly IndexedRoot[]; readonly unitCounts: readonly number[]; readonly builtComponents: number }
  | { readonly fallback: string };

/**
 * The root objects of a `merged` table whose inputs changed only in route files, from the table's index: the same
 * objects layoutMerged gives from every entry (the same steps: partition, planComponent, unitOf, chunkRoots,
 * rootObjectNames, rootHttp), building only the objects that hold a changed component from real entries.
 *
 * A component is unchanged when a component of the same root existed before and neither its rows then nor now come
 * from a changed file: rows of unchanged files are the same in both runs, and every row whose literal starts with a
 * root belongs to that root's component in both (no literal is a proper prefix of a root), so the two hold the same
 * entries. A root object whose components are all unchanged, starting at the same root with as many components as
 * an earlier object that held no changed component, and named as it was, is that object.
 *
 * Only the case without findings is handled: the caller compiles the table whole when the previous compile found
 * anything; here, a component too large for one object (delegated or reported), the order checks of the changed
 * components, the layout of changed components or too many objects send it back (`fallback`). The conflict checks
 * only relate entries whose literals are prefixes of one another, which share a component, so checking the changed
 * components finds what checking the whole list would (tables where fallback routes land, whose proof reads other
 * components, are compiled whole: compile-environment.ts compileEnvironmentFromIndex);
 * test/compile/incremental-table.property.test.ts checks this against a full layout and its checks.
 */
export function layoutFromIndex(input: IndexLayoutInput): IndexLayout {
  const shared = sharedLayout(input);
  if ('fallback' in shared) return shared;
  let builtComponents = shared.builtComponents;
  const roots: IndexedRoot[] = [];
  for (const [i, length] of shared.unitCounts.entries()) {
    const built = shared.built[i];
    if (built) {
      roots.push({ built });
      continue;
    }
    const object = input.previous.objects[shared.earlier[i]];
    if (input.canKeep?.(object) ?? true) {
      roots.push({ kept: object });
      continue;
    }
    // Unchanged, but its file is not in the output folder as rendered: built again (its components found nothing before).
    const bin = componentRange(shared.binStarts[i], length);
    const entries = entriesByRoot(input, shared.components, bin);
    const again = entries && buildRoot(shared.components, bin, shared.names[i], entries, input.ctx);
    if (!again) return { fallback: 'the entries of the routes do not match their rows' };
    roots.push({ built: again });
    builtComponents += length;
  }
  return { roots, unitCounts: shared.unitCounts, builtComponents };
}

/**
 * What {@link layoutFromIndex} finds of a table that depends on its list and layout only, shared by the tables of
 * one list with the same layout context and earlier objects (the clusters hosting an environment).
 */
type SharedLayout =
  | {
    /** The components of the rows now: root object i holds `unitCounts[i]` of them from `binStarts[i]` on. */
    readonly components: RowComponents;
    readonly unitCounts: readonly number[];
    readonly binStarts: readonly number[];
    readonly names: readonly string[];
    /** Per bin: the index in the earlier objects of the one it is (unchanged), or -1 when built. */
    readonly earlier: readonly number[];
    /** Per bin: the root object built of its changed components, or undefined when it is an earlier one. */
    readonly built: readonly (VirtualServiceTable | undefined)[];
    readonly builtComponents: number;
  }
  | { readonly fallback: string };

/** sharedLayout by rows now, rows before, changed files, then layout context and earlier objects as text. */
const sharedMemo = new WeakMap<ListRows, WeakMap<ListRows, WeakMap<ReadonlySet<string>, Map<string, SharedLayout>>>>();

function sharedLayout(input: IndexLayoutInput): SharedLayout {
  const { ctx } = input;
  let byBefore = sharedMemo.get(input.rows);
  if (!byBefore) sharedMemo.set(input.rows, (byBefore = new WeakMap()));
  let byChanged = byBefore.get(input.previous.rows);
  if (!byChanged) byBefore.set(input.previous.rows, (byChanged = new WeakMap()));
  let byKey = byChanged.get(input.changed);
  if (!byKey) byChanged.set(input.changed, (byKey = new Map()));
  // What of the context the layout reads (sizes come from the rows), and the earlier objects' names and extents.
  const key = JSON.stringify([ctx.namespace, ctx.budget, ctx.preferredBudget, ctx.maxObjectsPerFolder, input.previous.objects.map((o) => [o.name, o.units])]);
  let shared = byKey.get(key);
  if (!shared) byKey.set(key, (shared = layOut(input)));
  return shared;
}

function layOut(input: IndexLayoutInput): SharedLayout {
  const { ctx, changed } = input;
  const before = componentsOf(input.previous.rows, changed);
  const now = componentsOf(input.rows, changed);
  if (now.roots.length === 0) return { fallback: 'no entries' };
  const diff = diffOf(before, now);
  if (diff.largest > ctx.budget) return { fallback: 'a component larger than one object' };

  const unitCounts = chunkRoots(now, ctx, ctx.maxObjectsPerFolder - 1);
  if (unitCounts.length + 1 > ctx.maxObjectsPerFolder) return { fallback: 'too many objects' };
  const binStarts: number[] = [];
  for (let start = 0, i = 0; i < unitCounts.length; start += unitCounts[i++]) binStarts.push(start);
  const names = rootObjectNames(ctx.namespace, binStarts.map((start) => now.roots[start]));

  // The earlier objects by their first root, with whether all their components are unchanged.
  const earlierByRoot = new Map<string, { readonly index: number; readonly object: IndexedObject; readonly clean: boolean }>();
  let at = 0;
  for (const [index, object] of input.previous.objects.entries()) {
    if (object.units < 1 || at + object.units > before.roots.length) return { fallback: 'the index does not match its rows' };
    let clean = true;
    for (let i = at; i < at + object.units && clean; i++) clean = diff.cleanBefore[i] === 1;
    earlierByRoot.set(before.roots[at], { index, object, clean });
    at += object.units;
  }
  if (at !== before.roots.length) return { fallback: 'the index does not match its rows' };

  const earlier = unitCounts.map((length, i) => {
    const start = binStarts[i];
    const old = earlierByRoot.get(now.roots[start]);
    // Bins are runs of `now` in order: all of a bin's components are unchanged when the count over its run says so.
    const allUnchanged = diff.unchangedBefore[start + length] - diff.unchangedBefore[start] === length;
    return old !== undefined && old.clean && old.object.units === length && old.object.name === names[i] && allUnchanged ? old.index : -1;
  });
  // The components of the bins to build (only these are ever looked at one by one).
  const toBuild = unitCounts.flatMap((length, i) => (earlier[i] < 0 ? componentRange(binStarts[i], length) : []));
  const entries = entriesByRoot(input, now, toBuild);
  if (!entries) return { fallback: 'the entries of the routes do not match their rows' };

  // The order checks of the changed components (the others found nothing before and hold the same entries).
  const changedEntries = toBuild.filter((c) => diff.unchanged[c] === 0).flatMap((c) => entries.get(now.roots[c])!).sort(compareSpecificity);
  if (input.checkOrder(changedEntries).length > 0) return { fallback: 'the order checks found something' };

  const built: (VirtualServiceTable | undefined)[] = [];
  for (const [i, length] of unitCounts.entries()) {
    if (earlier[i] >= 0) {
      built.push(undefined);
      continue;
    }
    const object = buildRoot(now, componentRange(binStarts[i], length), names[i], entries, ctx);
    if (!object) return { fallback: 'the layout found something' };
    built.push(object);
  }
  return { components: now, unitCounts, binStarts, names, earlier, built, builtComponents: toBuild.length };
}

/** The indices `start` to `start + length` (excluded): the components of one root object. */
function componentRange(start: number, length: number): number[] {
  return Array.from({ length }, (_, k) => start + k);
}

/**
 * The root object `name` made of components `bin` (indices into `components`, in order) from their real entries
 * (layoutMerged's steps), or undefined when laying them out finds something.
 */
function buildRoot(components: RowComponents, bin: readonly number[], name: string, entries: ReadonlyMap<string, RouteEntry[]>, ctx: LayoutContext): VirtualServiceTable | undefined {
  const findings = new Findings();
  const layoutCtx: LayoutContext = { ...ctx, findings };
  const roots = bin.map((c) => components.roots[c]);
  // Every entry of the object, in specificity order: their places order the object's routes as the table's would.
  const sorted = roots.flatMap((root) => entries.get(root)!).sort(compareSpecificity);
  const place = new Map(sorted.map((e, k) => [e, k]));
  const units: Unit[] = roots.map((root) => unitOf(planComponent({ root, entries: [...entries.get(root)!].sort(compareSpecificity) }, layoutCtx), place, [], layoutCtx));
  return findings.records.length > 0 ? undefined : { name, role: 'root', http: rootHttp(units) };
}

/**
 * The real entries of each of components `indices` (by root), made from the landings of their rows' routes; undefined
 * when they are not the entries the rows stand for (as many, with the same literals).
 */
function entriesByRoot(input: IndexLayoutInput, components: RowComponents, indices: readonly number[]): Map<string, RouteEntry[]> | undefined {
  const { rows } = input;
  const routes = new Map<number, IndexedRoute>();
  const expected = new Map<string, number>();
  const literalsOf = new Map<string, string>();
  for (const c of indices) {
    const root = components.roots[c];
    const start = components.starts[c];
    const end = components.starts[c + 1];
    expected.set(root, end - start);
    for (let row = start; row < end; row++) {
      routes.set(rows.routeOf[row], rows.routes[rows.routeOf[row]]);
      literalsOf.set(rows.literals[row], root);
    }
  }
  const byRoot = new Map<string, RouteEntry[]>(indices.map((c) => [components.roots[c], []]));
  for (const entry of input.entriesOf([...routes.values()])) {
    const root = literalsOf.get(entry.literal);
    if (root !== undefined) byRoot.get(root)!.push(entry);
  }
  for (const [root, list] of byRoot) if (list.length !== expected.get(root)) return undefined;
  return byRoot;
}
