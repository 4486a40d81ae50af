import { RouteBehaviour } from '../model/project';
import { compareVersions } from '../model/version';
import { ISTIO_SINCE } from '../versions/facts';
import { compareText } from '../util/compare';
import { EnvironmentSlot, Landing } from './expand';
import { checkFeatureGates, featureGatesKey } from './feature-gates';
import { Findings } from './findings';
import { checkPolicies, policiesKey } from './policy-checks';
import { checkRegexes, regexesKey } from './regex-checks';
import { targetsOf } from './table-builders';
import { sameItems } from './table-memo';
import { checkRetries, retriesKey } from './version-checks';

/**
 * The checks of a landing that depend on the slot it lands in: what the cluster's versions cannot express, and the
 * environment's policies. A landing something refuses is reported and left out of the table: the run fails anyway,
 * and the emitter never sees a table it cannot render. Returns false when refused.
 */
function checkLanding(landing: Landing, slot: EnvironmentSlot, findings: Findings): boolean {
  return checkWeightedSplit(landing, slot, findings)
    && checkFeatureGates(landing, slot, findings)
    && checkRetries(landing, slot, findings)
    && checkRegexes(landing, slot, findings)
    && checkPolicies(landing, slot, findings);
}

/**
 * Everything of a slot that decides which landings {@link checkLanding} refuses, from each check's own key (their
 * messages name the cluster and its versions too, which is why only checks that found nothing are shared).
 */
export function landingChecksKey(slot: EnvironmentSlot): string {
  const split = slot.profile.perDestinationAuthority ? 'split' : 'no split';
  return [split, featureGatesKey(slot), retriesKey(slot), regexesKey(slot), policiesKey(slot)].join('\u0001');
}

/**
 * The landings of a slot {@link checkLanding} places, shared by the tables of one compile. At the bench's tier L the
 * 6 clusters hosting an environment place the same 7,000 landings, and their versions mostly decide the checks
 * alike: the slots of one list of landings and one {@link landingChecksKey} place the same landings, found once. A
 * check that found something is never shared (its findings name the cluster), so only lists placed whole are kept.
 */
export class PlacementMemo {
  private readonly done: { readonly key: string; readonly landings: readonly Landing[]; readonly placed: readonly Landing[] }[] = [];

  /** The landings of `slot` that pass {@link checkLanding}, the rest reported to `findings`. Callers must not change it. */
  public placed(slot: EnvironmentSlot, findings: Findings): readonly Landing[] {
    const key = landingChecksKey(slot);
    const { landings } = slot;
    const same = this.done.find((d) => d.key === key && sameItems(d.landings, landings));
    if (same) return same.placed;
    const own = new Findings();
    const placed = placeLandings(slot, own);
    findings.addRecords(own.records);
    if (own.records.length === 0) this.done.push({ key, landings, placed });
    return placed;
  }
}

/** The landings of `slot` that pass {@link checkLanding}, each checked (the rest reported). */
export function placeLandings(slot: EnvironmentSlot, findings: Findings): Landing[] {
  return slot.landings.filter((landing) => checkLanding(landing, slot, findings));
}

/**
 * Before Istio 1.12 only the route-level authority rewrite exists, so a weighted split between two Knative
 * services through the local gateway cannot be expressed: refuse it. Returns false when refused.
 */
function checkWeightedSplit(landing: Landing, slot: EnvironmentSlot, findings: Findings): boolean {
  const { behaviour } = landing;
  if (slot.profile.perDestinationAuthority || !behaviour.traffic || targetsOf(behaviour).length < 2) return true;
  const first = behaviour.traffic[0].origin;
  const { cluster, profile } = slot;
  const why = compareVersions(cluster.istio, ISTIO_SINCE.perDestinationAuthority) >= 0
    ? `its oldest gateway proxy runs ${profile.gatewayProxy.raw} (spec.gatewayProxy), and gateway proxies before 1.12 ` +
      'ignore the per-destination authority (istio/istio #37575)'
    : `it runs Istio ${cluster.istio.raw}, and Istio < 1.12 cannot rewrite the authority per destination`;
  findings.errorAt('weighted-split-unsupported', first.at, first.path.replace(/\[\d+\]$/, ''),
    `route ${JSON.stringify(landing.route.name)} splits traffic between ${splitTargetsText(behaviour)}, ` +
      `but on cluster ${cluster.name} ${why}; split between Knative revisions behind one service (Knative traffic), ` +
      'or upgrade to 1.12+',
    slot.environment.name);
  return false;
}

/** "services a, b" for a split between services; tagged revisions are named as such ("tag blue of service pay"). */
function splitTargetsText(behaviour: RouteBehaviour): string {
  const entries = behaviour.traffic ?? [];
  if (entries.every((t) => t.tag === undefined)) return `services ${targetsOf(behaviour).join(', ')}`;
  const described = entries.map((t) => (t.tag === undefined ? `service ${t.service}` : `tag ${t.tag} of service ${t.service}`));
  return `destinations ${[...new Set(described)].sort(compareText).join(', ')}`;
}
