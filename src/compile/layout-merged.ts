import { gatewayServiceName } from '../model/defaults';
import { RouteEntry, mergeAdjacent } from './entries';
import { describeMatch, where } from './findings';
import { LayoutContext } from './layout-context';
import { objectName, objectNames, stableHash } from './naming';
import { packInOrder, totalSize } from './pack';
import { Component, partitionComponents } from './partition';
import { chunkStably, topLevelFor } from './stable-chunks';
import { HttpRouteTable, VirtualServiceTable } from './route-table';
import { compareSpecificity, rank, Ranked } from './specificity';
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
export function delegationProblem(component: Component<RouteEntry>, budget: number, delegation: boolean, istio: string): string | undefined {
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
        'Make the paths more disjoint, drop matches, or raise the budget', ctx.scope);
    return inline;
  }
  const anchor = component.entries.find((e) => e.kind === 'prefix' && e.value === component.root)!;
  if (ctx.profile.delegatePushBug) {
    ctx.findings.warning('delegate-push-bug', ctx.cluster.versionOrigins?.istio ?? ctx.cluster.origin,
      `routes under ${JSON.stringify(component.root)} are delegated on cluster ${ctx.cluster.name}, and Istio ${ctx.cluster.istio.raw} ` +
        'does not push changes of delegate VirtualServices to proxies (istio/istio #36525, fixed in 1.12.2): a change ' +
        'there takes effect only when istiod restarts; upgrade to 1.12.2+', ctx.scope);
  }
  const slices = chunkStably(component.entries, ctx.budget, entryKey, topLevelFor(ctx.preferredBudget, NOMINAL_ENTRY_BYTES));
  return { mode: 'delegate', root: component.root, anchor, slices };
}

/**
 * Bytes of a typical entry (a prefix route with rewrite, timeout and retries renders to 250-350 bytes). It sets
 * the level of the content-defined slice cuts; a constant, so cuts never move with the content's average size.
 */
export const NOMINAL_ENTRY_BYTES = 300;

/** What identifies an entry within its host: its match and conditions (never its position). */
export function entryKey(entry: RouteEntry): string {
  return JSON.stringify([entry.kind, entry.value, entry.conditions ?? {}]);
}

/** An http route of a root object with the key placing it in specificity order. */
interface Item {
  readonly key: Ranked;
  readonly http: HttpRouteTable;
}

interface Unit {
  readonly root: string;
  readonly items: readonly Item[];
  readonly size: number;
}

/** Lays out the entries (in specificity order) of one (cluster, environment). */
export function layoutMerged(sorted: readonly RouteEntry[], ctx: LayoutContext): VirtualServiceTable[] {
  if (sorted.length === 0) return [];
  const plans = partitionComponents(sorted).map((c) => planComponent(c, ctx));

  const delegated = plans.flatMap((p) => (p.mode === 'delegate' ? p.slices.map((slice, i) => ({ plan: p, slice, i })) : []));
  // Named after content that does not move when the group grows or shrinks: the group's prefix, and the first
  // entry of each slice but the first (slice boundaries are content-defined, see stable-chunks.ts).
  const delegateNames = objectNames(ctx.namespace, delegated.map((d) => ({
    literal: d.plan.root,
    suffix: d.i === 0 ? 'd' : `d-${stableHash(entryKey(d.slice[0]))}`,
  })));
  const delegates: VirtualServiceTable[] = delegated.map((d, k) => ({
    name: delegateNames[k],
    role: 'delegate',
    http: mergeAdjacent(d.slice.map((e) => e.http)),
  }));

  let k = 0;
  const units: Unit[] = plans.map((p) => {
    if (p.mode === 'inline') return { root: p.root, items: p.entries.map((e) => ({ key: e, http: e.http })), size: p.size };
    const items = p.slices.map((_, i) => {
      // The delegating route stands where the component's prefix would: Istio inlines the delegate there.
      // Named after the delegate VirtualService; route, team and origin are those of the root prefix's route.
      const name = delegateNames[k++];
      const http: HttpRouteTable = {
        ...makeHttpRoute(p.anchor.route, [makeMatchTable(p.anchor.match)], makeDelegateAction(name)),
        name,
      };
      return { key: rank('prefix', p.root, '', `delegate-${String(i).padStart(6, '0')}`), http };
    });
    return { root: p.root, items, size: totalSize(items.map((i) => ({ size: ctx.sizeOf(i.http) }))) };
  });

  // Prefer smaller objects (cheaper for kustomize, see PREFERRED_OBJECT_BYTES) unless that would take more
  // objects than the folder may hold; then fill them up to the hard budget.
  const roomForRoots = ctx.maxObjectsPerFolder - 1 - delegates.length;
  const preferred = packInOrder(units, ctx.preferredBudget);
  const bins = preferred.length <= roomForRoots ? preferred : packInOrder(units, ctx.budget);
  const taken = new Set(delegateNames);
  const names = bins.length === 1
    ? [gatewayServiceName(ctx.namespace)]
    : objectNames(ctx.namespace, bins.map((b) => ({ literal: b[0].root }))).map((n, i) =>
      (taken.has(n) ? objectName(ctx.namespace, { literal: bins[i][0].root }, true) : n));
  const roots: VirtualServiceTable[] = bins.map((bin, i) => ({
    name: names[i],
    role: 'root',
    http: mergeAdjacent(bin.flatMap((u) => u.items).sort((a, b) => compareSpecificity(a.key, b.key)).map((it) => it.http)),
  }));
  return [...roots, ...delegates];
}
