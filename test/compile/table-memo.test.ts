import { planProject } from '../../src/compile/compile-project';
import { Findings } from '../../src/compile/findings';
import { actionContextKey, actionContextOf, ActionContext } from '../../src/compile/policy-tables';
import { forwardedMatches, makeForwardingTable, pathPatterns } from '../../src/compile/platform/forwarding';
import { EnvironmentTable } from '../../src/compile/route-table';
import { httpRouteProfileKey } from '../../src/emit/istio/http-route';
import { Project } from '../../src/model/project';
import { ProjectBuilder } from '../support/project-builder';
import { compileEachTable, emittedSizes } from './memo-helpers';

/**
 * The tables of one compile share route entries, sorted lists, order-check findings, layouts and placements where
 * their inputs say they are alike (SharedEntries, TableMemo, OrderCheckMemo, PlacementMemo): every table, and every
 * finding with the environments it is reported in, must be exactly what compiling each table alone gives. The
 * project mixes what the shared keys must tell apart: namespaces, Istio versions with and without delegation, with
 * and without the delegate push bug, per-destination authority, Knative's two local gateways, retry policies an
 * older Istio rejects, routes landing on some clusters or environments only, overrides of matches, and conflicts.
 */
const shop = (n: number): string => `/faas/api/shop/p${String(n).padStart(2, '0')}/`;
const project: Project = new ProjectBuilder()
  // a-fixed and b-bug differ only in the delegate push bug (1.12.0-1.12.1): both delegate, only b-bug warns
  .cluster('a-fixed', { istio: '1.12.2', knative: '1.2.0', environments: ['alpha', 'beta', { name: 'prod', namespace: 'shop-prod' }] })
  .cluster('b-bug', { istio: '1.12.1', knative: '1.2.0', environments: ['alpha', 'beta', 'prod'] })
  .cluster('c-same', { istio: '1.16.7', knative: '1.8.6', environments: ['alpha', 'beta', 'prod'] })
  .cluster('d-old', { istio: '1.7.8', knative: '0.15.0', environments: ['alpha', 'prod'] })
  .cluster('e-no-authority', { istio: '1.11.8', knative: '0.26.0', environments: ['alpha', 'beta'] })
  .team('shop', ['/faas/api/shop/'])
  .route('shop-all', { match: ['/faas/api/shop/'], retries: { attempts: 2, retryOn: ['5xx', '503', 'retriable-4xx'] } })
  .route('shop-split', { match: ['/faas/api/shop/split/'], traffic: [{ service: 'a', weight: 30 }, { service: 'b', weight: 70 }], clusters: ['a-fixed', 'c-same'] })
  .route('shop-dup-1', { match: [{ exact: '/faas/api/shop/dup' }] })
  .route('shop-dup-2', { match: [{ exact: '/faas/api/shop/dup' }], environments: ['alpha', 'prod'] })
  .route('shop-shadowed', { match: ['/faas/api/shop/p01/deep/'], overrides: { prod: { match: ['/faas/api/shop/other/'] } } })
  .route('shop-beta-only', { match: ['/faas/api/shop/beta/'], environments: ['beta'], clusters: ['b-bug', 'c-same'] })
  .cluster('f-new', { istio: '1.24.3', knative: '1.16.0', environments: ['alpha'] })
  .route('shop-none', { match: ['/faas/api/shop/none/'], retries: { attempts: 0 } })
  .route('shop-new-retry', { match: ['/faas/api/shop/new/'], retries: { attempts: 2, retryOn: ['reset-before-request'] }, environments: ['alpha'] })
  // a team without a Team document: its paths are forwarded one by one
  .route('open-a', { team: 'open', match: ['/faas/api/open/a/', { exact: '/faas/api/open/a' }], clusters: ['a-fixed', 'f-new'] })
  .route('open-b', { team: 'open', match: ['/faas/api/open/b/'], overrides: { prod: { match: ['/faas/api/open/b-prod/'] } } })
  .route('open-c', { team: 'open', match: [{ regex: '/faas/api/open/c/[0-9]+' }], environments: ['beta'] })
  .build();
