import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadAll } from 'js-yaml';
import { BENCH_TEAMS, generateProject } from '../../src/bench/generate';
import { compileClusterPlatform, mergeFindings, planProject } from '../../src/compile/compile-project';
import { configMapBytes } from '../../src/compile/platform/forwarding-formats';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { sizeOfHttpRoute } from '../../src/emit/istio/http-route';
import { renderTables } from '../../src/emit/render';
import { loadProject } from '../../src/load/load-project';

/**
 * The forwarding table at the bench's tier L (7,000 routes, 6 clusters x 3 environments): one ConfigMap per
 * environment, each at most 256 KiB (the bench's rule for every object: client-side apply's annotation limit;
 * the API server refuses about 1 MiB). With Team documents each team is one pattern; without them the tables
 * outgrow one object and each environment is an error at its line in the cluster file, never an oversized object.
 */
const LIMIT = 256 * 1024;
const ROUTES = 7000;
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-forwarding-scale-'));
  generateProject(root, ROUTES);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Plans the project and compiles and renders only the platform folders (the route tables are not needed here). */
function platformOf(dir: string) {
  const loaded = loadProject(dir);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  const plan = planProject(loaded.project!, { sizeOf: (http, table) => sizeOfHttpRoute(http, table.profile) });
  const compiled = plan.clusters.map((c) => compileClusterPlatform(plan, c));
  const diagnostics = mergeFindings([plan.findings, ...compiled.map((c) => c.findings)]);
  return { compiled, diagnostics, tree: renderTables([], compiled.map((c) => c.table)) };
}

test(`tier L (${ROUTES} routes) with Team documents: every forwarding ConfigMap is at most 256 KiB, one per environment, each team one pattern`, () => {
  const { compiled, diagnostics, tree } = platformOf(root);
  expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  const configMaps = [...tree].filter(([path]) => /\/platform\/configmap-/.test(path));
  expect(configMaps).toHaveLength(6 * (3 + 1)); // an index and three environments per cluster
  for (const [path, text] of configMaps) {
    expect({ path, over: Buffer.byteLength(text) > LIMIT }).toEqual({ path, over: false });
  }
  for (const { table } of compiled) {
    for (const entry of table.forwarding.entries) {
      expect(entry.paths).toHaveLength(BENCH_TEAMS);
      // the compiler's bound holds for the object as rendered
      const [, text] = configMaps.find(([path]) => path === `${table.cluster}/platform/configmap-${entry.configMap}.yaml`)!;
      expect(configMapBytes(entry.data)).toBeGreaterThanOrEqual(Buffer.byteLength(text));
      expect((loadAll(text) as any[])[0].data).toEqual(entry.data);
    }
  }
}, 300_000);

test(`tier L without Team documents: each environment is an error at its entry in the cluster file, and nothing is rendered oversized`, () => {
  for (let t = 0; t < BENCH_TEAMS; t++) rmSync(join(root, 'routes', `team-${String(t).padStart(2, '0')}`, 'team.yaml'));
  const { diagnostics } = platformOf(root);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toHaveLength(6 * 3);
  expect(new Set(errors.map((d) => d.code))).toEqual(new Set(['forwarding-table-too-large']));
  expect(formatDiagnostic(errors[0])).toMatch(
    /^clusters\/cn-bj-prod\.yaml:9:\d+ .*the forwarding table of environment alpha on cluster cn-bj-prod would take \d+ bytes .*Team documents/,
  );
}, 300_000);
