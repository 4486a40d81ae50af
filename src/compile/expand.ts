import { behaviourIn, originIn, Cluster, Environment, Project, Route, RouteBehaviour } from '../model/project';
import { profileFor, VersionProfile } from '../versions/profile';
import { Findings } from './findings';
import { compareText } from '../util/compare';
import { groupBy } from '../util/group-by';

/** One (cluster, environment) the project deploys to, with the routes that land there. */
export interface EnvironmentSlot {
  readonly cluster: Cluster;
  readonly environment: Environment;
  readonly profile: VersionProfile;
  /** Sorted by route name. */
  readonly landings: readonly Landing[];
}

/** A route in one environment, with the behaviour it has there (`overrides.<env>` applied). */
export interface Landing {
  readonly route: Route;
  readonly behaviour: RouteBehaviour;
}

/** A (cluster, environment) pair by name. */
export interface Place {
  readonly cluster: string;
  readonly environment: string;
}

/** Clusters by name and which clusters host each environment. */
export interface HostingIndex {
  /** Sorted by name. */
  readonly clusters: readonly Cluster[];
  readonly byName: ReadonlyMap<string, Cluster>;
  /** Environment name → names of the clusters hosting it, sorted. */
  readonly hosts: ReadonlyMap<string, readonly string[]>;
  /** The names of the environments any cluster hosts, sorted. */
  readonly environments: readonly string[];
  /** Each cluster's environments, sorted by name. */
  readonly sortedEnvironments: ReadonlyMap<Cluster, readonly Environment[]>;
}

export function makeHostingIndex(clusters: readonly Cluster[]): HostingIndex {
  const sorted = [...clusters].sort((a, b) => compareText(a.name, b.name));
  const hosting = groupBy(
    sorted.flatMap((c) => c.environments.map((e) => ({ environment: e.name, cluster: c.name }))), (h) => h.environment, (h) => h.cluster);
  const hosts = new Map([...hosting].map(([environment, names]) => [environment, [...new Set(names)]]));
  return {
    clusters: sorted, byName: new Map(sorted.map((c) => [c.name, c])), hosts, environments: [...hosts.keys()].sort(),
    sortedEnvironments: new Map(sorted.map((c) => [c, [...c.environments].sort((a, b) => compareText(a.name, b.name))])),
  };
}

/**
 * Where a route lands: every environment in `route.environments` (default all) on every cluster in
 * `route.clusters` (default every cluster hosting it). Reports, at the route, environments no cluster hosts,
 * unknown clusters, environments none of the named clusters host, and `overrides.<env>` keys for environments
 * the route never lands in. Places are sorted by cluster, then environment.
 */
export function placeRoute(route: Route, index: HostingIndex, findings: Findings): Place[] {
  const at = route.origin.at;
  const known = index.environments;
  route.environments?.forEach((env, i) => {
    if (!index.hosts.has(env)) {
      findings.errorAt('unknown-environment', route.environmentOrigins?.[i]?.at ?? at, `spec.environments[${i}]`,
        `environment ${JSON.stringify(env)} is not hosted by any cluster; hosted environments: ${list(known)}`);
    }
  });
  const named: Cluster[] = [];
  route.clusters?.forEach((name, i) => {
    const c = index.byName.get(name);
    if (c) named.push(c);
    else {
      findings.errorAt('unknown-cluster', route.clusterOrigins?.[i]?.at ?? at, `spec.clusters[${i}]`,
        `cluster ${JSON.stringify(name)} does not exist; clusters: ${list(index.clusters.map((k) => k.name))}`);
    }
  });
  if (route.clusters && route.environments) {
    route.environments.forEach((env, i) => {
      const hosts = index.hosts.get(env);
      if (hosts && !named.some((c) => c.environments.some((e) => e.name === env))) {
        findings.errorAt('environment-not-on-clusters', route.environmentOrigins?.[i]?.at ?? at, `spec.environments[${i}]`,
          `environment ${JSON.stringify(env)} is not hosted by any of the route's clusters (${route.clusters!.join(', ')}); ` +
            `it is hosted by ${hosts.join(', ')}`);
      }
    });
  }
  const candidates = route.clusters ? index.clusters.filter((c) => named.includes(c)) : index.clusters;
  const places: Place[] = [];
  for (const c of candidates) {
    for (const e of index.sortedEnvironments.get(c)!) {
      if (!route.environments || route.environments.includes(e.name)) places.push({ cluster: c.name, environment: e.name });
    }
  }
  checkOverrides(route, [...new Set(places.map((p) => p.environment))].sort(), findings);
  return places;
}

