import fc from 'fast-check';
import { loadAll } from 'js-yaml';
import { compileProject } from '../../src/compile/compile-project';
import { EnvironmentTable } from '../../src/compile/route-table';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { sizeOfHttpRoute } from '../../src/emit/istio/http-route';
import { renderTables } from '../../src/emit/render';
import { convertHttpRoutes, explainRequest, PathCondition, RouteHit, samplePaths } from '../../src/explain';
import { Project } from '../../src/model/project';
import { makeCluster, makeProject, makeRoute, RouteSpec } from '../support/project-builder';

/**
 * "Nothing is emitted that routes differently": for a gateway-api cluster, the HTTPRoutes, as Istio merges and
 * sorts them (Gateway API precedence, path-separated prefixes), must send every probe path where the
 * VirtualService output of the same routes sends it (Envoy first match): same forwarded path, same authorities
 * and weights, same timeout, or not forwarded in both. Both sides run through the one explain engine.
 */

interface Outcome {
  readonly forwarded: boolean;
  readonly path?: string;
  readonly destinations?: string;
  readonly timeoutMs?: number;
}

function compile(project: Project): { tables: EnvironmentTable[]; errors: string[] } {
  const result = compileProject(project, { sizeOf: (h, t) => sizeOfHttpRoute(h, t.profile) });
  return { tables: result.tables, errors: result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic) };
}

function asVirtualServiceProject(project: Project): Project {
  return { ...project, clusters: project.clusters.map(({ output: _o, gatewayApi: _g, ...c }) => c) };
}

function objectsOf(tree: Map<string, string>, folder: string, prefix: string): unknown[] {
  return [...tree].filter(([f]) => f.startsWith(`${folder}/${prefix}`)).flatMap(([, text]) => loadAll(text));
}

function ms(duration: unknown): number | undefined {
  if (typeof duration !== 'string') return undefined;
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/([0-9.]+)(ms|h|m|s)/g)) total += Number(n) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
  return Math.round(total);
}

function outcome(hit: RouteHit | undefined, timeout: unknown): Outcome {
  if (!hit || hit.action !== 'route') return { forwarded: false };
  return {
    forwarded: true,
    path: hit.rewrittenPath,
    destinations: hit.destinations.map((d) => `${d.authority}=${d.weight}`).sort().join(','),
    timeoutMs: ms(timeout),
  };
}

/** Probe paths: each match's own samples, its bare path, and a non-segment extension. */
function probes(project: Project): string[] {
  const out = new Set<string>(['/', '/faas/api/']);
  for (const r of project.routes) {
    for (const b of [r.base, ...Object.values(r.overrides)]) {
      for (const m of b.match) {
        for (const p of samplePaths({ kind: m.kind, value: m.value } as PathCondition)) out.add(p);
        if (m.kind !== 'regex') {
          out.add(m.value.replace(/\/$/, '') || '/');
          out.add(m.value + 'x');
        }
      }
    }
  }
  return [...out].sort();
}

/** Differences between the two outputs of every gateway-api (cluster, environment), as readable lines. */
function differences(project: Project): string[] {
  const gw = compile(project);
  const vs = compile(asVirtualServiceProject(project));
  expect(vs.errors).toEqual([]);
  if (gw.errors.length > 0) throw new Error(`gateway-api compile failed: ${gw.errors.join('\n')}`);
  const gwTree = renderTables(gw.tables);
  const vsTree = renderTables(vs.tables);
  const out: string[] = [];
  for (const table of gw.tables.filter((t) => t.gatewayApi)) {
    const folder = `${table.cluster}/${table.environment}`;
    const vsTable = vs.tables.find((t) => t.cluster === table.cluster && t.environment === table.environment)!;
    const vsObjects = objectsOf(vsTree, folder, 'virtualservice-');
    const gateway = `${table.gatewayApi!.parentRef.namespace}/${table.gatewayApi!.parentRef.name}`;
    const converted = convertHttpRoutes(objectsOf(gwTree, folder, 'httproute-'), table.host, {
      gateway, clusterDomain: table.clusterDomain, noBackendStatus: table.gatewayApi!.profile.noBackendStatus,
    });
    for (const path of probes(project)) {
      const a = explainRequest(vsObjects, { host: table.host, gateway: vsTable.profile.localGateway, path }).winner;
      const b = explainRequest([converted.virtualService], { host: table.host, gateway, path }).winner;
      const expected = outcome(a, a ? (a as RouteHit & { http?: unknown }) && findTimeout(vsObjects, a) : undefined);
      const actual = outcome(b, b ? converted.virtualService.spec.http![b.httpIndex].timeout : undefined);
      if (JSON.stringify(expected) !== JSON.stringify(actual)) {
        out.push(`${folder} ${path}: VirtualService ${JSON.stringify(expected)} vs HTTPRoute ${JSON.stringify(actual)}`);
      }
    }
  }
  return out;
}

