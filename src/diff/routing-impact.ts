import { explainPath, RouteActionKind, routeMatches } from '../explain/explain';
import { MergedRoute, MergedVirtualHost, mergeVirtualHost } from '../explain/merge';
import { compareText } from '../util/compare';
import { conditionLiteral } from '../regex';
import { RouteIndex } from '../explain/route-index';
import { MESH_GATEWAY, VirtualService, boundGateways, isVirtualService } from '../explain/virtual-service';
import { canonicalJson } from './fields';
import { RenderedFolder } from './rendered-tree';
import { ProbeRequest, engineRequest, probeKey, probesForRoute } from './sample-requests';
import { groupBy } from '../util/group-by';

/**
 * Routing impact of one folder: sample requests whose winning route, service or authority differs between the
 * base and the head objects, simulated with the explain engine (Envoy's first match over the merged virtual
 * host, delegation inlined) for every host and gateway the folder's VirtualServices bind.
 *
 * Only requests some changed Envoy route could take are simulated: a route is unchanged when the same route
 * (same name, match and action) is in both lists in the same relative order as the other unchanged ones (a
 * longest increasing subsequence), and a request that only unchanged routes take has the same winner on both
 * sides. So a re-packing or reordering of objects that Envoy cannot tell apart costs nothing and shows nothing.
 */

/** Where a request ends up. */
export interface RoutingOutcome {
  /** Name of the winning route; absent when no route takes the request (Envoy answers 404). */
  readonly route?: string;
  readonly action: RouteActionKind | 'no-route';
  /** The `:authority` (Knative service) each destination receives, with its share. */
  readonly destinations: readonly { readonly authority: string; readonly weight: number }[];
}

/** One request that goes somewhere else after the change. */
export interface ImpactEntry {
  /** The request (its `gateway` is the first of `gateways`). */
  readonly request: ProbeRequest;
  /** Every gateway where the request changes the same way. */
  readonly gateways: readonly string[];
  readonly before: RoutingOutcome;
  readonly after: RoutingOutcome;
}

/** A host and gateway served on one side only: every route of that side appears or disappears there. */
export interface BindingImpact {
  readonly host: string;
  readonly gateway: string;
  readonly change: 'bound' | 'unbound';
  /** Envoy routes on the side that serves it. */
  readonly routes: number;
}

export interface FolderImpact {
  readonly entries: readonly ImpactEntry[];
  readonly bindings: readonly BindingImpact[];
  /** Requests simulated on both sides (0 when no Envoy route changed). */
  readonly simulated: number;
}

export function routingImpact(base: RenderedFolder | undefined, head: RenderedFolder | undefined): FolderImpact {
  const b = virtualServices(base);
  const h = virtualServices(head);
  const pairs = new Map<string, { host: string; gateway: string }>();
  for (const vs of [...b, ...h]) {
    for (const host of vs.spec.hosts ?? []) {
      for (const gateway of boundGateways(vs)) {
        if (gateway !== MESH_GATEWAY) pairs.set(`${host} ${gateway}`, { host, gateway });
      }
    }
  }
  const entries: ImpactEntry[] = [];
  const bindings: BindingImpact[] = [];
  let simulated = 0;
  for (const key of [...pairs.keys()].sort(compareText)) {
    const query = pairs.get(key)!;
    const mb = mergeVirtualHost(b, query);
    const mh = mergeVirtualHost(h, query);
    if (mb.domain === undefined || mh.domain === undefined) {
      const bound = mb.domain === undefined;
      bindings.push({ ...query, change: bound ? 'bound' : 'unbound', routes: (bound ? mh : mb).routes.length });
      continue;
    }
    const found = compareHost(mb, mh, query);
    simulated += found.simulated;
    entries.push(...found.entries);
  }
  return { entries: mergeGateways(entries), bindings, simulated };
}

function virtualServices(folder: RenderedFolder | undefined): VirtualService[] {
  const out: VirtualService[] = [];
  for (const o of folder?.objects.values() ?? []) if (isVirtualService(o.object)) out.push(o.object);
  return out;
}

