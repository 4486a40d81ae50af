import { makeOwnershipIndex, ownerOf, ownershipProblem } from '../../src/compile/ownership';
import { MatchKind } from '../../src/model/project';
import { makeTeam, MatchInput, ProjectBuilder } from '../support/project-builder';
import { codes, compile, lines } from './helpers';

const index = makeOwnershipIndex([
  makeTeam('shop', ['/faas/api/shop/']),
  makeTeam('search', ['/faas/api/shop/search/', '/faas/api/find/']),
]);

describe('ownerOf: the team owning the longest owned prefix', () => {
  test.each([
    ['/faas/api/shop/cart', 'shop'],
    ['/faas/api/shop/search/v1', 'search'],
    ['/faas/api/shop/search/', 'search'],
    ['/faas/api/shop/search', 'shop'],
    ['/faas/api/find/x', 'search'],
    ['/faas/api/pay/', undefined],
    ['', undefined],
  ])('%s → %s', (literal, team) => {
    expect(ownerOf(index, literal)?.team.name).toBe(team);
  });
});

describe('ownershipProblem', () => {
  test.each<[string, MatchKind, string, string | undefined]>([
    ['shop', 'prefix', '/faas/api/shop/cart/', undefined],
    ['shop', 'prefix', '/faas/api/shop/', undefined],
    ['shop', 'exact', '/faas/api/shop/search/x', 'inside prefix "/faas/api/shop/search/" owned by team "search"'],
    ['shop', 'prefix', '/faas/api/pay/', 'outside the prefixes team "shop" owns'],
    ['shop', 'regex', '/faas/api/(shop|pay)/.*', 'outside the prefixes team "shop" owns'],
    ['shop', 'regex', '/faas/api/shop/v[0-9]+', undefined],
    ['search', 'prefix', '/faas/api/shop/search/', undefined],
    ['search', 'prefix', '/faas/api/shop/', 'owned by team "shop"'],
    ['pay', 'prefix', '/faas/api/pay/', undefined], // no Team document: unconstrained outside others' prefixes
    ['pay', 'prefix', '/faas/api/shop/pay/', 'owned by team "shop"'],
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
        'owns (routes/shop/team.yaml:4:1): "/faas/api/shop/"',
    ]);
  });

  test('allowed inside its own prefixes', () => {
    expect(codes(compile(project('shop', ['/faas/api/shop/cart/'])))).toEqual([]);
  });
});
