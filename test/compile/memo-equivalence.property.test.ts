import * as fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadProject } from '../../src/load/load-project';
import { compileEachTable } from './memo-helpers';

/**
 * The memos one compile shares between its tables (SharedEntries, TableMemo, OrderCheckMemo, PlacementMemo) are keyed
 * by hand: each says which parts of a table its answer depends on (the action context, what sizes depend on, the
 * feature gates, retry values, regex dialect and policies a cluster's versions allow, delegation, the delegate push
 * bug...). A part left out of a key gives one cluster another cluster's entries, layout or verdict. So: for random
 * projects across the supported versions and route features, loaded from YAML by the real loader, every table and
 * every finding compiled with the memos must equal what compiling each table alone gives. table-memo.test.ts checks
 * chosen cases; this checks the combinations nobody wrote down.
 */
const VERSIONS = [
  ['1.1.0', '0.8.1'], ['1.3.8', '0.11.2'], ['1.4.10', '0.15.0'], ['1.5.4', '0.15.0'], ['1.7.8', '0.15.0'], ['1.10.3', '0.26.0'],
  ['1.11.8', '0.26.0'], ['1.12.1', '1.2.0'], ['1.12.2', '1.2.0'], ['1.13.9', '1.2.0'], ['1.16.7', '1.8.6'], ['1.18.7', '1.10.2'],
  ['1.22.6', '1.14.1'], ['1.24.3', '1.16.0'], ['1.30.3', '1.23.0'],
] as const;
const ENVS = ['alpha', 'beta', 'prod'] as const;
const TEAMS = ['shop', 'pay'] as const;
const SEGMENTS = ['', 'a', 'b', 'a/x', 'c'] as const;
const RETRY_ON = ['5xx', '503', 'connect-failure', 'retriable-4xx', 'reset-before-request', 'gateway-error'] as const;

/** `arb`'s value one time in `n`, else undefined. */
const oneIn = <T>(n: number, arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: n - 1 }, { arbitrary: arb, weight: 1 });
const rarely = (n: number): fc.Arbitrary<boolean> => oneIn(n, fc.constant(true)).map((b) => b === true);

const clusterArb = fc.record({
  /** Which of the project's two version pairs (clusters of one pair share work unless something else differs). */
  family: fc.nat(1),
  environments: fc.subarray([...ENVS], { minLength: 1 }),
  // mostly the defaults, so that clusters of one version family often compile alike and share work
  prodNamespace: rarely(4),
  remoteDomain: rarely(4),
  alphaFaults: fc.boolean(),
  perRoute: rarely(5),
  /** On the newer release: gateway proxies still on the older one (spec.gatewayProxy). */
  oldProxy: rarely(4),
});
type ClusterCase = typeof clusterArb extends fc.Arbitrary<infer T> ? T : never;

const matchArb = fc.record({
  kind: fc.constantFrom('prefix', 'exact', 'regex'),
  segment: fc.constantFrom(...SEGMENTS),
  condition: fc.constantFrom('none', 'none', 'methods', 'header'),
});

const routeArb = fc.record({
  team: fc.constantFrom(...TEAMS),
  matches: fc.array(matchArb, { minLength: 1, maxLength: 3 }),
  timeout: oneIn(2, fc.integer({ min: 1, max: 3 })),
  retries: oneIn(3, fc.record({ attempts: fc.integer({ min: 0, max: 3 }), retryOn: fc.subarray([...RETRY_ON]) })),
  traffic: fc.constantFrom('service', 'service', 'split', 'tags', 'tag'),
  answer: fc.constantFrom('forward', 'forward', 'forward', 'redirect', 'direct'),
  cors: rarely(3),
  headers: rarely(3),
  environments: oneIn(4, fc.subarray([...ENVS], { minLength: 1 })),
  clusters: oneIn(4, fc.array(fc.nat(3), { minLength: 1, maxLength: 2 })),
  override: oneIn(3, fc.record({ env: fc.constantFrom(...ENVS), what: fc.constantFrom('timeout', 'match', 'fault') })),
});
type RouteCase = typeof routeArb extends fc.Arbitrary<infer T> ? T : never;

/** What one cluster of a pair changes of the other: one thing the memos' keys must tell apart. */
const VARIANTS = ['family', 'oldProxy', 'alphaFaults', 'prodNamespace', 'remoteDomain', 'perRoute'] as const;