/** Reports `overrides.<env>` keys for environments the route never lands in (`landsIn`, sorted). */
function checkOverrides(route: Route, landsIn: readonly string[], findings: Findings): void {
  const envs = Object.keys(route.overrides);
  if (envs.length === 1 && landsIn.includes(envs[0])) return; // the common case: one override, used
  for (const env of envs.sort()) {
    if (!landsIn.includes(env)) {
      findings.errorAt('override-never-used', originIn(route, env).at, `spec.overrides.${env}`,
        `overrides.${env} names an environment route ${JSON.stringify(route.name)} never lands in; ` +
          `it lands in: ${list(landsIn)}`);
    }
  }
}

/**
 * Every (cluster, environment) slot, sorted by cluster then environment, each with the routes landing there
 * (sorted by name) and their behaviour in that environment. A route's landing in an environment is one object,
 * shared by the slots of every cluster it lands on there.
 */
export function expandProject(project: Project, findings: Findings): EnvironmentSlot[] {
  return expandLandings(project, findings).slots;
}

/** What {@link expandLandings} finds. */
export interface Expansion {
  /** As {@link expandProject} gives them. */
  readonly slots: EnvironmentSlot[];
  /**
   * Every landing of the slots once (a route's landing in an environment is shared by the slots of every cluster
   * hosting it there), in route order then environment order: what project-wide checks of behaviours go through
   * (at the bench's tier L, 21,000 instead of 126,000).
   */
  readonly landings: readonly Landing[];
}

/** {@link expandProject}, with each distinct landing listed once. */
export function expandLandings(project: Project, findings: Findings): Expansion {
  const index = makeHostingIndex(project.clusters);
  const routes = [...project.routes].sort((a, b) => compareText(a.name, b.name) || compareText(a.origin.at.file, b.origin.at.file));
  // The slots' landing lists by cluster and environment name, filled in route order (names are unique in a valid
  // project; in one with duplicates, reported by the loader, slots of one name share one list).
  const lists = new Map<string, Map<string, Landing[]>>();
  const listOf = (cluster: string, environment: string): Landing[] => {
    let byEnvironment = lists.get(cluster);
    if (!byEnvironment) lists.set(cluster, (byEnvironment = new Map()));
    let list = byEnvironment.get(environment);
    if (!list) byEnvironment.set(environment, (list = []));
    return list;
  };
  // Where a route without clusters or environments lands: everywhere (placeRoute's places then, without a lookup per
  // place): in every environment (in order of first place), each landing pushed to the lists of its clusters.
  const distinct: Landing[] = [];
  const everywhere = index.clusters.flatMap((c) => index.sortedEnvironments.get(c)!.map((e) => ({ cluster: c.name, environment: e.name })));
  const everywhereEnvironments = [...new Set(everywhere.map((p) => p.environment))];
  const everywhereLists = everywhere.map((p) => ({ list: listOf(p.cluster, p.environment), at: everywhereEnvironments.indexOf(p.environment) }));
  // Indexed loops over the routes (here and in the other passes over every route or landing): a command runs them
  // before V8 optimizes them, and a for-of there makes an iterator result per item (megabytes at tier L).
  for (let r = 0; r < routes.length; r++) {
    const route = routes[r];
    if (!route.clusters && !route.environments) {
      checkOverrides(route, index.environments, findings);
      const landings = everywhereEnvironments.map((environment): Landing => ({ route, behaviour: behaviourIn(route, environment) }));
      for (let i = 0; i < landings.length; i++) distinct.push(landings[i]);
      for (let i = 0; i < everywhereLists.length; i++) everywhereLists[i].list.push(landings[everywhereLists[i].at]);
      continue;
    }
    const places = placeRoute(route, index, findings);
    const byEnvironment = new Map<string, Landing>();
    for (const p of places) {
      let landing = byEnvironment.get(p.environment);
      if (!landing) {
        byEnvironment.set(p.environment, (landing = { route, behaviour: behaviourIn(route, p.environment) }));
        distinct.push(landing);
      }
      listOf(p.cluster, p.environment).push(landing);
    }
  }
  const slots: EnvironmentSlot[] = [];
  for (const cluster of index.clusters) {
    const profile = profileFor(cluster);
    for (const environment of [...cluster.environments].sort((a, b) => compareText(a.name, b.name))) {
      slots.push({ cluster, environment, profile, landings: listOf(cluster.name, environment.name) });
    }
  }
  return { slots, landings: distinct };
}

function list(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.join(', ');
}
