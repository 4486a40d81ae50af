import { perRouteService } from '../../src/compile/layout-per-route';
import { makeRoute, MatchInput, ProjectBuilder, RouteSpec } from '../support/project-builder';
import { codes, compile, layout, lines } from './helpers';

describe('perRouteService', () => {
  test.each<[string, RouteSpec, string]>([
    ['the service', { service: 'cart-svc' }, 'cart-svc'],
    ['a split between services: the route name', { traffic: [{ service: 'a', weight: 50 }, { service: 'b', weight: 50 }] }, 'r'],
    ['a split on one service: that service', { traffic: [{ service: 'a', weight: 50 }, { service: 'a', weight: 50 }] }, 'a'],
  ])('%s', (_, spec, expected) => {
    const route = makeRoute('r', spec);
    expect(perRouteService(route, route.base)).toBe(expected);
  });
});

function perRoute(routes: Record<string, RouteSpec>) {
  const b = new ProjectBuilder().cluster('c1', { layout: 'per-route', environments: ['alpha', 'prod'] });
  for (const [name, spec] of Object.entries(routes)) b.route(name, spec);
  return compile(b.build());
}

describe('per-route layout', () => {
  test('one root VirtualService per route, named like the seed, sorted by name', () => {
    const result = perRoute({ cart: { service: 'cart', match: ['/s/cart/', { exact: '/s/cart' }] }, pay: { service: 'pay', match: ['/s/pay/'] } });
    expect(codes(result)).toEqual([]);
    expect(layout(result, 'c1', 'alpha')).toEqual({
      'faas-alpha-ns-cart-ksvc-virtualservice': ['cart: exact /s/cart, prefix /s/cart/'],
      'faas-alpha-ns-pay-ksvc-virtualservice': ['pay: prefix /s/pay/'],
    });
    expect(result.tables[0].virtualServices.every((v) => v.role === 'root')).toBe(true);
  });

  test.each<[string, MatchInput[], MatchInput[], string[]]>([
    ['disjoint', ['/s/a/'], ['/s/b/'], []],
    ['nested prefixes', ['/s/'], ['/s/b/'], ['per-route-overlap', 'per-route-overlap']],
    ['exact inside a prefix', ['/s/'], [{ exact: '/s/b' }], ['per-route-overlap', 'per-route-overlap']],
    ['exact next to a longer prefix', [{ exact: '/s' }], ['/s/'], []],
    ['regex whose literal extends a prefix', ['/s/'], [{ regex: '/s/v[0-9]+' }], ['per-route-overlap', 'per-route-overlap']],
  ])('routes whose matches may overlap are refused: %s', (_, a, b, expected) => {
    expect(codes(perRoute({ a: { match: a }, b: { match: b } }))).toEqual(expected);
  });

  test('the overlap is reported at both matches', () => {
    expect(lines(perRoute({ a: { match: ['/s/'] }, b: { match: ['/s/b/'] } }))).toEqual([
      'routes/shop/a.yaml:10:9 spec.match[0].prefix: prefix "/s/" of route "a" may match the same paths as prefix "/s/b/" of ' +
        'route "b" (routes/shop/b.yaml:10:9): their order would be undefined in the per-route layout; use layout: merged or ' +
        'make the paths disjoint (in environments alpha, prod)',
      'routes/shop/b.yaml:10:9 spec.match[0].prefix: prefix "/s/b/" of route "b" may match the same paths as prefix "/s/" of ' +
        'route "a" (routes/shop/a.yaml:10:9): their order would be undefined in the per-route layout; use layout: merged or ' +
        'make the paths disjoint (in environments alpha, prod)',
    ]);
  });

  test('two routes of one service collide on the VirtualService name: error at both', () => {
    const result = perRoute({ a: { service: 'svc', match: ['/s/a/'] }, b: { service: 'svc', match: ['/s/b/'] } });
    expect(lines(result)).toEqual([
      'routes/shop/a.yaml:4:1 metadata.name: in the per-route layout, route "a" and route "b" (routes/shop/b.yaml:4:1) would both ' +
        'be the VirtualService "<namespace>-ns-svc-ksvc-virtualservice"; give each route its own service, or use layout: merged (in environments alpha, prod)',
      'routes/shop/b.yaml:4:1 metadata.name: in the per-route layout, route "b" and route "a" (routes/shop/a.yaml:4:1) would both ' +
        'be the VirtualService "<namespace>-ns-svc-ksvc-virtualservice"; give each route its own service, or use layout: merged (in environments alpha, prod)',
    ]);
    // Names stay unique: the first route by name keeps it.
    expect(layout(result, 'c1', 'alpha')).toEqual({ 'faas-alpha-ns-svc-ksvc-virtualservice': ['a: prefix /s/a/'] });
  });
});
