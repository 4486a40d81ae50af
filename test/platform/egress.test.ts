import { load } from 'js-yaml';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { explainRequest } from '../../src/explain/explain';
import { objectsUnder, renderInMemory, useTempProjects } from '../support/temp-projects';
import { crdsAvailable, validateAgainstCrd } from '../support/crd-schema';
import { validateManifest } from '../support/validate-objects';

/** Egress documents: one mesh VirtualService per cluster, exactly the declared prefixes reachable, 403 for the rest. */
const writeProject = useTempProjects();

const HOST = 'java-export.kfaas-system.svc.cluster.local';

function cluster(name: string, istio: string, javaExport: string): string {
  return `apiVersion: kfaas/v1
kind: Cluster
metadata: { name: ${name} }
spec:
  istio: "${istio}"
  knative: "1.0.0"
${javaExport ? `  javaExport: ${javaExport}\n` : ''}  environments: [{ name: prod }]
`;
}

const ORDERS = `apiVersion: kfaas/v1
kind: Egress
metadata: { name: shop-orders }
spec:
  prefixes: [/java/api/order/, /java/api/stock/]
  timeout: 5s
  retries: { attempts: 2, perTryTimeout: 2s, retryOn: [connect-failure] }
`;
const LEDGER = `apiVersion: kfaas/v1
kind: Egress
metadata: { name: pay-ledger }
spec:
  prefixes: [/java/api/ledger/]
`;

const run = (files: Record<string, string>): ReturnType<typeof renderInMemory> => renderInMemory(writeProject(files));

const platformObjects = (result: ReturnType<typeof renderInMemory>, cluster: string): any[] => objectsUnder(result, `${cluster}/platform`);

