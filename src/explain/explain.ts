import { RouteOrigin } from './delegate';
import { PathCondition, matchesPath, rewritePath } from './match';
import { MergeOrder } from './merge-order';
import { MergedRoute, MergedVirtualHost, headerAuthority, mergeVirtualHost } from './merge';
import { matchesRequest, RequestMatcher, SampleRequest } from './request-match';
import { candidatesOf, RouteIndex } from './route-index';
import { HttpRoute, VsRef } from './virtual-service';
import { normalizeRequestPath } from '../util/request-path';

/**
 * Envoy's first-match route selection for one request over the merged virtual host (`merge.ts`): the first
 * route whose path specifier matches wins; later routes that also match are reported as losers.
 */

export interface ExplainRequest extends SampleRequest {
  readonly host: string;
  /** `namespace/name` of the Istio Gateway. */
  readonly gateway: string;
  /** The request path; its query string joins `query` for query matches and is kept on the forwarded path. */
  readonly path: string;
  /** @default Istio's order: creation time, then name, then namespace */
  readonly mergeOrder?: MergeOrder;
}

/** Where one destination of the winning route sends the request. */
export interface DestinationHit {
  readonly host: string;
  readonly port?: number;
  readonly subset?: string;
  /** Share of traffic: 100 for a single destination, else the (relative) Istio weight. */
  readonly weight: number;
  /** The `:authority` the destination receives. */
  readonly authority: string;
  /**
   * Who set it: the route (`rewrite.authority` or a route-level host header), the destination
   * (`headers.request.set.host`/`:authority`, Istio >= 1.12), or nobody (the request's own host). The route's
   * wins over a destination's, as in Istio (single destination) and Envoy (weighted clusters).
   */
  readonly authoritySource: 'route' | 'destination' | 'request';
  /** The path forwarded (after `rewrite`), query string kept. */
  readonly path: string;
}

export type RouteActionKind = 'route' | 'redirect' | 'directResponse' | 'abort' | 'none';

export interface RouteHit {
  /** Position in the merged route list. */
  readonly position: number;
  readonly virtualService: VsRef;
  /** Index into `virtualService`'s `spec.http`. */
  readonly httpIndex: number;
  /** The delegate VirtualService entry the route was inlined from. */
  readonly delegate?: RouteOrigin;
  /** As written where the route came from. */
  readonly routeName?: string;
  readonly istioName?: string;
  readonly envoyName?: string;
  /** The match that matched; undefined when the route has no matches (matches every path). */
  readonly match?: {
    readonly index: number;
    readonly name?: string;
    readonly condition: PathCondition;
    /** Its method, header and query conditions. */
    readonly request: RequestMatcher;
  };
  /** The Envoy path specifier used. */
  readonly condition: PathCondition;
  readonly catchAll: boolean;
  readonly action: RouteActionKind;
  readonly destinations: readonly DestinationHit[];
  /** The status of a direct response. */
  readonly directStatus?: number;
  /** The forwarded path (the request path for redirects and direct responses). */
  readonly rewrittenPath: string;
  /** The effective Istio route (after delegation): fault, CORS, headers, mirror, redirect, direct response. */
  readonly http: HttpRoute;
  /** The status a `directResponse` or a 100% fault abort answers with. */
  readonly status?: number;
}

export interface Explanation extends MergedVirtualHost {
  /** The path routed on: the request's, normalized as Istio's default path normalization does. */
  readonly path: string;
  /** The path as given, when normalization changed it. */
  readonly givenPath?: string;
  /** Why Envoy answers 400 before routing (path normalization failed); then nothing is matched. */
  readonly rejected?: string;
  /** The request's method, headers and query parameters as given. */
  readonly request: SampleRequest;
  readonly winner?: RouteHit;
  /** Later routes that also match, in route order. */
  readonly losers: readonly RouteHit[];
}

/**
 * Explains one request. Its path is first normalized as Envoy does under Istio's default path normalization
 * (`normalizeRequestPath`): `/faas/api/shop/../pay/x` is routed as `/faas/api/pay/x`.
 */
export function explainRequest(objects: readonly unknown[], request: ExplainRequest): Explanation {
  const merged = mergeVirtualHost(objects, request);
  const normalized = normalizeRequestPath(request.path);
  const sample: SampleRequest = {
    path: normalized.path,
    ...(request.method !== undefined ? { method: request.method } : {}),
    ...(request.headers !== undefined ? { headers: request.headers } : {}),
    ...(request.query !== undefined ? { query: request.query } : {}),
  };
  const given = normalized.path !== request.path ? { givenPath: request.path } : {};
  if (normalized.rejected) return { ...merged, path: normalized.path, ...given, rejected: normalized.rejected, request: sample, losers: [] };
  // Only routes whose literal prefix the path starts with can match: the others are not tested (nor their regexes
  // compiled), which keeps one request cheap over thousands of routes.
  return { ...merged, path: normalized.path, ...given, request: sample, ...explainPath(merged, sample, { candidates: (path) => candidatesOf(merged, path) }) };
}

