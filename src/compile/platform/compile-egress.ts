import { Diagnostic } from '../../diagnostics/diagnostic';
import { Egress } from '../../model/egress';
import { Cluster, Route } from '../../model/project';
import { findConflicts } from '../conflicts';
import { ForwardAction } from '../route-table';
import { makeEntries, RouteEntry, sortEntries } from '../entries';
import { Findings } from '../findings';
import { compareText } from '../../util/compare';
import { makeMatchTable, makeRetries } from '../table-builders';
import { checkRetries } from '../version-checks';
import { profileFor } from '../../versions/profile';
import { EgressHttpTable } from './platform-table';
import { groupBy } from '../../util/group-by';

/**
 * Egress documents per cluster: which clusters each lands on, the allowed prefixes in specificity order (the same
 * order and conflict rules as routes: a duplicate or shadowed prefix would give one team's timeout and retries
 * to another's calls), as the one mesh VirtualService of the cluster will list them.
 */
export function compileEgress(egresses: readonly Egress[], clusters: readonly Cluster[], findings: Findings): Map<string, EgressHttpTable[]> {
  const withExport = clusters.filter((c) => c.javaExport).map((c) => c.name).sort(compareText);
  const placed = [...egresses].sort((a, b) => compareText(a.name, b.name))
    .flatMap((egress) => placeEgress(egress, clusters, withExport, findings).map((cluster) => ({ cluster, egress })));
  const byCluster = groupBy(placed, (p) => p.cluster, (p) => p.egress);
  const out = new Map<string, EgressHttpTable[]>();
  for (const [name, list] of byCluster) out.set(name, orderPrefixes(clusters.find((c) => c.name === name)!, list, findings));
  return out;
}

function placeEgress(egress: Egress, clusters: readonly Cluster[], withExport: readonly string[], findings: Findings): string[] {
  if (!egress.clusters) {
    if (withExport.length === 0) {
      findings.error('no-java-export', egress.origin,
        `egress ${JSON.stringify(egress.name)} has nowhere to go: no cluster declares spec.javaExport (where the Java export gateway is)`);
    }
    return [...withExport];
  }
  const out: string[] = [];
  egress.clusters.forEach((name, i) => {
    const origin = egress.clusterOrigins?.[i] ?? egress.origin;
    const cluster = clusters.find((c) => c.name === name);
    if (!cluster) {
      findings.errorAt('unknown-cluster', origin.at, origin.path,
        `cluster ${JSON.stringify(name)} does not exist; clusters: ${clusters.map((c) => c.name).sort(compareText).join(', ') || '(none)'}`);
    } else if (!cluster.javaExport) {
      findings.errorAt('no-java-export', origin.at, origin.path,
        `cluster ${name} declares no spec.javaExport (where the Java export gateway is); clusters that do: ${withExport.join(', ') || '(none)'}`);
    } else {
      out.push(name);
    }
  });
  return out;
}

/** An Egress seen as a Route, so the route compiler's entries, order and conflict rules apply unchanged. */
function asRoute(egress: Egress): Route {
  return {
    name: egress.name,
    team: egress.team,
    base: { service: egress.name, match: egress.prefixes, ...(egress.timeoutMs !== undefined ? { timeoutMs: egress.timeoutMs } : {}), ...(egress.retries ? { retries: egress.retries } : {}) },
    overrides: {},
    origin: egress.origin,
  };
}

function orderPrefixes(cluster: Cluster, egresses: readonly Egress[], findings: Findings): EgressHttpTable[] {
  const profile = profileFor(cluster);
  const entries: RouteEntry[] = [];
  const byRoute = new Map<Route, Egress>();
  const local = new Findings();
  // The route rules, unchanged: the cluster's Istio must accept each retry policy (one name its webhook does not
  // know rejects the whole VirtualService, every team's prefixes with it).
  const slot = { cluster, profile, environment: { name: cluster.name, namespace: '', allowFaults: false, origin: cluster.origin }, landings: [] };
  for (const egress of egresses) {
    const route = asRoute(egress);
    byRoute.set(route, egress);
    checkRetries({ route, behaviour: route.base }, slot, local);
    const retries = makeRetries(egress.retries, profile);
    const action: ForwardAction = { type: 'forward', ...(retries ? { retries } : {}), destinations: [] };
    for (const match of egress.prefixes) entries.push(...makeEntries(route, match, action, (https) => https.map(() => 0)));
  }
  const sorted = sortEntries(entries);
  findConflicts(sorted, cluster.name, local, { crossRoute: true });
  for (const d of local.diagnostics) reportOnCluster(d, findings);
  return sorted.map((e) => {
    const egress = byRoute.get(e.route)!;
    const retries = makeRetries(egress.retries, profile);
    return {
      name: egress.name,
      team: egress.team,
      origin: egress.origin,
      match: makeMatchTable(e.match),
      ...(egress.timeoutMs !== undefined ? { timeoutMs: egress.timeoutMs } : {}),
      ...(retries ? { retries } : {}),
    };
  });
}

/** The conflict rules speak of routes in environments; for Egress they are Egress documents on clusters. */
function reportOnCluster(d: Diagnostic, findings: Findings): void {
  if (d.severity !== 'error') return;
  const message = d.message
    .replace(/\broute "/g, 'egress "')
    .replace(/ \(in environments? ([^)]*)\)$/, (_m, list: string) => ` (on cluster${list.includes(',') ? 's' : ''} ${list})`);
  findings.errorAt(d.code, d.location, d.path, message);
}
