import { MatchInput, ProjectBuilder } from '../support/project-builder';
import { codes, compile, layout, lines } from './helpers';

/** Two routes a and b on one cluster with two environments. */
function pair(a: MatchInput[], b: MatchInput[]) {
  return compile(new ProjectBuilder()
    .cluster('c1', { environments: ['alpha', 'prod'] })
    .route('a', { match: a })
    .route('b', { match: b })
    .build());
}

describe('conflicts between routes of one environment', () => {
  test.each<[string, MatchInput[], MatchInput[], string[]]>([
    ['disjoint prefixes', ['/x/'], ['/y/'], []],
    ['nested prefixes: ordered, no conflict', ['/x/'], ['/x/y/'], []],
    ['regex narrower than the prefix sharing its literal', [{ regex: '/x/v[0-9]+/.*' }], ['/x/'], []],
    ['exact inside a prefix', [{ exact: '/x/y' }], ['/x/'], []],
    ['same prefix', ['/x/'], ['/x/'], ['duplicate-match', 'duplicate-match', 'route-unreachable']],
    ['same exact', [{ exact: '/x' }], [{ exact: '/x' }], ['duplicate-match', 'duplicate-match', 'route-unreachable']],
    ['regex <literal>.* equal to a prefix', ['/x/'], [{ regex: '/x/.*' }], ['match-shadowed', 'match-shadowed', 'route-unreachable']],
    ['one of two matches shadowed', ['/x/'], [{ regex: '/x/.*' }, '/y/'], ['match-shadowed', 'match-shadowed']],
    ['prefix vs regex with the same literal part but not equal: ordered', ['/x/'], [{ regex: '/x/.+' }], []],
    // issue 8: what a regex matches, not its text, decides
    ['regex whose paths two earlier prefixes share', ['/x/cart/', '/x/wish/'], [{ regex: '/x/(cart|wish)/share' }],
      ['match-shadowed', 'route-unreachable']],
    ['regex that loses part of its paths to another route', ['/x/cart/'], [{ regex: '/x/(cart|wish)/share' }], ['match-partly-shadowed']],
  ])('%s', (_, a, b, expected) => {
    expect(codes(pair(a, b))).toEqual(expected);
  });

  test('a regex with a class where a prefix has a letter is ordered by what it matches, so it wins its path', () => {
    // The literal of /x/shop/[c]art/x is /x/shop/cart/x: it sorts before prefix /x/shop/cart/ and wins /x/shop/cart/x.
    const result = pair(['/x/shop/cart/'], [{ regex: '/x/shop/[c]art/x' }]);
    expect(codes(result)).toEqual([]);
    expect(layout(result, 'c1', 'alpha')).toEqual({ 'faas-alpha-ksvc-gateway': ['b: regex /x/shop/[c]art/x', 'a: prefix /x/shop/cart/'] });
  });

  test('a partly shadowed regex is a warning naming a path that goes elsewhere', () => {
    expect(lines(pair(['/x/cart/'], [{ regex: '/x/(cart|wish)/share' }]))).toEqual([
      'routes/shop/b.yaml:10:9 spec.match[0].regex: warning: regex "/x/(cart|wish)/share" loses some of its paths to earlier matches: ' +
        '"/x/cart/share" goes to prefix "/x/cart/" of route "a" (routes/shop/a.yaml:10:9), since Envoy takes the first match; ' +
        'narrow the regex if that is not intended (in environments alpha, prod)',
    ]);
  });

  test('a duplicate is reported at both places with the other\'s position, once for all environments', () => {
    expect(lines(pair(['/x/'], ['/x/']))).toEqual([
      'routes/shop/a.yaml:10:9 spec.match[0].prefix: prefix "/x/" is also declared by route "b" (routes/shop/b.yaml:10:9); ' +
        'Envoy would only ever use the first: remove one or make them differ (in environments alpha, prod)',
      'routes/shop/b.yaml:4:1 metadata.name: route "b" can never be reached: every one of its matches is covered by an earlier route (in environments alpha, prod)',
      'routes/shop/b.yaml:10:9 spec.match[0].prefix: prefix "/x/" is also declared by route "a" (routes/shop/a.yaml:10:9); ' +
        'Envoy would only ever use the first: remove one or make them differ (in environments alpha, prod)',
    ]);
  });

  test('a shadowed match is reported at both places', () => {
    expect(lines(pair(['/x/'], [{ regex: '/x/.*' }, '/y/']))).toEqual([
      'routes/shop/a.yaml:10:9 spec.match[0].prefix: prefix "/x/" matches every path of the later regex "/x/.*" of route "b" ' +
        '(routes/shop/b.yaml:10:9), which can therefore never match (in environments alpha, prod)',
      'routes/shop/b.yaml:10:9 spec.match[0].regex: regex "/x/.*" can never match: the earlier prefix "/x/" of route "a" ' +
        '(routes/shop/a.yaml:10:9) matches every path it does, and Envoy takes the first match (in environments alpha, prod)',
    ]);
  });

  test('a conflict only where an override creates it names only that environment', () => {
    const result = compile(new ProjectBuilder()
      .cluster('c1', { environments: ['alpha', 'prod'] })
      .cluster('c2', { environments: ['alpha', 'prod'] })
      .route('a', { match: ['/x/a/'] })
      .route('b', { match: ['/x/b/'], overrides: { prod: { match: ['/x/a/'] } } })
      .build());
    expect(lines(result).filter((l) => l.includes('duplicate') || l.includes('declared'))).toEqual([
      'routes/shop/a.yaml:10:9 spec.match[0].prefix: prefix "/x/a/" is also declared by route "b" (routes/shop/b.yaml:40:9); ' +
        'Envoy would only ever use the first: remove one or make them differ (in environment prod)',
      'routes/shop/b.yaml:40:9 spec.overrides.prod.match[0].prefix: prefix "/x/a/" is also declared by route "a" (routes/shop/a.yaml:10:9); ' +
        'Envoy would only ever use the first: remove one or make them differ (in environment prod)',
    ]);
  });

  test('a route whose matches rank apart becomes several http routes with its name, in order', () => {
    const result = compile(new ProjectBuilder().cluster('c1')
      .route('wide', { match: ['/s/', { exact: '/s' }, '/s/a/b/'] })
      .route('mid', { match: ['/s/a/'] })
      .build());
    expect(codes(result)).toEqual([]);
    expect(layout(result)).toEqual({
      'faas-alpha-ksvc-gateway': ['wide: exact /s, prefix /s/a/b/', 'mid: prefix /s/a/', 'wide: prefix /s/'],
    });
  });
});
