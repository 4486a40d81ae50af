import { main } from '../../src/cli/main';
import { compileProject } from '../../src/compile/compile-project';
import { sizeOfHttpRoute } from '../../src/emit/istio/http-route';
import { loadProject } from '../../src/load/load-project';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { explainRequest } from '../../src/explain/explain';
import { errorsOf, objectsUnder as objectsIn, renderInMemory, useTempProjects } from '../support/temp-projects';
import { crdsAvailable, validateAgainstCrd } from '../support/crd-schema';
import { validateManifest } from '../support/validate-objects';

/** Business domains: Route `hostnames` served by the east-west gateway over HTTPS, a Certificate per hostname. */
const writeProject = useTempProjects();

interface ClusterOptions {
  readonly istio?: string;
  readonly kubernetes?: string;
  readonly suffixes?: string;
  readonly wildcards?: boolean;
  readonly environments?: string;
  readonly gateway?: boolean;
}

function cluster(name: string, o: ClusterOptions = {}): string {
  const gateway = o.gateway === false ? '' : `  kubernetes: "${o.kubernetes ?? '1.31.4'}"
  gateway:
    domains:
      suffixes: [${o.suffixes ?? 'example.com'}]
${o.wildcards ? '      wildcards: true\n' : ''}      issuer: { name: letsencrypt-prod }
`;
  return `apiVersion: kfaas/v1
kind: Cluster
metadata: { name: ${name} }
spec:
  istio: "${o.istio ?? '1.30.3'}"
  knative: "1.0.0"
${gateway}  environments: ${o.environments ?? '[{ name: prod }, { name: alpha }]'}
`;
}

function route(name: string, prefix: string, hostnames: string, extra = ''): string {
  return `apiVersion: kfaas/v1
kind: Route
metadata: { name: ${name} }
spec:
  match: [{ prefix: ${prefix} }]
  hostnames:
${hostnames}
${extra}`;
}

const SHOWROOM = route('saas-showroom', '/faas/api/saas/showroom/',
  '    prod: [showroom.example.com]\n    alpha: [showroom.test.example.com]', '  rewrite: { uri: / }\n  timeout: 10s\n');

const run = (files: Record<string, string>): ReturnType<typeof renderInMemory> => renderInMemory(writeProject(files));

function expectSchemaValid(objects: readonly any[]): void {
  for (const o of objects) {
    expect({ kind: o.kind, name: o.metadata.name, errors: validateManifest(o) }).toEqual({ kind: o.kind, name: o.metadata.name, errors: [] });
    const crd = validateAgainstCrd(o);
    if (crd) expect({ kind: o.kind, name: o.metadata.name, crd }).toEqual({ kind: o.kind, name: o.metadata.name, crd: [] });
  }
}

