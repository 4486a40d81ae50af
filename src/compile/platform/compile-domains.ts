import { EAST_WEST_GATEWAY_NAME, KFAAS_NAMESPACE } from '../../model/defaults';
import { DomainPolicy } from '../../model/platform';
import { Hostname, Route } from '../../model/project';
import { compareText } from '../../util/compare';
import { groupBy } from '../../util/group-by';
import { mergeAdjacent, RouteEntry } from '../entries';
import { EnvironmentSlot, Landing } from '../expand';
import { describeMatch, Findings, where } from '../findings';
import { mayOverlap, overlapWitness } from '../overlap';
import { domainObjectName } from './compile-platform';
import { DomainTable } from './domain-table';

/** The east-west Istio Gateway business-domain VirtualServices bind to. */
const EAST_WEST_GATEWAY_REF = `${KFAAS_NAMESPACE}/${EAST_WEST_GATEWAY_NAME}`;

/** How one cluster answered one hostname a route claims in one environment. */
export interface HostnameSighting {
  readonly route: Route;
  readonly environment: string;
  readonly cluster: string;
  readonly hostname: Hostname;
  /** `served`: compiled here; `refused`: inside the cluster's suffixes but not allowed (reported); `elsewhere`: outside them. */
  readonly outcome: 'served' | 'refused' | 'elsewhere';
}

/** True when `host` (wildcard or not) lies inside `suffix`: equal to it or ending with `.<suffix>`. */
function withinSuffix(host: string, suffix: string): boolean {
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  return bare === suffix || bare.endsWith(`.${suffix}`);
}

/**
 * The business domains of one (cluster, environment): every hostname its routes claim there that lies within
 * the cluster's `spec.gateway.domains.suffixes` (the cluster's DNS zones; other hostnames are another cluster's),
 * each compiled into one VirtualService bound to the east-west gateway. `sorted` are the environment's entries
 * in specificity order, only of routes that passed the environment's checks, so a domain routes exactly as the
 * environment's gateway host does. Two routes whose matches can take the same request on one hostname are a
 * conflict: a business domain is one product's address, and no team order is assumed between them.
 */
export function compileSlotDomains(
  slot: EnvironmentSlot, sightings: readonly HostnameSighting[], sorted: readonly RouteEntry[], budget: number, findings: Findings,
): DomainTable[] {
  const { cluster, environment } = slot;
  const served = new Map<string, Set<Route>>();
  for (const s of sightings) {
    if (s.outcome === 'served') served.set(s.hostname.value, (served.get(s.hostname.value) ?? new Set<Route>()).add(s.route));
  }
  return [...served.keys()].sort(compareText).map((host) => {
    const entries = sorted.filter((e) => served.get(host)!.has(e.route));
    reportOverlaps(host, entries, environment.name, findings);
    const size = entries.reduce((total, e) => total + e.size, 0);
    if (size > budget) {
      findings.error('object-too-large', sightings.find((s) => s.hostname.value === host)!.hostname.origin,
        `hostname ${host} on cluster ${cluster.name}: its routes take ${size} bytes, more than one VirtualService holds (${budget}); ` +
          'a business domain is one object', environment.name);
    }
    return {
      hostname: host,
      gateway: EAST_WEST_GATEWAY_REF,
      virtualService: { name: domainObjectName(host), role: 'root' as const, http: mergeAdjacent(entries.map((e) => e.http)) },
    };
  });
}

/**
 * How the slot's cluster answers each hostname the slot's routes claim in its environment: served when within
 * the cluster's suffixes (and, for a wildcard, where it allows them), refused for a wildcard it does not allow,
 * elsewhere when outside its suffixes or the cluster serves no business domains. Pure: the rules are reported
 * once for the project by {@link checkHostnames}.
 */
export function hostnameSightings(slot: EnvironmentSlot): readonly HostnameSighting[] {
  let sightings = sightingsMemo.get(slot);
  if (sightings === undefined) sightingsMemo.set(slot, (sightings = findSightings(slot)));
  return sightings;
}

/** hostnameSightings per slot: planning finds them for every slot, each table for its own. */
const sightingsMemo = new WeakMap<EnvironmentSlot, readonly HostnameSighting[]>();

/**
 * The hostname sightings of every slot, in slot order (and kept for {@link hostnameSightings}). `landings`: every
 * landing of the slots, once (expand.ts expandLandings): when no route among them claims a hostname, no slot has a
 * sighting, which is known without going through each slot's landings (126,000 at the bench's tier L).
 */
export function projectSightings(slots: readonly EnvironmentSlot[], landings: readonly Landing[]): HostnameSighting[] {
  if (!landings.some((l) => l.route.hostnames !== undefined)) {
    for (const slot of slots) sightingsMemo.set(slot, []);
    return [];
  }
  return slots.flatMap(hostnameSightings);
}

function findSightings(slot: EnvironmentSlot): HostnameSighting[] {
  const { cluster, environment } = slot;
  const policy = cluster.gateway?.domains;
  const out: HostnameSighting[] = [];
  for (const { route } of slot.landings) {
    for (const hostname of route.hostnames?.[environment.name] ?? []) {
      out.push({ route, environment: environment.name, cluster: cluster.name, hostname, outcome: judge(hostname, policy) });
    }
  }
  return out;
}

