import { compareText } from '../util/compare';
import { perRouteVirtualServiceName } from '../model/defaults';
import { Route, RouteBehaviour } from '../model/project';
import { RouteEntry, mergeAdjacent } from './entries';
import { describeMatch, where } from './findings';
import { LayoutContext } from './layout-context';
import { mayOverlap } from './overlap';
import { totalSize } from './pack';
import { prefixChains } from './partition';
import { VirtualServiceTable } from './route-table';
import { servicesOf } from './table-builders';
import { groupBy } from '../util/group-by';

/**
 * Layout `per-route` (the seed's, kept for migration): one root VirtualService per route. Istio orders routes of
 * different VirtualServices by creation time, so any two routes that may match a common path are refused.
 */

/** The service a per-route VirtualService is named after: the route's service, or the route name when it splits. */
export function perRouteService(route: Route, behaviour: RouteBehaviour): string {
  const services = servicesOf(behaviour);
  return services.length === 1 ? services[0] : route.name;
}

/** Lays out the entries (in specificity order) of one (cluster, environment); VirtualServices sorted by name. */
export function layoutPerRoute(
  sorted: readonly RouteEntry[], behaviours: ReadonlyMap<Route, RouteBehaviour>, ctx: LayoutContext,
): VirtualServiceTable[] {
  reportOverlaps(sorted, ctx);
  const byRoute = groupBy(sorted, (e) => e.route);
  const byName = groupBy(byRoute.keys(),
    (route) => perRouteVirtualServiceName(ctx.namespace, perRouteService(route, behaviours.get(route)!)));
  const out: VirtualServiceTable[] = [];
  for (const name of [...byName.keys()].sort(compareText)) {
    const routes = byName.get(name)!.sort((a, b) => compareText(a.name, b.name));
    if (routes.length > 1) {
      for (const r of routes) {
        const others = routes.filter((o) => o !== r).map((o) => `route ${JSON.stringify(o.name)} (${where(o.origin)})`);
        const service = perRouteService(r, behaviours.get(r)!);
        ctx.findings.error('virtualservice-name-collision', r.origin,
          `in the per-route layout, route ${JSON.stringify(r.name)} and ${others.join(', ')} would both be the ` +
            `VirtualService ${JSON.stringify(perRouteVirtualServiceName('<namespace>', service))}; ` +
            'give each route its own service, or use layout: merged', ctx.scope);
      }
    }
    const route = routes[0];
    const entries = byRoute.get(route)!;
    const size = totalSize(entries) + (ctx.maxObjectBytes - ctx.budget);
    if (size > ctx.maxObjectBytes) {
      ctx.findings.error('object-too-large', route.origin,
        `on cluster ${ctx.cluster.name}, the VirtualService of route ${JSON.stringify(route.name)} would take ${size} bytes, ` +
          `more than ${ctx.maxObjectBytes}; drop matches or use layout: merged`, ctx.scope);
    }
    out.push({ name, role: 'root', http: mergeAdjacent(entries.map((e) => e.http)) });
  }
  return out;
}

/** Reports, at both matches, every pair of matches of different routes that may match a common path. */
function reportOverlaps(sorted: readonly RouteEntry[], ctx: LayoutContext): void {
  const byLiteral = groupBy(sorted, (e) => e.literal);
  const chains = prefixChains(byLiteral.keys());
  for (const b of sorted) {
    // Overlap needs one literal to be a prefix of the other; each pair is seen from its longer literal.
    for (const literal of chains.get(b.literal)!) {
      for (const a of byLiteral.get(literal)!) {
        if (a.route === b.route || (a.literal === b.literal && compareText(a.routeName, b.routeName) > 0)) continue;
        if (!mayOverlap(a, b)) continue;
        for (const [x, y] of [[a, b], [b, a]]) {
          ctx.findings.error('per-route-overlap', x.match.origin,
            `${describeMatch(x)} of route ${JSON.stringify(x.routeName)} may match the same paths as ${describeMatch(y)} ` +
              `of route ${JSON.stringify(y.routeName)} (${where(y.match.origin)}): their order would be undefined in the ` +
              'per-route layout; use layout: merged or make the paths disjoint', ctx.scope);
        }
      }
    }
  }
}