const projectArb = fc.record({
  // two releases, older first: neighbours half the time (a pair of clusters then differs in few of the things the
  // memos' keys must tell apart), any two otherwise
  versions: fc.oneof(
    fc.nat(VERSIONS.length - 2).map((i) => [VERSIONS[i], VERSIONS[i + 1]] as const),
    fc.tuple(fc.nat(VERSIONS.length - 1), fc.nat(VERSIONS.length - 1)).map(([i, j]) => [VERSIONS[Math.min(i, j)], VERSIONS[Math.max(i, j)]] as const),
  ),
  // a pair of clusters alike but for one thing, in either order, and up to two other clusters
  pair: fc.record({ base: clusterArb, variant: fc.constantFrom(...VARIANTS), variantFirst: fc.boolean() }),
  others: fc.array(clusterArb, { maxLength: 2 }),
  routes: fc.array(routeArb, { minLength: 2, maxLength: 10 }),
  payTeam: fc.boolean(),
  smallObjects: fc.boolean(),
  /**
   * A group of plain prefix routes under one prefix, too large for one small object (the small budget is then
   * used): delegated where Istio can (1.8+), with the delegate push bug warned on 1.12.0-1.12.1, refused as too
   * large before 1.8.
   */
  bulk: rarely(2),
});
type ProjectCase = typeof projectArb extends fc.Arbitrary<infer T> ? T : never;

/** The clusters of a case, in name order: the pair first. */
function clustersOf(p: ProjectCase): ClusterCase[] {
  const { base, variant, variantFirst } = p.pair;
  const changed: ClusterCase = variant === 'family'
    ? { ...base, family: 1 - base.family }
    : variant === 'oldProxy' ? { ...base, family: 1, oldProxy: !base.oldProxy } : { ...base, [variant]: !base[variant] };
  const pair = variantFirst ? [changed, variant === 'oldProxy' ? { ...base, family: 1 } : base] : [variant === 'oldProxy' ? { ...base, family: 1 } : base, changed];
  return [...pair, ...p.others];
}

function clusterYaml(name: string, c: ClusterCase, versions: readonly (readonly [string, string])[]): string {
  const [istio, knative] = versions[c.family];
  const envs = c.environments.map((e) => [
    `    - name: ${e}`,
    ...(e === 'prod' && c.prodNamespace ? ['      namespace: shop-prod'] : []),
    ...(e === 'alpha' && c.alphaFaults ? ['      allowFaults: true'] : []),
  ].join('\n'));
  return [
    'apiVersion: kfaas/v1', 'kind: Cluster', `metadata:\n  name: ${name}`, 'spec:',
    `  istio: "${istio}"`, `  knative: "${knative}"`,
    ...(c.remoteDomain ? ['  clusterDomain: corp.remote'] : []),
    ...(c.perRoute ? ['  layout: per-route'] : []),
    ...(c.oldProxy && c.family === 1 ? [`  gatewayProxy: "${versions[0][0]}"`] : []),
    '  environments:', ...envs, '',
  ].join('\n');
}

function matchYaml(team: string, m: RouteCase['matches'][number], indent: string): string {
  const base = `/faas/api/${team}/${m.segment}${m.segment ? '/' : ''}`;
  const value = m.kind === 'prefix' ? base : m.kind === 'exact' ? base.slice(0, -1) : `${base}[0-9]+`;
  const lines = [`${indent}- ${m.kind}: "${value}"`];
  if (m.condition === 'methods') lines.push(`${indent}  methods: [GET, POST]`);
  if (m.condition === 'header') lines.push(`${indent}  headers:`, `${indent}    x-canary: { exact: "true" }`);
  return lines.join('\n');
}

