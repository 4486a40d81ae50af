import { DroppedRoute, InlinedRoute, RouteOrigin, inlineDelegates } from './delegate';
import { MATCH_ALL, PathCondition, toPathCondition } from './match';
import { MergeOrder, orderVirtualServices } from './merge-order';
import { EVALUATED_MATCH_FIELDS, readRequestMatcher, RequestMatcher } from './request-match';
import {
  HttpMatchRequest,
  HttpRoute,
  MESH_GATEWAY,
  VirtualService,
  VsRef,
  boundGateways,
  formatVsRef,
  gatewayMatches,
  isVirtualService,
  resolveGatewayName,
  vsRef,
} from './virtual-service';

/**
 * The route list Istio builds for one gateway virtual host (istio `buildGatewayHTTPRouteConfig`), or for a
 * sidecar's (`mesh`) virtual host, where only one VirtualService per host ever applies:
 *  1. VirtualServices bound to the gateway whose hosts include the request host's Envoy domain;
 *  2. each with delegation inlined (`delegate.ts`), in merge order;
 *  3. per VirtualService, one Envoy route per match (a route without matches is one prefix `/` route), cut
 *     after the first catch-all: Istio stops translating that VirtualService there (BuildHTTPRoutesForVirtualService);
 *  4. all concatenated, then catch-all routes moved last, relative order kept (SortVHostRoutes).
 * A catch-all is an Envoy route with prefix `/` (or regex `.*`) and no header or query conditions.
 */

export interface VirtualHostQuery {
  /** The request's host (`:authority`); a `:port` suffix is ignored. */
  readonly host: string;
  /** `namespace/name` of the Istio Gateway; a bare name matches that name in any namespace. */
  readonly gateway: string;
  /** @default Istio's order: creation time, then name, then namespace */
  readonly mergeOrder?: MergeOrder;
}

/** One Envoy route of the merged virtual host. */
export interface MergedRoute {
  /** Index in the final route list: Envoy tries them in this order. */
  readonly position: number;
  readonly origin: RouteOrigin;
  /** Set when the route was inlined from a delegate VirtualService. */
  readonly delegate?: RouteOrigin;
  /** The effective Istio route (after delegation). */
  readonly http: HttpRoute;
  /** As written where the route came from (the child's own name when inlined). */
  readonly routeName?: string;
  /** `http.name` after delegation (`root-child` when both are named). */
  readonly istioName?: string;
  /** Envoy's route name: `istioName`, plus `.matchName` when the match is named. */
  readonly envoyName?: string;
  /** Index into the effective `http.match`; undefined for a route without matches. */
  readonly matchIndex?: number;
  readonly matchName?: string;
  /** The Envoy path specifier (prefix `/` when the match has no `uri`). */
  readonly condition: PathCondition;
  /** Method, header and query conditions of the match, evaluated against the request. */
  readonly request: RequestMatcher;
  /**
   * Field paths of request-dependent conditions (scheme, authority, port, source labels, ...) the simulator cannot
   * evaluate. A route with any never matches in `explain`; `warnings` says so.
   */
  readonly unsupported: readonly string[];
  readonly catchAll: boolean;
}

export interface MergedVirtualHost {
  readonly host: string;
  readonly gateway: string;
  /** The VirtualService host (Envoy domain) the request host selected; undefined when none. */
  readonly domain?: string;
  /** The merged VirtualServices, in merge order. */
  readonly order: readonly VsRef[];
  readonly routes: readonly MergedRoute[];
  /** Routes and matches Istio never turns into Envoy routes. */
  readonly dropped: readonly DroppedRoute[];
  readonly warnings: readonly string[];
}

/** Match fields that never affect which requests match. */
const INERT_MATCH_FIELDS = new Set(['name', 'uri', 'ignoreUriCase', 'gateways', 'statPrefix']);
/** Match fields Envoy turns into header/query matchers: a route with one is never a catch-all. */
const REQUEST_MATCH_FIELDS = new Set(['headers', 'withoutHeaders', 'queryParams', 'method', 'scheme', 'authority']);

