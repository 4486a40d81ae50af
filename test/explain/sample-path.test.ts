import { RE2JS } from 're2js';
import { samplePaths } from '../../src/explain/sample-path';

describe('samplePaths for regexes', () => {
  const patterns = [
    '/api/v[0-9]+/.*',
    '.*',
    '/(foo|bar|baz)/[a-z0-9_-]{2,4}',
    '[^/]+\\.json',
    '^/a\\/b\\d\\w\\s?$',
    '/x(?:y|z)*',
    '(?i)/Shop/.+',
    '/a{3}',
    '/a{2,}b?',
    '/(?P<id>[0-9]+)/(?<tab>[^/]+)',
    '/\\Qa.b*\\E',
    '/[[:alpha:]]+-[[:digit:]]',
    '/[^a-z]{2,}',
    '/files/[\\w.-]+\\.(png|jpe?g)',
    '/u/[\\x{61}-\\x{63}]+',
    '/[a\\-z]+/\\S+',
    '/(a|b(c|d))+/?',
    '/team/[^/]+/svc/[a-z][a-z0-9-]{0,62}',
    '/literal{brace}',
  ];

  test.each(patterns)('%s: every sample full-matches and the result is deterministic', (pattern) => {
    const samples = samplePaths({ kind: 'regex', value: pattern });
    expect(samples.length).toBeGreaterThan(0);
    const re = RE2JS.compile(pattern);
    for (const s of samples) {
      expect(re.matches(s)).toBe(true);
      expect(s).not.toMatch(/[?#]/);
    }
    expect(samplePaths({ kind: 'regex', value: pattern })).toEqual(samples);
  });

  test('samples are paths when a path can match', () => {
    expect(samplePaths({ kind: 'regex', value: '.*' })).toEqual(['/', '/a', '//', '/aa']);
    expect(samplePaths({ kind: 'regex', value: '/(foo|bar|baz)' })).toEqual(['/baz', '/bar', '/foo']);
  });

  test('a regex no path can match gives no samples', () => {
    expect(samplePaths({ kind: 'regex', value: '/a\\?b' })).toEqual([]);
  });

  test('an invalid regex is an error', () => {
    expect(() => samplePaths({ kind: 'regex', value: '/(' })).toThrow('not valid RE2');
  });

  test('every RE2 construct is understood, Unicode classes included (RE2 itself parses the pattern)', () => {
    const samples = samplePaths({ kind: 'regex', value: '/\\pZ' });
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples) expect(RE2JS.compile('/\\pZ').matches(s)).toBe(true);
  });
});

describe('samplePaths for exact and prefix', () => {
  test('exact gives itself', () => {
    expect(samplePaths({ kind: 'exact', value: '/healthz' })).toEqual(['/healthz']);
  });

  test('prefix gives itself and segment and non-segment suffixes', () => {
    expect(samplePaths({ kind: 'prefix', value: '/shop' })).toEqual(['/shop', '/shopkfaas-sample', '/shopa/b', '/shop/kfaas-sample']);
    expect(samplePaths({ kind: 'prefix', value: '/shop/' })).toEqual(['/shop/', '/shop/kfaas-sample', '/shop/a/b']);
  });
});
