import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadAll } from 'js-yaml';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { runPipeline } from '../../src/pipeline';
import { istioRules, ruleViolations } from '../support/istio-rules';

/**
 * Upgrading one cluster touches only that cluster: changing sg-test's versions in the shipped example changes
 * files under dist/sg-test/ and nowhere else, and what it renders there follows the new versions.
 */
const ROOT = join(__dirname, '..', '..');

describe('changing one cluster\'s versions', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'kfaas-upgrade-'));
    for (const dir of ['clusters', 'routes']) cpSync(join(ROOT, dir), join(scratch, dir), { recursive: true });
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test('sg-test from Istio 1.4 / Knative 0.11 to Istio 1.12 / Knative 0.26 changes only dist/sg-test, by the new rules', () => {
    // GIVEN the example rendered as shipped
    const before = runPipeline({ root: scratch, write: false });
    expect(before.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);

    // WHEN one cluster's versions change
    const file = join(scratch, 'clusters', 'sg-test.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('istio: "1.4.10"');
    writeFileSync(file, text.replace('istio: "1.4.10"', 'istio: "1.12.9"').replace('knative: "0.11.2"', 'knative: "0.26.0"'));
    const after = runPipeline({ root: scratch, write: false });
    expect(after.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);

    // THEN only files of that cluster differ, and they do differ
    const changed = [...new Set([...before.tree!.keys(), ...after.tree!.keys()])]
      .filter((f) => before.tree!.get(f) !== after.tree!.get(f)).sort();
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.filter((f) => !f.startsWith('sg-test/'))).toEqual([]);

    // AND the new objects are right for Istio 1.12 / Knative 0.26
    const rules = istioRules('1.12.9');
    const objects = changed.filter((f) => after.tree!.has(f) && !f.endsWith('kustomization.yaml'))
      .flatMap((f) => loadAll(after.tree!.get(f)!) as any[]);
    const virtualServices = objects.filter((o) => o.kind === 'VirtualService');
    expect(virtualServices.length).toBeGreaterThan(0);
    for (const o of objects) expect(ruleViolations(o, rules)).toEqual([]);
    for (const vs of virtualServices) {
      expect(vs.apiVersion).toBe('networking.istio.io/v1beta1');
      expect(vs.spec.gateways).toEqual(['knative-serving/knative-local-gateway']);
    }
    const service = objects.find((o) => o.kind === 'Service');
    expect(service.spec.externalName).toBe('knative-local-gateway.istio-system.svc.cluster.local');
  });
});