export function mergeVirtualHost(objects: readonly unknown[], query: VirtualHostQuery): MergedVirtualHost {
  const all = objects.filter(isVirtualService);
  const { domain, selected } = selectVirtualServices(all, query.host, query.gateway);
  let ordered = orderVirtualServices(selected, query.mergeOrder);
  const dropped: DroppedRoute[] = [];
  const warnings: string[] = [];
  if (query.gateway === MESH_GATEWAY && ordered.length > 1) {
    // Sidecars never merge mesh VirtualServices of one host: the first in merge order wins, the others are
    // dropped (istio@1.30.0 pilot/pkg/networking/core/httproute.go L398-409; analyzer IST0109).
    warnings.push(`IST0109: ${ordered.length} mesh VirtualServices bind host ${domain}; only ${formatVsRef(vsRef(ordered[0]))} applies: ` +
      `${ordered.slice(1).map((vs) => formatVsRef(vsRef(vs))).join(', ')} ignored`);
    ordered = ordered.slice(0, 1);
  }
  const translated: Positioned[] = [];
  for (const vs of ordered) {
    const inlined = inlineDelegates(vs, all);
    for (const d of inlined.dropped) dropped.push(d);
    translateVirtualService(inlined.routes, query.gateway, dropped, warnings, usesGatewaySemantics(vs), translated);
  }
  // Catch-alls last, relative order kept; each route's position is its index in that order.
  const routes: Positioned[] = [];
  for (const r of translated) if (!r.catchAll) routes.push(r);
  for (const r of translated) if (r.catchAll) routes.push(r);
  for (let i = 0; i < routes.length; i++) routes[i].position = i;
  for (const d of dropped) warnings.push(`${describeDropped(d)}: dropped, ${d.reason}`);
  return {
    host: query.host,
    gateway: query.gateway,
    domain,
    order: ordered.map(vsRef),
    routes,
    dropped,
    warnings,
  };
}

/** A MergedRoute while the virtual host is built: its position is set once the catch-alls are moved last. */
type Positioned = MergedRoute & { position: number };

/**
 * Root VirtualServices bound to `gateway` that serve `host`: Envoy picks the virtual host whose domain is
 * the host itself, else the longest matching `*suffix` wildcard, else `*`; its routes come from every
 * VirtualService listing that domain.
 */
export function selectVirtualServices(
  all: readonly VirtualService[],
  host: string,
  gateway: string,
): { domain?: string; selected: VirtualService[] } {
  const bound = all.filter(
    (vs) => (vs.spec.hosts ?? []).length > 0 && boundGateways(vs).some((g) => gatewayMatches(gateway, g)),
  );
  const domain = pickDomain(host, bound.flatMap((vs) => vs.spec.hosts ?? []));
  if (domain === undefined) return { selected: [] };
  return { domain, selected: bound.filter((vs) => (vs.spec.hosts ?? []).some((h) => h.toLowerCase() === domain)) };
}

function pickDomain(host: string, candidates: readonly string[]): string | undefined {
  const h = host.toLowerCase().replace(/:\d+$/, '');
  const domains = [...new Set(candidates.map((c) => c.toLowerCase()))];
  if (domains.includes(h)) return h;
  const wildcards = domains
    .filter((d) => d.startsWith('*') && d.length > 1 && h.length > d.length - 1 && h.endsWith(d.slice(1)))
    .sort((a, b) => b.length - a.length);
  if (wildcards.length > 0) return wildcards[0];
  return domains.includes('*') ? '*' : undefined;
}

/** One VirtualService's Envoy routes, cut after its first catch-all (Istio BuildHTTPRoutesForVirtualService). */
function translateVirtualService(
  routes: readonly InlinedRoute[],
  gateway: string,
  dropped: DroppedRoute[],
  warnings: string[],
  gatewaySemantics: boolean,
  out: Positioned[],
): void {
  let cut = false;
  for (const route of routes) {
    if (cut) {
      dropped.push({ ...where(route), name: route.http.name, reason: 'it follows a catch-all route in the same VirtualService' });
      continue;
    }
    for (const warning of checkRoute(route)) warnings.push(warning);
    const matches = route.http.match ?? [];
    if (matches.length === 0) {
      out.push(envoyRoute(route, undefined, undefined, gatewaySemantics));
      cut = true;
      continue;
    }
    for (let i = 0; i < matches.length; i++) {
      const match = matches[i];
      if (cut) {
        dropped.push({ ...where(route), name: route.http.name, matchIndex: i, reason: 'it follows a catch-all match of the same route' });
        continue;
      }
      const namespace = route.origin.virtualService.namespace;
      if (match.gateways && match.gateways.length > 0 &&
          !match.gateways.some((g) => gatewayMatches(gateway, resolveGatewayName(g, namespace)))) {
        dropped.push({ ...where(route), name: route.http.name, matchIndex: i, reason: `its match is limited to gateways ${match.gateways.join(', ')}` });
        continue;
      }
      const r = envoyRoute(route, match, i, gatewaySemantics);
      for (const field of r.unsupported) {
        warnings.push(`${field}: request-dependent condition the simulator cannot evaluate; treated as never matching`);
      }
      out.push(r);
      if (r.catchAll) cut = true;
    }
  }
}

