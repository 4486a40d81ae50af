import { RE2JS } from 're2js';
import { conditionLiteral, coversCondition, findPaths, overlapSample, regexFacts, regexSamples } from '../../src/regex';

/**
 * The RE2 module answers from RE2's own program (re2js), so what a pattern matches is what RE2 says. These were
 * the cases of the two hand-written parsers it replaced (src/compile/regex-literal.ts, src/explain/regex-sample.ts);
 * where the old parser stopped early (`[p]`, `\x70`, `(?i)` on `/`, alternations with a common start), the
 * literal is now the true longest common prefix.
 */
describe('regexFacts: literal part, completeness, prefix equivalence', () => {
  test.each([
    // pattern, literal, complete
    ['/faas/api/shop/search/v[0-9]+/.*', '/faas/api/shop/search/v', false],
    ['/faas/api/shop/cart', '/faas/api/shop/cart', true],
    ['/ab?', '/a', false],
    ['/ab*c', '/a', false],
    ['/ab*?', '/a', false],
    ['/ab+c', '/ab', false],
    ['/ab{2}', '/abb', true],
    ['/ab{2,}', '/abb', false],
    ['/ab{0,2}', '/a', false],
    ['/a{x', '/a{x', true],
    ['/a\\.b', '/a.b', true],
    ['\\/a\\/b', '/a/b', true],
    ['/v1\\.?x', '/v1', false],
    ['/a\\d+', '/a', false],
    ['/a|/b', '/', false],
    ['/x(a|b)', '/x', false],
    ['/x[a|b]', '/x', false],
    ['/x[]|]', '/x', false],
    ['/x\\Q|\\E', '/x|', true],
    ['^/a/b$', '/a/b', true],
    ['.*', '', false],
    ['(?i)/a', '/', false],
    ['/a/.*', '/a/', false],
    ['/é/ü?', '/é/', false],
    ['', '', true],
    // what the hand-written parser could not see
    ['/faas/api/[p]ay/.*', '/faas/api/pay/', false],
    ['/faas/api/\\x70ay/.*', '/faas/api/pay/', false],
    ['(?i)/faas/api/PAY/.*', '/', false],
    ['/faas/api/shop/(cart|wishlist)/share', '/faas/api/shop/', false],
    ['/faas/api/(?:shop/cart|shop/wish)', '/faas/api/shop/', false],
  ])('%s → %j (complete %s)', (pattern, literal, complete) => {
    const facts = regexFacts(pattern);
    expect({ literal: facts.literal, complete: facts.complete }).toEqual({ literal, complete });
  });

  test.each([
    ['/a/.*', true],
    ['^/a/.*', true],
    ['.*', true],
    ['/a\\/b.*', true],
    ['/a\\$.*', true],
    ['/faas/api/[p]ay/.*', true],
    ['/a\\.*', false],
    ['/a/b?.*', true], // `/a/` then anything: `b?` adds nothing `.*` would not match
    ['/a$.*', false],
    ['/a/.+', false],
    ['/a/[0-9]+', false],
  ])('%s is prefix-equivalent: %s', (pattern, expected) => {
    expect(regexFacts(pattern).prefixEquivalent).toBe(expected);
  });

  test('a regex no request path can match is empty', () => {
    expect(regexFacts('/a$b').empty).toBe(true);
    expect(regexFacts('/a\\?b').empty).toBe(true);
    expect(regexFacts('/a\\x00').empty).toBe(true);
    expect(regexFacts('/a').empty).toBe(false);
  });
});

describe('overlap and containment from the automata', () => {
  const re = (value: string) => ({ kind: 'regex' as const, value });
  const prefix = (value: string) => ({ kind: 'prefix' as const, value });

  test.each(['/faas/api/[p]ay/.*', '(?i)/faas/api/PAY/.*', '/faas/api/\\x70ay/.*', '/faas/api/p.*', '.*', '/faas/api/[^s]ay/x'])(
    '%s reaches into prefix /faas/api/pay/ with a witness path',
    (pattern) => {
      const sample = overlapSample(re(pattern), prefix('/faas/api/pay/'));
      expect(typeof sample === 'string' && sample.startsWith('/faas/api/pay/')).toBe(true);
      expect(RE2JS.compile(pattern).matches(sample as string)).toBe(true);
    },
  );

  test('regexes whose paths never start with the prefix do not overlap it', () => {
    expect(overlapSample(re('/faas/api/shop/.*'), prefix('/faas/api/pay/'))).toBe('none');
    expect(overlapSample(re('/faas/api/pa[^y]/.*'), prefix('/faas/api/pay/'))).toBe('none');
    expect(overlapSample(re('/faas/api/pay'), prefix('/faas/api/pay/'))).toBe('none');
  });

  test('containment is decided on what patterns match, not on their text', () => {
    expect(coversCondition(prefix('/faas/api/shop/cart/'), re('/faas/api/shop/[c]art/x'))).toBe(true);
    expect(coversCondition(prefix('/faas/api/shop/cart/'), re('/faas/api/shop/(cart|wishlist)/share'))).toBe(false);
    expect(coversCondition(re('/a/.*'), re('/a/b[0-9]'))).toBe(true);
    expect(coversCondition(re('/a/[0-9]+'), re('/a/1[0-9]*'))).toBe(true);
    expect(coversCondition(re('/a/[0-9]+'), re('/a/1[0-9a]*'))).toBe(false);
    expect(coversCondition(re('\\B/a'), re('/a'))).toBe(true);
    expect(coversCondition(re('\\b/a'), re('/a'))).toBe(false); // \b before / never holds at the start
  });

  test('a path only the later condition matches is found, or none when the earlier ones cover it', () => {
    const later = re('/faas/api/shop/(cart|wishlist)/share');
    const own = findPaths([later], [prefix('/faas/api/shop/cart/')]);
    expect(own).toEqual({ kind: 'found', paths: ['/faas/api/shop/wishlist/share'] });
    expect(findPaths([later], [prefix('/faas/api/shop/cart/'), prefix('/faas/api/shop/wish')]).kind).toBe('none');
  });

  test('word boundaries are exact', () => {
    expect(findPaths([re('/a\\b/x')]).kind).toBe('found');
    expect(findPaths([re('/a\\bx')]).kind).toBe('none');
    expect(findPaths([re('/a\\Bx')]).kind).toBe('found');
  });

  test('literals of exact and prefix conditions are their values', () => {
    expect(conditionLiteral(prefix('/x'))).toBe('/x');
    expect(conditionLiteral({ kind: 'exact', value: '/y' })).toBe('/y');
  });
});

describe('regexSamples', () => {
  test('samples are paths when a path can match, shortest first', () => {
    expect(regexSamples('.*')).toEqual(['/', '/a', '//', '/aa']);
    expect(regexSamples('/(foo|bar|baz)')).toEqual(['/baz', '/bar', '/foo']);
  });
});
