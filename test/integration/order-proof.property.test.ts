import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import fc from 'fast-check';
import { loadAll } from 'js-yaml';
import { runPipeline } from '../../src/pipeline';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { checkOrderProof, samplePaths, matchesPath, PathCondition } from '../../src/explain';

/**
 * Properties of the whole pipeline on random route sets:
 * 1. the same routes spread over files in any way, in any order, render to byte-identical trees;
 * 2. under EVERY merge order Istio might pick for the emitted VirtualServices, each route's own sample paths
 *    reach that route, and a path several routes match reaches the most specific one (exact, then the longest
 *    literal part, a regex before the prefix equal to its literal part). Small object budgets force the
 *    compiler to split each host into several VirtualServices (and delegates on Istio >= 1.8).
 */
type Kind = 'exact' | 'prefix' | 'regex';
interface GenMatch { kind: Kind; value: string }
interface GenRoute { name: string; team: string; matches: GenMatch[] }

const TEAMS = ['shop', 'pay', 'web'];
const SEGMENTS = ['a', 'b', 'ab', 'c1'];
const REGEX_TAILS = ['[0-9]+', '(x|y)/[a-z]+', '/v[0-9]+/.*'];

const matchArb: fc.Arbitrary<(team: string) => GenMatch> = fc
  .record({
    kind: fc.constantFrom<Kind>('prefix', 'prefix', 'exact', 'regex'),
    segments: fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 3 }),
    slash: fc.boolean(),
    tail: fc.constantFrom(...REGEX_TAILS),
  })
  .map(({ kind, segments, slash, tail }) => (team: string) => {
    const path = `/faas/api/${team}/${segments.join('/')}`;
    if (kind === 'regex') return { kind, value: path + tail };
    return { kind, value: slash && kind === 'prefix' ? path + '/' : path };
  });

