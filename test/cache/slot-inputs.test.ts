import { join } from 'path';
import { slotInputsDigest } from '../../src/cache/slot-inputs';
import { loadProject } from '../../src/load/load-project';
import { compileSlot, planProject } from '../../src/compile/compile-project';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { sizeOfHttpRoute } from '../../src/emit/istio/http-route';
import { Cluster, Environment, Project } from '../../src/model/project';
import { isVersion } from '../../src/versions/version-class';
import { useTempProjects } from '../support/temp-projects';

/**
 * What a (cluster, environment) table is keyed by from its cluster file (src/cache/slot-inputs.ts): every field of
 * the cluster and of the environment but source locations, sibling environments and a version's text within its
 * class. A part missing from the key would reuse a stale table (wrong output); a part in it that the output does
 * not depend on recompiles tables for nothing.
 */
const writeProject = useTempProjects();
const EXAMPLE = join(__dirname, '..', '..');

const clusterOf = (text: string): Cluster => {
  const { project, diagnostics } = loadProject(writeProject({ 'clusters/c.yaml': text }));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return project!.clusters[0];
};
const digestOf = (text: string, env = 'alpha'): string => {
  const cluster = clusterOf(text);
  return slotInputsDigest(cluster, cluster.environments.find((e) => e.name === env)!);
};

const BASE = `apiVersion: kfaas/v1
kind: Cluster
metadata:
  name: c
spec:
  istio: "1.22.6"
  knative: "1.14.1"
  environments:
    - name: alpha
    - name: prod
`;

describe('the inputs a table takes from its cluster file', () => {
  test.each([
    ['a comment and blank lines (every line moves)', BASE.replace('apiVersion', '# the Beijing cluster\n\napiVersion')],
    ['another key order', BASE.replace('  istio: "1.22.6"\n  knative: "1.14.1"\n', '').replace('    - name: prod\n', '    - name: prod\n  knative: "1.14.1"\n  istio: "1.22.6"\n')],
    ['an environment dropped', BASE.replace('    - name: prod\n', '')],
    ['an environment added', BASE.replace('    - name: prod\n', '    - name: prod\n    - name: beta\n      allowFaults: true\n')],
    ['the environments reordered', BASE.replace('    - name: alpha\n    - name: prod\n', '    - name: prod\n    - name: alpha\n')],
    ['an Istio patch release of the same profile', BASE.replace('1.22.6', '1.22.7')],
    ['a Knative patch release', BASE.replace('1.14.1', '1.14.3')],
    ['the default written out', BASE.replace('  environments:', '  layout: merged\n  clusterDomain: cluster.local\n  environments:')],
  ])('stay the same with %s', (_what, text) => {
    expect(digestOf(text)).toBe(digestOf(BASE));
  });

  test.each([
    ['an Istio minor (another profile: v1 API, retries)', BASE.replace('1.22.6', '1.24.0')],
    ['an Istio patch across a threshold (1.2.0 -> 1.2.1: attempts: 0)', BASE.replace('1.22.6', '1.2.0').replace('1.14.1', '0.9.0'), BASE.replace('1.22.6', '1.2.1').replace('1.14.1', '0.9.0')],
    ['an Istio patch across a threshold (1.12.1 -> 1.12.2: delegate push bug)', BASE.replace('1.22.6', '1.12.1').replace('1.14.1', '0.26.0'), BASE.replace('1.22.6', '1.12.2').replace('1.14.1', '0.26.0')],
    ['a Knative minor across the gateway rename (0.18 -> 0.19)', BASE.replace('1.22.6', '1.8.6').replace('1.14.1', '0.18.0'), BASE.replace('1.22.6', '1.8.6').replace('1.14.1', '0.19.0')],
    ['the gateway proxy', BASE.replace('  environments:', '  gatewayProxy: "1.11.0"\n  environments:')],
    ['the cluster domain', BASE.replace('  environments:', '  clusterDomain: corp.local\n  environments:')],
    ['the layout', BASE.replace('  environments:', '  layout: per-route\n  environments:')],
    ['the public ingress', BASE.replace('  environments:', '  publicIngress: true\n  environments:')],
    ['the local gateway', BASE.replace('  environments:', '  localGateway: { gateway: knative-serving/lg, host: lg.istio-system.svc.cluster.local }\n  environments:')],
    ['the environment\'s namespace', BASE.replace('    - name: alpha\n', '    - name: alpha\n      namespace: shop-alpha\n')],
    ['the environment\'s allowFaults', BASE.replace('    - name: alpha\n', '    - name: alpha\n      allowFaults: true\n')],
    ['the cluster name', BASE.replace('name: c\n', 'name: d\n')],
  ])('change with %s', (_what, before, after = BASE) => {
    expect(digestOf(before)).not.toBe(digestOf(after));
  });

  test('a field named like a source location is left out only when it holds one (a CORS origin would be a value)', () => {
    const cluster = clusterOf(BASE);
    const env = cluster.environments[0];
    const withField = (value: unknown): Cluster => ({ ...cluster, allowedOrigin: value } as unknown as Cluster);
    expect(slotInputsDigest(withField('https://a.example.com'), env)).not.toBe(slotInputsDigest(withField('https://b.example.com'), env));
    const at = (line: number): unknown => ({ at: { file: 'clusters/c.yaml', line, col: 3 }, path: 'spec.x' });
    expect(slotInputsDigest(withField(at(3)), env)).toBe(slotInputsDigest(withField(at(9)), env));
  });

  test('every field of every example cluster and environment (but locations) changes the digest, or no byte and no finding of the table', () => {
    const { project } = loadProject(EXAMPLE);
    let keyed = 0;
    const left: string[] = [];
    for (const cluster of project!.clusters) {
      for (const environment of cluster.environments) {
        const base = slotInputsDigest(cluster, environment);
        const table = compiledSlot(project!, cluster, environment.name);
        for (const { path, mutated } of mutations({ cluster: { ...cluster, environments: [environment] } })) {
          const c = { ...(mutated.cluster as Cluster), environments: cluster.environments.map((e) => (e === environment ? (mutated.cluster as Cluster).environments[0] : e)) };
          if (slotInputsDigest(c, c.environments.find((e) => e.name === environment.name) ?? (mutated.cluster as Cluster).environments[0] as Environment) !== base) {
            keyed++;
            continue;
          }
          // left out of the digest: only platform-only fields, and the table compiles the same without them
          left.push(`${cluster.name}${path}`);
          expect(path).toMatch(/^\.cluster\.(kubernetes|javaExport|javaGateway|gateway\.(?!domains))/);
          expect([path, compiledSlot({ ...project!, clusters: project!.clusters.map((x) => (x === cluster ? c : x)) }, c, environment.name)]).toEqual([path, table]);
        }
      }
    }
    expect(keyed).toBeGreaterThan(100);
    expect(left.length).toBeGreaterThan(10);
  });
});

