import { PathCondition, matchesPath, rewritePath, splitPath } from '../../src/explain/match';

describe('matchesPath (Envoy semantics)', () => {
  const cases: [string, PathCondition, string, boolean][] = [
    ['exact equal', { kind: 'exact', value: '/a' }, '/a', true],
    ['exact is not prefix', { kind: 'exact', value: '/a' }, '/a/b', false],
    ['exact ignores query', { kind: 'exact', value: '/a' }, '/a?x=1', true],
    ['exact ignores fragment', { kind: 'exact', value: '/a' }, '/a#top', true],
    ['prefix is not segment-aware', { kind: 'prefix', value: '/shop' }, '/shopping', true],
    ['prefix itself', { kind: 'prefix', value: '/shop' }, '/shop', true],
    ['prefix shorter path', { kind: 'prefix', value: '/shop/' }, '/shop', false],
    ['prefix is case-sensitive', { kind: 'prefix', value: '/Shop' }, '/shop', false],
    ['prefix ignoreCase', { kind: 'prefix', value: '/Shop', ignoreCase: true }, '/shop/x', true],
    ['regex is a full match', { kind: 'regex', value: '/v[0-9]+' }, '/v1/x', false],
    ['regex full match', { kind: 'regex', value: '/v[0-9]+' }, '/v12', true],
    ['regex not a search', { kind: 'regex', value: 'v[0-9]+' }, '/v1', false],
    ['regex ignores query', { kind: 'regex', value: '/v[0-9]+' }, '/v1?q=/x', true],
    ['regex alternation is full match too', { kind: 'regex', value: '/a|/ab' }, '/ab', true],
  ];
  test.each(cases)('%s', (_, condition, path, expected) => {
    expect(matchesPath(condition, path)).toBe(expected);
  });

  test('an invalid RE2 pattern is an error naming it', () => {
    expect(() => matchesPath({ kind: 'regex', value: '/(?=x)' }, '/x')).toThrow('"/(?=x)"');
  });
});

describe('rewritePath', () => {
  test.each([
    ['prefix replaces the matched prefix', { kind: 'prefix', value: '/shop' }, '/shop/cart?x=1', '/', '//cart?x=1'],
    ['prefix to another prefix', { kind: 'prefix', value: '/shop/' }, '/shop/cart', '/api/', '/api/cart'],
    ['exact replaces the whole path', { kind: 'exact', value: '/a' }, '/a?q', '/b', '/b?q'],
    ['regex replaces the whole path', { kind: 'regex', value: '/v[0-9]+/.*' }, '/v1/x/y', '/new', '/new'],
  ] as [string, PathCondition, string, string, string][])('%s', (_, condition, path, uri, expected) => {
    expect(rewritePath(condition, path, { uri })).toBe(expected);
  });

  test('no rewrite keeps the path', () => {
    expect(rewritePath({ kind: 'prefix', value: '/' }, '/a?b', undefined)).toBe('/a?b');
  });

  test('uriRegexRewrite substitutes capture groups', () => {
    const rewrite = { uriRegexRewrite: { match: '^/shop(/|$)(.*)', rewrite: '/\\2' } };
    expect(rewritePath({ kind: 'prefix', value: '/shop' }, '/shop/cart?x', rewrite)).toBe('/cart?x');
  });

  test('splitPath', () => {
    expect(splitPath('/a?b=c#d')).toEqual({ path: '/a', query: '?b=c' });
    expect(splitPath('/a')).toEqual({ path: '/a', query: '' });
  });
});