function findTimeout(objects: unknown[], hit: RouteHit): unknown {
  const vs = objects.find((o: any) => o.metadata.name === hit.virtualService.name) as any;
  const own = vs?.spec.http?.[hit.httpIndex];
  if (hit.delegate) {
    const child = (objects.find((o: any) => o.metadata.name === hit.delegate!.virtualService.name) as any)?.spec.http?.[hit.delegate.httpIndex];
    return child?.timeout ?? own?.timeout;
  }
  return own?.timeout;
}

const STANDARD = { istio: '1.24.3', knative: '1.16.0', environments: ['prod'], gatewayApi: { version: '1.2.0' } };
const EXPERIMENTAL = { istio: '1.30.3', knative: '1.23.0', environments: ['prod'], gatewayApi: { version: '1.6.1', channel: 'experimental' as const } };

describe('gateway-api output routes exactly like the VirtualService output', () => {
  test('the golden shapes: guards, rewrites, splits, regexes, timeouts, retries', () => {
    // GIVEN routes using every feature the gateway-api output supports, on a standard and an experimental cluster
    const routes: [string, RouteSpec][] = [
      ['catalog', { match: ['/faas/api/shop/'], timeoutMs: 5000 }],
      ['cart', { match: [{ exact: '/faas/api/shop/cart' }, '/faas/api/shop/cart/'], rewriteUri: '/cart/', timeoutMs: 1500 }],
      ['checkout', { match: ['/faas/api/shop/checkout/'], traffic: [{ service: 'a', weight: 90 }, { service: 'b', weight: 10 }] }],
      ['report', { team: 'api', match: ['/faas/api/report/', { regex: '/faas/api/reports/[0-9]+' }], rewriteUri: '/' }],
      ['deep', { match: ['/faas/api/shop/a/b/'], rewriteUri: '/x/' }],
    ];
    for (const spec of [STANDARD, EXPERIMENTAL]) {
      const project = makeProject({ clusters: [makeCluster('gw', spec)], routes: routes.map(([n, s]) => makeRoute(n, s)) });
      // WHEN both outputs are simulated THEN every probe path has the same outcome
      expect(differences(project)).toEqual([]);
    }
  });

  test('random route sets either compile to an equivalent HTTPRoute set or are refused', () => {
    const SEGMENTS = ['a', 'b', 'ab'];
    const matchArb = fc.record({
      kind: fc.constantFrom('prefix', 'prefix', 'exact', 'regex'),
      segments: fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 3 }),
      tail: fc.constantFrom('[0-9]+', '(x|y)/[a-z]+', '/v[0-9]+/.*'),
    }).map(({ kind, segments, tail }) => {
      const path = `/faas/api/shop/${segments.join('/')}`;
      if (kind === 'regex') return { regex: path + tail };
      return kind === 'exact' ? { exact: path } : { prefix: `${path}/` };
    });
    const routeArb = fc.record({
      matches: fc.array(matchArb, { minLength: 1, maxLength: 2 }),
      rewrite: fc.constantFrom(undefined, '/', '/r/'),
      timeoutMs: fc.constantFrom(undefined, 1500, 10_000),
    });
    let equivalent = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(routeArb, { minLength: 1, maxLength: 8 }), (raw) => {
        const seen = new Set<string>();
        const routes = raw.flatMap((r, i) => {
          const match = r.matches.filter((m) => !seen.has(JSON.stringify(m)) && seen.add(JSON.stringify(m)));
          return match.length === 0 ? [] : [makeRoute(`r${i}`, { match, rewriteUri: r.rewrite, timeoutMs: r.timeoutMs })];
        });
        const project = makeProject({ clusters: [makeCluster('gw', EXPERIMENTAL)], routes });
        if (compile(asVirtualServiceProject(project)).errors.length > 0) return; // not a valid project at all
        const gwErrors = compile(project).errors;
        if (gwErrors.length > 0) {
          refused++;
          expect(gwErrors.every((e) => /gateway-api|Gateway API/.test(e))).toBe(true);
          return;
        }
        equivalent++;
        expect(differences(project)).toEqual([]);
      }),
      { numRuns: 60, seed: 7 },
    );
    // THEN both branches were exercised: the property is not vacuous
    expect(equivalent).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(0);
  });
});