// enough routes under one prefix that the group needs delegation with the small budget below
const many = Array.from({ length: 24 }, (_, i) => i);
const big: Project = many.reduce((b, i) => b.route(`shop-p${i}`, { match: [shop(i), { exact: shop(i).slice(0, -1) }], timeoutMs: 1000 + i }), new ProjectBuilder()
  .cluster('a-fixed', { istio: '1.12.2', knative: '1.2.0', environments: ['alpha', 'prod'] })
  .cluster('b-bug', { istio: '1.12.1', knative: '1.2.0', environments: ['alpha', 'prod'] })
  .cluster('c-same', { istio: '1.13.9', knative: '1.2.0', environments: ['alpha', 'prod'] })
  .cluster('d-no-delegation', { istio: '1.7.8', knative: '1.2.0', environments: ['alpha'] })
  .team('shop', ['/faas/api/shop/'])
  .route('shop-root', { match: ['/faas/api/shop/'] })
  // a conflict in every environment: found once, reported in each
  .route('shop-dup-a', { match: [{ exact: '/faas/api/shop/dup' }] })
  .route('shop-dup-b', { match: [{ exact: '/faas/api/shop/dup' }] })).build();

const options = emittedSizes;
const compileAll = compileEachTable;

test('tables and findings compiled with the shared memos equal those compiled each alone', () => {
  const shared = compileAll(project, true);
  expect(shared).toEqual(compileAll(project, false));
  // the project does exercise the scoped findings: a duplicate in alpha and prod only, retries refused on old Istio
  const codes = shared.findings.flat().map((r) => `${r.diagnostic.code} ${r.scopes.join(',')}`);
  expect(codes).toEqual(expect.arrayContaining(['duplicate-match alpha', 'duplicate-match prod', 'retry-on-unsupported alpha', 'route-unreachable prod']));
  expect(codes).not.toContain('duplicate-match beta');
});

test('layouts are shared only where they find nothing: the delegate push bug is reported on its own cluster', () => {
  const shared = compileAll(big, true, 4000);
  expect(shared).toEqual(compileAll(big, false, 4000));
  const layoutCodes = ['delegate-push-bug', 'object-too-large'];
  const warned = shared.tables.map((t, i) => [t.cluster, t.environment,
    shared.findings[i].map((r) => r.diagnostic.code).filter((c) => layoutCodes.includes(c)).sort().join(' ')]);
  expect(warned).toEqual([
    ['a-fixed', 'alpha', ''], ['a-fixed', 'prod', ''],
    ['b-bug', 'alpha', 'delegate-push-bug'], ['b-bug', 'prod', 'delegate-push-bug'],
    ['c-same', 'alpha', ''], ['c-same', 'prod', ''],
    ['d-no-delegation', 'alpha', 'object-too-large'],
  ]);
  // a-fixed and c-same lay their environments out alike: one layout, shared
  const table = (c: string, e: string): EnvironmentTable => shared.tables.find((t) => t.cluster === c && t.environment === e)!;
  expect(table('a-fixed', 'alpha').virtualServices.some((vs) => vs.role === 'delegate')).toBe(true);
  expect(table('c-same', 'alpha').virtualServices).toBe(table('a-fixed', 'alpha').virtualServices);
  expect(table('b-bug', 'alpha').virtualServices).not.toBe(table('a-fixed', 'alpha').virtualServices);
  expect(shared.findings[1].map((r) => `${r.diagnostic.code} ${r.scopes.join(',')}`)).toContain('duplicate-match prod');
});

