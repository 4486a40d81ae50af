import { expandProject, makeHostingIndex, placeRoute } from '../../src/compile/expand';
import { Findings } from '../../src/compile/findings';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { makeCluster, makeProject, makeRoute, ProjectBuilder, RouteSpec } from '../support/project-builder';
import { compile, lines } from './helpers';

// c1 hosts alpha and prod; c2 hosts alpha and beta.
const clusters = [makeCluster('c1', { environments: ['alpha', 'prod'] }), makeCluster('c2', { environments: ['beta', 'alpha'] })];

describe('placeRoute', () => {
  test.each<[string, RouteSpec, string[]]>([
    ['defaults: every env on every cluster hosting it', {}, ['c1/alpha', 'c1/prod', 'c2/alpha', 'c2/beta']],
    ['environments only', { environments: ['alpha'] }, ['c1/alpha', 'c2/alpha']],
    ['clusters only', { clusters: ['c2'] }, ['c2/alpha', 'c2/beta']],
    ['both', { environments: ['alpha', 'prod'], clusters: ['c1'] }, ['c1/alpha', 'c1/prod']],
    ['env hosted by one named cluster only', { environments: ['beta'], clusters: ['c1', 'c2'] }, ['c2/beta']],
  ])('%s', (_, spec, expected) => {
    const findings = new Findings();
    const places = placeRoute(makeRoute('r', spec), makeHostingIndex(clusters), findings);
    expect(places.map((p) => `${p.cluster}/${p.environment}`)).toEqual(expected);
    expect(findings.diagnostics).toEqual([]);
  });

  test.each<[string, RouteSpec, string[]]>([
    ['environment hosted nowhere', { environments: ['alpha', 'gamma'] },
      ['routes/shop/r.yaml:4:1 spec.environments[1]: environment "gamma" is not hosted by any cluster; hosted environments: alpha, beta, prod']],
    ['unknown cluster', { clusters: ['c1', 'c9'] },
      ['routes/shop/r.yaml:4:1 spec.clusters[1]: cluster "c9" does not exist; clusters: c1, c2']],
    ['environment not on the named clusters', { environments: ['beta'], clusters: ['c1'] },
      ['routes/shop/r.yaml:4:1 spec.environments[0]: environment "beta" is not hosted by any of the route\'s clusters (c1); it is hosted by c2']],
    ['override for an environment the route never lands in', { environments: ['alpha'], overrides: { prod: { timeoutMs: 5 } } },
      ['routes/shop/r.yaml:4:1 spec.overrides.prod: overrides.prod names an environment route "r" never lands in; it lands in: alpha']],
  ])('reports %s at the list item', (_, spec, expected) => {
    const findings = new Findings();
    placeRoute(makeRoute('r', spec), makeHostingIndex(clusters), findings);
    expect(findings.diagnostics.map(formatDiagnostic)).toEqual(expected);
  });
});

describe('expandProject', () => {
  test('one slot per (cluster, environment), sorted, with each route\'s behaviour in that environment', () => {
    const project = makeProject({
      clusters: [...clusters].reverse(),
      routes: [
        makeRoute('b', { service: 'svc-b', overrides: { prod: { service: 'svc-b-prod' } } }),
        makeRoute('a', { environments: ['beta'] }),
      ],
    });
    const slots = expandProject(project, new Findings());
    expect(slots.map((s) => `${s.cluster.name}/${s.environment.name}: ${s.landings.map((l) => `${l.route.name}->${l.behaviour.service}`).join(' ')}`))
      .toEqual(['c1/alpha: b->svc-b', 'c1/prod: b->svc-b-prod', 'c2/alpha: b->svc-b', 'c2/beta: a->a b->svc-b']);
  });

  test('an override applies only in its environment, all the way to the table', () => {
    const result = compile(new ProjectBuilder()
      .cluster('c1', { environments: ['alpha', 'prod'] })
      .route('r', { match: ['/faas/api/shop/'], overrides: { prod: { match: ['/faas/api/shop/v2/'], timeoutMs: 3000 } } })
      .build());
    expect(lines(result)).toEqual([]);
    const [alpha, prod] = result.tables;
    expect(alpha.virtualServices[0].http[0]).toMatchObject({ matches: [{ value: '/faas/api/shop/' }] });
    expect(alpha.virtualServices[0].http[0].action).not.toHaveProperty('timeoutMs');
    expect(prod.virtualServices[0].http[0]).toMatchObject({
      matches: [{ value: '/faas/api/shop/v2/', origin: { path: 'spec.overrides.prod.match[0].prefix' } }],
      action: { timeoutMs: 3000 },
    });
  });

  test('an environment without routes still gets its table (gateway Service, no VirtualService)', () => {
    const result = compile(makeProject({ clusters }));
    expect(result.tables.map((t) => `${t.cluster}/${t.environment}:${t.virtualServices.length}`))
      .toEqual(['c1/alpha:0', 'c1/prod:0', 'c2/alpha:0', 'c2/beta:0']);
  });
});
