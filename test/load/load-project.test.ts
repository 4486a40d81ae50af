import { readFileSync, symlinkSync } from 'fs';
import { join } from 'path';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { loadProject } from '../../src/load/load-project';
import { behaviourIn, Origin } from '../../src/model/project';
import { useTempProjects } from '../support/temp-projects';
import { CLUSTER_YAML, ROUTE_YAML, TEAM_YAML } from './project-files';

const project = useTempProjects();

function origin(file: string, line: number, col: number, path: string): Origin {
  return { at: { file, line, col }, path };
}

function errors(root: string): string[] {
  return loadProject(root).diagnostics.map(formatDiagnostic);
}

describe('loadProject: the documented example', () => {
  // GIVEN the example cluster, route and team of the input contract
  const root = project({
    'clusters/cn-hz-test.yaml': CLUSTER_YAML,
    'routes/saas/showroom.yaml': ROUTE_YAML,
    'routes/saas/team.yaml': TEAM_YAML,
  });

  // WHEN it is loaded
  const { project: p, diagnostics } = loadProject(root);

  test('has no diagnostics', () => {
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  test('builds the cluster with its environments sorted and namespaces defaulted', () => {
    const file = 'clusters/cn-hz-test.yaml';
    expect(p.clusters).toEqual([
      {
        name: 'cn-hz-test',
        istio: { major: 1, minor: 5, patch: 4, raw: '1.5.4' },
        knative: { major: 0, minor: 15, patch: 0, raw: '0.15.0' },
        clusterDomain: 'cluster.local',
        layout: 'merged',
        localGateway: {
          gateway: 'knative-serving/knative-local-gateway',
          host: 'knative-local-gateway.istio-system.svc.cluster.local',
        },
        environments: [
          { name: 'alpha', namespace: 'faas-alpha', allowFaults: false, origin: origin(file, 16, 7, 'spec.environments[1]') },
          { name: 'prod', namespace: 'faas-prod', allowFaults: false, origin: origin(file, 15, 7, 'spec.environments[0]') },
        ],
        versionOrigins: { istio: origin(file, 7, 10, 'spec.istio'), knative: origin(file, 8, 12, 'spec.knative') },
        origin: origin(file, 5, 9, 'metadata.name'),
      },
    ]);
  });

  test('builds the route: base from spec, each override the whole base with its fields replaced', () => {
    const file = 'routes/saas/showroom.yaml';
    const base = {
      service: 'saas-showroom',
      match: [{ kind: 'prefix', value: '/faas/api/saas/showroom/', origin: origin(file, 8, 15, 'spec.match[0].prefix') }],
      rewriteUri: '/',
      timeoutMs: 10_000,
      retries: {
        attempts: 3,
        perTryTimeoutMs: 2000,
        retryOn: ['5xx', 'connect-failure'],
        retryOnOrigins: [origin(file, 11, 56, 'spec.retries.retryOn[0]'), origin(file, 11, 61, 'spec.retries.retryOn[1]')],
        attemptsOrigin: origin(file, 11, 24, 'spec.retries.attempts'),
        origin: origin(file, 11, 3, 'spec.retries'),
      },
      traffic: [
        { service: 'saas-showroom', weight: 90, origin: origin(file, 13, 7, 'spec.traffic[0]') },
        { service: 'saas-showroom-next', weight: 10, origin: origin(file, 14, 7, 'spec.traffic[1]') },
      ],
    };
    expect(p.routes).toEqual([
      {
        name: 'saas-showroom',
        team: 'saas',
        base,
        overrides: { prod: { ...base, timeoutMs: 30_000 } },
        environments: ['alpha', 'prod'],
        environmentOrigins: [origin(file, 15, 18, 'spec.environments[0]'), origin(file, 15, 25, 'spec.environments[1]')],
        clusters: ['cn-hz-test'],
        clusterOrigins: [origin(file, 16, 14, 'spec.clusters[0]')],
        overrideOrigins: { prod: origin(file, 18, 5, 'spec.overrides.prod') }, // the key: problems there point at it
        origin: origin(file, 4, 9, 'metadata.name'),
      },
    ]);
    expect(behaviourIn(p.routes[0], 'alpha')).toBe(p.routes[0].base);
  });

  test('builds the team from its folder', () => {
    const file = 'routes/saas/team.yaml';
    expect(p.teams).toEqual([
      {
        name: 'saas',
        owns: [{ prefix: '/faas/api/saas/', origin: origin(file, 5, 10, 'spec.owns[0]') }],
        reviewers: [],
        origin: origin(file, 3, 19, 'metadata.name'),
      },
    ]);
  });
});

describe('loadProject: defaults', () => {
  test('a minimal cluster and route get every default', () => {
    // GIVEN the least one can write
    const root = project({
      'clusters/c.yaml': 'apiVersion: kfaas/v1\nkind: Cluster\nmetadata: {name: c}\nspec: {istio: "1.22.6", knative: "1.14.1", environments: [{name: alpha}]}\n',
      'routes/shop/cart.yml': 'apiVersion: kfaas/v1\nkind: Route\nmetadata: {name: shop-cart}\nspec: {match: [{exact: /faas/api/shop/cart}]}\n',
    });
    // WHEN loaded
    const { project: p, diagnostics } = loadProject(root);
    // THEN defaults apply and no optional field is set
    expect(diagnostics).toEqual([]);
    const cluster = p.clusters[0];
    expect(cluster.clusterDomain).toBe('cluster.local');
    expect(cluster.layout).toBe('merged');
    expect(cluster.localGateway).toBeUndefined();
    expect(cluster.environments.map((e) => e.namespace)).toEqual(['faas-alpha']);
    const route = p.routes[0];
    expect(route.team).toBe('shop');
    expect(Object.keys(route.base).sort()).toEqual(['match', 'service']);
    expect(route.base.service).toBe('shop-cart');
    expect(route.overrides).toEqual({});
    expect('environments' in route || 'clusters' in route).toBe(false);
  });

  test('an override replaces fields whole, never merging into them', () => {
    const root = project({
      'clusters/c.yaml': CLUSTER_YAML,
      'routes/pay/refund.yaml': `apiVersion: kfaas/v1
kind: Route
metadata:
  name: pay-refund
spec:
  match:
    - prefix: /faas/api/pay/refund/
  retries: { attempts: 3, perTryTimeout: 2s, retryOn: [5xx] }
  overrides:
    prod:
      service: pay-refund-v2
      retries: { attempts: 1 }
      match:
        - exact: /faas/api/pay/refund
`,
    });
    const { project: p, diagnostics } = loadProject(root);
    expect(diagnostics).toEqual([]);
    const prod = p.routes[0].overrides.prod;
    expect(prod.service).toBe('pay-refund-v2');
    expect(prod.retries).toEqual({
      attempts: 1,
      attemptsOrigin: origin('routes/pay/refund.yaml', 12, 28, 'spec.overrides.prod.retries.attempts'),
      origin: origin('routes/pay/refund.yaml', 12, 7, 'spec.overrides.prod.retries'),
    });
    expect(prod.match).toEqual([
      { kind: 'exact', value: '/faas/api/pay/refund', origin: origin('routes/pay/refund.yaml', 14, 18, 'spec.overrides.prod.match[0].exact') },
    ]);
    expect(p.routes[0].base.service).toBe('pay-refund');
  });
});

describe('loadProject: files', () => {
  test('lists are sorted by name whatever the file order; several documents per file; empty ones skipped', () => {
    const route = (name: string): string =>
      `apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: ${name}\nspec:\n  match:\n    - prefix: /faas/api/${name}/\n`;
    const root = project({
      'clusters/z.yaml': CLUSTER_YAML.replace('cn-hz-test', 'a-cluster'),
      'clusters/a.yaml': CLUSTER_YAML.replace('cn-hz-test', 'z-cluster'),
      'routes/web/b.yaml': `# comment only\n---\n${route('zeta')}---\n---\n${route('alpha')}`,
      'routes/web/a.yaml': route('mid'),
      'routes/web/empty.yaml': '',
      'routes/web/comments.yaml': '# nothing yet\n',
      'routes/web/notes.txt': 'not: yaml: at: all',
      'routes/web/.hidden.yaml': 'not: [valid',
    });
    const { project: p, diagnostics } = loadProject(root);
    expect(diagnostics).toEqual([]);
    expect(p.clusters.map((c) => c.name)).toEqual(['a-cluster', 'z-cluster']);
    expect(p.routes.map((r) => r.name)).toEqual(['alpha', 'mid', 'zeta']);
    // positions in a multi-document file count every line
    expect(p.routes[0].origin).toEqual(origin('routes/web/b.yaml', 15, 9, 'metadata.name'));
    expect(p.routes[2].origin).toEqual(origin('routes/web/b.yaml', 6, 9, 'metadata.name'));
  });

  test('a byte order mark may start any document of a file, not only the first (YAML 1.2 document prefix)', () => {
    const route = (name: string): string =>
      `\uFEFFapiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: ${name}\nspec:\n  match:\n    - prefix: /faas/api/${name}/\n`;
    const root = project({
      'clusters/c.yaml': CLUSTER_YAML,
      'routes/web/joined.yaml': `${route('first')}---\n${route('second')}\uFEFF---\n${route('third').slice(1)}`,
    });
    const { project: p, diagnostics } = loadProject(root);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(p.routes.map((r) => r.name)).toEqual(['first', 'second', 'third']);
  });

  test('no routes/ folder means no routes', () => {
    const root = project({ 'clusters/c.yaml': CLUSTER_YAML });
    const { project: p, diagnostics } = loadProject(root);
    expect(diagnostics).toEqual([]);
    expect(p.routes).toEqual([]);
    expect(p.clusters).toHaveLength(1);
  });

  test('a symlink that stays inside routes/ is read', () => {
    const root = project({ 'clusters/c.yaml': CLUSTER_YAML, 'routes/saas/shared/showroom.txt': ROUTE_YAML });
    symlinkSync(join('shared', 'showroom.txt'), join(root, 'routes', 'saas', 'showroom.yaml'));
    const { project: p, diagnostics } = loadProject(root);
    expect(diagnostics).toEqual([]);
    expect(p.routes.map((r) => r.name)).toEqual(['saas-showroom']);
  });

  test('a document with errors is left out, the valid ones in the same file are kept', () => {
    const root = project({
      'clusters/c.yaml': CLUSTER_YAML,
      'routes/saas/routes.yaml': `${ROUTE_YAML}---\n${ROUTE_YAML.replace('saas-showroom\n', 'saas-broken\n').replace('timeout: 10s', 'timeout: 10')}`,
    });
    const { project: p, diagnostics } = loadProject(root);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'routes/saas/routes.yaml:29:12 spec.timeout: expected a duration such as 10s, 500ms or 1.5s, got a number (10); add a unit, e.g. 10s',
    ]);
    expect(p.routes.map((r) => r.name)).toEqual(['saas-showroom']);
  });

  test('anchors and aliases within limits work, and give the same model as plain YAML', () => {
    const plain = ROUTE_YAML;
    const anchored = ROUTE_YAML.replace('timeout: 10s', 'timeout: &t 10s').replace('prod: { timeout: 30s }', 'prod: { timeout: *t }');
    const a = loadProject(project({ 'clusters/c.yaml': CLUSTER_YAML, 'routes/saas/r.yaml': plain }));
    const b = loadProject(project({ 'clusters/c.yaml': CLUSTER_YAML, 'routes/saas/r.yaml': anchored }));
    expect(a.diagnostics).toEqual([]);
    expect(b.diagnostics).toEqual([]);
    expect(b.project.routes[0].overrides.prod.timeoutMs).toBe(10_000);
    expect({ ...b.project.routes[0], overrides: {} }).toEqual({ ...a.project.routes[0], overrides: {} });
  });
});

