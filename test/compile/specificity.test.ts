import fc from 'fast-check';
import { compareSpecificity, kindRank, matchLiteral, rank } from '../../src/compile/specificity';
import { MatchKind } from '../../src/model/project';

const r = (kind: MatchKind, value: string, route = 'r') => rank(kind, value, route);

describe('compareSpecificity: first is tried before second', () => {
  test.each<[MatchKind, string, MatchKind, string, string?]>([
    ['exact', '/z', 'prefix', '/a/b/c/d/e'],
    ['exact', '/a', 'exact', '/b'],
    ['exact', '/a', 'regex', '/a'],
    ['regex', '/faas/api/shop/search/v[0-9]+/.*', 'prefix', '/faas/api/shop/'],
    ['prefix', '/a/b', 'prefix', '/a'],
    ['prefix', '/a/b', 'regex', '/a/.*'],
    ['regex', '/a/[0-9]+', 'prefix', '/a/'],
    ['prefix', '/a/', 'regex', '/a/.*'],
    ['regex', '/a/[0-9]+', 'regex', '/a/.*'],
    ['regex', '/a/[0-9]+', 'regex', '/a/[a-z]+'],
    ['prefix', '/', 'regex', '.*'],
    ['regex', '/a.*', 'prefix', '/'],
    ['prefix', '/a', 'prefix', '/b'],
  ])('%s %s before %s %s', (ka, va, kb, vb) => {
    expect(compareSpecificity(r(ka, va), r(kb, vb))).toBeLessThan(0);
    expect(compareSpecificity(r(kb, vb), r(ka, va))).toBeGreaterThan(0);
  });

  test('equal matches fall back to the route name, then the field path', () => {
    expect(compareSpecificity(r('prefix', '/a', 'alpha'), r('prefix', '/a', 'beta'))).toBeLessThan(0);
    expect(compareSpecificity(rank('prefix', '/a', 'x', 'spec.match[0]'), rank('prefix', '/a', 'x', 'spec.match[1]'))).toBeLessThan(0);
    expect(compareSpecificity(r('prefix', '/a'), r('prefix', '/a'))).toBe(0);
  });

  test('sorts a host into the order Envoy must try', () => {
    const input = [r('prefix', '/'), r('regex', '.*'), r('prefix', '/faas/api/shop/'), r('exact', '/faas/api/shop'),
      r('regex', '/faas/api/shop/search/v[0-9]+/.*'), r('prefix', '/faas/api/shop/search/'), r('regex', '/faas/api/shop/.*')];
    expect(input.sort(compareSpecificity).map((x) => `${x.kind} ${x.value}`)).toEqual([
      'exact /faas/api/shop',
      'regex /faas/api/shop/search/v[0-9]+/.*',
      'prefix /faas/api/shop/search/',
      'prefix /faas/api/shop/',
      'regex /faas/api/shop/.*',
      'prefix /',
      'regex .*',
    ]);
  });

  test.each<[MatchKind, string, string, number]>([
    ['exact', '/a', '/a', 0],
    ['regex', '/a/[0-9]+', '/a/', 1],
    ['prefix', '/a/', '/a/', 2],
    ['regex', '/a/.*', '/a/', 3],
  ])('literal and kind rank of %s %s', (kind, value, literal, kr) => {
    expect(matchLiteral(kind, value)).toBe(literal);
    expect(kindRank(kind, value)).toBe(kr);
  });

  test('property: a total order in which a longer literal extending another always comes first', () => {
    const segment = fc.constantFrom('a', 'b', 'ab', 'v1');
    const path = fc.array(segment, { maxLength: 4 }).map((s) => `/${s.join('/')}`);
    const match = fc.tuple(fc.constantFrom<MatchKind>('exact', 'prefix', 'regex'), path, fc.constantFrom('', '/', '.*', '[0-9]+'))
      .map(([kind, p, tail]) => r(kind, kind === 'regex' ? p + tail : p, 'x'));
    fc.assert(fc.property(fc.array(match, { maxLength: 12 }), (ms) => {
      const sorted = [...ms].sort(compareSpecificity);
      for (let i = 0; i < sorted.length; i++) {
        for (let j = i + 1; j < sorted.length; j++) {
          const [a, b] = [sorted[i], sorted[j]];
          expect(compareSpecificity(a, b)).toBeLessThanOrEqual(0);
          if (a.kind !== 'exact' && b.kind !== 'exact' && b.literal !== a.literal) expect(b.literal.startsWith(a.literal)).toBe(false);
        }
      }
    }));
  });
});