/** The compiled table of one (cluster, environment) and its findings, as JSON without source locations. */
function compiledSlot(project: Project, cluster: Cluster, environment: string): string {
  const plan = planProject(project, { sizeOf: (http, table) => sizeOfHttpRoute(http, table.profile) });
  const slot = plan.slots.find((s) => s.cluster.name === cluster.name && s.environment.name === environment)!;
  const { table, findings } = compileSlot(plan, slot);
  return JSON.stringify({ table, findings: findings.map((f) => formatDiagnostic(f.diagnostic)) }, (k, v) => (k === 'origin' ? undefined : v));
}

/** One mutation per leaf of `value` (source locations aside): a string, number, boolean or version changed. */
function mutations(value: Record<string, unknown>): { path: string; mutated: Record<string, unknown> }[] {
  const out: { path: string; mutated: Record<string, unknown> }[] = [];
  const visit = (node: unknown, path: string, rebuild: (v: unknown) => Record<string, unknown>): void => {
    if (isVersion(node)) {
      out.push({ path, mutated: rebuild({ ...node, minor: node.minor + 1, raw: `${node.major}.${node.minor + 1}.${node.patch}` }) });
      return;
    }
    if (typeof node === 'string') out.push({ path, mutated: rebuild(`${node}x`) });
    else if (typeof node === 'number') out.push({ path, mutated: rebuild(node + 1) });
    else if (typeof node === 'boolean') out.push({ path, mutated: rebuild(!node) });
    else if (node instanceof Map) {
      for (const [k, v] of node) visit(v, `${path}.${String(k)}`, (x) => rebuild(new Map([...node, [k, x]])));
    } else if (Array.isArray(node)) {
      node.forEach((v, i) => visit(v, `${path}[${i}]`, (x) => rebuild(node.map((y, j) => (j === i ? x : y)))));
    } else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) {
        if (/^origin$|Origins?$/.test(k)) continue;
        visit(v, `${path}.${k}`, (x) => rebuild({ ...node, [k]: x }));
      }
    }
  };
  visit(value, '', (v) => v as Record<string, unknown>);
  return out;
}
