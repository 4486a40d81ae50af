import { compareText } from '../util/compare';
import { ImportedBehaviour, behaviourKey } from './imported-route';

/** A route as seen in one (cluster, environment). */
export interface Placement {
  readonly cluster: string;
  readonly environment: string;
  readonly team: string;
  readonly behaviour: ImportedBehaviour;
}

/** The behaviour fields an override may replace (a field given in an override replaces the base field whole). */
type Field = 'service' | 'match' | 'rewriteUri' | 'timeoutMs' | 'retries' | 'traffic';
const FIELDS: readonly Field[] = ['service', 'match', 'rewriteUri', 'timeoutMs', 'retries', 'traffic'];

/** One Route document to write: base behaviour, where it applies, and per-environment overrides. */
export interface MergedRoute {
  readonly name: string;
  readonly team: string;
  readonly base: ImportedBehaviour;
  /** Absent: every environment. */
  readonly environments?: readonly string[];
  /** Absent: every cluster hosting the environments. */
  readonly clusters?: readonly string[];
  readonly overrides: Readonly<Record<string, Partial<ImportedBehaviour>>>;
  /** Why this route is one of several made from one name (a split the Route format needs), if it is. */
  readonly splitReason?: string;
}

/**
 * Merges every placement of each route name into as few Route documents as the Route format allows: one Route
 * with `environments`/`clusters` where the placements are exactly what those fields select, the most common
 * behaviour as the base and the others as `overrides`. Where the format cannot say it (the same environment
 * behaving differently in two clusters, or an override that would need to remove a field), the route is split
 * into several documents named `<name>-<cluster>` or `<name>-<environment>`, and `splitReason` says why.
 *
 * `hosting` maps each cluster to the environments it hosts (after the import), which is what the defaults of
 * `environments` and `clusters` select from.
 */
export function mergePlacements(
  byName: ReadonlyMap<string, readonly Placement[]>,
  hosting: ReadonlyMap<string, readonly string[]>,
): MergedRoute[] {
  const out: MergedRoute[] = [];
  for (const name of [...byName.keys()].sort(compareText)) {
    out.push(...mergeOne(name, byName.get(name)!, hosting));
  }
  return out;
}

function mergeOne(name: string, placements: readonly Placement[], hosting: ReadonlyMap<string, readonly string[]>): MergedRoute[] {
  const team = placements[0].team;
  const single = tryOne(name, team, placements, hosting);
  if (single) return [single];
  // The same environment behaves differently in two clusters, or the placements are no product of fields:
  // one Route per cluster.
  const clusters = [...new Set(placements.map((p) => p.cluster))].sort(compareText);
  const perCluster = clusters.map((c) => ({ c, ps: placements.filter((p) => p.cluster === c) }));
  const routes: MergedRoute[] = [];
  for (const { c, ps } of perCluster) {
    const suffixed = `${name}-${c}`.slice(0, 63).replace(/-+$/, '');
    const one = tryOne(suffixed, team, ps, hosting, [c]);
    if (one) {
      routes.push({ ...one, clusters: [c], splitReason: `the route differs between clusters in the same environment; one Route per cluster` });
      continue;
    }
    // Still not expressible (an override would have to remove a field): one Route per environment.
    for (const p of ps) {
      routes.push({
        name: `${suffixed}-${p.environment}`.slice(0, 63).replace(/-+$/, ''),
        team,
        base: p.behaviour,
        environments: [p.environment],
        clusters: [c],
        overrides: {},
        splitReason: 'an override would have to remove a field; one Route per environment',
      });
    }
  }
  return routes;
}

function tryOne(
  name: string,
  team: string,
  placements: readonly Placement[],
  hosting: ReadonlyMap<string, readonly string[]>,
  fixedClusters?: readonly string[],
): MergedRoute | undefined {
  // One behaviour per environment, whatever the cluster.
  const perEnv = new Map<string, ImportedBehaviour>();
  for (const p of placements) {
    const seen = perEnv.get(p.environment);
    if (seen && behaviourKey(seen) !== behaviourKey(p.behaviour)) return undefined;
    perEnv.set(p.environment, p.behaviour);
  }
  const placed = new Set(placements.map((p) => `${p.cluster}/${p.environment}`));
  const envs = [...perEnv.keys()].sort(compareText);
  const allEnvs = [...new Set([...hosting.values()].flat())].sort(compareText);
  const clusters = fixedClusters ?? [...new Set(placements.map((p) => p.cluster))].sort(compareText);
  const candidates: { environments?: string[]; clusters?: string[] }[] = fixedClusters
    ? [{ clusters: [...clusters] }, { environments: envs, clusters: [...clusters] }]
    : [{}, { environments: envs }, { clusters: [...clusters] }, { environments: envs, clusters: [...clusters] }];
  const fields = candidates.find((f) => sameSet(selected(f, hosting), placed));
  if (!fields) return undefined;
  if (fields.environments && sameList(fields.environments, allEnvs) && sameSet(selected({ clusters: fields.clusters }, hosting), placed)) {
    delete fields.environments;
  }
  const base = pickBase(envs, perEnv);
  if (!base) return undefined;
  const overrides: Record<string, Partial<ImportedBehaviour>> = {};
  for (const env of envs) {
    const diff = difference(base, perEnv.get(env)!);
    if (Object.keys(diff).length > 0) overrides[env] = diff;
  }
  return { name, team, base, ...fields, overrides };
}

/** The (cluster/env) pairs that `environments`/`clusters` select. */
function selected(f: { environments?: readonly string[]; clusters?: readonly string[] }, hosting: ReadonlyMap<string, readonly string[]>): Set<string> {
  const out = new Set<string>();
  for (const [cluster, envs] of hosting) {
    if (f.clusters && !f.clusters.includes(cluster)) continue;
    for (const env of envs) if (!f.environments || f.environments.includes(env)) out.add(`${cluster}/${env}`);
  }
  return out;
}

/**
 * The most common behaviour (ties: the first environment's) that every other environment can be expressed
 * against: an override can replace fields but never remove one the base has.
 */
function pickBase(envs: readonly string[], perEnv: ReadonlyMap<string, ImportedBehaviour>): ImportedBehaviour | undefined {
  const counts = new Map<string, { b: ImportedBehaviour; n: number; first: number }>();
  envs.forEach((env, i) => {
    const b = perEnv.get(env)!;
    const k = behaviourKey(b);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { b, n: 1, first: i });
  });
  const ranked = [...counts.values()].sort((a, b) => b.n - a.n || a.first - b.first);
  return ranked.find((c) => envs.every((env) => expressible(c.b, perEnv.get(env)!)))?.b;
}

function expressible(base: ImportedBehaviour, other: ImportedBehaviour): boolean {
  return FIELDS.every((f) => base[f] === undefined || other[f] !== undefined);
}

function difference(base: ImportedBehaviour, other: ImportedBehaviour): Partial<ImportedBehaviour> {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) {
    if (other[f] !== undefined && JSON.stringify(other[f]) !== JSON.stringify(base[f])) out[f] = other[f];
  }
  return out as Partial<ImportedBehaviour>;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
