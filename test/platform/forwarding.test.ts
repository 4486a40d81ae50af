import { load } from 'js-yaml';
import { pathPatterns } from '../../src/compile/platform/forwarding';
import {
  configMapBytes, ForwardingFacts, forwardingData, forwardingIndexJson, forwardingJson, springCloudGatewayYaml, zuulProperties,
} from '../../src/compile/platform/forwarding-formats';
import { toYaml } from '../../src/util/yaml-text';

describe('forwarding table', () => {
  test.each([
    ['a prefix ending in / becomes <prefix>**', [{ kind: 'prefix', value: '/faas/api/shop/' }], ['/faas/api/shop/**']],
    ['a prefix inside a segment becomes <segment>* then /**', [{ kind: 'prefix', value: '/faas/api/shop/cart' }], ['/faas/api/shop/cart*/**']],
    ['a regex uses its literal leading part as a prefix', [{ kind: 'regex', value: '/faas/api/shop/search/v[0-9]+/.*' }], ['/faas/api/shop/search/v*/**']],
    ['a regex without a literal part forwards everything', [{ kind: 'regex', value: '(?i)/faas/api/x' }], ['/**']],
    ['an exact path stays exact', [{ kind: 'exact', value: '/faas/api/pay/callback/alipay' }], ['/faas/api/pay/callback/alipay']],
    ['covered patterns are dropped', [
      { kind: 'prefix', value: '/faas/api/shop/' }, { kind: 'prefix', value: '/faas/api/shop/cart/' },
      { kind: 'exact', value: '/faas/api/shop/ping' }, { kind: 'exact', value: '/faas/api/pay/x' },
    ], ['/faas/api/pay/x', '/faas/api/shop/**']],
    ['a prefix inside a segment covers longer segments and the exact path equal to it', [
      { kind: 'exact', value: '/faas/api/shop/cart' }, { kind: 'exact', value: '/faas/api/shop/carts' },
      { kind: 'prefix', value: '/faas/api/shop/cart' }, { kind: 'exact', value: '/faas/api/shop/car' },
    ], ['/faas/api/shop/car', '/faas/api/shop/cart*/**']],
    ['the same exact path twice is one pattern', [
      { kind: 'exact', value: '/faas/api/a' }, { kind: 'exact', value: '/faas/api/a' },
    ], ['/faas/api/a']],
    ['characters with a meaning in patterns cut the literal into a prefix', [
      { kind: 'exact', value: '/faas/api/a*b' }, { kind: 'prefix', value: '/faas/api/x,y/' }, { kind: 'exact', value: '/faas/api/p/{id}' },
    ], ['/faas/api/a*/**', '/faas/api/p/**', '/faas/api/x*/**']],
  ] as const)('%s', (_name, matches, expected) => {
    expect(pathPatterns(matches as never)).toEqual(expected);
  });

  const direct: ForwardingFacts = {
    environment: 'alpha', namespace: 'faas-alpha', paths: ['/faas/api/pay/x', '/faas/api/shop/**'],
    target: 'http://faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local',
    host: 'faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local',
  };
  const viaAddress: ForwardingFacts = { ...direct, target: 'http://10.30.0.5:80' };

  test('Zuul routes never strip the prefix and take the Host from the url when the url names the gateway host', () => {
    const text = zuulProperties(direct);
    expect(text).toContain('zuul.routes.faas-alpha-faas-api-shop.path=/faas/api/shop/**\n');
    expect(text).toContain('zuul.routes.faas-alpha-faas-api-shop.url=http://faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local\n');
    expect(text).toContain('zuul.routes.faas-alpha-faas-api-shop.stripPrefix=false\n');
    expect(text.match(/stripPrefix=false/g)).toHaveLength(2);
    expect(text).not.toContain('add-host-header');
  });

  test('Zuul with an address target names the Host header to set', () => {
    const text = zuulProperties(viaAddress);
    expect(text).toContain('zuul.routes.faas-alpha-faas-api-shop.url=http://10.30.0.5:80\n');
    expect(text).toContain('zuul.add-host-header=true\n');
    expect(text).toContain('kfaas.host-header=faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local\n');
  });

  test('Zuul route names stay distinct where two patterns slug alike', () => {
    const text = zuulProperties({ ...direct, paths: ['/faas/api/a-b', '/faas/api/a/b', '/faas/api/c'] });
    const names = [...text.matchAll(/^zuul\.routes\.([^.]+)\.path=/gm)].map((m) => m[1]);
    expect(new Set(names).size).toBe(3);
    expect(names).toContain('faas-alpha-faas-api-c');
  });

  test.each([
    ['spring.cloud.gateway.server.webflux', ['spring', 'cloud', 'gateway', 'server', 'webflux']],
    ['spring.cloud.gateway', ['spring', 'cloud', 'gateway']],
  ])('Spring Cloud Gateway routes under %s set the Host header explicitly', (prefix, keys) => {
    let node = load(springCloudGatewayYaml(viaAddress, prefix)) as any;
    for (const k of keys) node = node[k];
    expect(node.routes).toEqual([{
      id: 'faas-alpha',
      uri: 'http://10.30.0.5:80',
      predicates: ['Path=/faas/api/pay/x,/faas/api/shop/**'],
      filters: ['SetRequestHostHeader=faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local'],
    }]);
  });

  test('JSON lists environment, namespace, target, Host and path patterns; the index names every table', () => {
    expect(JSON.parse(forwardingJson(direct))).toEqual({
      environment: 'alpha', namespace: 'faas-alpha', target: direct.target, host: direct.host, paths: direct.paths,
    });
    expect(JSON.parse(forwardingIndexJson([{ ...direct, configMap: 'kfaas-forwarding-table-alpha' }]))).toEqual({
      environments: [{ environment: 'alpha', namespace: 'faas-alpha', target: direct.target, host: direct.host, configMap: 'kfaas-forwarding-table-alpha' }],
    });
  });

  test('the size bound is at least the rendered ConfigMap, however many patterns', () => {
    for (const n of [0, 1, 10, 1000]) {
      const paths = Array.from({ length: n }, (_, i) => `/faas/api/team${i % 7}/route-${i}/${i % 3 === 0 ? '**' : 'x'}`);
      const data = forwardingData({ ...viaAddress, paths }, 'spring.cloud.gateway');
      const rendered = toYaml({
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { labels: { 'app.kubernetes.io/managed-by': 'kfaas', 'kfaas.io/cluster': 'a'.repeat(63) }, name: `kfaas-forwarding-table-${'e'.repeat(63)}`, namespace: 'kfaas-system' },
        data,
      });
      expect(configMapBytes(data)).toBeGreaterThanOrEqual(Buffer.byteLength(rendered) + 80);
    }
  });
});