function envoyRoute(
  route: InlinedRoute, match: HttpMatchRequest | undefined, index: number | undefined, gatewaySemantics: boolean,
): Positioned {
  const written = toPathCondition(match?.uri, match?.ignoreUriCase ?? false) ?? MATCH_ALL;
  const condition = gatewaySemantics ? withGatewaySemantics(written) : written;
  const fields = match ? conditionFields(match) : NO_FIELDS;
  const unsupported = fields.length === 0 ? NO_FIELDS : fields.filter((k) => !EVALUATED_MATCH_FIELDS.includes(k));
  const istioName = route.http.name;
  const matchName = match?.name || undefined;
  const envoyName = matchName ? `${istioName ?? ''}.${matchName}` : istioName;
  const isPathCatchAll =
    (condition.kind === 'prefix' && condition.value === '/') || (condition.kind === 'regex' && condition.value === '.*');
  return {
    position: -1, // set by mergeVirtualHost
    origin: route.origin,
    ...(route.delegate ? { delegate: route.delegate } : {}),
    http: route.http,
    routeName: route.ownName,
    istioName,
    envoyName,
    matchIndex: index,
    matchName,
    condition,
    request: fields.length === 0 ? NO_CONDITIONS : readRequestMatcher(match),
    unsupported: unsupported.length === 0 ? NO_FIELDS : unsupported.map((k) => `${describeRoute(route)}.match[${index}].${k}`),
    catchAll: isPathCatchAll && !fields.some((k) => REQUEST_MATCH_FIELDS.has(k)),
  };
}

/** The fields of a match that are set and may affect which requests match (nearly always none but `uri`). */
function conditionFields(match: HttpMatchRequest): readonly string[] {
  let fields: string[] | undefined;
  for (const k of Object.keys(match)) if (match[k] !== undefined && !INERT_MATCH_FIELDS.has(k)) (fields ??= []).push(k);
  return fields ?? NO_FIELDS;
}

const NO_FIELDS: readonly string[] = Object.freeze([]);
/** The request conditions of a match that sets none (readRequestMatcher's answer then): one object for all such routes. */
const NO_CONDITIONS: RequestMatcher = readRequestMatcher(undefined);

/**
 * Istio marks the VirtualServices it derives from Gateway API routes (`internal.istio.io/route-semantics: gateway`,
 * istio@1.30.0 pilot/pkg/config/kube/gateway/conversion.go routeMeta) and then emits a prefix other than `/` as
 * Envoy's `path_separated_prefix` without its trailing `/` (route/route.go L1098-1104).
 */
export const ROUTE_SEMANTICS_ANNOTATION = 'internal.istio.io/route-semantics';

function usesGatewaySemantics(vs: VirtualService): boolean {
  return vs.metadata.annotations?.[ROUTE_SEMANTICS_ANNOTATION] === 'gateway';
}

function withGatewaySemantics(condition: PathCondition): PathCondition {
  if (condition.kind !== 'prefix' || condition.value === '/') return condition;
  return { ...condition, kind: 'pathSeparatedPrefix', value: condition.value.replace(/\/$/, '') };
}

/** Findings about a route's action that change what the simulator reports. */
function checkRoute(route: InlinedRoute): readonly string[] {
  const http = route.http;
  const routeLevel = http.rewrite?.authority ?? headerAuthority(http.headers);
  if (routeLevel === undefined) return NO_FINDINGS; // nearly every route: its destinations need no look
  const perDestination = (http.route ?? []).some((d) => headerAuthority(d.headers) !== undefined);
  if (perDestination) {
    return [`${describeRoute(route)}: authority set both for the route and per destination; Istio's webhook rejects this, Envoy would use the route's`];
  }
  return NO_FINDINGS;
}

const NO_FINDINGS: readonly string[] = [];

/** The authority an Istio `headers` block sets (`request.set` wins over `request.add`), if any. */
export function headerAuthority(headers: HttpRoute['headers']): string | undefined {
  const request = headers?.request;
  if (request === undefined) return undefined; // most routes and destinations: no header operations at all
  return authorityIn(request.set) ?? authorityIn(request.add);
}

/** The value of the last `host` or `:authority` key (any case) of one header operation, if any. */
function authorityIn(ops: Readonly<Record<string, string>> | undefined): string | undefined {
  let found: string | undefined;
  for (const key of Object.keys(ops ?? {})) {
    const lower = key.toLowerCase();
    if (lower === 'host' || lower === ':authority') found = ops![key];
  }
  return found;
}

function where(route: InlinedRoute): { origin: RouteOrigin; delegate?: RouteOrigin } {
  return route.delegate ? { origin: route.origin, delegate: route.delegate } : { origin: route.origin };
}

/** `ns/vs spec.http[2]`, or the delegate's entry for an inlined route. */
function describeRoute(route: { origin: RouteOrigin; delegate?: RouteOrigin }): string {
  const at = route.delegate ?? route.origin;
  return `${formatVsRef(at.virtualService)} spec.http[${at.httpIndex}]`;
}

function describeDropped(d: DroppedRoute): string {
  const base = describeRoute(d);
  const name = d.name ? ` (route ${JSON.stringify(d.name)})` : '';
  return d.matchIndex === undefined ? `${base}${name}` : `${base}.match[${d.matchIndex}]${name}`;
}