describe('Egress', () => {
  test.each([
    ['1.30.3', 'networking.istio.io/v1', { directResponse: { status: 403, body: { string: 'kfaas: this path is not declared by any Egress document\n' } } }],
    ['1.15.0', 'networking.istio.io/v1beta1', { directResponse: { status: 403, body: { string: 'kfaas: this path is not declared by any Egress document\n' } } }],
    ['1.14.6', 'networking.istio.io/v1beta1', { fault: { abort: { httpStatus: 403, percentage: { value: 100 } } } }],
    ['1.4.10', 'networking.istio.io/v1alpha3', { fault: { abort: { httpStatus: 403, percentage: { value: 100 } } } }],
  ])('Istio %s: one %s mesh VirtualService, declared prefixes in specificity order, then 403', (istio, apiVersion, deny) => {
    const result = run({
      'clusters/c.yaml': cluster('c', istio, '{ host: java-gateway.java.svc.cluster.local, port: 8080 }'),
      'routes/shop/java.yaml': ORDERS,
      'routes/pay/java.yaml': LEDGER,
    });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    const objects = platformObjects(result, 'c');
    const vs = objects.filter((o) => o.kind === 'VirtualService');
    expect(vs).toHaveLength(1);
    expect(vs[0].apiVersion).toBe(apiVersion);
    expect(vs[0].spec.hosts).toEqual([HOST]);
    expect(vs[0].spec.gateways).toEqual(['mesh']);
    expect(vs[0].spec.http.map((h: any) => [h.name, h.match?.[0].uri.prefix])).toEqual([
      ['pay-ledger', '/java/api/ledger/'], ['shop-orders', '/java/api/order/'], ['shop-orders', '/java/api/stock/'], ['undeclared-path', undefined],
    ]);
    expect(vs[0].spec.http[1]).toMatchObject({
      route: [{ destination: { host: 'java-gateway.java.svc.cluster.local', port: { number: 8080 } } }],
      timeout: '5s',
      retries: { attempts: 2, perTryTimeout: '2s', retryOn: 'connect-failure' },
    });
    expect(vs[0].spec.http[0].retries).toEqual({ attempts: 0 });
    expect(vs[0].spec.http[3]).toMatchObject(deny);
    expect(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'java-export').spec).toEqual({
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }], type: 'ClusterIP',
    });
    expect(objects.some((o) => o.kind === 'ServiceEntry')).toBe(false);
    for (const o of objects) expect({ kind: o.kind, errors: validateManifest(o) }).toEqual({ kind: o.kind, errors: [] });
    if (crdsAvailable()) expect(validateAgainstCrd(vs[0])).toEqual([]);
  });

  test('a Java gateway on KVM machines becomes a STATIC ServiceEntry the routes go to', () => {
    const result = run({
      'clusters/c.yaml': cluster('c', '1.22.6', '{ addresses: [10.20.0.12, 10.20.0.9], port: 8080 }'),
      'routes/shop/java.yaml': ORDERS,
    });
    const objects = platformObjects(result, 'c');
    const se = objects.find((o) => o.kind === 'ServiceEntry');
    expect(se.spec).toEqual({
      endpoints: [{ address: '10.20.0.9' }, { address: '10.20.0.12' }],
      hosts: ['java-export-gateway.kfaas-system.internal'],
      location: 'MESH_EXTERNAL',
      ports: [{ name: 'http', number: 8080, protocol: 'HTTP' }],
      resolution: 'STATIC',
    });
    expect(validateManifest(se)).toEqual([]);
    if (crdsAvailable()) expect(validateAgainstCrd(se)).toEqual([]);
    const vs = objects.find((o) => o.kind === 'VirtualService');
    expect(vs.spec.http[0].route[0].destination).toEqual({ host: 'java-export-gateway.kfaas-system.internal', port: { number: 8080 } });
  });

  test('explain on the mesh host: exactly the declared prefixes reach the Java gateway, everything else is 403', () => {
    const result = run({
      'clusters/c.yaml': cluster('c', '1.12.9', '{ host: java-gateway.java.svc.cluster.local }'),
      'routes/shop/java.yaml': ORDERS,
      'routes/pay/java.yaml': LEDGER,
    });
    const vs = platformObjects(result, 'c').filter((o) => o.kind === 'VirtualService');
    const outcome = (path: string): string => {
      const e = explainRequest(vs, { host: HOST, gateway: 'mesh', path });
      return e.winner?.action === 'route' ? `java:${e.winner.routeName}` : `${e.winner?.action} ${e.winner?.status}`;
    };
    expect(outcome('/java/api/order/42')).toBe('java:shop-orders');
    expect(outcome('/java/api/stock/')).toBe('java:shop-orders');
    expect(outcome('/java/api/ledger/7/entries')).toBe('java:pay-ledger');
    for (const path of ['/', '/java/api/', '/java/api/orders', '/java/api/admin/users', '/java/api/ledger']) {
      expect({ path, outcome: outcome(path) }).toEqual({ path, outcome: 'abort 403' });
    }
  });

  test('two teams declaring the same prefix is a conflict, at both documents; a broader prefix is ordered after the narrower', () => {
    const result = run({
      'clusters/c.yaml': cluster('c', '1.22.6', '{ host: java-gateway.java.svc.cluster.local }'),
      'routes/shop/java.yaml': ORDERS,
      'routes/pay/java.yaml': LEDGER.replace('/java/api/ledger/', '/java/api/order/'),
      'routes/growth/java.yaml': LEDGER.replace('pay-ledger', 'growth-java').replace('/java/api/ledger/', '/java/api/'),
    });
    const errors = result.diagnostics.map(formatDiagnostic);
    expect(errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^routes\/pay\/java\.yaml:5:14 spec\.prefixes\[0\]: prefix "\/java\/api\/order\/" is also declared by egress "shop-orders" .*\(on cluster c\)$/),
      expect.stringMatching(/^routes\/shop\/java\.yaml:5:14 spec\.prefixes\[0\]: prefix "\/java\/api\/order\/" is also declared by egress "pay-ledger" /),
    ]));
    expect(errors.filter((e) => e.includes('growth'))).toEqual([]);
    expect(result.tree).toBeUndefined();
  });

  test('an Egress naming a cluster without javaExport, or with no cluster to go to, is an error', () => {
    const noExport = run({ 'clusters/c.yaml': cluster('c', '1.22.6', ''), 'routes/pay/java.yaml': LEDGER });
    expect(noExport.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^routes\/pay\/java\.yaml:3:19 metadata\.name: egress "pay-ledger" has nowhere to go: no cluster declares spec\.javaExport/),
    ]);
    const named = run({
      'clusters/c.yaml': cluster('c', '1.22.6', ''),
      'clusters/d.yaml': cluster('d', '1.22.6', '{ host: j.java.svc.cluster.local }'),
      'routes/pay/java.yaml': `${LEDGER}  clusters: [c, x]\n`,
    });
    expect(named.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/spec\.clusters\[0\]: cluster c declares no spec\.javaExport .*clusters that do: d$/),
      expect.stringMatching(/spec\.clusters\[1\]: cluster "x" does not exist; clusters: c, d$/),
    ]);
  });

  test('the mesh VirtualService does not depend on the order of the Egress files', () => {
    const a = run({ 'clusters/c.yaml': cluster('c', '1.22.6', '{ host: j.java.svc.cluster.local }'), 'routes/a/x.yaml': ORDERS, 'routes/b/y.yaml': LEDGER });
    const b = run({ 'clusters/c.yaml': cluster('c', '1.22.6', '{ host: j.java.svc.cluster.local }'), 'routes/b/x.yaml': LEDGER, 'routes/a/y.yaml': ORDERS });
    const text = (r: ReturnType<typeof renderInMemory>): unknown => load(r.tree!.get('c/platform/virtualservice-java-export.yaml')!);
    expect(text(a)).toEqual(text(b));
  });
});
