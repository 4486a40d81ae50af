import { MatchInput, ProjectBuilder } from '../support/project-builder';
import { codes, compile, lines } from './helpers';

/** Routes named after their index on one cluster (Istio `istio`), one environment; the http order by route name. */
function order(matches: MatchInput[], istio = '1.22.6') {
  const builder = new ProjectBuilder().cluster('c1', { istio });
  // reversed, so the input order never decides
  [...matches].reverse().forEach((m, i) => builder.route(`r${matches.length - 1 - i}`, { match: [m] }));
  const result = compile(builder.build());
  return { result, routes: result.tables[0]?.virtualServices.flatMap((v) => v.http.map((h) => h.route)) ?? [] };
}

const canary = { headers: { 'x-canary': { kind: 'exact' as const, value: 'true' } } };

describe('match conditions: order', () => {
  test('for the same path: a method first, then more headers, then more query parameters, then none', () => {
    const { result, routes } = order([
      { prefix: '/a/', conditions: { methods: ['POST'] } },
      { prefix: '/a/', conditions: { headers: { 'x-a': { kind: 'present' }, 'x-b': { kind: 'present' } } } },
      { prefix: '/a/', conditions: canary },
      { prefix: '/a/', conditions: { query: { v: { kind: 'exact', value: '2' } } } },
      '/a/',
    ]);
    expect(lines(result)).toEqual([]);
    expect(routes).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  test('a conditioned shorter prefix never beats a longer plain prefix', () => {
    const { result, routes } = order(['/a/b/', { prefix: '/a/', conditions: canary }, '/a/']);
    expect(lines(result)).toEqual([]);
    expect(routes).toEqual(['r0', 'r1', 'r2']);
  });

  test('equal counts: the narrower test first (exact, longer prefix, prefix, regex, present), so nothing is shadowed', () => {
    const tests = [
      { kind: 'exact' as const, value: 'v1' }, { kind: 'prefix' as const, value: 'v1' }, { kind: 'prefix' as const, value: 'v' },
      { kind: 'regex' as const, value: 'v[0-9]' }, { kind: 'present' as const },
    ];
    const { result, routes } = order(tests.map((t) => ({ prefix: '/a/', conditions: { headers: { 'x-v': t } } })));
    expect(lines(result)).toEqual([]);
    expect(routes).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  test('several methods become one Istio match each, ordered like the rest', () => {
    const { result } = order([{ prefix: '/a/', conditions: { methods: ['GET', 'HEAD'] } }]);
    const http = result.tables[0].virtualServices[0].http;
    expect(http.flatMap((h) => h.matches.map((m) => m.method))).toEqual(['GET', 'HEAD']);
  });
});

describe('match conditions: conflicts', () => {
  test('the same path with different headers is not a conflict', () => {
    expect(codes(order([{ prefix: '/a/', conditions: canary }, { prefix: '/a/', conditions: { headers: { 'x-canary': { kind: 'exact', value: 'false' } } } }]).result)).toEqual([]);
  });

  test('the same path with the same conditions is a duplicate', () => {
    const { result } = order([{ prefix: '/a/', conditions: canary }, { prefix: '/a/', conditions: canary }]);
    expect(codes(result)).toEqual(['duplicate-match', 'duplicate-match', 'route-unreachable']);
    expect(lines(result)[0]).toContain('prefix "/a/" with header x-canary exact "true" is also declared by route "r1"');
  });

  test('a match whose conditions include an earlier covering match\'s is unreachable', () => {
    // prefix /a/ ranks before regex /a/.* (the same paths); the regex adds a query condition, so every request it
    // takes meets the prefix's conditions too.
    const { result } = order([
      { prefix: '/a/', conditions: canary },
      { regex: '/a/.*', conditions: { ...canary, query: { v: { kind: 'exact', value: '1' } } } },
    ]);
    expect(codes(result)).toEqual(['match-shadowed', 'match-shadowed', 'route-unreachable']);
    expect(lines(result).join('\n')).toContain('matches every request it does');
  });

  test('a wider header test before a narrower one of a longer path is fine; the reverse path order is enforced', () => {
    expect(codes(order([{ prefix: '/a/b/', conditions: canary }, { prefix: '/a/', conditions: { headers: { 'x-canary': { kind: 'present' } } } }]).result)).toEqual([]);
  });
});

describe('match conditions: versions', () => {
  test('query parameters need Istio 1.3 and absent headers 1.6; refused at the field, naming the cluster', () => {
    const q = { prefix: '/a/', conditions: { query: { v: { kind: 'exact' as const, value: '1' } } } };
    const absent = { prefix: '/b/', conditions: { headers: { 'x-old': { kind: 'absent' as const } } } };
    expect(codes(order([q, absent], '1.6.14').result)).toEqual([]);
    const old = order([q, absent], '1.2.10').result;
    expect(lines(old)).toEqual([
      expect.stringMatching(/^routes\/shop\/r0.yaml:10:9 spec.match\[0\].query.v: route "r0" uses query parameter matches, but cluster c1 runs Istio 1.2.10, and VirtualService match\[\].queryParams needs Istio >= 1.3 /),
      expect.stringMatching(/^routes\/shop\/r1.yaml:10:9 spec.match\[0\].headers.x-old: route "r1" uses absent-header matches, but cluster c1 runs Istio 1.2.10, and VirtualService match\[\].withoutHeaders needs Istio >= 1.6 /),
    ]);
    expect(codes(order([absent], '1.5.4').result)).toEqual(['feature-unsupported']);
  });
});

describe('match conditions: layouts and ownership', () => {
  const perRoute = (a: MatchInput, b: MatchInput) => compile(new ProjectBuilder()
    .cluster('c1', { layout: 'per-route' }).route('a', { match: [a] }).route('b', { match: [b] }).build());
  const get = { methods: ['GET' as const] };

  test('per-route: the same path overlaps unless the conditions exclude each other', () => {
    expect(codes(perRoute({ prefix: '/a/', conditions: canary }, '/a/'))).toEqual(['per-route-overlap', 'per-route-overlap']);
    expect(codes(perRoute({ prefix: '/a/', conditions: get }, { prefix: '/a/', conditions: { methods: ['POST'] } }))).toEqual([]);
    expect(codes(perRoute({ prefix: '/a/', conditions: canary },
      { prefix: '/a/', conditions: { headers: { 'x-canary': { kind: 'exact', value: 'no' } } } }))).toEqual([]);
    expect(codes(perRoute({ prefix: '/a/', conditions: { headers: { 'x-c': { kind: 'present' } } } },
      { prefix: '/a/', conditions: { headers: { 'x-c': { kind: 'absent' } } } }))).toEqual([]);
  });

  test('ownership stays by path: a header condition does not let a team into another team\'s prefix', () => {
    const result = compile(new ProjectBuilder().cluster('c1').team('shop', ['/faas/api/shop/']).team('pay', ['/faas/api/pay/'])
      .route('sneaky', { team: 'pay', match: [{ prefix: '/faas/api/shop/', conditions: canary }] }).build());
    expect(codes(result)).toEqual(['path-not-owned']);
  });
});
