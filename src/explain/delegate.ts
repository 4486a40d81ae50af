import {
  HttpMatchRequest,
  HttpRoute,
  StringMatch,
  VirtualService,
  VsRef,
  formatVsRef,
  vsRef,
} from './virtual-service';

/**
 * Istio's delegation (istio `pilot/pkg/model/virtualservice.go` mergeHTTPRoutes): a root route with
 * `delegate` is replaced by the delegate VirtualService's routes, each merged with the root route. A child
 * match must lie inside a root match (exact equal, prefix startsWith; a regex on either side conflicts);
 * a child route with a match that fits no root match is dropped, silently in Istio, recorded here.
 */

/** Where an http route was written. */
export interface RouteOrigin {
  readonly virtualService: VsRef;
  /** Index into that VirtualService's `spec.http`. */
  readonly httpIndex: number;
}

/** A root VirtualService's http route after delegation. */
export interface InlinedRoute {
  /** The effective route (for a delegated one: the child merged with the root route, no `delegate`). */
  readonly http: HttpRoute;
  /** The root VirtualService's entry: the route itself, or the entry that delegated. */
  readonly origin: RouteOrigin;
  /** The delegate VirtualService's entry it came from, when inlined. */
  readonly delegate?: RouteOrigin;
  /** The name as written where the route came from (the child's own name when inlined). */
  readonly ownName?: string;
}

/** A route Istio never turns into an Envoy route (or a match it never turns into one), and why. */
export interface DroppedRoute {
  readonly origin: RouteOrigin;
  readonly delegate?: RouteOrigin;
  readonly name?: string;
  /** Index into the effective route's `match`, when only one match was dropped. */
  readonly matchIndex?: number;
  readonly reason: string;
}

/** Fields a child route inherits from the root route when it does not set them (Istio mergeHTTPRoute). */
const INHERITED_FIELDS = [
  'rewrite', 'directResponse', 'timeout', 'retries', 'fault', 'mirror', 'mirrorPercent', 'mirrorPercentage',
  'corsPolicy', 'mirrors', 'headers',
] as const;

/** Map-valued match conditions Istio merges key by key (root first, child wins). */
const MERGED_MAP_CONDITIONS = ['headers', 'withoutHeaders', 'queryParams', 'sourceLabels'] as const;

export function inlineDelegates(
  root: VirtualService,
  all: readonly VirtualService[],
): { routes: InlinedRoute[]; dropped: DroppedRoute[] } {
  const rootRef = vsRef(root);
  const routes: InlinedRoute[] = [];
  const dropped: DroppedRoute[] = [];
  (root.spec.http ?? []).forEach((http, httpIndex) => {
    const origin: RouteOrigin = { virtualService: rootRef, httpIndex };
    if (!http.delegate) {
      routes.push({ http, origin, ownName: http.name });
      return;
    }
    const target: VsRef = { name: http.delegate.name, namespace: http.delegate.namespace ?? rootRef.namespace };
    const child = all.find((vs) => isDelegateVs(vs) && sameRef(vsRef(vs), target));
    if (!child) {
      dropped.push({ origin, name: http.name, reason: `delegate VirtualService ${formatVsRef(target)} not found (or it has hosts)` });
      return;
    }
    (child.spec.http ?? []).forEach((childHttp, childIndex) => {
      const delegate: RouteOrigin = { virtualService: target, httpIndex: childIndex };
      if (childHttp.delegate) {
        dropped.push({ origin, delegate, name: childHttp.name, reason: 'nested delegation is not supported by Istio' });
        return;
      }
      const merged = mergeHttpRoute(http, childHttp);
      if (!merged) {
        dropped.push({ origin, delegate, name: childHttp.name, reason: 'its match does not lie inside the root match (regex, or outside the root exact/prefix)' });
        return;
      }
      routes.push({ http: merged, origin, delegate, ownName: childHttp.name });
    });
  });
  return { routes, dropped };
}

/** A VirtualService without hosts: only reachable through delegation. */
function isDelegateVs(vs: VirtualService): boolean {
  return !vs.spec.hosts || vs.spec.hosts.length === 0;
}

function sameRef(a: VsRef, b: VsRef): boolean {
  return a.name === b.name && a.namespace === b.namespace;
}

/** Istio mergeHTTPRoute: undefined when the child's matches conflict with the root's. */
function mergeHttpRoute(root: HttpRoute, child: HttpRoute): HttpRoute | undefined {
  const match = mergeMatches(root.match ?? [], child.match ?? []);
  if (!match) return undefined;
  const out: Record<string, unknown> = { ...child };
  delete out.delegate;
  out.match = match.length > 0 ? match : undefined;
  out.name = joinNames(root.name, child.name);
  for (const field of INHERITED_FIELDS) {
    const rootValue = (root as Record<string, unknown>)[field];
    if (out[field] === undefined && rootValue !== undefined) out[field] = rootValue;
  }
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as HttpRoute;
}

function joinNames(root: string | undefined, child: string | undefined): string | undefined {
  if (!child) return root;
  return root ? `${root}-${child}` : child;
}

/** Istio mergeHTTPMatchRequests: every child match needs at least one root match it fits in. */
function mergeMatches(root: readonly HttpMatchRequest[], child: readonly HttpMatchRequest[]): HttpMatchRequest[] | undefined {
  if (root.length === 0) return [...child];
  if (child.length === 0) return [...root];
  const out: HttpMatchRequest[] = [];
  for (const c of child) {
    const fits = root.filter((r) => !matchConflict(r, c));
    if (fits.length === 0) return undefined;
    for (const r of fits) out.push(mergeMatch(r, c));
  }
  return out;
}

function mergeMatch(root: HttpMatchRequest, child: HttpMatchRequest): HttpMatchRequest {
  const out: Record<string, unknown> = { ...root, ...child };
  out.name = joinNames(root.name, child.name);
  out.uri = child.uri ?? root.uri;
  out.gateways = child.gateways && child.gateways.length > 0 ? child.gateways : root.gateways;
  for (const key of MERGED_MAP_CONDITIONS) {
    const r = root[key] as Record<string, unknown> | undefined;
    const c = child[key] as Record<string, unknown> | undefined;
    out[key] = r || c ? { ...r, ...c } : undefined;
  }
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as HttpMatchRequest;
}

/** Istio hasConflict, for the conditions the simulator models (uri, ignoreUriCase, gateways). */
function matchConflict(root: HttpMatchRequest, child: HttpMatchRequest): boolean {
  if (stringMatchConflict(root.uri, child.uri)) return true;
  if ((root.ignoreUriCase ?? false) !== (child.ignoreUriCase ?? false)) return true;
  const rootGateways = root.gateways ?? [];
  const childGateways = child.gateways ?? [];
  if (rootGateways.length > 0 && childGateways.length > 0) {
    return childGateways.some((g) => !rootGateways.includes(g));
  }
  return false;
}

/** Istio stringMatchConflict. */
function stringMatchConflict(root: StringMatch | undefined, child: StringMatch | undefined): boolean {
  if (!root || !child) return false;
  if (root.regex || child.regex) return true;
  if (root.exact) {
    return child.prefix ? true : child.exact !== root.exact;
  }
  if (root.prefix) {
    if (child.prefix) return !child.prefix.startsWith(root.prefix);
    if (child.exact) return !child.exact.startsWith(root.prefix);
  }
  return true;
}