describe('loadProject: the repository examples', () => {
  test('clusters/ and routes/ at the repository root load without diagnostics', () => {
    const root = join(__dirname, '..', '..');
    const { project: p, diagnostics } = loadProject(root);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(p.clusters.length).toBeGreaterThan(0);
    expect(p.routes.length).toBeGreaterThan(0);
    // every origin points at the value it describes
    for (const route of p.routes) {
      const line = readFileSync(join(root, route.origin.at.file), 'utf8').split('\n')[route.origin.at.line - 1];
      expect(line.slice(route.origin.at.col - 1)).toBe(route.name);
    }
  });
});

describe('loadProject: problems in several places are all reported', () => {
  test('every file and every document', () => {
    const root = project({
      'clusters/c.yaml': CLUSTER_YAML,
      'routes/a/one.yaml': ROUTE_YAML.replace('saas-showroom\n', 'one\n').replace('10s', '"10"'),
      'routes/b/two.yaml': `${ROUTE_YAML.replace('saas-showroom\n', 'two\n').replace('weight: 10', 'weight: 20')}---\nkind: Nope\n`,
    });
    expect(errors(root)).toEqual([
      'routes/a/one.yaml:10:12 spec.timeout: expected a duration such as 10s, 500ms or 1.5s, got "10"',
      'routes/b/two.yaml:12:3 spec.traffic: expected traffic weights that sum to 100, got 110 (90 + 20)',
      'routes/b/two.yaml:20:1: missing required field "apiVersion" (expected kfaas/v1)',
      'routes/b/two.yaml:20:7 kind: unknown kind "Nope" (known kinds: Cluster, Delivery, Egress, Route, Team)',
    ]);
  });
});
