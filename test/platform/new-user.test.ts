import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { load, loadAll } from 'js-yaml';
import { main } from '../../src/cli/main';
import { CliIo } from '../../src/cli/io';
import { crdsAvailable, validateAgainstCrd } from '../support/crd-schema';
import { validateManifest } from '../support/validate-objects';

/**
 * Issue 10's "done when", tried as a new user would on a copy of the shipped example, through the CLI:
 * adding `spec.gateway` and one domain to a cluster renders a complete, valid gateway stack and certificate; an
 * Egress document makes exactly its prefixes reachable from functions (shown by `kfaas explain` on the mesh
 * host) and nothing else; the forwarding table names every environment's gateway host.
 */
const EXAMPLE = resolve(__dirname, '..', '..');
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-new-user-'));
  cpSync(join(EXAMPLE, 'clusters'), join(root, 'clusters'), { recursive: true });
  cpSync(join(EXAMPLE, 'routes'), join(root, 'routes'), { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function kfaas(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd: root };
  const code = await main([...args, '--root', root], io);
  return { code, out, err };
}

const edit = (path: string, from: RegExp, to: string): void => {
  const text = readFileSync(join(root, path), 'utf8');
  expect(text).toMatch(from);
  writeFileSync(join(root, path), text.replace(from, to));
};

test('spec.gateway and one domain on a cluster without them: the whole gateway stack and a Certificate, every object valid', async () => {
  // eu-fra-prod has no gateway in the example; a new user adds one, with one business domain, and a hostname on a route
  edit('clusters/eu-fra-prod.yaml', /\n  environments:/,
    '\n  kubernetes: "1.27.3"\n  gateway:\n    domains:\n      suffixes: [example.de]\n      issuer: { name: letsencrypt-prod }\n  environments:');
  edit('routes/shop/cart.yaml', /\n  timeout: 2s\n/, '\n  timeout: 2s\n  hostnames:\n    prod: [shop.example.de]\n');
  const synth = await kfaas('synth');
  expect(synth.err).toBe('');
  expect(synth.code).toBe(0);

  const folder = join(root, 'dist', 'eu-fra-prod', 'platform');
  const files = readdirSync(folder).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
  const objects = files.map((f) => (loadAll(readFileSync(join(folder, f), 'utf8')) as any[])[0]);
  expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
    'Certificate/domain-shop-example-de',
    'ConfigMap/kfaas-forwarding-table',
    'ConfigMap/kfaas-forwarding-table-prod',
    'Deployment/kfaas-east-west',
    'Gateway/kfaas-east-west',
    'HorizontalPodAutoscaler/kfaas-east-west',
    'Namespace/kfaas-system',
    'PodDisruptionBudget/kfaas-east-west',
    'Role/kfaas-east-west',
    'RoleBinding/kfaas-east-west',
    'Service/kfaas-east-west',
    'ServiceAccount/kfaas-east-west',
  ]);
  expect((load(readFileSync(join(folder, 'kustomization.yaml'), 'utf8')) as any).resources).toEqual(files);
  for (const o of objects) {
    expect({ object: `${o.kind}/${o.metadata.name}`, errors: validateManifest(o) }).toEqual({ object: `${o.kind}/${o.metadata.name}`, errors: [] });
    if (crdsAvailable()) expect({ object: `${o.kind}/${o.metadata.name}`, crd: validateAgainstCrd(o) ?? [] }).toEqual({ object: `${o.kind}/${o.metadata.name}`, crd: [] });
  }
  const gateway = objects.find((o) => o.kind === 'Gateway');
  expect(gateway.spec.servers).toEqual([
    { hosts: ['shop.example.de'], port: { name: 'http', number: 80, protocol: 'HTTP' }, tls: { httpsRedirect: true } },
    {
      hosts: ['shop.example.de'], port: { name: 'https-domain-shop-example-de', number: 443, protocol: 'HTTPS' },
      tls: { credentialName: 'domain-shop-example-de-tls', mode: 'SIMPLE' },
    },
  ]);
  expect(objects.find((o) => o.kind === 'Certificate').spec).toMatchObject({ dnsNames: ['shop.example.de'], secretName: 'domain-shop-example-de-tls' });

  const explain = await kfaas('explain', '--cluster', 'eu-fra-prod', '--host', 'shop.example.de', '/faas/api/shop/cart/1');
  expect(explain.code).toBe(0);
  expect(explain.out).toMatch(/Winner: .*route "shop-cart" in kfaas-system\/domain-shop-example-de/);
});

test('an Egress document makes exactly its prefixes reachable on the mesh host, and nothing else', async () => {
  writeFileSync(join(root, 'routes', 'growth', 'java-points.yaml'),
    'apiVersion: kfaas/v1\nkind: Egress\nmetadata: { name: growth-java-points }\nspec:\n  prefixes: [/java/api/points/]\n  clusters: [us-west-prod]\n');
  expect((await kfaas('synth')).code).toBe(0);
  const outcome = async (path: string): Promise<string> => {
    const r = await kfaas('explain', '--cluster', 'us-west-prod', '--host', 'java-export.kfaas-system.svc.cluster.local', path);
    expect(r.code).toBe(0);
    const winner = /Winner: #\d+ route "([^"]+)"/.exec(r.out)?.[1];
    return winner === 'undeclared-path' ? `403 (${/Direct response: (\d+)/.exec(r.out)?.[1]})` : `java (${winner})`;
  };
  expect(await outcome('/java/api/points/7')).toBe('java (growth-java-points)');
  expect(await outcome('/java/api/order/42')).toBe('java (shop-java-orders)'); // the example's own Egress
  for (const path of ['/java/api/points', '/java/api/pointsX/1', '/java/api/ledger/1', '/java/api/points/../admin', '/']) {
    expect({ path, outcome: await outcome(path) }).toEqual({ path, outcome: '403 (403)' });
  }
});

test('the forwarding table names every environment\'s gateway host, on every cluster', async () => {
  expect((await kfaas('synth')).code).toBe(0);
  for (const cluster of readdirSync(join(root, 'clusters')).filter((f) => f.endsWith('.yaml') && f !== 'delivery.yaml')) {
    const doc = load(readFileSync(join(root, 'clusters', cluster), 'utf8')) as any;
    const name = doc.metadata.name;
    const index = (loadAll(readFileSync(join(root, 'dist', name, 'platform', 'configmap-kfaas-forwarding-table.yaml'), 'utf8')) as any[])[0];
    const listed = JSON.parse(index.data['forwarding-table.json']).environments;
    const domain = doc.spec.clusterDomain ?? 'cluster.local';
    expect(listed.map((e: any) => [e.environment, e.host])).toEqual(
      doc.spec.environments.map((e: any) => [e.name, `${e.namespace ?? `faas-${e.name}`}-ksvc-gateway.kfaas-system.svc.${domain}`])
        .sort((a: string[], b: string[]) => (a[0] < b[0] ? -1 : 1)),
    );
  }
});
