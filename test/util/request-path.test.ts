import fc from 'fast-check';
import { normalizeRequestPath, pathProblems, problemsOf, routePathForm, routePathProblem, RoutePathKind } from '../../src/util/request-path';

describe('normalizeRequestPath (Istio default = BASE: Envoy normalize_path, escaped slashes kept)', () => {
  // Istio's own expectations for BASE (istio/istio@fd359620 tests/integration/security/normalization_test.go);
  // `/app#foo` is left out: the fragment is dropped by the HTTP client, never sent.
  test.each([
    ['/', '/'],
    ['/app/', '/app/'],
    ['/app/../admin', '/admin'],
    ['/app', '/app'],
    ['/app//', '/app//'],
    ['/app/%2f', '/app/%2f'],
    ['/app%2f/', '/app%2f/'],
    ['/xyz%30..//abc', '/xyz0..//abc'],
    ['/app/%2E./admin', '/admin'],
    ['/app\\admin', '/app/admin'],
    ['/app/\\/\\/\\admin', '/app//////admin'],
    ['/%2Fapp%5cadmin%5Cabc', '/%2Fapp%5cadmin%5Cabc'],
    ['/%5Capp%2f%5c%2F%2e%2e%2fadmin%5c\\abc', '/%5Capp%2f%5c%2F..%2fadmin%5c/abc'],
    ['/app//../admin', '/app/admin'],
    ['/app//../../admin', '/admin'],
  ])('%s -> %s', (given, routed) => {
    expect(normalizeRequestPath(given)).toEqual({ path: routed });
  });

  test('non-ASCII and unsafe ASCII are percent-encoded, upper-case; the query string is left alone', () => {
    expect(normalizeRequestPath('/faas/café/{x}|y?q=a/../b')).toEqual({ path: '/faas/caf%C3%A9/%7Bx%7D%7Cy?q=a/../b' });
    expect(normalizeRequestPath('/a/\u200bb').path).toBe('/a/%E2%80%8Bb');
  });

  test('a trailing dot segment leaves the folder; ".." never climbs above the root', () => {
    expect(normalizeRequestPath('/a/b/..').path).toBe('/a/');
    expect(normalizeRequestPath('/a/.').path).toBe('/a/');
    expect(normalizeRequestPath('/../../x').path).toBe('/x');
  });

  test('NUL, raw or escaped, fails normalization: Envoy answers 400', () => {
    expect(normalizeRequestPath('/a%00b').rejected).toBe('an escaped NUL (%00)');
    expect(normalizeRequestPath('/a\0b').rejected).toBe('a NUL character');
  });
});

describe('routePathProblem', () => {
  test.each([
    ['/faas/api/shop/cart/', 'prefix'],
    ['/faas/api/shop/%2F/', 'prefix'],
    ['/faas/api/shop/%25/', 'exact'],
    ['/faas/api/shop/..x/', 'prefix'],
    ['/faas/api/shop/...', 'exact'],
    ['/faas/api/shop/;a=b', 'exact'],
    ['/faas/api/shop/..', 'regex-literal'], // the regex may go on: /faas/api/shop/..x
    ['/faas/api/shop/%4', 'regex-literal'], // an escape the regex completes
  ] as const)('%s (%s) is in normalized form', (value, kind) => {
    expect(routePathProblem(value, kind)).toBeUndefined();
    if (kind !== 'regex-literal') expect(normalizeRequestPath(value).path).toBe(value);
  });

  test.each([
    ['/faas/api/café/', 'prefix', '/faas/api/caf%C3%A9/'],
    ['/faas/api/\u200bx', 'exact', '/faas/api/%E2%80%8Bx'],
    ['/faas/api/x\u0007', 'exact', '/faas/api/x%07'],
    ['/faas/api/%2f/', 'prefix', '/faas/api/%2F/'],
    ['/faas/api/%41/', 'prefix', '/faas/api/A/'],
    ['/faas/api/100%', 'exact', '/faas/api/100%25'],
    ['/faas/api/x/../y/', 'prefix', '/faas/api/y/'],
    ['/faas/api/./y', 'exact', '/faas/api/y'],
    ['/faas/api/%2e%2E/y', 'exact', '/faas/y'],
    ['/faas/api/a\\b', 'exact', '/faas/api/a/b'],
    ['/faas/api/<x>', 'exact', '/faas/api/%3Cx%3E'],
    ['/faas/api/x/../', 'regex-literal', '/faas/api/'],
  ] as const)('%s (%s) is refused with %s to write', (value, kind, form) => {
    const problem = routePathProblem(value, kind);
    expect(problem).toContain(`expected ${kind === 'regex-literal' ? 'the literal part written as ' : ''}"${form}"`);
    expect(routePathForm(value, kind)).toBe(form);
    // the form to write is itself accepted, and is what a request for it is routed as
    expect(routePathProblem(form, kind)).toBeUndefined();
    if (kind !== 'regex-literal') expect(normalizeRequestPath(form).path).toBe(form);
  });
});

describe('problemsOf: plain paths answered first', () => {
  test('the same reasons as checking every one, on generated paths', () => {
    // every character class pathProblems looks at, and the plain ones
    const char = fc.constantFrom(...'/a.Z09-_~!$&\'()*+,;=:@?[]%2fE\\ "#<>^`{|}\u0000\u001f\u007fé😀'.split(''), '%2e', '%2E', '%41', '%2F', '%00', '..', '/.');
    const kinds = fc.constantFrom<RoutePathKind>('exact', 'prefix', 'regex-literal');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 14 }), kinds, (chars, kind) => {
        const value = `/${chars.join('')}`;
        expect(problemsOf(value, kind)).toEqual(pathProblems(value, kind));
      }),
      { numRuns: 3000, seed: 14 },
    );
    for (const value of ['/faas/api/team-08/svc-58/', '/a/./b', '/a/../', '/a/..', '/a.b/c..d/']) {
      for (const kind of ['exact', 'prefix', 'regex-literal'] as const) expect(problemsOf(value, kind)).toEqual(pathProblems(value, kind));
    }
  });
});
