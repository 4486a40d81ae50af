import { Origin, RouteBehaviour } from '../model/project';
import { ecmaScriptProblems, re2ProgramSize } from '../regex';
import { EnvironmentSlot, Landing } from './expand';
import { Findings } from './findings';

/**
 * Regexes the cluster's gateway proxies would refuse, or read differently: one regex Envoy refuses makes it refuse
 * the gateway's whole route configuration (every team's routes, Knative's own included), so such a route is a
 * diagnostic naming the cluster, never output. RE2 programs are checked against the limit the profile derives from
 * the cluster's versions (estimated from above: src/regex/program-size.ts); ECMAScript clusters (Istio < 1.4, or
 * gateway proxies < 1.4) get the RE2-only constructs flagged.
 */
export function checkRegexes(landing: Landing, slot: EnvironmentSlot, findings: Findings): boolean {
  const regexes = regexesOf(landing.behaviour);
  if (regexes.length === 0) return true;
  const { profile, cluster, environment } = slot;
  const route = JSON.stringify(landing.route.name);
  const versions = `Istio ${cluster.istio.raw}${profile.gatewayProxy.raw !== cluster.istio.raw ? ` with gateway proxies ${profile.gatewayProxy.raw}` : ''}`;
  let ok = true;
  for (const { value, origin } of regexes) {
    if (profile.regexDialect === 'ecmascript') {
      const problems = ecmaScriptProblems(value);
      if (problems.length === 0) continue;
      const list = problems.map((p) => `${JSON.stringify(p.text)} at character ${p.at + 1}: ${p.why}`).join('; ');
      findings.error('regex-dialect', origin,
        `route ${route} uses regex ${JSON.stringify(value)}, but cluster ${cluster.name} runs ${versions}, whose gateways compile ` +
          `regexes as ECMAScript (std::regex), not RE2 (RE2 from Istio 1.4 with proxies 1.4+): ${list}; ` +
          'rewrite it in the common subset, leave the route off that cluster, or upgrade it', environment.name);
      ok = false;
      continue;
    }
    const limit = profile.regexProgramSizeLimit;
    if (!limit) continue;
    const size = re2ProgramSize(value);
    if (size <= limit.size) continue;
    findings.error('regex-program-size', origin,
      `route ${route} uses regex ${JSON.stringify(value)}, whose RE2 program may take up to ${size} instructions, over the ` +
        `limit of ${limit.size} on cluster ${cluster.name} (${versions}: ${limit.source}); Envoy would refuse it and with it ` +
        "the gateway's whole route table: fewer counted repetitions ({n} copies its operand n times) or a shorter pattern, " +
        'or leave the route off that cluster', environment.name);
    ok = false;
  }
  return ok;
}

/**
 * What of a slot decides whether {@link checkRegexes} refuses a landing (the versions and the limit's source in its
 * messages aside): the dialect and the program size limit. Slots of one key refuse the same landings.
 */
export function regexesKey(slot: EnvironmentSlot): string {
  return `${slot.profile.regexDialect} ${slot.profile.regexProgramSizeLimit?.size ?? '-'}`;
}

/** regexesOf per behaviour: each is checked in every table it lands in. */
const regexesMemo = new WeakMap<RouteBehaviour, readonly { readonly value: string; readonly origin: Origin }[]>();

/** Every regex a behaviour sends to Envoy: path matches, header and query conditions, CORS origins (found once). */
function regexesOf(b: RouteBehaviour): readonly { readonly value: string; readonly origin: Origin }[] {
  let found = regexesMemo.get(b);
  if (!found) regexesMemo.set(b, (found = findRegexes(b)));
  return found;
}

function findRegexes(b: RouteBehaviour): { readonly value: string; readonly origin: Origin }[] {
  const out: { value: string; origin: Origin }[] = [];
  for (const m of b.match) {
    if (m.kind === 'regex') out.push({ value: m.value, origin: m.origin });
    for (const h of m.conditions?.headers ?? []) if (h.test.kind === 'regex') out.push({ value: h.test.value, origin: h.origin });
    for (const q of m.conditions?.query ?? []) if (q.test.kind === 'regex') out.push({ value: q.test.value, origin: q.origin });
  }
  for (const o of b.cors?.allowOrigins ?? []) if (o.kind === 'regex') out.push({ value: o.value, origin: o.origin });
  return out;
}
