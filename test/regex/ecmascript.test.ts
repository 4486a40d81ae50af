import { ecmaScriptProblems, regexProblem } from '../../src/regex';

/** RE2 constructs Envoy's ECMAScript `regex` (std::regex, Istio 1.1-1.3 and proxies < 1.4) rejects or misreads. */
describe('ecmaScriptProblems', () => {
  test.each([
    ['(?i)/faas/api/x', '(?i)', 'flag group'],
    ['/faas/(?i:api)/x', '(?i:', 'flag group'],
    ['/faas/(?P<v>[0-9]+)', '(?P<', 'named group'],
    ['/faas/(?<v>[0-9]+)', '(?<v>', 'named group'],
    ['/faas/\\pL+', '\\p', 'Unicode class'],
    ['/faas/\\p{Greek}', '\\p', 'Unicode class'],
    ['/faas/x\\z', '\\z', 'end of text'],
    ['\\A/faas/x', '\\A', 'beginning of text'],
    ['/faas/\\Q.*\\E', '\\Q', 'literal text'],
    ['/faas/\\x{41}', '\\x{', 'braced hex'],
    ['/faas/é', 'é', 'non-ASCII'],
    ['/faas/[]a]', '[]', 'leading ]'],
    ['/faas/a{,3}', '{', 'literal {'],
  ])('%s: %s (%s)', (pattern, text, why) => {
    // GIVEN a pattern RE2 accepts WHEN checked for ECMAScript THEN the construct is named
    expect(regexProblem(pattern)).toBeUndefined();
    const problems = ecmaScriptProblems(pattern);
    expect(problems[0]).toEqual({ text: expect.stringContaining(text), at: pattern.indexOf(text), why: expect.stringContaining(why) });
  });

  test.each([
    '/faas/api/shop/search/v[0-9]+/.*', '/faas/api/(cart|checkout)/[a-z0-9-]+', '^/faas/api/x$', '/faas/(?:a|b)/\\d{2,4}',
    'https://[a-z]+\\.shop\\.example\\.com', '/faas/\\{literal\\}', '/faas/[\\]a]', '[[:alpha:]]+', '\\bx\\B', '/a{2}b{3,}c{1,5}',
  ])('%s means the same in both dialects', (pattern) => {
    expect(regexProblem(pattern)).toBeUndefined();
    expect(ecmaScriptProblems(pattern)).toEqual([]);
  });
});
