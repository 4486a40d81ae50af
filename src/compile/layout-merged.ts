import { gatewayServiceName } from '../model/defaults';
import { RouteEntry, mergeAdjacent } from './entries';
import { describeMatch, where } from './findings';
import { LayoutContext } from './layout-context';
import { NameRequest, objectNames } from './naming';
import { packedRunLengths, splitIntoRuns, totalSize } from './pack';
import { Component, partitionComponents } from './partition';
import { chunkStably, CutRule, priorityOf, runLengthsByPriority } from './stable-chunks';
import { HttpRouteTable, VirtualServiceTable } from './route-table';
import { makeDelegateAction, makeHttpRoute, makeMatchTable } from './table-builders';

/**
 * Layout `merged`: a host's routes, in specificity order, in as few VirtualServices as fit the size budget.
 * Objects are split only between components (see partition.ts), so no request can match routes in two objects
 * and Istio's creation-time merge order never matters. A component too large for one object is delegated
 * (Istio >= 1.8): root routes `prefix <root> → delegate` in a root object, the component's routes in delegate
 * VirtualServices, which Istio inlines at the root route's position, preserving the order.
 */
export type ComponentPlan =
  | { readonly mode: 'inline'; readonly root: string; readonly entries: readonly RouteEntry[]; readonly size: number }
  | { readonly mode: 'delegate'; readonly root: string; readonly anchor: RouteEntry; readonly slices: readonly (readonly RouteEntry[])[] };

/** Why a component that does not fit cannot be delegated, or undefined when it can. */
function delegationProblem(component: Component<RouteEntry>, budget: number, delegation: boolean, istio: string): string | undefined {
  if (!delegation) return `Istio ${istio} has no VirtualService delegation (1.8+)`;
  if (!component.entries.some((e) => e.kind === 'prefix' && e.value === component.root)) {
    const first = component.entries.find((e) => e.literal === component.root)!;
    return `kfaas can only delegate a group whose shortest path is a prefix match, and ${JSON.stringify(component.root)} ` +
      `comes from ${describeMatch(first)} of route ${JSON.stringify(first.routeName)}`;
  }
  const regex = component.entries.find((e) => e.kind === 'regex');
  if (regex) {
    return `it contains ${describeMatch(regex)} of route ${JSON.stringify(regex.routeName)} (${where(regex.match.origin)}), ` +
      'and Istio silently drops regex routes under delegation';
  }
  const huge = component.entries.find((e) => e.size > budget);
  if (huge) return `${describeMatch(huge)} of route ${JSON.stringify(huge.routeName)} alone is ${huge.size} bytes`;
  return undefined;
}

/** Inline when the component fits; otherwise delegated when possible; otherwise inline and reported. */
export function planComponent(component: Component<RouteEntry>, ctx: LayoutContext): ComponentPlan {
  const size = totalSize(component.entries);
  const inline: ComponentPlan = { mode: 'inline', root: component.root, entries: component.entries, size };
  if (size <= ctx.budget) return inline;
  const problem = delegationProblem(component, ctx.budget, ctx.profile.delegation, ctx.cluster.istio.raw);
  if (problem) {
    const first = component.entries.find((e) => e.literal === component.root)!;
    ctx.findings.error('object-too-large', first.match.origin,
      `on cluster ${ctx.cluster.name}, the ${component.entries.length} matches under ${JSON.stringify(component.root)} ` +
        `take ${size} bytes, more than one VirtualService holds (${ctx.budget} bytes of routes within ${ctx.maxObjectBytes}); ` +
        `they cannot be split because one request may match several of them, and ${problem}. ` +
        `The size is fixed (MAX_OBJECT_BYTES in src/model/defaults.ts: under the 256 KiB client-side apply limit); ` +
        'make the paths more disjoint (no prefix or regex spanning all of them), or merge or drop matches', ctx.scope);
    return inline;
  }
  const anchor = component.entries.find((e) => e.kind === 'prefix' && e.value === component.root)!;
  if (ctx.profile.delegatePushBug) {
    ctx.findings.warning('delegate-push-bug', ctx.cluster.versionOrigins?.istio ?? ctx.cluster.origin,
      `routes under ${JSON.stringify(component.root)} are delegated on cluster ${ctx.cluster.name}, and Istio ${ctx.cluster.istio.raw} ` +
        'does not push changes of delegate VirtualServices to proxies (istio/istio #36525, fixed in 1.12.2): a change ' +
        'there takes effect only when istiod restarts; upgrade to 1.12.2+', ctx.scope);
  }
  const slices = chunkStably(component.entries, entryKey, preferredRule(ctx));
  return { mode: 'delegate', root: component.root, anchor, slices };
}

