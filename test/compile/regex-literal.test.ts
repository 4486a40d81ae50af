import { hasTopLevelAlternation, parseRegexLiteral, prefixEquivalentLiteral } from '../../src/compile/regex-literal';

describe('parseRegexLiteral', () => {
  test.each([
    // pattern, literal, complete
    ['/faas/api/shop/search/v[0-9]+/.*', '/faas/api/shop/search/v', false],
    ['/faas/api/shop/cart', '/faas/api/shop/cart', true],
    ['/ab?', '/a', false],
    ['/ab*c', '/a', false],
    ['/ab*?', '/a', false],
    ['/ab+c', '/ab', false],
    ['/ab{2}', '/ab', false],
    ['/ab{2,}', '/ab', false],
    ['/ab{0,2}', '/a', false],
    ['/a{x', '/a', false],
    ['/a\\.b', '/a.b', true],
    ['\\/a\\/b', '/a/b', true],
    ['/v1\\.?x', '/v1', false],
    ['/a\\d+', '/a', false],
    ['/a\\', '/a', false],
    ['/a|/b', '', false],
    ['/x(a|b)', '/x', false],
    ['/x[a|b]', '/x', false],
    ['/x[]|]', '/x', false],
    ['/x\\Q|\\E', '/x', false],
    ['^/a/b$', '/a/b', true],
    ['/a$b', '/a', false],
    ['.*', '', false],
    ['(?i)/a', '', false],
    ['/a/.*', '/a/', false],
    ['/é/ü?', '/é/', false],
    ['', '', true],
  ])('%s → %j (complete %s)', (pattern, literal, complete) => {
    expect(parseRegexLiteral(pattern)).toEqual({ literal, complete });
  });
});

describe('prefixEquivalentLiteral', () => {
  test.each([
    ['/a/.*', '/a/'],
    ['^/a/.*', '/a/'],
    ['.*', ''],
    ['/a\\/b.*', '/a/b'],
    ['/a\\$.*', '/a$'],
    ['/a\\.*', undefined],
    ['/a/b?.*', undefined],
    ['/a$.*', undefined],
    ['/a/.+', undefined],
    ['/a/[0-9]+', undefined],
  ])('%s → %j', (pattern, expected) => {
    expect(prefixEquivalentLiteral(pattern)).toBe(expected);
  });
});

describe('hasTopLevelAlternation', () => {
  test.each([
    ['a|b', true],
    ['(a|b)', false],
    ['(a)|b', true],
    ['[|]', false],
    ['[]|]', false],
    ['[^]|]', false],
    ['[[:alpha:]|]', false],
    ['\\|', false],
    ['\\Q|\\E', false],
    ['\\Q|\\E|x', true],
  ])('%s → %s', (pattern, expected) => {
    expect(hasTopLevelAlternation(pattern)).toBe(expected);
  });
});
