import { abortsEveryRequest, answerStatus } from '../explain/explain';
import { formatCondition } from '../explain/match';
import { headerAuthority, MergedRoute } from '../explain/merge';
import { formatRequestMatcher } from '../explain/request-match';

/** One row of the route map's table: an Envoy route, in evaluation order, as people read it. */
export interface RouteRow {
  /** Index in Envoy's route list, from 0, as `kfaas explain` numbers routes. */
  readonly position: number;
  /** The kfaas route (for HTTPRoutes, not Istio's rule name). */
  readonly route: string;
  /** '' when the route is not from a Route document of this project. */
  readonly team: string;
  /** `routes/<team>/<file>.yaml:<line>` ('' when unknown). */
  readonly source: string;
  /** `prefix "/faas/api/shop/"`, with the engine's wording. */
  readonly match: string;
  /** `method POST, header x-canary exact "true"` ('' when none). */
  readonly conditions: string;
  /** `authority (weight%)` per destination, or the action (redirect, direct response, abort). */
  readonly destinations: readonly string[];
  /** @default - Istio's (none) */
  readonly timeout?: string;
  /** `2x on connect-failure`, or `off`. @default - Istio's default retries */
  readonly retries?: string;
  readonly catchAll: boolean;
  /** Where Istio got the route: `kfaas-system/<VirtualService> spec.http[i]`, or the HTTPRoute rule. */
  readonly object: string;
}

/** Team, `file:line` and kfaas route (when its name differs) of a route, by its Istio route name. */
export type RouteSources = ReadonlyMap<string, { readonly team: string; readonly source: string; readonly route?: string }>;

/**
 * The row of one merged route. Only what the explain engine merged goes in (what Istio would send where), with
 * the team and source from the compiled table. The page formats the rows it shows with it, as they scroll in.
 */
export function routeRow(r: MergedRoute, requestHost: string, sources: RouteSources, object?: string): RouteRow {
  const http = r.http;
  const info = sources.get(r.routeName ?? '');
  const routeAuthority = http.rewrite?.authority ?? headerAuthority(http.headers);
  const several = (http.route?.length ?? 0) > 1;
  // A fault abort for every request (what kfaas emits where Istio has no directResponse) never forwards.
  const destinations = abortsEveryRequest(http)
    ? [`abort${answerStatus(http) !== undefined ? ` ${answerStatus(http)}` : ''}`]
    : http.route && http.route.length > 0
    ? http.route.map((d) => `${routeAuthority ?? headerAuthority(d.headers) ?? requestHost}${several ? ` (${d.weight ?? 0}%)` : ''}`)
    : [http.redirect ? 'redirect' : http.directResponse ? `direct response${typeof http.directResponse.status === 'number' ? ` ${http.directResponse.status}` : ''}` : 'none'];
  const retries = http.retries as { attempts?: number; retryOn?: string } | undefined;
  return {
    position: r.position,
    route: info?.route ?? r.routeName ?? '',
    team: info?.team ?? '',
    source: info?.source ?? '',
    match: formatCondition(r.condition),
    conditions: formatRequestMatcher(r.request),
    destinations,
    ...(http.timeout ? { timeout: http.timeout } : {}),
    ...(retries ? { retries: retries.attempts ? `${retries.attempts}x${retries.retryOn ? ` on ${retries.retryOn}` : ''}` : 'off' } : {}),
    catchAll: r.catchAll,
    object: object ?? `${r.origin.virtualService.namespace}/${r.origin.virtualService.name} spec.http[${r.origin.httpIndex}]`,
  };
}
