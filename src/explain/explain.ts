import { RouteOrigin } from './delegate';
import { PathCondition, matchesPath, rewritePath } from './match';
import { MergeOrder } from './merge-order';
import { MergedRoute, MergedVirtualHost, headerAuthority, mergeVirtualHost } from './merge';
import { VsRef } from './virtual-service';

/**
 * Envoy's first-match route selection for one request over the merged virtual host (`merge.ts`): the first
 * route whose path specifier matches wins; later routes that also match are reported as losers.
 */

export interface ExplainRequest {
  readonly host: string;
  /** `namespace/name` of the Istio Gateway. */
  readonly gateway: string;
  /** The request path; a query string is ignored for matching and kept on the forwarded path. */
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

export type RouteActionKind = 'route' | 'redirect' | 'directResponse' | 'none';

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
  readonly match?: { readonly index: number; readonly name?: string; readonly condition: PathCondition };
  /** The Envoy path specifier used. */
  readonly condition: PathCondition;
  readonly catchAll: boolean;
  readonly action: RouteActionKind;
  readonly destinations: readonly DestinationHit[];
  /** The forwarded path (the request path for redirects and direct responses). */
  readonly rewrittenPath: string;
}

export interface Explanation extends MergedVirtualHost {
  readonly path: string;
  readonly winner?: RouteHit;
  /** Later routes that also match, in route order. */
  readonly losers: readonly RouteHit[];
}

export function explainRequest(objects: readonly unknown[], request: ExplainRequest): Explanation {
  const merged = mergeVirtualHost(objects, request);
  return { ...merged, path: request.path, ...explainPath(merged, request.path) };
}

/** First match over an already merged virtual host (reuse it for many paths). */
export function explainPath(merged: MergedVirtualHost, path: string): { winner?: RouteHit; losers: RouteHit[] } {
  const hits = merged.routes
    .filter((r) => r.unsupported.length === 0 && matchesPath(r.condition, path))
    .map((r) => toHit(r, merged.host, path));
  return { winner: hits[0], losers: hits.slice(1) };
}

/** The winning route only (no hit details): the cheap path for proofs over many orders. */
export function firstMatch(merged: MergedVirtualHost, path: string): MergedRoute | undefined {
  return merged.routes.find((r) => r.unsupported.length === 0 && matchesPath(r.condition, path));
}

function toHit(route: MergedRoute, requestHost: string, path: string): RouteHit {
  const http = route.http;
  const action: RouteActionKind =
    http.route && http.route.length > 0 ? 'route' : http.redirect ? 'redirect' : http.directResponse ? 'directResponse' : 'none';
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
    match: route.matchIndex === undefined ? undefined : { index: route.matchIndex, name: route.matchName, condition: route.condition },
    condition: route.condition,
    catchAll: route.catchAll,
    action,
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
  };
}
