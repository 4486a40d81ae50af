import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { generateProject } from '../../src/bench/generate';
import { compileClusterPlatform, planProject } from '../../src/compile/compile-project';
import { loadProject } from '../../src/load/load-project';
import { isStub, StubFieldRead, stubRoutes, summarizeRoute } from '../../src/load/route-stubs';
import { Project, Route } from '../../src/model/project';

/**
 * Route stubs (src/load/route-stubs.ts) stand for their routes in planning: where each route lands and with which
 * matches, ownership, and the forwarding tables of the platform folders come out the same as from the models; what a
 * stub does not hold throws instead of reading as absent.
 */
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-route-stubs-'));
  generateProject(root, 200);
  // shapes the generator does not make: restricted environments and clusters, an override with its own matches
  const route = (name: string, spec: string): string => `apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
  writeFileSync(join(root, 'routes', 'team-03', 'shapes.yaml'), [
    route('shape-envs', '  environments: [alpha, prod]\n  match:\n    - prefix: /faas/api/team-03/envs/\n'),
    route('shape-clusters', '  clusters: [cn-hz-test, sg-test]\n  environments: [alpha]\n  match:\n    - exact: /faas/api/team-03/clusters\n'),
    route('shape-override', '  match:\n    - prefix: /faas/api/team-03/over/\n  overrides:\n    beta:\n      match:\n        - prefix: /faas/api/team-03/over-beta/\n        - regex: /faas/api/team-03/over-re/[a-z]+\n    prod:\n      timeout: 5s\n'),
  ].join('---\n'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The project with each route a summary can stand for replaced by its stub. */
function stubbed(project: Project): Project {
  const routes = project.routes.map((route): Route => {
    const summary = summarizeRoute(route, 0);
    return summary === undefined ? route : stubRoutes(route.origin.at.file, [summary])[0];
  });
  return { ...project, routes };
}

/** What planning decides, as plain data: per slot the landings' route names and matches, and the findings. */
function planned(project: Project): unknown {
  const plan = planProject(project, { sizeOf: () => 100 });
  return {
    slots: plan.slots.map((s) => ({
      slot: `${s.cluster.name}/${s.environment.name}`,
      landings: s.landings.map((l) => [l.route.name, l.route.team, l.route.origin.at.file, l.behaviour.match.map((m) => [m.kind, m.value, m.origin.path])]),
    })),
    findings: plan.findings.map((f) => f.diagnostic.message),
    hostnames: [...plan.hostnames],
    platforms: plan.clusters.map((c) => compileClusterPlatform(plan, c).table),
  };
}

test('planning a project of stubs gives the landings, findings and platform tables of its models', () => {
  const { project, diagnostics } = loadProject(root);
  expect(diagnostics).toEqual([]);
  const stubs = stubbed(project);
  expect(stubs.routes.filter(isStub)).toHaveLength(project.routes.length);
  expect(planned(stubs)).toEqual(planned(project));
});

test('a stub holds its route\'s fields; anything else of a behaviour throws StubFieldRead', () => {
  const { project } = loadProject(root);
  const route = project.routes.find((r) => r.name === 'shape-override')!;
  const [stub] = stubRoutes(route.origin.at.file, [summarizeRoute(route, 2)!]);
  expect({ ...stub, base: stub.base.match, overrides: Object.keys(stub.overrides) }).toEqual({
    name: route.name, team: route.team, origin: { at: { file: route.origin.at.file, line: 1, col: 1 }, path: 'metadata.name' },
    base: route.base.match.map((m) => ({ ...m, origin: { at: { file: route.origin.at.file, line: 1, col: 1 }, path: m.origin.path } })),
    overrides: ['beta', 'prod'],
  });
  // an override that keeps the base's matches shares them, as the model does
  expect(stub.overrides.prod.match).toBe(stub.base.match);
  expect(stub.overrides.beta.match.map((m) => m.value)).toEqual(['/faas/api/team-03/over-beta/', '/faas/api/team-03/over-re/[a-z]+']);
  for (const field of ['service', 'timeoutMs', 'retries', 'rewriteUri', 'traffic', 'headers', 'redirect', 'directResponse', 'cors', 'fault', 'tag'] as const) {
    expect(() => stub.overrides.prod[field]).toThrow(StubFieldRead);
  }
});

test('no summary for what a stub could not stand for: fallback routes, business-domain hostnames, request conditions', () => {
  const { project } = loadProject(root);
  const route = project.routes[0];
  expect(summarizeRoute(route, 0)).toBeDefined();
  expect(summarizeRoute({ ...route, fallback: true }, 0)).toBeUndefined();
  expect(summarizeRoute({ ...route, hostnames: { prod: [] } }, 0)).toBeUndefined();
  const conditions = { ...route.base.match[0], conditions: { method: 'GET' } } as unknown as Route['base']['match'][number];
  expect(summarizeRoute({ ...route, base: { ...route.base, match: [conditions] } }, 0)).toBeUndefined();
});
