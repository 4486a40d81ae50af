import { FORWARDING_TABLE_NAME, gatewayHost } from '../../model/defaults';
import { Cluster } from '../../model/project';
import { atLeast } from '../../model/version';
import { EnvironmentSlot } from '../expand';
import { matchLiteral } from '../specificity';
import { compareText } from '../../util/compare';
import { ForwardingEntry, ForwardingTable } from './platform-table';

/** Spring Cloud Gateway moved its route properties in 4.3.0 (version-facts.md H). */
function springPropertyPrefix(cluster: Cluster): string {
  const v = cluster.javaGateway?.springCloudGateway;
  return !v || atLeast(v, 4, 3) ? 'spring.cloud.gateway.server.webflux' : 'spring.cloud.gateway';
}

/**
 * The Java site gateway's forwarding table of one cluster: per environment, the path patterns its routes use,
 * where to send them and the Host header they must carry. Derived from the same landings as the VirtualServices.
 */
export function makeForwardingTable(cluster: Cluster, slots: readonly EnvironmentSlot[]): ForwardingTable {
  const entries: ForwardingEntry[] = slots
    .filter((s) => s.cluster === cluster)
    .map((slot) => {
      const host = gatewayHost(slot.environment.namespace, cluster.clusterDomain);
      const matches = slot.landings.flatMap((l) => l.behaviour.match);
      return {
        environment: slot.environment.name,
        namespace: slot.environment.namespace,
        paths: pathPatterns(matches.map((m) => ({ kind: m.kind, value: m.value }))),
        target: `http://${cluster.javaGateway?.address ?? host}`,
        host,
      };
    })
    .sort((a, b) => compareText(a.environment, b.environment));
  return { name: FORWARDING_TABLE_NAME, springPropertyPrefix: springPropertyPrefix(cluster), entries };
}

/**
 * Segment-aligned Ant patterns covering every path the matches can match: an exact path stays itself; a prefix
 * or regex becomes `<directory of its literal>/**` (Zuul's AntPathMatcher and Spring's PathPattern only take
 * `**` as a whole segment). Patterns covered by a shorter one are dropped; the result is sorted.
 */
export function pathPatterns(matches: readonly { kind: 'exact' | 'prefix' | 'regex'; value: string }[]): string[] {
  const dirs = new Set<string>();
  const exacts = new Set<string>();
  for (const m of matches) {
    if (m.kind === 'exact') {
      exacts.add(m.value);
      continue;
    }
    const literal = matchLiteral(m.kind, m.value);
    dirs.add(literal.slice(0, literal.lastIndexOf('/') + 1) || '/');
  }
  // Every directory ends in `/`, so one that covers another is one of its `/`-ending prefixes: look those up
  // (linear in the path length) instead of comparing every pair (quadratic: 2.4 s for 3,000 routes).
  const covered = (path: string, own: string | undefined): boolean => {
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      const ancestor = path.slice(0, i + 1);
      if (ancestor !== own && dirs.has(ancestor)) return true;
    }
    return false;
  };
  const kept = [...dirs].filter((d) => !covered(d, d));
  const exactKept = [...exacts].filter((e) => !covered(e, undefined));
  return [...kept.map((d) => `${d}**`), ...exactKept].sort(compareText);
}
