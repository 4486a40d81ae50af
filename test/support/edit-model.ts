import * as fc from 'fast-check';
import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';

/**
 * A small project as a model, random edits of it and its files: the edit sequences of the incremental property tests
 * (test/cache/incremental.property.test.ts, test/watch/watch.property.test.ts). Edits cover routes, teams, clusters,
 * environments, versions and patch releases, comments and key order in cluster files, business-domain hostnames and
 * a cluster's domains.
 */
const TEAMS = ['shop', 'pay', 'web'] as const;
const ENVS = ['alpha', 'beta', 'prod'] as const;
/**
 * Compatible Istio/Knative pairs across the profiles (v1alpha3 and v1beta1/v1, old and new gateway names), with a
 * Kubernetes release of their time (the east-west gateway's HPA/PDB API versions).
 */
export const VERSIONS = [
  ['1.4.10', '0.11.2', '1.16.15'],
  ['1.5.4', '0.15.0', '1.16.15'],
  ['1.12.9', '0.26.0', '1.22.17'],
  ['1.22.6', '1.14.1', '1.29.4'],
  ['1.30.3', '1.23.0', '1.31.0'],
  // Istio 1.2.0 warns at spec.istio in every environment (istio-default-retries); 1.2.1 (a patch) does not
  ['1.2.0', '0.9.0', '1.14.10'],
] as const;

export interface RouteModel {
  readonly name: string;
  readonly team: (typeof TEAMS)[number];
  /** Which of the team's two files holds it (files may hold several documents). */
  readonly file: 'a' | 'b';
  readonly kind: 'prefix' | 'exact';
  readonly path: string;
  readonly timeout?: number;
  readonly environments?: readonly string[];
  /** `overrides.prod.timeout` (the override shares the base's match list in the model). */
  readonly prodTimeout?: number;
  /** `hostnames.<env>`: one business domain per environment at most (in the model). */
  readonly hostnames?: Readonly<Record<string, string>>;
}

export interface ClusterModel {
  readonly name: string;
  readonly versions: number;
  readonly environments: readonly string[];
  /** Has an east-west gateway serving business domains under example.com. */
  readonly domains?: boolean;
  /** Added to the Istio and Knative patch releases of `versions` (a patch bump, within a version class or across one). */
  readonly patch?: number;
  /** Comment lines at the top of the file (every line below moves). */
  readonly comments?: number;
  /** `environments` written before the versions (another key order). */
  readonly reordered?: boolean;
}

export interface Model {
  readonly clusters: readonly ClusterModel[];
  /** Teams with a Team document (owning /faas/api/<team>/). */
  readonly teams: readonly string[];
  readonly routes: readonly RouteModel[];
}

export type Edit = (m: Model) => Model;

export const INITIAL: Model = {
  clusters: [
    { name: 'c-one', versions: 2, environments: ['alpha', 'prod'] },
    { name: 'c-two', versions: 4, environments: ['alpha', 'beta', 'prod'], domains: true },
  ],
  teams: ['shop'],
  routes: [
    { name: 'shop-cart', team: 'shop', file: 'a', kind: 'prefix', path: '/faas/api/shop/cart/', hostnames: { prod: 'cart.example.com' } },
    { name: 'shop-list', team: 'shop', file: 'a', kind: 'exact', path: '/faas/api/shop/list', timeout: 3, prodTimeout: 30 },
    { name: 'pay-go', team: 'pay', file: 'b', kind: 'prefix', path: '/faas/api/pay/go/', environments: ['prod'] },
  ],
};

export const pick = <T>(items: readonly T[], i: number): T | undefined => (items.length === 0 ? undefined : items[i % items.length]);
export const without = <T>(items: readonly T[], x: T): T[] => items.filter((i) => i !== x);

