import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { dump } from 'js-yaml';
import { importCommand } from '../../src/cli/import';
import { CliIo } from '../../src/cli/io';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-import-ingress-'));
  mkdirSync(join(root, 'routes'));
  mkdirSync(join(root, 'clusters'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function run(argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: root };
  return { code: importCommand(argv, io, () => ''), stdout, stderr };
}

const publicObject = dump({
  apiVersion: 'networking.istio.io/v1alpha3',
  kind: 'VirtualService',
  metadata: { name: 'faas-alpha-ns-shop-ksvc-virtualservice', namespace: 'kfaas-system' },
  spec: {
    gateways: ['knative-serving/cluster-local-gateway', 'knative-serving/knative-ingress-gateway'],
    hosts: ['faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local'],
    http: [{
      match: [{ uri: { prefix: '/faas/api/shop/' } }],
      rewrite: { authority: 'shop.faas-alpha.svc.cluster.local' },
      route: [{ destination: { host: 'cluster-local-gateway.istio-system.svc.cluster.local' } }],
      retries: { attempts: 0 },
    }],
  },
});

describe('kfaas import: public ingress bindings', () => {
  it('a new cluster file carries the opt-in, and the report says so', () => {
    writeFileSync(join(root, 'vs.yaml'), publicObject);
    const r = run(['--cluster', 'c1', '--env', 'alpha', '--istio', '1.5.4', '--knative', '0.15.0', 'vs.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Public ingress: 1 object(s) bound Knative's public ingress (knative-serving/knative-ingress-gateway); the new cluster file sets publicIngress: true");
    expect(readFileSync(join(root, 'clusters', 'c1.yaml'), 'utf8')).toContain('  publicIngress: true\n');
  });

  it('an existing private cluster stays private, and the report says how to opt in', () => {
    writeFileSync(join(root, 'clusters', 'c1.yaml'), 'apiVersion: kfaas/v1\nkind: Cluster\nmetadata:\n  name: c1\nspec:\n  istio: "1.5.4"\n  knative: "0.15.0"\n  environments:\n    - name: beta\n');
    writeFileSync(join(root, 'vs.yaml'), publicObject);
    const r = run(['--cluster', 'c1', '--env', 'alpha', 'vs.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('but the cluster keeps it off (private by default)');
    expect(r.stdout).toContain('Set spec.publicIngress: true in clusters/c1.yaml to keep that');
    const cluster = readFileSync(join(root, 'clusters', 'c1.yaml'), 'utf8');
    expect(cluster).not.toContain('publicIngress');
    expect(cluster).toContain('- name: alpha');
    expect(cluster).toContain('- name: beta');
  });
});
