import * as fc from 'fast-check';
import { EnvironmentSlot } from '../../src/compile/expand';
import { makeOwnershipIndex } from '../../src/compile/ownership';
import { forwardedMatches, pathPatterns } from '../../src/compile/platform/forwarding';
import { Team } from '../../src/model/project';

/**
 * The forwarding table forwards exactly the paths the environment's routes take: for random slots (exact and
 * prefix matches of teams with and without Team documents, never inside another team's owned prefix, as the
 * ownership check guarantees), a path matches one of the emitted Ant patterns if and only if a route matches it
 * or it lies inside an owned prefix of a team routing there. The one exception is known and documented: `P/**`
 * also takes `P` itself.
 */

/** Ant pattern matching as Zuul's AntPathMatcher and Spring's PathPattern do for these patterns: `**` is zero or more whole segments, `*` any run inside one segment. */
function antMatch(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const s = path.split('/');
  const segment = (pat: string, seg: string): boolean =>
    new RegExp(`^${pat.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`).test(seg);
  const go = (i: number, j: number): boolean => {
    if (i === p.length) return j === s.length;
    if (p[i] === '**') return go(i + 1, j) || (j < s.length && go(i, j + 1));
    return j < s.length && segment(p[i], s[j]) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

const TEAMS = ['t1', 't2', 't3'];
const seg = fc.constantFrom('a', 'ab', 'b', 'a-b');
const tail = fc.array(seg, { minLength: 0, maxLength: 3 }).map((xs) => xs.join('/'));

interface GenMatch { readonly kind: 'exact' | 'prefix'; readonly value: string }
interface GenRoute { readonly team: string; readonly matches: readonly GenMatch[] }

const matchArb = (team: string, owned: boolean): fc.Arbitrary<GenMatch> =>
  fc.record({ kind: fc.constantFrom('exact' as const, 'prefix' as const), rest: tail, slash: fc.boolean() })
    .map(({ kind, rest, slash }) => ({ kind, value: `/${owned ? `o/${team}` : `u/${team}`}/${rest}${slash && rest ? '/' : ''}` }));

const caseArb = fc.subarray(TEAMS).chain((documented) =>
  fc.record({
    documented: fc.constant(documented),
    routes: fc.array(
      fc.constantFrom(...TEAMS).chain((team) =>
        fc.array(matchArb(team, documented.includes(team)), { minLength: 1, maxLength: 3 }).map((matches): GenRoute => ({ team, matches }))),
      { minLength: 1, maxLength: 6 },
    ),
    probes: fc.array(fc.tuple(fc.constantFrom('o', 'u'), fc.constantFrom(...TEAMS), tail, fc.boolean()), { maxLength: 20 }),
  }));

test('a path matches an emitted pattern if and only if the routes (or an owned prefix of a team routing there) take it', () => {
  fc.assert(fc.property(caseArb, ({ documented, routes, probes }) => {
    const teams = documented.map((name) => ({ name, owns: [{ prefix: `/o/${name}/` }], reviewers: [] }) as unknown as Team);
    const slot = {
      landings: routes.map((r) => ({ route: { team: r.team }, behaviour: { match: r.matches } })),
    } as unknown as EnvironmentSlot;
    const patterns = pathPatterns(forwardedMatches(slot, makeOwnershipIndex(teams)));

    const owned = (team: string): string | undefined => (documented.includes(team) ? `/o/${team}/` : undefined);
    const taken = (path: string): boolean => routes.some((r) => r.matches.some((m) =>
      (m.kind === 'exact' ? path === m.value : path.startsWith(m.value)) || (owned(r.team) !== undefined && path.startsWith(owned(r.team)!))));
    // `P/**` also takes `P`: allowed where `P/` is a forwarded prefix
    const prefixes = new Set(routes.flatMap((r) => r.matches.map((m) => (owned(r.team) ?? (m.kind === 'prefix' ? m.value : '')))));

    const paths = new Set<string>();
    for (const r of routes) for (const m of r.matches) for (const x of ['', 'x', '/', '/a', '-b/c']) paths.add(m.value + x);
    for (const [area, team, rest, slash] of probes) paths.add(`/${area}/${team}/${rest}${slash ? '/' : ''}`);
    for (const path of paths) {
      const forwarded = patterns.some((p) => antMatch(p, path));
      const expected = taken(path);
      if (forwarded && !expected && prefixes.has(`${path}/`)) continue;
      expect({ path, patterns, forwarded }).toEqual({ path, patterns, forwarded: expected });
    }
    // none of the patterns is covered by another (merged)
    expect(new Set(patterns).size).toBe(patterns.length);
  }), { numRuns: 300 });
});

test('the Ant matcher of this test reads patterns as Spring does', () => {
  expect(antMatch('/a/**', '/a')).toBe(true);
  expect(antMatch('/a/**', '/a/b/c')).toBe(true);
  expect(antMatch('/a/b*/**', '/a/bc/d')).toBe(true);
  expect(antMatch('/a/b*/**', '/a/b')).toBe(true);
  expect(antMatch('/a/b*/**', '/a/cb')).toBe(false);
  expect(antMatch('/a/b', '/a/b/')).toBe(false);
});

test('a team owning nested prefixes forwards the same patterns whatever the order of its owns list: the widest owned prefix', () => {
  const slot = {
    landings: [{ route: { team: 'shop' }, behaviour: { match: [{ kind: 'prefix', value: '/o/shop/cart/items/' }, { kind: 'exact', value: '/o/shop/cart/x' }] } }],
  } as unknown as EnvironmentSlot;
  const patternsWith = (owns: readonly string[]): string[] =>
    pathPatterns(forwardedMatches(slot, makeOwnershipIndex([{ name: 'shop', owns: owns.map((prefix) => ({ prefix })), reviewers: [] } as unknown as Team])));
  expect(patternsWith(['/o/shop/cart/', '/o/shop/'])).toEqual(['/o/shop/**']);
  expect(patternsWith(['/o/shop/', '/o/shop/cart/'])).toEqual(['/o/shop/**']);
});