/** Edits of cluster files: environments, versions, patch releases, comments, key order. */
export const clusterFileEdits: fc.Arbitrary<Edit>[] = [
  fc.record({ i: fc.nat(), env: fc.constantFrom(...ENVS) }).map(({ i, env }): Edit => (m) => {
    const c = pick(m.clusters, i)!;
    const environments = c.environments.includes(env) ? without(c.environments, env) : [...c.environments, env];
    if (environments.length === 0) return m;
    return { ...m, clusters: m.clusters.map((x) => (x === c ? { ...c, environments } : x)) };
  }),
  fc.record({ i: fc.nat(), versions: fc.nat(VERSIONS.length - 1) }).map(({ i, versions }): Edit => (m) => {
    const c = pick(m.clusters, i)!;
    return { ...m, clusters: m.clusters.map((x) => (x === c ? { ...c, versions } : x)) };
  }),
  // Cluster-file edits that mostly keep the output (tables are keyed by what they take from the file, not its text)
  fc.record({ i: fc.nat(), patch: fc.nat(2) }).map(({ i, patch }): Edit => (m) => {
    const c = pick(m.clusters, i)!;
    return { ...m, clusters: m.clusters.map((x) => (x === c ? { ...c, patch } : x)) };
  }),
  fc.nat().map((i): Edit => (m) => {
    const c = pick(m.clusters, i)!;
    return { ...m, clusters: m.clusters.map((x) => (x === c ? { ...c, comments: ((c.comments ?? 0) + 1) % 3 } : x)) };
  }),
  fc.nat().map((i): Edit => (m) => {
    const c = pick(m.clusters, i)!;
    return { ...m, clusters: m.clusters.map((x) => (x === c ? { ...c, reordered: !c.reordered } : x)) };
  }),
];

export const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ team: fc.constantFrom(...TEAMS), seg: fc.constantFrom('a', 'b', 'c', 'ab', 'x'), kind: fc.constantFrom('prefix' as const, 'exact' as const), file: fc.constantFrom('a' as const, 'b' as const), n: fc.nat(99) })
    .map(({ team, seg, kind, file, n }): Edit => (m) => {
      const name = `${team}-${seg}-${n}`;
      if (m.routes.some((r) => r.name === name)) return m;
      const path = `/faas/api/${team}/${seg}${n}${kind === 'prefix' ? '/' : ''}`;
      return { ...m, routes: [...m.routes, { name, team, file, kind, path }] };
    }),
  fc.nat().map((i): Edit => (m) => {
    const r = pick(m.routes, i);
    return r ? { ...m, routes: without(m.routes, r) } : m;
  }),
  fc.record({ i: fc.nat(), seg: fc.constantFrom('v2', 'z', 'cart') }).map(({ i, seg }): Edit => (m) => {
    const r = pick(m.routes, i);
    if (!r) return m;
    const path = r.kind === 'prefix' ? `${r.path}${seg}/` : `${r.path}-${seg}`;
    return { ...m, routes: m.routes.map((x) => (x === r ? { ...r, path } : x)) };
  }),
  fc.record({ i: fc.nat(), timeout: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }) }).map(({ i, timeout }): Edit => (m) => {
    const r = pick(m.routes, i);
    return r ? { ...m, routes: m.routes.map((x) => (x === r ? { ...r, timeout } : x)) } : m;
  }),
  fc.record({ i: fc.nat(), envs: fc.option(fc.subarray([...ENVS], { minLength: 1 }), { nil: undefined }) }).map(({ i, envs }): Edit => (m) => {
    const r = pick(m.routes, i);
    return r ? { ...m, routes: m.routes.map((x) => (x === r ? { ...r, environments: envs } : x)) } : m;
  }),
  fc.record({ i: fc.nat() }).map(({ i }): Edit => (m) => {
    const r = pick(m.routes, i);
    return r ? { ...m, routes: m.routes.map((x) => (x === r ? { ...r, file: r.file === 'a' ? 'b' : 'a' } : x)) } : m;
  }),
  fc.record({ i: fc.nat(), timeout: fc.option(fc.integer({ min: 10, max: 60 }), { nil: undefined }) }).map(({ i, timeout }): Edit => (m) => {
    const r = pick(m.routes, i);
    return r ? { ...m, routes: m.routes.map((x) => (x === r ? { ...r, prodTimeout: timeout } : x)) } : m;
  }),
  // Business domains: a hostname per environment (example.com is c-two's zone; other.org is nobody's: an error)
  fc.record({ i: fc.nat(), env: fc.constantFrom(...ENVS), host: fc.option(fc.constantFrom('cart.example.com', 'pay.example.com', 'x.other.org'), { nil: undefined }) })
    .map(({ i, env, host }): Edit => (m) => {
      const r = pick(m.routes, i);
      if (!r) return m;
      const hostnames = Object.fromEntries(Object.entries({ ...r.hostnames, [env]: host }).filter(([, h]) => h !== undefined)) as Record<string, string>;
      return { ...m, routes: m.routes.map((x) => (x === r ? { ...r, hostnames } : x)) };
    }),
  fc.nat().map((i): Edit => (m) => {
    const c = pick(m.clusters, i)!;
    return { ...m, clusters: m.clusters.map((x) => (x === c ? { ...c, domains: !c.domains } : x)) };
  }),
  fc.constantFrom(...TEAMS).map((team): Edit => (m) => ({ ...m, teams: m.teams.includes(team) ? without(m.teams, team) : [...m.teams, team] })),
  fc.record({ name: fc.constantFrom('c-one', 'c-two', 'c-three'), versions: fc.nat(VERSIONS.length - 1), envs: fc.subarray([...ENVS], { minLength: 1 }) })
    .map(({ name, versions, envs }): Edit => (m) => {
      const existing = m.clusters.find((c) => c.name === name);
      if (existing && m.clusters.length > 1) return { ...m, clusters: without(m.clusters, existing) };
      if (existing) return m;
      return { ...m, clusters: [...m.clusters, { name, versions, environments: envs }] };
    }),
  ...clusterFileEdits,
);

