import { loadAll } from 'js-yaml';
import { errorsOf, renderInMemory, useTempProjects } from '../support/temp-projects';
import { validateManifest } from '../support/validate-objects';

/** The forwarding table as objects: an index and one ConfigMap per environment, as the README describes them. */
const writeProject = useTempProjects();

const CLUSTER = `apiVersion: kfaas/v1
kind: Cluster
metadata: { name: c }
spec:
  istio: "1.30.3"
  knative: "1.23.0"
  clusterDomain: c.example
  environments: [{ name: prod }, { name: alpha, namespace: faas-test-alpha }]
`;
const TEAM = 'apiVersion: kfaas/v1\nkind: Team\nmetadata: { name: shop }\nspec:\n  owns: [/faas/api/shop/]\n';
const route = (name: string, match: string, extra = ''): string =>
  `apiVersion: kfaas/v1\nkind: Route\nmetadata: { name: ${name} }\nspec:\n  match: [${match}]\n${extra}`;

const BASE: Record<string, string> = {
  'clusters/c.yaml': CLUSTER,
  'routes/shop/team.yaml': TEAM,
  'routes/shop/cart.yaml': route('shop-cart', '{ prefix: /faas/api/shop/cart/ }'),
  'routes/shop/list.yaml': route('shop-list', '{ exact: /faas/api/shop/list }'),
  'routes/pay/callback.yaml': route('pay-callback', '{ exact: /faas/api/pay/callback }, { prefix: /faas/api/pay/refund }'),
};

function run(files: Record<string, string>) {
  const result = renderInMemory(writeProject(files));
  expect(errorsOf(result)).toEqual([]);
  return result.tree!;
}

const objectOf = (tree: ReadonlyMap<string, string>, path: string): any => (loadAll(tree.get(path)!) as any[])[0];

test('an index naming every environment\'s gateway host, and one schema-valid ConfigMap per environment with its patterns', () => {
  const tree = run(BASE);
  const files = [...tree.keys()].filter((p) => p.startsWith('c/platform/configmap-')).sort();
  expect(files).toEqual([
    'c/platform/configmap-kfaas-forwarding-table-alpha.yaml',
    'c/platform/configmap-kfaas-forwarding-table-prod.yaml',
    'c/platform/configmap-kfaas-forwarding-table.yaml',
  ]);
  for (const f of files) expect(validateManifest(objectOf(tree, f))).toEqual([]);

  const index = JSON.parse(objectOf(tree, 'c/platform/configmap-kfaas-forwarding-table.yaml').data['forwarding-table.json']);
  expect(index.environments).toEqual([
    {
      environment: 'alpha', namespace: 'faas-test-alpha', configMap: 'kfaas-forwarding-table-alpha',
      host: 'faas-test-alpha-ksvc-gateway.kfaas-system.svc.c.example', target: 'http://faas-test-alpha-ksvc-gateway.kfaas-system.svc.c.example',
    },
    {
      environment: 'prod', namespace: 'faas-prod', configMap: 'kfaas-forwarding-table-prod',
      host: 'faas-prod-ksvc-gateway.kfaas-system.svc.c.example', target: 'http://faas-prod-ksvc-gateway.kfaas-system.svc.c.example',
    },
  ]);
  // the host the table names is the host of the environment's VirtualServices
  for (const env of index.environments) {
    const vs = [...tree].filter(([p]) => p.startsWith(`c/${env.environment}/virtualservice-`)).map(([p]) => objectOf(tree, p));
    expect(vs.length).toBeGreaterThan(0);
    for (const o of vs) expect(o.spec.hosts).toContain(env.host);
  }

  const prod = objectOf(tree, 'c/platform/configmap-kfaas-forwarding-table-prod.yaml');
  // shop has a Team document: one pattern for its owned prefix; pay has none: its own matches
  expect(JSON.parse(prod.data['forwarding.json']).paths).toEqual(['/faas/api/pay/callback', '/faas/api/pay/refund*/**', '/faas/api/shop/**']);
  expect(Object.keys(prod.data)).toEqual(['forwarding.json', 'spring-cloud-gateway.yaml', 'zuul.properties']);
});

test('a change in one environment rewrites only that environment\'s table', () => {
  const before = run(BASE);
  const after = run({ ...BASE, 'routes/pay/new.yaml': route('pay-new', '{ exact: /faas/api/pay/new }', '  environments: [alpha]\n') });
  const changed = [...after].filter(([p, text]) => p.startsWith('c/platform/') && before.get(p) !== text).map(([p]) => p);
  expect(changed).toEqual(['c/platform/configmap-kfaas-forwarding-table-alpha.yaml']);
});

test('a route inside an owned prefix changes no table: the prefix is already forwarded', () => {
  const before = run(BASE);
  const after = run({ ...BASE, 'routes/shop/more.yaml': route('shop-more', '{ prefix: /faas/api/shop/more/ }') });
  expect([...after].filter(([p, text]) => p.startsWith('c/platform/') && before.get(p) !== text)).toEqual([]);
});