/**
 * First match over an already merged virtual host (reuse it for many requests; a {@link RouteIndex} of the
 * host makes it cheap over thousands of routes). A bare path is a GET without headers; pass a
 * {@link SampleRequest} to set the method, headers and query parameters.
 */
export function explainPath(
  merged: MergedVirtualHost,
  request: string | SampleRequest,
  index?: Pick<RouteIndex, 'candidates'>,
): { winner?: RouteHit; losers: RouteHit[] } {
  const sample = toSample(request);
  const hits = (index ? index.candidates(sample.path) : merged.routes)
    .filter((r) => routeMatches(r, sample))
    .map((r) => toHit(r, merged.host, sample.path));
  return { winner: hits[0], losers: hits.slice(1) };
}

/** The winning route only (no hit details): the cheap path for proofs over many orders. */
export function firstMatch(merged: MergedVirtualHost, request: string | SampleRequest): MergedRoute | undefined {
  const sample = toSample(request);
  return merged.routes.find((r) => routeMatches(r, sample));
}

/** Does the Envoy route take the request (path, then method, headers and query parameters)? */
export function routeMatches(route: MergedRoute, request: SampleRequest): boolean {
  return route.unsupported.length === 0 && matchesPath(route.condition, request.path) && matchesRequest(route.request, request);
}

function toSample(request: string | SampleRequest): SampleRequest {
  return typeof request === 'string' ? { path: request } : request;
}

/** A fault abort for 100% of requests (`percentage.value: 100`, or the pre-1.1 integer `percent: 100`): the route never forwards. */
export function abortsEveryRequest(http: MergedRoute['http']): boolean {
  const abort = (http as { fault?: { abort?: { percentage?: { value?: number }; percent?: number } } }).fault?.abort;
  return abort !== undefined && (abort.percentage?.value === 100 || abort.percent === 100);
}

/** HTTP status of the route's direct response or fault abort, if it answers by itself. */
export function answerStatus(http: MergedRoute['http']): number | undefined {
  const h = http as { directResponse?: { status?: number }; fault?: { abort?: { httpStatus?: number } } };
  return h.directResponse?.status ?? (abortsEveryRequest(http) ? h.fault?.abort?.httpStatus : undefined);
}

function toHit(route: MergedRoute, requestHost: string, path: string): RouteHit {
  const http = route.http;
  const action: RouteActionKind = abortsEveryRequest(http)
    ? 'abort'
    : http.route && http.route.length > 0 ? 'route' : http.redirect ? 'redirect' : http.directResponse ? 'directResponse' : 'none';
  const rewrittenPath = action === 'route' ? rewritePath(route.condition, path, http.rewrite) : path;
  const routeAuthority = http.rewrite?.authority || headerAuthority(http.headers);
  // Istio drops zero-weight destinations when there are several.
  const destinations = action !== 'route' ? [] : http.route!.length === 1 ? http.route! : http.route!.filter((d) => (d.weight ?? 0) > 0);
  return {
    position: route.position,
    virtualService: route.origin.virtualService,
    httpIndex: route.origin.httpIndex,
    ...(route.delegate ? { delegate: route.delegate } : {}),
    routeName: route.routeName,
    istioName: route.istioName,
    envoyName: route.envoyName,
    match: route.matchIndex === undefined
      ? undefined
      : { index: route.matchIndex, name: route.matchName, condition: route.condition, request: route.request },
    condition: route.condition,
    catchAll: route.catchAll,
    action,
    ...(action === 'directResponse' && typeof http.directResponse?.status === 'number' ? { directStatus: http.directResponse.status } : {}),
    destinations: destinations.map((d): DestinationHit => {
      const own = headerAuthority(d.headers);
      const authority = routeAuthority ?? own ?? requestHost;
      return {
        host: d.destination.host,
        ...(d.destination.port?.number !== undefined ? { port: d.destination.port.number } : {}),
        ...(d.destination.subset !== undefined ? { subset: d.destination.subset } : {}),
        weight: destinations.length === 1 ? 100 : d.weight ?? 0,
        authority,
        authoritySource: routeAuthority !== undefined ? 'route' : own !== undefined ? 'destination' : 'request',
        path: rewrittenPath,
      };
    }),
    rewrittenPath,
    http,
    ...(answerStatus(http) !== undefined ? { status: answerStatus(http) } : {}),
  };
}