function compareHost(
  base: MergedVirtualHost,
  head: MergedVirtualHost,
  query: { host: string; gateway: string },
): { entries: ImpactEntry[]; simulated: number } {
  const { changedBase, changedHead } = changedRoutes(base.routes, head.routes);
  if (changedBase.length === 0 && changedHead.length === 0) return { entries: [], simulated: 0 };

  // The samples of both sides that a changed route could take, sorted by path, so the samples a changed route
  // can take are a range. Every sample of a route starts with the route's leading text, and a changed route
  // takes only paths that start with its own: routes whose leading text is no prefix of a changed route's,
  // and no extension of one, cannot give a candidate, and their samples are never generated.
  const leads = new PrefixSet([...changedBase, ...changedHead].map(leadingText));
  const samples = new Map<string, ProbeRequest>();
  for (const r of [...base.routes, ...head.routes]) {
    if (!leads.related(leadingText(r))) continue;
    for (const s of probesForRoute(r, query.host, query.gateway)) samples.set(probeKey(s), s);
  }
  const sorted = [...samples].sort(([kx, x], [ky, y]) => compareText(x.path, y.path) || compareText(kx, ky)).map(([, s]) => s);
  const paths = sorted.map((s) => s.path);
  const candidates = new Set<ProbeRequest>();
  for (const r of [...changedBase, ...changedHead]) {
    const lead = leadingText(r);
    for (let i = lowerBound(paths, lead); i < sorted.length && paths[i].startsWith(lead); i++) {
      if (routeMatches(r, engineRequest(sorted[i]))) candidates.add(sorted[i]);
    }
  }

  const baseIndex = new RouteIndex(base);
  const headIndex = new RouteIndex(head);
  const entries: ImpactEntry[] = [];
  for (const sample of sorted) {
    if (!candidates.has(sample)) continue;
    const before = outcome(base, baseIndex, sample);
    const after = outcome(head, headIndex, sample);
    if (canonicalJson(before) !== canonicalJson(after)) entries.push({ request: sample, gateways: [sample.gateway], before, after });
  }
  return { entries, simulated: candidates.size };
}

/** Texts, asked whether a text is a prefix of one of them or one of them is a prefix of it. */
class PrefixSet {
  private readonly sorted: string[];
  private readonly texts: Set<string>;
  private readonly lengths: number[];

  public constructor(texts: readonly string[]) {
    this.texts = new Set(texts);
    this.sorted = [...this.texts].sort(compareText);
    this.lengths = [...new Set(texts.map((t) => t.length))];
  }

  public related(text: string): boolean {
    if (this.lengths.some((n) => n <= text.length && this.texts.has(text.slice(0, n)))) return true;
    const i = lowerBound(this.sorted, text);
    return i < this.sorted.length && this.sorted[i].startsWith(text);
  }
}

/** Text every path the route takes starts with ('' when unknown: the whole range). */
function leadingText(r: MergedRoute): string {
  if (r.condition.ignoreCase) return '';
  return r.condition.kind === 'regex' ? conditionLiteral({ kind: 'regex', value: r.condition.value }) : r.condition.value;
}

function outcome(merged: MergedVirtualHost, index: RouteIndex, sample: ProbeRequest): RoutingOutcome {
  const request = engineRequest(sample);
  const { winner } = explainPath(merged, request, index);
  if (!winner) return { action: 'no-route', destinations: [] };
  return {
    ...(winner.routeName !== undefined ? { route: winner.routeName } : {}),
    action: winner.action,
    destinations: winner.destinations.map((d) => ({ authority: d.authority, weight: d.weight })),
  };
}

/**
 * Envoy routes not in the longest run of identical routes (name, match, action) kept in the same relative
 * order on both sides.
 */
function changedRoutes(base: readonly MergedRoute[], head: readonly MergedRoute[]): { changedBase: MergedRoute[]; changedHead: MergedRoute[] } {
  const positions = groupBy(base.keys(), (i) => signature(base[i]));
  const pairs: [number, number][] = []; // [head index, base index]
  head.forEach((r, i) => {
    const list = positions.get(signature(r));
    if (list && list.length > 0) pairs.push([i, list.shift()!]);
  });
  const kept = longestIncreasing(pairs.map((p) => p[1]));
  const keptBase = new Set<number>();
  const keptHead = new Set<number>();
  for (const k of kept) {
    keptHead.add(pairs[k][0]);
    keptBase.add(pairs[k][1]);
  }
  return {
    changedBase: base.filter((_, i) => !keptBase.has(i)),
    changedHead: head.filter((_, i) => !keptHead.has(i)),
  };
}

const actionSignatures = new WeakMap<object, string>();

function signature(r: MergedRoute): string {
  let action = actionSignatures.get(r.http);
  if (action === undefined) {
    action = canonicalJson({ ...r.http, match: undefined, name: undefined });
    actionSignatures.set(r.http, action);
  }
  const match = r.matchIndex === undefined ? '' : canonicalJson(r.http.match?.[r.matchIndex]);
  return `${r.routeName ?? ''}\n${match}\n${action}`;
}

/** Indices (into `values`) of a longest strictly increasing subsequence, O(n log n). */
function longestIncreasing(values: readonly number[]): number[] {
  const tails: number[] = []; // index of the smallest tail of each length
  const prev = new Array<number>(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]] < values[i]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const out: number[] = [];
  for (let i = tails.length > 0 ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) out.push(i);
  return out.reverse();
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One entry per request and change, listing every gateway where it happens. */
function mergeGateways(entries: readonly ImpactEntry[]): ImpactEntry[] {
  const byChange = new Map<string, ImpactEntry>();
  for (const e of entries) {
    const { gateway: _gateway, ...request } = e.request;
    const key = canonicalJson([request, e.before, e.after]);
    const seen = byChange.get(key);
    byChange.set(key, seen ? { ...seen, gateways: [...seen.gateways, ...e.gateways] } : e);
  }
  return [...byChange.values()].sort(
    (x, y) => compareText(x.request.path, y.request.path) || compareText(probeKey(x.request), probeKey(y.request)),
  );
}
