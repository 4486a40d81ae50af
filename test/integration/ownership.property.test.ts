import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import fc from 'fast-check';
import { loadAll } from 'js-yaml';
import { runPipeline } from '../../src/pipeline';
import { explainRequest, samplePaths } from '../../src/explain';

/**
 * Ownership invariant (issue 8): whatever routes teams write, if kfaas accepts them, no path inside a team's
 * owned prefix reaches another team's route, under any of the matches an intruder can write (literal prefixes
 * that straddle, catch-alls, regexes with classes, escapes, case folding) and with a declared fallback.
 * Team `web` has no Team document; `shop` and `pay` own /faas/api/<team>/.
 */
interface GenMatch { kind: 'prefix' | 'exact' | 'regex'; value: string }
interface GenRoute { name: string; team: string; fallback: boolean; matches: GenMatch[] }

const OWNERS = ['shop', 'pay'];
const INTRUDER_MATCHES: GenMatch[] = [
  { kind: 'prefix', value: '/' },
  { kind: 'prefix', value: '/faas/api/' },
  { kind: 'prefix', value: '/faas/api/pa' },
  { kind: 'prefix', value: '/faas/api/web/' },
  { kind: 'exact', value: '/faas/api/pay' },
  { kind: 'regex', value: '/faas/api/[p]ay/.*' },
  { kind: 'regex', value: '(?i)/faas/api/PAY/.*' },
  { kind: 'regex', value: '/faas/api/\\x70ay/.*' },
  { kind: 'regex', value: '/faas/api/(web|shop)/x' },
  { kind: 'regex', value: '/faas/api/[a-z]+/v[0-9]' },
  { kind: 'regex', value: '/faas/api/pa[^y]/.*' },
  { kind: 'regex', value: '.*/checkout' },
  { kind: 'regex', value: '/faas/api/web/.*' },
];
const OWNER_TAILS = ['', 'cart/', 'checkout/', 'checkout', 'a/b'];

const routeArb: fc.Arbitrary<Omit<GenRoute, 'name'>> = fc.oneof(
  fc.record({
    team: fc.constant('web'),
    fallback: fc.boolean(),
    matches: fc.array(fc.constantFrom(...INTRUDER_MATCHES), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    team: fc.constantFrom(...OWNERS),
    fallback: fc.constant(false),
    matches: fc.array(fc.constantFrom(...OWNER_TAILS), { minLength: 1, maxLength: 2 }).map((tails) => tails.map((t) => ({ kind: 'prefix' as const, value: t }))),
  }),
);

const routesArb = fc.array(routeArb, { minLength: 1, maxLength: 8 }).map((raw) => {
  const seen = new Set<string>();
  return raw.flatMap((r, i): GenRoute[] => {
    const matches = r.matches
      .map((m) => (r.team === 'web' ? m : { kind: m.kind, value: `/faas/api/${r.team}/${m.value}` }))
      .filter((m) => !seen.has(`${m.kind}:${m.value}`) && seen.add(`${m.kind}:${m.value}`));
    return matches.length > 0 ? [{ name: `${r.team}-r${i}`, team: r.team, fallback: r.fallback, matches }] : [];
  });
});

const CLUSTER = 'apiVersion: kfaas/v1\nkind: Cluster\nmetadata:\n  name: c1\nspec:\n  istio: "1.22.6"\n  knative: "1.14.1"\n  environments:\n    - name: alpha\n';

function writeProject(routes: readonly GenRoute[]): string {
  const root = mkdtempSync(join(tmpdir(), 'kfaas-own-'));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('clusters/c1.yaml', CLUSTER);
  for (const team of OWNERS) {
    write(`routes/${team}/team.yaml`, `apiVersion: kfaas/v1\nkind: Team\nmetadata:\n  name: ${team}\nspec:\n  owns: [/faas/api/${team}/]\n`);
  }
  for (const r of routes) {
    const matches = r.matches.map((m) => `    - ${m.kind}: ${JSON.stringify(m.value)}`).join('\n');
    write(`routes/${r.team}/${r.name}.yaml`,
      `apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: ${r.name}\nspec:\n${r.fallback ? '  fallback: true\n' : ''}  match:\n${matches}\n`);
  }
  return root;
}

describe('ownership invariant on random route sets', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  test('no accepted project lets a path inside an owned prefix reach another team', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(routesArb, (routes) => {
        const root = writeProject(routes);
        roots.push(root);
        const result = runPipeline({ root, write: false });
        if (!result.tree) {
          refused++;
          return;
        }
        accepted++;
        const teamOf = new Map(routes.map((r) => [r.name, r.team]));
        const objects = [...result.tree.entries()].filter(([f]) => f.includes('virtualservice-')).flatMap(([, t]) => loadAll(t));
        const table = result.tables![0];
        for (const owner of OWNERS) {
          const prefix = `/faas/api/${owner}/`;
          // Probe the owned prefix itself and every path any route's match produces inside it.
          const probes = new Set([...samplePaths({ kind: 'prefix', value: prefix }), `${prefix}checkout`, `${prefix}checkout/x`]);
          for (const r of routes) for (const m of r.matches) for (const p of samplePaths(m)) if (p.startsWith(prefix)) probes.add(p);
          for (const path of probes) {
            const { winner } = explainRequest(objects, { host: table.host, gateway: table.gateways[0], path });
            const team = winner?.routeName ? teamOf.get(winner.routeName) : undefined;
            if (team !== undefined) expect({ path, team }).toEqual({ path, team: owner });
          }
        }
      }),
      { numRuns: 80 },
    );
    // Both outcomes happen: the property is not vacuous.
    expect(accepted).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  });
});