describe('business domains', () => {
  test('where ../shared/crds is (CI), the cert-manager CRD check catches a bad Certificate; the @kubernetes-models checks run everywhere', () => {
    if (!crdsAvailable()) {
      // A fresh clone without ../shared: the CRD checks add nothing, the npm schema checks below still run.
      expect(validateManifest({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: 'no' } } as never)).not.toEqual([]);
      return;
    }
    expect(validateAgainstCrd({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', spec: {} } as never)).toEqual(
      expect.arrayContaining([expect.stringMatching(/issuerRef/), expect.stringMatching(/secretName/)]),
    );
  });

  test.each([
    ['1.30.3', '1.31.4', 'networking.istio.io/v1'],
    ['1.12.9', '1.22.17', 'networking.istio.io/v1beta1'],
    ['1.5.4', '1.16.15', 'networking.istio.io/v1beta1'],
  ])('Istio %s on Kubernetes %s: a hostname per environment is one %s VirtualService on the east-west gateway, a Certificate and a Gateway server', (istio, kubernetes, apiVersion) => {
    const result = run({ 'clusters/c.yaml': cluster('c', { istio, kubernetes }), 'routes/saas/showroom.yaml': SHOWROOM });
    expect(errorsOf(result)).toEqual([]);

    const prod = objectsIn(result, 'c/prod');
    const domainVs = prod.find((o) => o.kind === 'VirtualService' && o.metadata.name === 'domain-showroom-example-com');
    expect(domainVs).toMatchObject({
      apiVersion,
      metadata: { namespace: 'kfaas-system', labels: { 'kfaas.io/environment': 'prod' } },
      spec: { hosts: ['showroom.example.com'], gateways: ['kfaas-system/kfaas-east-west'] },
    });
    // The same route as on the environment's gateway host: match, rewrite, timeout, authority, local gateway.
    const hostVs = prod.find((o) => o.kind === 'VirtualService' && o.metadata.name !== 'domain-showroom-example-com');
    expect(domainVs.spec.http).toEqual(hostVs.spec.http);
    expect(objectsIn(result, 'c/alpha').find((o) => o.metadata.name === 'domain-showroom-test-example-com').spec.hosts).toEqual(['showroom.test.example.com']);

    const platform = objectsIn(result, 'c/platform');
    const certificates = platform.filter((o) => o.kind === 'Certificate');
    expect(certificates.map((c) => [c.metadata.name, c.metadata.namespace, c.spec])).toEqual([
      ['domain-showroom-example-com', 'kfaas-system', {
        dnsNames: ['showroom.example.com'], secretName: 'domain-showroom-example-com-tls',
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' }, privateKey: { rotationPolicy: 'Always' }, revisionHistoryLimit: 1,
      }],
      ['domain-showroom-test-example-com', 'kfaas-system', expect.objectContaining({ dnsNames: ['showroom.test.example.com'] })],
    ]);
    const gateway = platform.find((o) => o.kind === 'Gateway');
    expect(gateway.apiVersion).toBe(apiVersion);
    expect(gateway.spec.servers).toEqual([
      { hosts: ['showroom.example.com', 'showroom.test.example.com'], port: { name: 'http', number: 80, protocol: 'HTTP' }, tls: { httpsRedirect: true } },
      { hosts: ['showroom.example.com'], port: { name: 'https-domain-showroom-example-com', number: 443, protocol: 'HTTPS' },
        tls: { credentialName: 'domain-showroom-example-com-tls', mode: 'SIMPLE' } },
      { hosts: ['showroom.test.example.com'], port: { name: 'https-domain-showroom-test-example-com', number: 443, protocol: 'HTTPS' },
        tls: { credentialName: 'domain-showroom-test-example-com-tls', mode: 'SIMPLE' } },
    ]);
    // The gateway may read the certificates' Secrets in its own namespace (credentialName is resolved only there).
    expect(platform.find((o) => o.kind === 'Role').rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }]);
    expectSchemaValid([...prod, ...objectsIn(result, 'c/alpha'), ...platform]);
  });

  test('explain on a business domain: the route that wins there, as on the gateway host; other paths find no route', () => {
    const other = route('saas-tenant', '/faas/api/saas/tenant/', '    prod: [showroom.example.com]');
    const result = run({ 'clusters/c.yaml': cluster('c'), 'routes/saas/showroom.yaml': SHOWROOM, 'routes/saas/tenant.yaml': other });
    expect(errorsOf(result)).toEqual([]);
    const vs = objectsIn(result, 'c/prod').filter((o) => o.kind === 'VirtualService');
    const explain = (path: string) => explainRequest(vs, { host: 'showroom.example.com', gateway: 'kfaas-system/kfaas-east-west', path });
    expect(explain('/faas/api/saas/showroom/item/1').winner).toMatchObject({ routeName: 'saas-showroom', rewrittenPath: '/item/1' });
    expect(explain('/faas/api/saas/tenant/x').winner?.routeName).toBe('saas-tenant');
    expect(explain('/faas/api/shop/').winner).toBeUndefined();
    // Not reachable on the environment's host through the east-west gateway, nor on another host.
    expect(explainRequest(vs, { host: 'faas-prod-ksvc-gateway.kfaas-system.svc.cluster.local', gateway: 'kfaas-system/kfaas-east-west', path: '/faas/api/saas/showroom/' }).winner).toBeUndefined();
  });

  test('kfaas explain --host names the business domain and the route\'s file', async () => {
    const root = writeProject({ 'clusters/c.yaml': cluster('c'), 'routes/saas/showroom.yaml': SHOWROOM });
    let out = '';
    let err = '';
    const io = { cwd: root, env: {}, stdout: (s: string) => { out += s; }, stderr: (s: string) => { err += s; } };
    expect(await main(['explain', '--cluster', 'c', '--host', 'showroom.test.example.com', '/faas/api/saas/showroom/a'], io)).toBe(0);
    expect(err).toBe('');
    expect(out).toContain('environment alpha');
    expect(out).toMatch(/Winner: .*route "saas-showroom" in kfaas-system\/domain-showroom-test-example-com .*\(routes\/saas\/showroom\.yaml:3\)/);
    out = '';
    expect(await main(['explain', '--cluster', 'c', '--host', 'nope.example.com', '/'], io)).toBe(2);
    expect(err).toMatch(/no host nope\.example\.com on cluster c .*showroom\.example\.com/);
  });

  test('two routes on one hostname: disjoint paths share its VirtualService in specificity order; overlapping paths are a conflict at both', () => {
    const cart = route('shop-cart', '/faas/api/shop/cart/', '    prod: [shop.example.com]');
    const catalog = route('shop-catalog', '/faas/api/shop/catalog/', '    prod: [shop.example.com]');
    const ok = run({ 'clusters/c.yaml': cluster('c'), 'routes/shop/cart.yaml': cart, 'routes/shop/catalog.yaml': catalog });
    expect(errorsOf(ok)).toEqual([]);
    const vs = objectsIn(ok, 'c/prod').find((o) => o.metadata.name === 'domain-shop-example-com');
    expect(vs.spec.http.map((h: any) => h.name)).toEqual(['shop-catalog', 'shop-cart']);

    const broad = route('shop-all', '/faas/api/shop/', '    prod: [shop.example.com]');
    const bad = run({ 'clusters/c.yaml': cluster('c'), 'routes/shop/cart.yaml': cart, 'routes/shop/all.yaml': broad });
    expect(errorsOf(bad)).toEqual([
      expect.stringMatching(/^routes\/shop\/all\.yaml:5:21 spec\.match\[0\]\.prefix: on hostname shop\.example\.com, prefix "\/faas\/api\/shop\/" of route "shop-all" and prefix "\/faas\/api\/shop\/cart\/" of route "shop-cart" \(routes\/shop\/cart\.yaml:5:21\) can take the same request \(e\.g\. \/faas\/api\/shop\/cart\/.*\).* \(in environment prod\)$/),
      expect.stringMatching(/^routes\/shop\/cart\.yaml:5:21 spec\.match\[0\]\.prefix: on hostname shop\.example\.com, prefix "\/faas\/api\/shop\/cart\/" of route "shop-cart" and prefix "\/faas\/api\/shop\/" of route "shop-all"/),
    ]);
    expect(bad.tree).toBeUndefined();
    // The same two routes without the shared hostname are fine: the gateway host orders them by specificity.
    const plain = run({ 'clusters/c.yaml': cluster('c'), 'routes/shop/cart.yaml': cart, 'routes/shop/all.yaml': broad.replace(/  hostnames:\n.*\n/, '') });
    expect(errorsOf(plain)).toEqual([]);
  });

  test('each cluster serves the hostnames within its suffixes; a hostname no cluster of the environment serves is an error', () => {
    const both = route('saas-showroom', '/faas/api/saas/showroom/', '    prod: [showroom.example.com, showroom.example.cn]');
    const result = run({
      'clusters/us.yaml': cluster('us', { environments: '[{ name: prod }]' }),
      'clusters/cn.yaml': cluster('cn', { suffixes: 'example.cn', environments: '[{ name: prod }]' }),
      'clusters/old.yaml': cluster('old', { gateway: false, environments: '[{ name: prod }]' }),
      'routes/saas/showroom.yaml': both,
    });
    expect(errorsOf(result)).toEqual([]);
    const certificates = (c: string): string[] => objectsIn(result, `${c}/platform`).filter((o) => o.kind === 'Certificate').map((o) => o.spec.dnsNames[0]);
    expect(certificates('us')).toEqual(['showroom.example.com']);
    expect(certificates('cn')).toEqual(['showroom.example.cn']);
    expect(certificates('old')).toEqual([]);
    expect(objectsIn(result, 'old/platform').some((o) => o.kind === 'Gateway')).toBe(false);

    const typo = run({
      'clusters/us.yaml': cluster('us', { environments: '[{ name: prod }]' }),
      'clusters/old.yaml': cluster('old', { gateway: false, environments: '[{ name: prod }]' }),
      'routes/saas/showroom.yaml': route('saas-showroom', '/faas/api/saas/showroom/', '    prod: [showroom.example.org]'),
    });
    expect(errorsOf(typo)).toEqual([
      'routes/saas/showroom.yaml:7:12 spec.hostnames.prod[0]: hostname showroom.example.org is outside the business domains of every ' +
        'cluster hosting environment prod (old: none; us: example.com); expected a hostname within one of their spec.gateway.domains.suffixes',
    ]);
  });

  test('wildcards only where the cluster allows them; the certificate then names the wildcard', () => {
    const wild = route('shop-tenants', '/faas/api/shop/', '    prod: ["*.shop.example.com"]');
    const refused = run({ 'clusters/c.yaml': cluster('c'), 'routes/shop/tenants.yaml': wild });
    expect(errorsOf(refused)).toEqual([
      expect.stringMatching(/^routes\/shop\/tenants\.yaml:7:12 spec\.hostnames\.prod\[0\]: hostname \*\.shop\.example\.com is a wildcard, and cluster c allows none \(spec\.gateway\.domains\.wildcards, clusters\/c\.yaml:/),
    ]);
    const allowed = run({ 'clusters/c.yaml': cluster('c', { wildcards: true }), 'routes/shop/tenants.yaml': wild });
    expect(errorsOf(allowed)).toEqual([]);
    const cert = objectsIn(allowed, 'c/platform').find((o) => o.kind === 'Certificate');
    expect([cert.metadata.name, cert.spec.dnsNames, cert.spec.secretName]).toEqual(['domain-wildcard-shop-example-com', ['*.shop.example.com'], 'domain-wildcard-shop-example-com-tls']);
    expect(objectsIn(allowed, 'c/prod').find((o) => o.metadata.name === 'domain-wildcard-shop-example-com').spec.hosts).toEqual(['*.shop.example.com']);
    expectSchemaValid(objectsIn(allowed, 'c/platform'));
  });

  test('one hostname in two environments of a cluster, and hostnames for an environment the route never lands in, are errors', () => {
    const twice = route('saas-showroom', '/faas/api/saas/showroom/', '    prod: [showroom.example.com]\n    alpha: [showroom.example.com]');
    expect(errorsOf(run({ 'clusters/c.yaml': cluster('c'), 'routes/saas/showroom.yaml': twice }))).toEqual([
      'routes/saas/showroom.yaml:7:12 spec.hostnames.prod[0]: hostname showroom.example.com is claimed in environments alpha, prod of cluster c; a hostname belongs to one environment per cluster',
      'routes/saas/showroom.yaml:8:13 spec.hostnames.alpha[0]: hostname showroom.example.com is claimed in environments alpha, prod of cluster c; a hostname belongs to one environment per cluster',
    ].sort());
    const never = route('saas-showroom', '/faas/api/saas/showroom/', '    beta: [showroom.example.com]', '  environments: [prod]\n');
    expect(errorsOf(run({ 'clusters/c.yaml': cluster('c', { environments: '[{ name: prod }, { name: beta }]' }), 'routes/saas/showroom.yaml': never }))).toEqual([
      'routes/saas/showroom.yaml:7:12 spec.hostnames.beta[0]: route "saas-showroom" never lands in environment beta, so its hostnames there are never served; expected an environment the route is deployed to',
    ]);
  });

  test('names depend only on the hostname: a new hostname adds objects and renames none; a long one gets a stable hash', () => {
    const names = (result: ReturnType<typeof renderInMemory>): string[] =>
      [...(result.tree?.keys() ?? [])].filter((p) => p.includes('domain-')).sort();
    const before = names(run({ 'clusters/c.yaml': cluster('c'), 'routes/saas/showroom.yaml': SHOWROOM }));
    const long = `${'a'.repeat(60)}.example.com`;
    const tenant = route('saas-tenant', '/faas/api/saas/tenant/', `    prod: [a.example.com, ${long}]`);
    const after = names(run({ 'clusters/c.yaml': cluster('c'), 'routes/saas/showroom.yaml': SHOWROOM, 'routes/saas/tenant.yaml': tenant }));
    expect(after.filter((p) => !before.includes(p))).toEqual([
      'c/platform/certificate-domain-a-example-com.yaml',
      expect.stringMatching(/^c\/platform\/certificate-domain-a{40,}-[0-9a-z]+\.yaml$/),
      'c/prod/virtualservice-domain-a-example-com.yaml',
      expect.stringMatching(/^c\/prod\/virtualservice-domain-a{40,}-[0-9a-z]+\.yaml$/),
    ]);
    expect(before.every((p) => after.includes(p))).toBe(true);
    const longName = after.find((p) => p.startsWith('c/platform/certificate-domain-aaa'))!.replace(/^.*certificate-|\.yaml$/g, '');
    expect(`${longName}-tls`.length).toBeLessThanOrEqual(63);
  });

  test('a hostname\'s routes must fit one VirtualService: more is an error at the hostname (the gateway host splits)', () => {
    const routes = Array.from({ length: 40 }, (_, i) => route(`big-${i}`, `/faas/api/big/${i}/`, '    prod: [big.example.com]')).join('---\n');
    const root = writeProject({ 'clusters/c.yaml': cluster('c'), 'routes/big/routes.yaml': routes });
    const { project, diagnostics: loadErrors } = loadProject(root);
    expect(loadErrors).toEqual([]);
    const compile = (maxObjectBytes: number) =>
      compileProject(project, { sizeOf: (h, t) => sizeOfHttpRoute(h, t.profile), maxObjectBytes }).diagnostics
        .filter((d) => d.severity === 'error').map(formatDiagnostic);
    expect(compile(200 * 1024)).toEqual([]);
    expect(compile(8 * 1024)).toEqual([
      expect.stringMatching(/^routes\/big\/routes\.yaml:7:12 spec\.hostnames\.prod\[0\]: hostname big\.example\.com on cluster c: its routes take \d+ bytes, more than one VirtualService holds \(7168\); a business domain is one object \(in environment prod\)$/),
    ]);
  });

  test.each([
    ['Showroom.example.com', /spec\.hostnames\.prod\[0\]: expected a lowercase hostname/],
    ['showroom', /spec\.hostnames\.prod\[0\]: expected a lowercase hostname/],
    ['10.0.0.1.example', undefined],
    ['1.2.3.4', /spec\.hostnames\.prod\[0\]: expected a DNS name, not an IP address, got "1\.2\.3\.4"/],
    [`${'a'.repeat(64)}.example.com`, /spec\.hostnames\.prod\[0\]: expected a lowercase DNS name .*labels of at most 63 characters/],
    ['shop.*.example.com', /spec\.hostnames\.prod\[0\]: expected a lowercase hostname/],
  ])('hostname %s', (hostname, problem) => {
    const errors = errorsOf(run({ 'clusters/c.yaml': cluster('c', { suffixes: 'example, example.com, "4"' }), 'routes/saas/showroom.yaml': route('saas-showroom', '/faas/api/saas/showroom/', `    prod: ["${hostname}"]`) }));
    if (problem === undefined) expect(errors).toEqual([]);
    else expect(errors).toEqual([expect.stringMatching(new RegExp(`^routes/saas/showroom\\.yaml:7:12 ${problem.source}`))]);
  });

  test.each([
    [undefined, 1],
    ['1.21.1', 1],
    ['1.3.0', 1],
    ['1.2.0', undefined],
    ['1.0.4', undefined],
  ])('cert-manager %s: a cert-manager.io/v1 Certificate, revisionHistoryLimit %s, valid against the CRD and the npm schema', (version, limit) => {
    const withVersion = cluster('c').replace('issuer: { name: letsencrypt-prod }', `issuer: { name: letsencrypt-prod }${version ? `\n      certManager: "${version}"` : ''}`);
    const result = run({ 'clusters/c.yaml': withVersion, 'routes/saas/showroom.yaml': SHOWROOM });
    expect(errorsOf(result)).toEqual([]);
    const certificates = objectsIn(result, 'c/platform').filter((o) => o.kind === 'Certificate');
    expect(certificates).toHaveLength(2); // showroom.example.com (prod), showroom.test.example.com (alpha)
    expect(certificates[0].apiVersion).toBe('cert-manager.io/v1');
    expect(certificates[0].spec.revisionHistoryLimit).toBe(limit);
    expect(certificates[0].spec.privateKey).toEqual({ rotationPolicy: 'Always' });
    expectSchemaValid(certificates);
  });

  test('cert-manager before 1.0 (no cert-manager.io/v1) is an error at the field', () => {
    const old = cluster('c').replace('issuer: { name: letsencrypt-prod }', 'issuer: { name: letsencrypt-prod }\n      certManager: "0.16.1"');
    expect(errorsOf(run({ 'clusters/c.yaml': old, 'routes/saas/showroom.yaml': SHOWROOM }))).toEqual([
      expect.stringMatching(/^clusters\/c\.yaml:12:20 spec\.gateway\.domains\.certManager: kfaas writes cert-manager\.io\/v1 Certificates, served from cert-manager 1\.0; got 0\.16\.1/),
    ]);
  });
});