function judge(hostname: Hostname, policy: DomainPolicy | undefined): HostnameSighting['outcome'] {
  if (!policy || !policy.suffixes.some((s) => withinSuffix(hostname.value, s))) return 'elsewhere';
  return hostname.value.startsWith('*.') && !policy.wildcards ? 'refused' : 'served';
}

function reportOverlaps(host: string, entries: readonly RouteEntry[], scope: string, findings: Findings): void {
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const a = entries[i];
      const b = entries[j];
      if (a.route === b.route || !mayOverlap(a, b)) continue;
      const witness = overlapWitness(a, b);
      const sample = witness === 'unknown' || witness === 'none' ? '' : ` (e.g. ${witness})`;
      for (const [x, y] of [[a, b], [b, a]]) {
        findings.error('domain-path-conflict', x.match.origin,
          `on hostname ${host}, ${describeMatch(x)} of route ${JSON.stringify(x.routeName)} and ${describeMatch(y)} of route ` +
            `${JSON.stringify(y.routeName)} (${where(y.match.origin)}) can take the same request${sample}; routes sharing a ` +
            'business domain must use paths no request can match both of',
          scope);
      }
    }
  }
}

/**
 * Project-wide hostname rules, over every slot's sightings:
 * - `wildcard-not-allowed`: a wildcard hostname within the suffixes of a cluster that allows none;
 * - `hostname-not-served`: a hostname no cluster hosting the environment serves (outside every suffix);
 * - `domain-in-two-environments`: one hostname in two environments of one cluster (one Gateway server, one
 *   Certificate and one VirtualService per hostname and cluster);
 * - `hostnames-never-used`: `hostnames.<env>` for an environment the route never lands in.
 */
export function checkHostnames(slots: readonly EnvironmentSlot[], sightings: readonly HostnameSighting[], findings: Findings): void {
  const byClaim = groupBy(sightings, (s) => `${s.route.name}\u0000${s.environment}\u0000${s.hostname.value}`);
  for (const list of byClaim.values()) {
    if (list.some((s) => s.outcome !== 'elsewhere')) continue;
    const { hostname, environment } = list[0];
    const zones = list.map((s) => describeZone(slots, s.cluster)).join('; ');
    findings.error('hostname-not-served', hostname.origin,
      `hostname ${hostname.value} is outside the business domains of every cluster hosting environment ${environment} (${zones}); ` +
        'expected a hostname within one of their spec.gateway.domains.suffixes');
  }

  for (const s of sightings.filter((x) => x.outcome === 'refused')) {
    const policy = slots.find((slot) => slot.cluster.name === s.cluster)!.cluster.gateway!.domains!;
    findings.error('wildcard-not-allowed', s.hostname.origin,
      `hostname ${s.hostname.value} is a wildcard, and cluster ${s.cluster} allows none ` +
        `(spec.gateway.domains.wildcards, ${where(policy.wildcardsOrigin)}); list the hostnames, or allow wildcards ` +
        '(their certificates need a DNS-01 issuer)');
  }

  const byHost = groupBy(sightings.filter((x) => x.outcome === 'served'), (s) => `${s.cluster}\u0000${s.hostname.value}`);
  for (const list of byHost.values()) {
    const envs = [...new Set(list.map((s) => s.environment))].sort(compareText);
    if (envs.length < 2) continue;
    for (const s of list) {
      findings.error('domain-in-two-environments', s.hostname.origin,
        `hostname ${s.hostname.value} is claimed in environments ${envs.join(', ')} of cluster ${s.cluster}; a hostname belongs to one environment per cluster`);
    }
  }

  // Only routes with hostnames (and landings of their names) matter: no string per landing of the project.
  const routes = new Set<Route>();
  for (let s = 0; s < slots.length; s++) {
    const landings = slots[s].landings;
    for (let i = 0; i < landings.length; i++) if (landings[i].route.hostnames) routes.add(landings[i].route);
  }
  if (routes.size === 0) return;
  const names = new Set([...routes].map((r) => r.name));
  const landed = new Set<string>();
  for (const slot of slots) {
    for (const l of slot.landings) if (names.has(l.route.name)) landed.add(`${l.route.name}\u0000${slot.environment.name}`);
  }
  for (const route of routes) {
    for (const [env, hosts] of Object.entries(route.hostnames ?? {})) {
      if (landed.has(`${route.name}\u0000${env}`) || hosts.length === 0) continue;
      findings.error('hostnames-never-used', hosts[0].origin,
        `route ${JSON.stringify(route.name)} never lands in environment ${env}, so its hostnames there are never served; ` +
          'expected an environment the route is deployed to');
    }
  }
}

function describeZone(slots: readonly EnvironmentSlot[], cluster: string): string {
  const domains = slots.find((s) => s.cluster.name === cluster)?.cluster.gateway?.domains;
  return domains ? `${cluster}: ${domains.suffixes.join(', ')}` : `${cluster}: none`;
}