/** `1.22.6` plus `patch` patch releases. */
const bumped = (version: string, patch = 0): string => version.replace(/\d+$/, (p) => String(Number(p) + patch));

/** The model's files (path relative to the project root -> text). */
export function modelFiles(m: Model): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of m.clusters) {
    const [istio, knative, kubernetes] = VERSIONS[c.versions];
    const envs = `  environments:\n${c.environments.map((e) => `    - name: ${e}`).join('\n')}\n`;
    const versions = `  istio: "${bumped(istio, c.patch)}"\n  knative: "${bumped(knative, c.patch)}"\n`;
    const gateway = c.domains ? `  kubernetes: "${kubernetes}"\n` + '  gateway:\n    domains:\n      suffixes: [example.com]\n      issuer: { name: le }\n' : '';
    const comments = Array.from({ length: c.comments ?? 0 }, (_, n) => `# comment ${n}\n`).join('');
    out.set(`clusters/${c.name}.yaml`,
      `${comments}apiVersion: kfaas/v1\nkind: Cluster\nmetadata:\n  name: ${c.name}\nspec:\n${c.reordered ? envs + gateway + versions : versions + gateway + envs}`);
  }
  const files = new Map<string, string[]>();
  const add = (path: string, doc: string): void => {
    files.set(path, [...(files.get(path) ?? []), doc]);
  };
  for (const team of m.teams) add(`routes/${team}/team.yaml`, `apiVersion: kfaas/v1\nkind: Team\nmetadata:\n  name: ${team}\nspec:\n  owns: [/faas/api/${team}/]\n`);
  for (const r of m.routes) {
    const lines = ['apiVersion: kfaas/v1', 'kind: Route', `metadata:\n  name: ${r.name}`, 'spec:', `  match:\n    - ${r.kind}: ${r.path}`];
    if (r.timeout !== undefined) lines.push(`  timeout: ${r.timeout}s`);
    if (r.environments) lines.push(`  environments: [${r.environments.join(', ')}]`);
    const hostnames = Object.entries(r.hostnames ?? {}).map(([env, host]) => `    ${env}: [${host}]`);
    if (hostnames.length > 0) lines.push(`  hostnames:\n${hostnames.join('\n')}`);
    if (r.prodTimeout !== undefined) lines.push(`  overrides:\n    prod: { timeout: ${r.prodTimeout}s }`);
    add(`routes/${r.team}/${r.file}.yaml`, lines.join('\n') + '\n');
  }
  for (const [path, docs] of files) out.set(path, docs.join('---\n'));
  return out;
}

/** Writes the model's files under root, removing the previous ones. */
export function writeModel(root: string, m: Model): void {
  rmSync(join(root, 'clusters'), { recursive: true, force: true });
  rmSync(join(root, 'routes'), { recursive: true, force: true });
  mkdirSync(join(root, 'clusters'), { recursive: true });
  for (const [path, text] of modelFiles(m)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}