/** What identifies an entry within its host: its match and conditions (never its position). */
function entryKey(entry: RouteEntry): string {
  return JSON.stringify([entry.kind, entry.value, entry.conditions ?? {}]);
}

/**
 * An http route of a root object with where it stands in specificity order: an entry's place in the sorted list,
 * then `sub` (see {@link layoutMerged}).
 */
interface Item {
  readonly at: number;
  readonly sub: number;
  readonly http: HttpRouteTable;
}

/**
 * What chunkRoots needs of the components of a list, column by column (same order, path order of their roots): each
 * one's root and its size in a root object. Columns rather than an object per component: the index-driven layout
 * (incremental-table.ts) cuts partitions of thousands of components on every edit and keeps them between tables.
 */
export interface RootColumns {
  readonly roots: readonly string[];
  readonly sizes: ArrayLike<number>;
}

/** One component as it stands in root objects: its routes, or the routes delegating to its slices. */
export interface Unit {
  readonly root: string;
  readonly items: readonly Item[];
  readonly size: number;
}

/** Lays out the entries (in specificity order) of one (cluster, environment). */
export function layoutMerged(sorted: readonly RouteEntry[], ctx: LayoutContext): VirtualServiceTable[] {
  if (sorted.length === 0) return [];
  const plans = partitionComponents(sorted).map((c) => planComponent(c, ctx));

  const delegated = plans.flatMap((p) => (p.mode === 'delegate' ? p.slices.map((slice, i) => ({ plan: p, slice, i })) : []));
  // Named after content that does not move when the group grows or shrinks: the group's prefix for the first
  // slice, the group's prefix and the slice's first entry for the others (boundaries are content-defined).
  const delegateNames = objectNames(ctx.namespace, delegated.map((d) => delegateNameRequest(d.plan.root, d.slice, d.i)));
  const delegates: VirtualServiceTable[] = delegated.map((d, k) => ({
    name: delegateNames[k],
    role: 'delegate',
    http: mergeAdjacent(d.slice.map((e) => e.http)),
  }));

  // Root objects list their routes in specificity order, which is the order of `sorted`: an entry stands at its
  // place there (see unitOf).
  const place = placesIn(sorted);
  let k = 0;
  const units = plans.map((p) => unitOf(p, place, p.mode === 'delegate' ? delegateNames.slice(k, (k += p.slices.length)) : [], ctx));

  const columns: RootColumns = { roots: units.map((u) => u.root), sizes: units.map((u) => u.size) };
  const bins = splitIntoRuns(units, chunkRoots(columns, ctx, ctx.maxObjectsPerFolder - 1 - delegates.length));
  const names = rootObjectNames(ctx.namespace, bins.map((b) => b[0].root));
  const roots: VirtualServiceTable[] = bins.map((bin, i) => ({ name: names[i], role: 'root', http: rootHttp(bin) }));
  const tables = [...roots, ...delegates];
  rootUnits.set(tables, bins.map((b) => b.length));
  return tables;
}

/** How many units (components) each root object of a layoutMerged result holds, in object order. */
const rootUnits = new WeakMap<readonly VirtualServiceTable[], readonly number[]>();

/**
 * The number of components in each root object of `tables` (in object order), when `tables` is a result of
 * {@link layoutMerged}: what the table index (src/compile/table-index.ts) records to find the objects again.
 */
export function rootUnitCounts(tables: readonly VirtualServiceTable[]): readonly number[] | undefined {
  return rootUnits.get(tables);
}

/**
 * One component as it stands in root objects. Inline: its entries, each at its place in specificity order. Delegated:
 * the routes delegating to its slices (named `delegateNames`, in slice order), standing where its prefix (the anchor)
 * would: ranked as prefix `root` (compareSpecificity), it compares with the entries of every other component as the
 * anchor does, since their literals differ from `root` and the order of different literals is decided by them.
 * `place`: the place of each entry of the component in a list in specificity order (the table's, or any list holding
 * every entry of the root object it goes to: only the order of places matters).
 */
