import { Origin, RetryPolicy } from '../model/project';
import { Version } from '../model/version';
import { RETRY_ON_SINCE } from '../versions/facts';
import { describeIstioDefaultRetries } from '../versions/profile';
import { EnvironmentSlot, Landing } from './expand';
import { Findings } from './findings';

/**
 * What a route asks for that the cluster's Istio would reject or route differently: a diagnostic on the route
 * naming the cluster, never output the webhook rejects (one unknown `retryOn` name gets the whole
 * VirtualService rejected, every other team's routes with it). Version facts come from the profile.
 */

/**
 * What of a slot decides whether {@link checkRetries} refuses a landing (the versions in its messages aside): slots
 * of one key refuse the same landings.
 */
export function retriesKey(slot: EnvironmentSlot): string {
  return JSON.stringify([slot.profile.zeroRetryAttempts, slot.profile.retryOnPolicies]);
}

/** Checks a landing's retries against the cluster's Istio. Returns false when the route is refused there. */
export function checkRetries(landing: Landing, slot: EnvironmentSlot, findings: Findings): boolean {
  const retries = landing.behaviour.retries;
  if (!retries) return true;
  const { profile, cluster, environment } = slot;
  if ((retries.attempts !== 0 || profile.zeroRetryAttempts) && retryOnSupported(retries, profile.retryOnPolicies)) return true;
  const route = (): string => JSON.stringify(landing.route.name);
  let ok = true;
  retries.retryOn?.forEach((name, i) => {
    if (/^\d+$/.test(name) || profile.retryOnPolicies.includes(name)) return;
    const since = RETRY_ON_SINCE[name];
    const origin: Origin = retries.retryOnOrigins?.[i] ?? retries.origin;
    findings.error('retry-on-unsupported', origin,
      `route ${route()} retries on ${JSON.stringify(name)}, which needs Istio ${since ? describeSince(since) : 'a newer release'}, ` +
        `but cluster ${cluster.name} runs Istio ${cluster.istio.raw}, whose webhook would reject the whole VirtualService; ` +
        `leave it out there (an override, or spec.clusters), or upgrade the cluster`, environment.name);
    ok = false;
  });
  if (retries.attempts === 0 && !profile.zeroRetryAttempts) {
    findings.error('zero-retries-unsupported', retries.attemptsOrigin ?? retries.origin,
      `route ${route()} disables retries (attempts: 0), but cluster ${cluster.name} runs Istio ${cluster.istio.raw}, which ` +
        'rejects attempts: 0 (accepted from 1.2.1, istio/istio #14925) and cannot express "no retries"; ' +
        `leave retries out there to accept Istio's default (${describeIstioDefaultRetries(profile.istioDefaultRetries)}), or upgrade to 1.2.1+`,
      environment.name);
    ok = false;
  }
  return ok;
}

/** Whether every name of a policy's retryOn is a status code or in `policies`, by policy and list of policies. */
const supportedMemo = new WeakMap<RetryPolicy, WeakMap<readonly string[], boolean>>();

/** Whether every `retryOn` name of `retries` is a status code or one of `policies` (a profile's retryOnPolicies). */
function retryOnSupported(retries: RetryPolicy, policies: readonly string[]): boolean {
  let byPolicies = supportedMemo.get(retries);
  if (!byPolicies) supportedMemo.set(retries, (byPolicies = new WeakMap()));
  let supported = byPolicies.get(policies);
  if (supported === undefined) {
    supported = (retries.retryOn ?? []).every((name) => /^\d+$/.test(name) || policies.includes(name));
    byPolicies.set(policies, supported);
  }
  return supported;
}

/**
 * Istio 1.1.0-1.2.0 reject `retries.attempts: 0`, so a route without retries is emitted without the field and
 * Istio's default retries stay on: say so once per cluster, at its `istio` field.
 */
export function warnDefaultRetries(slot: EnvironmentSlot, findings: Findings): void {
  const { profile, cluster, environment } = slot;
  if (profile.zeroRetryAttempts || !slot.landings.some((l) => !l.behaviour.retries)) return;
  findings.warning('istio-default-retries', cluster.versionOrigins?.istio ?? cluster.origin,
    `Istio ${cluster.istio.raw} rejects retries.attempts: 0 (accepted from 1.2.1, istio/istio #14925), so routes without ` +
      `retries keep Istio's default on cluster ${cluster.name}: ${describeIstioDefaultRetries(profile.istioDefaultRetries)}; ` +
      'upgrade to 1.2.1+ to turn them off', environment.name);
}

/** `1.23 or newer` / `1.4.3 or newer`. */
function describeSince(v: Version): string {
  const text = v.patch === 0 ? `${v.major}.${v.minor}` : v.raw;
  return `${text} or newer`;
}