function routeYaml(name: string, r: RouteCase, clusters: readonly string[]): string {
  const lines = ['apiVersion: kfaas/v1', 'kind: Route', `metadata:\n  name: ${name}`, 'spec:', '  match:', ...r.matches.map((m) => matchYaml(r.team, m, '    '))];
  if (r.answer === 'redirect') lines.push('  redirect:', `    uri: /faas/api/${r.team}/moved/`, '    code: 308');
  else if (r.answer === 'direct') lines.push('  directResponse:', '    status: 410', '    body: gone');
  else {
    if (r.timeout !== undefined) lines.push(`  timeout: ${r.timeout}s`);
    if (r.retries) {
      lines.push('  retries:', `    attempts: ${r.retries.attempts}`);
      // retryOn with attempts 0 is refused by the loader (0 disables retries)
      if (r.retries.attempts > 0 && r.retries.retryOn.length > 0) lines.push(`    retryOn: [${r.retries.retryOn.map((v) => `"${v}"`).join(', ')}]`);
    }
    if (r.traffic === 'split') lines.push('  traffic:', `    - { service: ${name}, weight: 80 }`, `    - { service: ${name}-next, weight: 20 }`);
    if (r.traffic === 'tags') lines.push('  traffic:', `    - { service: ${name}, tag: blue, weight: 90 }`, `    - { service: ${name}, tag: green, weight: 10 }`);
    if (r.traffic === 'tag') lines.push('  tag: candidate');
  }
  if (r.cors) lines.push('  cors:', '    allowOrigins:', '      - exact: https://portal.example.com', '    allowMethods: [GET]');
  if (r.headers) {
    // request headers are refused on a route that answers itself (nothing is forwarded)
    lines.push('  headers:', ...(r.answer === 'forward' ? ['    request:', '      remove: [x-debug-user]'] : []), '    response:', '      set: { x-frame-options: SAMEORIGIN }');
  }
  if (r.environments) lines.push(`  environments: [${r.environments.join(', ')}]`);
  if (r.clusters) lines.push(`  clusters: [${[...new Set(r.clusters.map((i) => clusters[i % clusters.length]))].join(', ')}]`);
  // an override for an environment the route does not land in is refused (it never applies)
  if (r.override && (!r.environments || r.environments.includes(r.override.env))) {
    lines.push('  overrides:', `    ${r.override.env}:`);
    if (r.override.what === 'timeout') lines.push('      timeout: 9s');
    if (r.override.what === 'match') lines.push('      match:', matchYaml(r.team, { kind: 'prefix', segment: 'c', condition: 'none' }, '        '));
    if (r.override.what === 'fault') lines.push('      fault:', '        abort: { httpStatus: 503, percentage: 1 }');
  }
  return `${lines.join('\n')}\n`;
}

/** One file of 16 routes: `/faas/api/shop/bulk/` and 15 prefixes under it, each with a timeout (some bytes each). */
function bulkYaml(): string {
  const route = (name: string, prefix: string): string =>
    `apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: ${name}\nspec:\n  match:\n    - prefix: ${prefix}\n  timeout: 5s\n`;
  return [route('shop-bulk', '/faas/api/shop/bulk/'), ...Array.from({ length: 15 }, (_, i) => route(`shop-bulk-${i}`, `/faas/api/shop/bulk/b${i}/`))].join('---\n');
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-memo-equivalence-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('tables and findings compiled with the shared memos equal those compiled each alone, for random projects', () => {
  let run = 0;
  let compiled = 0;
  let shared = 0;
  fc.assert(
    fc.property(projectArb, (p) => {
      const dir = join(root, String(run++));
      const cases = clustersOf(p);
      const clusters = cases.map((_, i) => `c${i}`);
      mkdirSync(join(dir, 'clusters'), { recursive: true });
      cases.forEach((c, i) => writeFileSync(join(dir, 'clusters', `${clusters[i]}.yaml`), clusterYaml(clusters[i], c, p.versions)));
      for (const team of TEAMS) {
        mkdirSync(join(dir, 'routes', team), { recursive: true });
        if (team === 'shop' || p.payTeam) {
          writeFileSync(join(dir, 'routes', team, 'team.yaml'),
            `apiVersion: kfaas/v1\nkind: Team\nmetadata:\n  name: ${team}\nspec:\n  owns:\n    - /faas/api/${team}/\n`);
        }
      }
      p.routes.forEach((r, i) => writeFileSync(join(dir, 'routes', r.team, `r${i}.yaml`), routeYaml(`${r.team}-r${i}`, r, clusters)));
      if (p.bulk) writeFileSync(join(dir, 'routes', 'shop', 'bulk.yaml'), bulkYaml());
      const { project } = loadProject(dir);
      if (project.routes.length === 0) return;
      const budget = p.smallObjects || p.bulk ? 2500 : undefined;
      const withMemos = compileEachTable(project, true, budget);
      const alone = compileEachTable(project, false, budget);
      expect(withMemos).toEqual(alone);
      compiled++;
      // the memos did share something (else the property says nothing): some table took another's entries
      const https = withMemos.tables.map((t) => new Set(t.virtualServices.flatMap((vs) => vs.http)));
      if (https.some((a, i) => https.some((b, j) => j > i && [...a].some((h) => b.has(h))))) shared++;
      rmSync(dir, { recursive: true, force: true });
    }),
    { numRuns: 300, seed: 20261128 },
  );
  // most generated projects load routes and share work between tables: the property is not vacuous
  expect(compiled).toBeGreaterThan(160);
  expect(shared).toBeGreaterThan(80);
});
