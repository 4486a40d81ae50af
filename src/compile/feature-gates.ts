import { Origin, RouteBehaviour } from '../model/project';
import { ROUTE_FEATURE_GATES, RouteFeature, sinceText, supportsFeature } from '../versions/route-features';
import { EnvironmentSlot, Landing } from './expand';
import { Findings } from './findings';
import { minorOf } from '../model/version';
import { KNATIVE_SINCE } from '../versions/facts';

/** One use of a version-gated feature in a route, where it was written. */
interface FeatureUse {
  readonly feature: RouteFeature;
  readonly origin: Origin;
}

/** featureUses per behaviour: each is checked in every table it lands in. */
const usesMemo = new WeakMap<RouteBehaviour, readonly FeatureUse[]>();

/** Every version-gated feature a behaviour uses, in field order (computed once per behaviour). */
function featureUses(behaviour: RouteBehaviour): readonly FeatureUse[] {
  let uses = usesMemo.get(behaviour);
  if (!uses) usesMemo.set(behaviour, (uses = findFeatureUses(behaviour)));
  return uses;
}

function findFeatureUses(behaviour: RouteBehaviour): FeatureUse[] {
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
 * What of a slot decides whether {@link checkFeatureGates} refuses a landing (its versions also appear in the
 * messages, which are never shared): which gated features the gateway proxies implement, and whether Knative serves
 * revision tags. Slots of one key refuse the same landings.
 */
export function featureGatesKey(slot: EnvironmentSlot): string {
  const { gatewayProxy, knativeRevisionTags } = slot.profile;
  const features = (Object.keys(ROUTE_FEATURE_GATES) as RouteFeature[]).map((f) => (supportsFeature(gatewayProxy, f) ? '1' : '0')).join('');
  return `${features} ${knativeRevisionTags ? 1 : 0}`;
}

/**
 * Refuses, at the field, every feature the cluster's Istio does not implement (an unknown field would be pruned
 * silently by the API server). Returns false when something was refused, so the route is left out of the table.
 */
export function checkFeatureGates(landing: Landing, slot: EnvironmentSlot, findings: Findings): boolean {
  const { istio, gatewayProxy } = slot.profile;
  let ok = true;
  for (const use of featureUses(landing.behaviour)) {
    if (supportsFeature(gatewayProxy, use.feature)) continue;
    ok = false;
    const runs = gatewayProxy.raw === istio.raw ? `Istio ${istio.raw}` : `Istio ${istio.raw} with gateway proxies ${gatewayProxy.raw}`;
    const gate = ROUTE_FEATURE_GATES[use.feature];
    findings.error('feature-unsupported', use.origin,
      `route ${JSON.stringify(landing.route.name)} uses ${gate.feature}, but cluster ${slot.cluster.name} runs ${runs}, and VirtualService ${gate.field} needs Istio >= ${sinceText(use.feature)} (${gate.source}); ` +
        'an older Istio would drop the field silently. Limit the route to other clusters (spec.clusters) or upgrade Istio',
      slot.environment.name);
  }
  return checkTags(landing, slot, findings) && ok;
}

/** A tagged route's `<tag>-<service>` must fit a DNS label. */
const MAX_LABEL = 63;

/** Refuses revision tags the cluster's Knative does not serve, or whose `<tag>-<service>` is not a DNS label. */
function checkTags(landing: Landing, slot: EnvironmentSlot, findings: Findings): boolean {
  const { behaviour, route } = landing;
  if (behaviour.tag === undefined && !behaviour.traffic?.some((t) => t.tag !== undefined)) return true;
  const tags = behaviour.traffic
    ? behaviour.traffic.filter((t) => t.tag !== undefined).map((t) => ({ service: t.service, tag: t.tag!, origin: t.origin }))
    : [{ service: behaviour.service, tag: behaviour.tag!, origin: behaviour.tagOrigin ?? route.origin }];
  let ok = true;
  const { knative, knativeRevisionTags } = slot.profile;
  for (const t of tags) {
    if (!knativeRevisionTags) {
      ok = false;
      findings.error('feature-unsupported', t.origin,
        `route ${JSON.stringify(route.name)} names revision tag ${JSON.stringify(t.tag)}, but cluster ${slot.cluster.name} runs ` +
          `Knative ${knative.raw}, and Knative serves tagged routes (<tag>-<service>) only from ${minorOf(KNATIVE_SINCE.revisionTags)}; limit the route to other clusters or upgrade Knative`,
        slot.environment.name);
    }
    const label = `${t.tag}-${t.service}`;
    if (label.length > MAX_LABEL) {
      ok = false;
      findings.error('invalid-name', t.origin,
        `revision tag ${JSON.stringify(t.tag)} of service ${JSON.stringify(t.service)} makes the host label ${JSON.stringify(label)}, ` +
          `${label.length} characters; expected at most ${MAX_LABEL} (a DNS label): shorten the tag`, slot.environment.name);
    }
  }
  return ok;
}
