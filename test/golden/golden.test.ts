import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { runPipeline } from '../../src/pipeline';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { listFiles } from '../../src/util/list-files';
import { load, loadAll } from 'js-yaml';
import { crdsAvailable, validateAgainstCrd } from '../support/crd-schema';
import { gatewayApiViolations, istioRules, ruleViolations } from '../support/istio-rules';
import { validateManifest } from '../support/validate-objects';

/**
 * Golden fixtures, one per version profile: `test/fixtures/golden/N-name/input/{clusters,routes}` renders to
 * exactly the files in `expected/`. Refresh after an intended change with `npm run test:update-golden` and
 * review the diff.
 */
const GOLDEN = join(__dirname, '..', 'fixtures', 'golden');
const UPDATE = process.env.KFAAS_UPDATE_GOLDEN === '1';

function readTree(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

const cases = readdirSync(GOLDEN).filter((n) => existsSync(join(GOLDEN, n, 'input'))).sort();

describe('golden fixtures', () => {
  test.each(cases)('%s', (name) => {
    // GIVEN a fixture project
    const root = join(GOLDEN, name, 'input');
    const expectedDir = join(GOLDEN, name, 'expected');

    // WHEN it is rendered in memory
    const result = runPipeline({ root, write: false });

    // THEN it renders without errors, to exactly the expected files
    expect(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const tree = result.tree!;
    if (UPDATE) {
      rmSync(expectedDir, { recursive: true, force: true });
      for (const [path, text] of tree) {
        mkdirSync(dirname(join(expectedDir, path)), { recursive: true });
        writeFileSync(join(expectedDir, path), text);
      }
    }
    const expected = readTree(expectedDir);
    expect([...tree.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, text] of tree) expect({ path, text }).toEqual({ path, text: expected.get(path) });
  });

  test.each(cases)('%s: every object passes the schemas (and its CRD); every VirtualService, HTTPRoute and Service its Istio release\'s rule table', (name) => {
    // GIVEN the fixture's cluster versions WHEN its expected output is read THEN the independent rules hold
    const clusters = listFiles(join(GOLDEN, name, 'input', 'clusters'))
      .map((f) => load(readFileSync(join(GOLDEN, name, 'input', 'clusters', f), 'utf8')) as any)
      .filter((d) => d?.kind === 'Cluster');
    const expected = readTree(join(GOLDEN, name, 'expected'));
    let checked = 0;
    for (const cluster of clusters) {
      const rules = istioRules(cluster.spec.istio, cluster.spec.gatewayProxy);
      for (const [path, text] of expected) {
        if (!path.startsWith(`${cluster.metadata.name}/`)) continue;
        for (const o of loadAll(text) as any[]) {
          if (o?.kind === 'Kustomization' && o.apiVersion === 'kustomize.config.k8s.io/v1beta1') continue;
          expect({ path, errors: validateManifest(o) }).toEqual({ path, errors: [] });
          if (crdsAvailable()) expect({ path, errors: validateAgainstCrd(o) ?? [] }).toEqual({ path, errors: [] });
          if (o?.kind !== 'VirtualService' && o?.kind !== 'Service' && o?.kind !== 'HTTPRoute') continue;
          const gw = cluster.spec.gatewayApi;
          const violations = [
            ...ruleViolations(o, rules, cluster.spec.publicIngress === true),
            ...(gw ? gatewayApiViolations(o, cluster.spec.istio, gw.version, gw.channel ?? 'standard') : []),
          ];
          expect({ path, violations }).toEqual({ path, violations: [] });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  test('the version profiles each have a fixture', () => {
    // Istio+Knative: 1.4+0.8, 1.5+0.15, 1.8+0.19, 1.12+0.26, 1.22+1.15, 1.30+1.23 (and more)
    const pairs = cases.map((name) => {
      const dir = join(GOLDEN, name, 'input', 'clusters');
      return listFiles(dir).map((f) => load(readFileSync(join(dir, f), 'utf8')) as any).filter((d) => d?.kind === 'Cluster')
        .map((d) => `${d.spec.istio.split('.').slice(0, 2).join('.')}+${d.spec.knative.split('.').slice(0, 2).join('.')}`);
    }).flat();
    for (const p of ['1.4+0.8', '1.5+0.15', '1.8+0.19', '1.12+0.26', '1.22+1.15', '1.30+1.23']) expect(pairs).toContain(p);
  });
});