test('entries measured for one local gateway are not reused for another', () => {
  // same Istio (same actions), Knative's old and new local gateway: sizes that depend on the gateway lay out apart
  const twoGateways = many.reduce((b, i) => b.route(`shop-p${i}`, { match: [shop(i)] }), new ProjectBuilder()
    .cluster('x-legacy', { istio: '1.11.8', knative: '0.15.0', environments: ['alpha'] })
    .cluster('y-new', { istio: '1.11.8', knative: '0.26.0', environments: ['alpha'] })).build();
  const byGateway = {
    sizeOf: (_: unknown, t: { profile: { localGatewayHost: string } }) => (t.profile.localGatewayHost.startsWith('cluster-local') ? 3000 : 100),
    sizeKeyOf: httpRouteProfileKey,
  };
  const shared = compileAll(twoGateways, true, 20000, byGateway);
  expect(shared).toEqual(compileAll(twoGateways, false, 20000, byGateway));
  expect(shared.tables.map((t) => t.virtualServices.length)).toEqual([7, 1]);
});

test('every field of an action context is part of its key', () => {
  const plan = planProject(project, options);
  const base: ActionContext = actionContextOf('faas-alpha', 'cluster.local', plan.slots[0].profile);
  const changed: Record<string, unknown> = {
    namespace: 'faas-beta', clusterDomain: 'cluster.remote', zeroRetryAttempts: !base.zeroRetryAttempts,
    retryOnCodesNeedPolicy: !base.retryOnCodesNeedPolicy, corsOriginsField: base.corsOriginsField === 'allowOrigins' ? 'allowOrigin' : 'allowOrigins',
  };
  expect(Object.keys(changed).sort()).toEqual(Object.keys(base).sort());
  for (const field of Object.keys(base)) {
    expect(actionContextKey({ ...base, [field]: changed[field] })).not.toEqual(actionContextKey(base));
  }
});

test('a cluster forwards the path patterns of its own landings, shared with slots of the same routes only', () => {
  const overridden = new ProjectBuilder()
    .cluster('c1', { environments: ['alpha', 'prod'] })
    .cluster('c2', { environments: ['alpha', 'prod'] })
    .route('open-a', { team: 'open', match: ['/faas/api/open/a/'] })
    .route('open-b', { team: 'open', match: ['/faas/api/open/b/'], overrides: { prod: { match: ['/faas/api/open/b-prod/'] } } })
    .build();
  for (const p of [project, overridden]) expectOwnPatterns(p);
});

function expectOwnPatterns(p: Project): void {
  const plan = planProject(p, options);
  for (const cluster of plan.clusters) {
    const table = makeForwardingTable(cluster, plan.slots, plan.options.ownership, new Findings());
    const expected = plan.slots.filter((s) => s.cluster === cluster)
      .map((s) => ({ environment: s.environment.name, paths: pathPatterns(forwardedMatches(s, plan.options.ownership)) }));
    expect(table.entries.map((e) => ({ environment: e.environment, paths: e.paths }))).toEqual(expected);
  }
}

test('environments ordering the same routes share order checks only when their matches are the same', () => {
  // In prod, shop-b's override matches what shop-a matches: the same routes in the same order, another match object
  const overridden = new ProjectBuilder()
    .cluster('c1', { environments: ['alpha', 'beta', 'prod'] })
    .cluster('c2', { istio: '1.16.7', knative: '1.8.6', environments: ['alpha', 'beta', 'prod'] })
    .team('shop', ['/faas/api/shop/'])
    .route('shop-a', { match: ['/faas/api/shop/x/'] })
    .route('shop-b', { match: ['/faas/api/shop/y/'], overrides: { prod: { match: ['/faas/api/shop/x/'] }, beta: { timeoutMs: 3000 } } })
    .build();
  const shared = compileAll(overridden, true);
  expect(shared).toEqual(compileAll(overridden, false));
  const codes = shared.findings.map((records) => records.map((r) => `${r.diagnostic.code} ${r.scopes.join(',')}`));
  const prod = ['duplicate-match prod', 'duplicate-match prod', 'route-unreachable prod'];
  expect(codes.map((c) => c.sort())).toEqual([[], [], prod, [], [], prod]);
});
