import { describeMatch, Findings, where } from './findings';
import { EnvironmentSlot, Landing } from './expand';
import { pathCovers } from './overlap';

/**
 * What of a slot decides whether {@link checkPolicies} refuses a landing (names in its messages aside): whether the
 * environment allows faults. Slots of one key refuse the same landings.
 */
export function policiesKey(slot: EnvironmentSlot): string {
  return slot.environment.allowFaults ? 'faults' : 'no faults';
}

/**
 * Checks of a route's policies that depend on where it lands: faults only where the environment allows them,
 * and no redirect that sends a request back to the same route. Returns false when something was refused, so the
 * route is left out of the table.
 */
export function checkPolicies(landing: Landing, slot: EnvironmentSlot, findings: Findings): boolean {
  const { route, behaviour } = landing;
  const env = slot.environment;
  let ok = true;
  if (behaviour.fault && !env.allowFaults) {
    ok = false;
    findings.error('faults-not-allowed', behaviour.fault.origin,
      `route ${JSON.stringify(route.name)} injects faults in environment ${JSON.stringify(env.name)} of cluster ` +
        `${slot.cluster.name} (${where(env.origin)}), which does not allow them; set allowFaults: true on that ` +
        'environment (test environments only), or move the fault into overrides of a test environment',
      env.name);
  }
  const redirect = behaviour.redirect;
  if (redirect?.uri !== undefined && redirect.authority === undefined && redirect.scheme === undefined && redirect.port === undefined) {
    const target = { kind: 'exact' as const, value: redirect.uri };
    const loop = behaviour.match.find((m) => pathCovers({ kind: m.kind, value: m.value }, target));
    if (loop) {
      ok = false;
      findings.error('redirect-loop', redirect.origin,
        `route ${JSON.stringify(route.name)} redirects to ${JSON.stringify(redirect.uri)} on the same host, which its own ` +
          `${describeMatch(loop)} (${where(loop.origin)}) matches again: the client would loop; redirect elsewhere`,
        env.name);
    }
  }
  return ok;
}