const routesArb: fc.Arbitrary<GenRoute[]> = fc
  .array(fc.record({ team: fc.constantFrom(...TEAMS), matches: fc.array(matchArb, { minLength: 1, maxLength: 2 }) }), {
    minLength: 1,
    maxLength: 14,
  })
  .map((raw) => {
    const seen = new Set<string>();
    const routes: GenRoute[] = [];
    raw.forEach((r, i) => {
      const matches = r.matches.map((m) => m(r.team)).filter((m) => {
        const key = `${m.kind}:${m.value}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      if (matches.length > 0) routes.push({ name: `${r.team}-r${i}`, team: r.team, matches });
    });
    return routes;
  });

const CLUSTERS = `apiVersion: kfaas/v1
kind: Cluster
metadata:
  name: new
spec:
  istio: "1.22.6"
  knative: "1.14.1"
  environments:
    - name: alpha
---
apiVersion: kfaas/v1
kind: Cluster
metadata:
  name: old
spec:
  istio: "1.6.14"
  knative: "0.17.0"
  environments:
    - name: alpha
`;

function routeYaml(r: GenRoute): string {
  const matches = r.matches.map((m) => `    - ${m.kind}: ${JSON.stringify(m.value)}`).join('\n');
  return `apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: ${r.name}\nspec:\n  match:\n${matches}\n`;
}

function teamYaml(team: string): string {
  return `apiVersion: kfaas/v1\nkind: Team\nmetadata:\n  name: ${team}\nspec:\n  owns: [/faas/api/${team}/]\n`;
}

/** Writes the routes grouped into files as `grouping` says (route index → file number), docs in `order`. */
function writeProject(routes: GenRoute[], order: number[], grouping: number[]): string {
  const root = mkdtempSync(join(tmpdir(), 'kfaas-prop-'));
  const files = new Map<string, string[]>();
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('clusters/all.yaml', CLUSTERS);
  for (const team of TEAMS) write(`routes/${team}/owner.yaml`, teamYaml(team));
  for (const i of order) {
    const r = routes[i];
    const file = `routes/${r.team}/file-${grouping[i] ?? 0}.yaml`;
    files.set(file, [...(files.get(file) ?? []), routeYaml(r)]);
  }
  for (const [file, docs] of files) write(file, docs.join('---\n'));
  return root;
}

/** The most specific of the matches a path hits, by the rules the issue sets (an independent oracle). */
function expectedWinner(routes: GenRoute[], path: string): string | undefined {
  let best: { route: string; rank: [number, number, number, string, string] } | undefined;
  for (const r of routes) {
    for (const m of r.matches) {
      if (!matchesPath(m as PathCondition, path)) continue;
      const literal = m.kind === 'regex' ? m.value.slice(0, m.value.search(/[[(\\.*+?{|^$]/) >>> 0) : m.value;
      // smaller is better: exact first, longer literal, regex before prefix, then names for a total order
      const rank: [number, number, number, string, string] = [
        m.kind === 'exact' ? 0 : 1, -literal.length, m.kind === 'regex' ? 0 : 1, literal, r.name,
      ];
      if (!best || compareRank(rank, best.rank) < 0) best = { route: r.name, rank };
    }
  }
  return best?.route;
}

function compareRank(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

describe('pipeline properties on random route sets', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  test('any file layout and document order gives byte-identical output', () => {
    fc.assert(
      fc.property(routesArb, fc.integer({ min: 1, max: 4 }), fc.infiniteStream(fc.nat(3)), fc.nat(1000), (routes, files, groups, seed) => {
        const order = routes.map((_, i) => i);
        const shuffled = [...order].sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101));
        const grouping = routes.map(() => groups.next().value % files);
        const a = writeProject(routes, order, routes.map((_, i) => i));
        const b = writeProject(routes, shuffled, grouping);
        roots.push(a, b);
        const ra = runPipeline({ root: a, write: false, budgets: { maxObjectBytes: 4096 } });
        const rb = runPipeline({ root: b, write: false, budgets: { maxObjectBytes: 4096 } });
        expect(ra.diagnostics.map(formatDiagnostic).filter((l) => l.includes('object-too-large'))).toEqual([]);
        if (ra.tree === undefined) {
          // both fail the same way (modulo file names, which differ by construction)
          expect(rb.tree).toBeUndefined();
          return;
        }
        expect(rb.tree).toBeDefined();
        expect([...rb.tree!.entries()]).toEqual([...ra.tree.entries()]);
      }),
      { numRuns: 40 },
    );
  });

  test('every sample path reaches its most specific route under every merge order', () => {
    let multiObjectHosts = 0;
    fc.assert(
      fc.property(routesArb, (routes) => {
        const root = writeProject(routes, routes.map((_, i) => i), routes.map((_, i) => i));
        roots.push(root);
        const result = runPipeline({ root, write: false, budgets: { maxObjectBytes: 2600 } });
        const errors = result.diagnostics.filter((d) => d.severity === 'error');
        // The only acceptable refusal: a group too large for one object that cannot be delegated.
        expect(errors.filter((d) => d.code !== 'object-too-large').map(formatDiagnostic)).toEqual([]);
        fc.pre(errors.length === 0);

        const samples = routes.flatMap((r) =>
          r.matches.flatMap((m) => samplePaths(m)).map((path) => ({ path, route: expectedWinner(routes, path)! })),
        );
        for (const table of result.tables!) {
          const folder = `${table.cluster}/${table.environment}/`;
          const objects = [...result.tree!.entries()]
            .filter(([f]) => f.startsWith(folder) && f.includes('virtualservice-'))
            .flatMap(([, text]) => loadAll(text));
          if (table.virtualServices.filter((v) => v.role === 'root').length > 1) multiObjectHosts++;
          for (const gateway of table.gateways) {
            expect(checkOrderProof(objects, table.host, gateway, samples)).toEqual([]);
          }
        }
      }),
      { numRuns: 60 },
    );
    // The budgets really split hosts into several objects in a good share of runs.
    expect(multiObjectHosts).toBeGreaterThan(5);
  });
});
