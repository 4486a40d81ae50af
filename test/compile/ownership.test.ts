import { makeOwnershipIndex, ownershipProblem } from '../../src/compile/ownership';
import { MatchKind } from '../../src/model/project';
import { makeTeam, MatchInput, ProjectBuilder } from '../support/project-builder';
import { codes, compile, layout, lines } from './helpers';

// Owned prefixes never nest: the loader refuses a prefix inside another team's (see build-team tests).
const index = makeOwnershipIndex([
  makeTeam('shop', ['/faas/api/shop/']),
  makeTeam('search', ['/faas/api/search/', '/faas/api/find/']),
  makeTeam('pay', ['/faas/api/pay/']),
]);

describe('ownershipProblem', () => {
  test.each<[string, MatchKind, string, string | undefined]>([
    ['shop', 'prefix', '/faas/api/shop/cart/', undefined],
    ['shop', 'prefix', '/faas/api/shop/', undefined],
    ['shop', 'exact', '/faas/api/search/x', 'inside prefix "/faas/api/search/" owned by team "search"'],
    ['shop', 'prefix', '/faas/api/payments/', 'outside the prefixes team "shop" owns'],
    ['shop', 'regex', '/faas/api/(shop|pay)/.*', 'can match paths inside prefix "/faas/api/pay/" owned by team "pay"'],
    ['shop', 'regex', '/faas/api/(shop|web)/.*', 'outside the prefixes team "shop" owns (routes/shop/team.yaml:4:1): "/faas/api/shop/" for paths such as "/faas/api/web/"'],
    ['shop', 'regex', '/faas/api/shop/v[0-9]+', undefined],
    // inside by its literal part (what its paths start with), not by the pattern's text
    ['shop', 'regex', '/faas/api/[s]hop/v[0-9]+', undefined],
    ['shop', 'regex', '/faas/api/shop/x|/faas/api/web/', 'outside the prefixes team "shop" owns (routes/shop/team.yaml:4:1): "/faas/api/shop/" for paths such as "/faas/api/web/"'],
    ['search', 'prefix', '/faas/api/search/', undefined],
    ['search', 'prefix', '/faas/api/shop/', 'owned by team "shop"'],
    ['web', 'prefix', '/faas/api/web/', undefined], // no Team document: unconstrained outside others' prefixes
    ['web', 'prefix', '/faas/api/shop/web/', 'owned by team "shop"'],
    // issue 8: ways around a literal-prefix comparison
    ['web', 'prefix', '/', 'can match paths inside prefix "/faas/api/pay/" owned by team "pay" (routes/pay/team.yaml:10:9), such as "/faas/api/pay/" (and 3 more owned prefixes: "/faas/api/search/", "/faas/api/find/", "/faas/api/shop/")'],
    ['web', 'prefix', '/faas/api/pa', 'can match paths inside prefix "/faas/api/pay/" owned by team "pay" (routes/pay/team.yaml:10:9), such as "/faas/api/pay/"'],
    ['web', 'regex', '/faas/api/[p]ay/.*', 'is inside prefix "/faas/api/pay/" owned by team "pay"'],
    ['web', 'regex', '(?i)/faas/api/PAY/.*', 'can match paths inside prefix "/faas/api/pay/" owned by team "pay" (routes/pay/team.yaml:10:9), such as "/faas/api/pay/"'],
    ['web', 'regex', '/faas/api/\\x70ay/.*', 'is inside prefix "/faas/api/pay/" owned by team "pay"'],
    ['web', 'regex', '/faas/api/pa.*', 'can match paths inside prefix "/faas/api/pay/"'],
    ['web', 'regex', '/faas/api/pa[^y]/.*', undefined],
    ['web', 'exact', '/faas/api/pay', undefined],
  ])('team %s, %s %s', (team, kind, value, problem) => {
    const found = ownershipProblem(index, team, { kind, value });
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  test('without any Team document the check is off', () => {
    expect(ownershipProblem(makeOwnershipIndex([]), 'shop', { kind: 'prefix', value: '/' })).toBeUndefined();
  });
});

describe('in the compiler', () => {
  const project = (team: string, match: MatchInput[]) => new ProjectBuilder()
    .cluster('c1', { environments: ['alpha', 'prod'] })
    .team('shop', ['/faas/api/shop/'])
    .route('r', { team, match })
    .build();

  test('reported once at the match, naming the owning team and its Team file', () => {
    expect(lines(compile(project('pay', ['/faas/api/shop/pay/'])))).toEqual([
      'routes/pay/r.yaml:10:9 spec.match[0].prefix: prefix "/faas/api/shop/pay/" is inside prefix "/faas/api/shop/" owned by ' +
        'team "shop" (routes/shop/team.yaml:10:9); team "pay" may not route there',
    ]);
  });

  test('a route outside its own team\'s prefixes', () => {
    expect(lines(compile(project('shop', [{ regex: '.*/pay' }])))).toEqual([
      'routes/shop/r.yaml:10:9 spec.match[0].regex: regex ".*/pay" (literal part "") is outside the prefixes team "shop" ' +
        'owns (routes/shop/team.yaml:4:1): "/faas/api/shop/" for paths such as "/pay"',
    ]);
  });

  test('allowed inside its own prefixes', () => {
    expect(codes(compile(project('shop', ['/faas/api/shop/cart/'])))).toEqual([]);
  });
});

describe('a declared platform fallback', () => {
  const project = (shopMatch: MatchInput[]) => new ProjectBuilder()
    .cluster('c1', { environments: ['alpha'] })
    .team('shop', ['/faas/api/shop/'])
    .route('shop-api', { team: 'shop', match: shopMatch })
    .route('not-found', { team: 'platform', match: ['/'], fallback: true })
    .build();

  test('is allowed where the owning team matches every path of its prefix first, and comes last', () => {
    const result = compile(project(['/faas/api/shop/']));
    expect(codes(result)).toEqual([]);
    expect(layout(result)).toEqual({ 'faas-alpha-ksvc-gateway': ['shop-api: prefix /faas/api/shop/', 'not-found: prefix /'] });
  });

  test('is refused, with a path it would win, where the owner routes only part of its prefix', () => {
    expect(lines(compile(project(['/faas/api/shop/cart/'])))).toEqual([
      'routes/platform/not-found.yaml:10:9 spec.match[0].prefix: fallback route "not-found" would win "/faas/api/shop/" inside ' +
        'prefix "/faas/api/shop/" owned by team "shop" (routes/shop/team.yaml:10:9); a fallback may only reach an owned prefix ' +
        'where that team\'s routes match every path first: team "shop" needs a route with prefix "/faas/api/shop/" (or the ' +
        'fallback must not reach that prefix) (in environment alpha)',
    ]);
  });

  test('without fallback: true the same catch-all is refused outright', () => {
    const p = new ProjectBuilder().cluster('c1', { environments: ['alpha'] }).team('shop', ['/faas/api/shop/'])
      .route('shop-api', { team: 'shop', match: ['/faas/api/shop/'] }).route('not-found', { team: 'platform', match: ['/'] }).build();
    expect(codes(compile(p))).toEqual(['path-not-owned']);
  });
});