export function unitOf(plan: ComponentPlan, place: ReadonlyMap<RouteEntry, number>, delegateNames: readonly string[], ctx: Pick<LayoutContext, 'sizeOf'>): Unit {
  if (plan.mode === 'inline') return { root: plan.root, items: plan.entries.map((e) => ({ at: place.get(e)!, sub: 0, http: e.http })), size: plan.size };
  const at = place.get(plan.anchor)!;
  const items = plan.slices.map((_, i) => {
    // The delegating route stands where the component's prefix would: Istio inlines the delegate there.
    // Named after the delegate VirtualService; route, team and origin are those of the root prefix's route.
    const name = delegateNames[i];
    const http: HttpRouteTable = {
      ...makeHttpRoute(plan.anchor.route, [makeMatchTable(plan.anchor.match)], makeDelegateAction(name)),
      name,
    };
    return { at, sub: i, http };
  });
  return { root: plan.root, items, size: totalSize(items.map((i) => ({ size: ctx.sizeOf(i.http) }))) };
}

/**
 * The names of the root objects whose first components have roots `firstRoots` (in object order). The first object
 * is the host's own (it keeps its name however the host grows); every other one is named after the component it
 * starts with, which content-defined boundaries keep in place (see chunkRoots). Names depend on these roots alone.
 */
export function rootObjectNames(namespace: string, firstRoots: readonly string[]): string[] {
  const rest = objectNames(namespace, firstRoots.slice(1).map((root) => ({ literal: root, identity: `root ${root}` })));
  return firstRoots.length === 0 ? [] : [gatewayServiceName(namespace), ...rest];
}

/** The HTTP routes of a root object made of `bin`: its units' items in specificity order, adjacent ones merged. */
export function rootHttp(bin: readonly Unit[]): HttpRouteTable[] {
  return mergeAdjacent(bin.flatMap((u) => u.items).sort((a, b) => a.at - b.at || a.sub - b.sub).map((it) => it.http));
}

/** The place of each entry in `sorted`, per list (the clusters hosting an environment lay out the same list). */
const placesMemo = new WeakMap<readonly RouteEntry[], ReadonlyMap<RouteEntry, number>>();

function placesIn(sorted: readonly RouteEntry[]): ReadonlyMap<RouteEntry, number> {
  let places = placesMemo.get(sorted);
  if (!places) placesMemo.set(sorted, (places = new Map(sorted.map((e, i) => [e, i]))));
  return places;
}

/** The name of delegate slice `index` of the group under `root` (see layoutMerged). */
function delegateNameRequest(root: string, slice: readonly RouteEntry[], index: number): NameRequest {
  return index === 0
    ? { literal: root, identity: `delegate ${root}`, suffix: 'd' }
    : { literal: slice[0].literal, identity: `delegate ${root} ${entryKey(slice[0])}`, suffix: 'd' };
}

/**
 * The cut rule that gives objects of about the preferred size: chunkStably cuts a run in two anywhere in it, so
 * chunks average half the threshold.
 */
function preferredRule(ctx: Pick<LayoutContext, 'budget' | 'preferredBudget'>): CutRule {
  return { threshold: Math.min(ctx.budget, 2 * ctx.preferredBudget) };
}

/**
 * Root objects: runs of whole components (in path order), cut where their content says rather than where the
 * previous object filled up, so that adding, removing or editing a route changes only the object it is in
 * (chunkStably: a run too large is cut before its component whose root has the highest hash).
 *
 * When that takes more objects than the folder has room for, fuller objects are asked for, in coarse steps: cut
 * only at the full budget, then with each side of a cut holding at least a quarter, then 40%, of its run; then, as
 * a last resort, packed greedily. Each step is a change of the folder's size class, which re-cuts the whole
 * folder once; within a step the cuts stay content-defined. Gives the number of components in each root object, in
 * object order (at most `room` objects unless even dense packing takes more).
 */
export function chunkRoots(components: RootColumns, ctx: Pick<LayoutContext, 'budget' | 'preferredBudget'>, room: number): number[] {
  const priorities = prioritiesOf(components.roots);
  const rules: CutRule[] = [preferredRule(ctx), { threshold: ctx.budget }, { threshold: ctx.budget, minShare: 0.25 }, { threshold: ctx.budget, minShare: 0.4 }];
  for (const rule of rules) {
    const lengths = runLengthsByPriority(components.sizes, priorities, rule);
    if (lengths.length <= room) return lengths;
  }
  // Content-defined cuts cannot promise the fewest objects; at the very edge of the folder's room, pack densely.
  return packedRunLengths(components.sizes, ctx.budget);
}

/** What places a component's cut: the hash of its root, the shortest path of the group (never its position). */
function prioritiesOf(roots: readonly string[]): Uint32Array {
  const priorities = new Uint32Array(roots.length);
  for (let i = 0; i < roots.length; i++) priorities[i] = priorityOf(roots[i]);
  return priorities;
}
