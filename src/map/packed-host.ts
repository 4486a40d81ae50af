import type { MergedRoute, MergedVirtualHost } from '../explain/merge';
import type { PathCondition } from '../explain/match';
import type { RequestMatcher } from '../explain/request-match';
import { regexLiterals } from '../explain/route-index';
import type { HttpRoute, VsRef } from '../explain/virtual-service';

/**
 * A merged virtual host (`mergeVirtualHost`, the explain engine's first step) as compact JSON, so the route map's
 * page runs the engine's first-match step (`explainPath`) on exactly what `kfaas explain` merges without paying for
 * the merge (and its regex compilation) while it loads. Each Istio route and VirtualService is written once
 * however many Envoy routes share it; `unpackHost` restores the same objects.
 */
export interface PackedHost {
  readonly host: string;
  readonly gateway: string;
  /** @default - no VirtualService serves the host */
  readonly domain?: string;
  /** The merged VirtualServices, in merge order. */
  readonly order: readonly number[];
  /** Every VirtualService a route or the merge order names. */
  readonly services: readonly VsRef[];
  /** Every Istio route (after delegation) the Envoy routes come from. */
  readonly https: readonly HttpRoute[];
  /** The Envoy routes in evaluation order. */
  readonly routes: readonly PackedRoute[];
  /** Literal start of each regex pattern (`RouteIndex`), computed once here. */
  readonly regexLiterals: Readonly<Record<string, string>>;
}

/** One Envoy route; indexes point into `services` and `https`, absent fields take the noted defaults. */
export interface PackedRoute {
  /** `[service, httpIndex]` of the route's origin. */
  readonly o: readonly [number, number];
  /** @default - not inlined from a delegate */
  readonly d?: readonly [number, number];
  readonly h: number;
  readonly c: PathCondition;
  /** @default - no method, header or query condition */
  readonly r?: RequestMatcher;
  readonly routeName?: string;
  /** `null` for none. @default routeName */
  readonly istioName?: string | null;
  /** `null` for none. @default istioName */
  readonly envoyName?: string | null;
  readonly matchIndex?: number;
  readonly matchName?: string;
  /** @default [] */
  readonly unsupported?: readonly string[];
  /** @default false */
  readonly catchAll?: boolean;
}

const NO_CONDITIONS: RequestMatcher = { headers: [], withoutHeaders: [], queryParams: [] };

export function packHost(merged: MergedVirtualHost): PackedHost {
  const services: VsRef[] = [];
  const serviceIds = new Map<string, number>();
  const serviceId = (ref: VsRef): number => {
    const key = `${ref.namespace}/${ref.name}`;
    let id = serviceIds.get(key);
    if (id === undefined) {
      id = services.push({ name: ref.name, namespace: ref.namespace }) - 1;
      serviceIds.set(key, id);
    }
    return id;
  };
  const https: HttpRoute[] = [];
  const httpIds = new Map<HttpRoute, number>();
  const routes = merged.routes.map((r): PackedRoute => {
    let h = httpIds.get(r.http);
    if (h === undefined) {
      h = https.push(r.http) - 1;
      httpIds.set(r.http, h);
    }
    const empty = !r.request.method && r.request.headers.length === 0 && r.request.withoutHeaders.length === 0 && r.request.queryParams.length === 0;
    return {
      o: [serviceId(r.origin.virtualService), r.origin.httpIndex],
      ...(r.delegate ? { d: [serviceId(r.delegate.virtualService), r.delegate.httpIndex] as const } : {}),
      h,
      c: r.condition,
      ...(empty ? {} : { r: r.request }),
      ...(r.routeName !== undefined ? { routeName: r.routeName } : {}),
      ...(r.istioName !== r.routeName ? { istioName: r.istioName ?? null } : {}),
      ...(r.envoyName !== r.istioName ? { envoyName: r.envoyName ?? null } : {}),
      ...(r.matchIndex !== undefined ? { matchIndex: r.matchIndex } : {}),
      ...(r.matchName !== undefined ? { matchName: r.matchName } : {}),
      ...(r.unsupported.length > 0 ? { unsupported: r.unsupported } : {}),
      ...(r.catchAll ? { catchAll: true } : {}),
    };
  });
  return {
    host: merged.host,
    gateway: merged.gateway,
    ...(merged.domain !== undefined ? { domain: merged.domain } : {}),
    order: merged.order.map(serviceId),
    services,
    https,
    routes,
    regexLiterals: regexLiterals(merged),
  };
}

/**
 * The merged host back, route for route as `mergeVirtualHost` returned it (its `dropped` routes and warnings stay
 * with the page's warnings list).
 */
export function unpackHost(packed: PackedHost): MergedVirtualHost {
  const origin = ([s, httpIndex]: readonly [number, number]) => ({ virtualService: packed.services[s], httpIndex });
  const routes = packed.routes.map((r, position): MergedRoute => {
    const istioName = r.istioName === undefined ? r.routeName : r.istioName ?? undefined;
    return {
    position,
    origin: origin(r.o),
    ...(r.d ? { delegate: origin(r.d) } : {}),
    http: packed.https[r.h],
    routeName: r.routeName,
    istioName,
    envoyName: r.envoyName === undefined ? istioName : r.envoyName ?? undefined,
    matchIndex: r.matchIndex,
    matchName: r.matchName,
    condition: r.c,
    request: r.r ?? NO_CONDITIONS,
    unsupported: r.unsupported ?? [],
    catchAll: r.catchAll ?? false,
    };
  });
  return {
    host: packed.host,
    gateway: packed.gateway,
    ...(packed.domain !== undefined ? { domain: packed.domain } : {}),
    order: packed.order.map((s) => packed.services[s]),
    routes,
    dropped: [],
    warnings: [],
  };
}
