import fc from 'fast-check';
import { regexFullMatch as fullyMatches } from '../../src/regex';
import { EnvironmentTable, HttpRouteTable, MatchTable } from '../../src/compile/route-table';
import { Project } from '../../src/model/project';
import { makeProject, MatchInput, ProjectBuilder } from '../support/project-builder';
import { compile, fixedSizeOf } from './helpers';

/** A seeded permutation (tests stay reproducible). */
function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function sample(): Project {
  return new ProjectBuilder()
    .cluster('c2', { istio: '1.10.3', environments: ['alpha', 'prod'] })
    .cluster('c1', { environments: ['prod', 'alpha'] })
    .cluster('legacy', { layout: 'per-route', environments: ['alpha'] })
    .team('shop', ['/faas/api/shop/'])
    .route('shop-all', { match: ['/faas/api/shop/'] })
    .route('shop-search', { match: [{ regex: '/faas/api/shop/search/v[0-9]+/.*' }, { exact: '/faas/api/shop/search' }] })
    .route('shop-cart', { match: ['/faas/api/shop/cart/'], overrides: { prod: { timeoutMs: 2000 } } })
    .route('pay', { team: 'pay', match: ['/faas/api/pay/'], environments: ['prod'] })
    .route('dup', { team: 'pay', match: ['/faas/api/pay/'], traffic: [{ service: 'a', weight: 50 }, { service: 'b', weight: 50 }] })
    .route('misc', { team: 'misc', match: ['/faas/api/misc/a/', '/faas/api/misc/b/', '/faas/api/misc/c/', '/faas/api/misc/'] })
    .build();
}

describe('determinism', () => {
  const options = { sizeOf: fixedSizeOf(100), maxObjectBytes: 1024 + 200 };
  const expected = compile(sample(), options);

  test('the sample exercises splitting, delegation and diagnostics', () => {
    expect(expected.tables.some((t) => t.virtualServices.length > 2)).toBe(true);
    expect(expected.tables.some((t) => t.virtualServices.some((v) => v.role === 'delegate'))).toBe(true);
    expect(expected.diagnostics.length).toBeGreaterThan(0);
  });

  test.each([1, 2, 3, 4, 5, 6, 7, 8])('shuffled routes, teams and clusters give deep-equal output (seed %i)', (seed) => {
    const p = sample();
    const shuffled: Project = {
      clusters: shuffle(p.clusters, seed).map((c) => ({ ...c, environments: shuffle(c.environments, seed + 1) })),
      teams: shuffle(p.teams, seed),
      routes: shuffle(p.routes, seed + 2),
    };
    expect(compile(shuffled, options)).toEqual(expected);
  });
});

/** Envoy's first match over a root VirtualService list, delegates inlined at their root route. */
function firstMatch(table: EnvironmentTable, rootOrder: readonly string[], path: string): string | undefined {
  const byName = new Map(table.virtualServices.map((v) => [v.name, v]));
  const matches = (m: MatchTable) =>
    m.kind === 'exact' ? path === m.value : m.kind === 'prefix' ? path.startsWith(m.value) : fullyMatches(m.value, path);
  const walk = (http: readonly HttpRouteTable[]): string | undefined => {
    for (const h of http) {
      if (!h.matches.some(matches)) continue;
      if (h.action.type !== 'delegate') return h.route;
      const found = walk(byName.get(h.action.name)!.http);
      if (found) return found;
    }
    return undefined;
  };
  for (const name of rootOrder) {
    const found = walk(byName.get(name)!.http);
    if (found) return found;
  }
  return undefined;
}

describe('order-proof: every order of the root VirtualServices routes every path the same way', () => {
  const segment = fc.constantFrom('a', 'b', 'ab', 'v1', 'v22');
  const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => `/${s.join('/')}`);
  const match: fc.Arbitrary<MatchInput> = fc.oneof(
    path.map((p) => p),
    path.map((p) => `${p}/`),
    path.map((p) => ({ exact: p })),
    path.map((p) => ({ regex: `${p}/v[0-9]+` })),
  );

  test('property', () => {
    fc.assert(fc.property(fc.array(fc.array(match, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }), fc.array(path, { maxLength: 10 }), (routes, paths) => {
      const project = makeProject({
        clusters: [new ProjectBuilder().cluster('c1', { istio: '1.22.0' }).build().clusters[0]],
        routes: routes.map((m, i) => new ProjectBuilder().route(`r${i}`, { match: m }).build().routes[0]),
      });
      const table = compile(project, { sizeOf: fixedSizeOf(100), maxObjectBytes: 1024 + 200 }).tables[0];
      const roots = table.virtualServices.filter((v) => v.role === 'root').map((v) => v.name);
      const probes = [...paths, ...paths.map((p) => `${p}/`), ...paths.map((p) => `${p}/v7`)];
      for (const p of probes) {
        const want = firstMatch(table, roots, p);
        expect(firstMatch(table, [...roots].reverse(), p)).toBe(want);
        expect(firstMatch(table, shuffle(roots, p.length), p)).toBe(want);
      }
    }), { numRuns: 300 });
  });
});
