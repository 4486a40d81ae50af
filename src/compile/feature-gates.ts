import { Origin, RouteBehaviour } from '../model/project';
import { ROUTE_FEATURE_GATES, RouteFeature, sinceText, supportsFeature } from '../versions/route-features';
import { EnvironmentSlot, Landing } from './expand';
import { Findings } from './findings';

/** One use of a version-gated feature in a route, where it was written. */
export interface FeatureUse {
  readonly feature: RouteFeature;
  readonly origin: Origin;
}

/** Every version-gated feature a behaviour uses, in field order. */
export function featureUses(behaviour: RouteBehaviour): FeatureUse[] {
  const uses: FeatureUse[] = [];
  for (const m of behaviour.match) {
    const c = m.conditions;
    for (const h of c?.headers ?? []) if (h.test.kind === 'absent') uses.push({ feature: 'withoutHeaders', origin: h.origin });
    for (const q of c?.query ?? []) uses.push({ feature: 'queryParams', origin: q.origin });
  }
  const { fault, cors, headers, redirect, directResponse } = behaviour;
  if (fault) uses.push({ feature: 'faultPercentage', origin: fault.origin });
  if (headers) uses.push({ feature: 'headerOperations', origin: headers.origin });
  for (const o of cors?.allowOrigins ?? []) if (o.kind !== 'exact') uses.push({ feature: 'allowOrigins', origin: o.origin });
  if (redirect?.code !== undefined && redirect.code !== 301) uses.push({ feature: 'redirectCode', origin: redirect.origin });
  if (redirect?.scheme !== undefined) uses.push({ feature: 'redirectScheme', origin: redirect.origin });
  if (redirect?.port !== undefined) uses.push({ feature: 'redirectPort', origin: redirect.origin });
  if (directResponse) uses.push({ feature: 'directResponse', origin: directResponse.origin });
  return uses;
}

/**
 * Refuses, at the field, every feature the cluster's Istio does not implement (an unknown field would be pruned
 * silently by the API server). Returns false when something was refused, so the route is left out of the table.
 */
export function checkFeatureGates(landing: Landing, slot: EnvironmentSlot, findings: Findings): boolean {
  const { istio, gatewayProxy } = slot.profile;
  const runs = gatewayProxy.raw === istio.raw ? `Istio ${istio.raw}` : `Istio ${istio.raw} with gateway proxies ${gatewayProxy.raw}`;
  let ok = true;
  for (const use of featureUses(landing.behaviour)) {
    if (supportsFeature(gatewayProxy, use.feature)) continue;
    ok = false;
    const gate = ROUTE_FEATURE_GATES[use.feature];
    findings.error('feature-unsupported', use.origin,
      `route ${JSON.stringify(landing.route.name)} uses ${gate.feature}, but cluster ${slot.cluster.name} runs ${runs}, and VirtualService ${gate.field} needs Istio >= ${sinceText(use.feature)} (${gate.source}); ` +
        'an older Istio would drop the field silently. Limit the route to other clusters (spec.clusters) or upgrade Istio',
      slot.environment.name);
  }
  return ok;
}
