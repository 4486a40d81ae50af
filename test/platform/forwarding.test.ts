import { load } from 'js-yaml';
import { pathPatterns } from '../../src/compile/platform/forwarding';
import { ForwardingEntry } from '../../src/compile/platform/platform-table';
import { forwardingJson, springCloudGatewayYaml, zuulProperties } from '../../src/emit/platform/forwarding-formats';

describe('forwarding table', () => {
  test.each([
    ['a prefix ending in / becomes <prefix>**', [{ kind: 'prefix', value: '/faas/api/shop/' }], ['/faas/api/shop/**']],
    ['a prefix inside a segment widens to its directory', [{ kind: 'prefix', value: '/faas/api/shop/cart' }], ['/faas/api/shop/**']],
    ['a regex uses its literal directory', [{ kind: 'regex', value: '/faas/api/shop/search/v[0-9]+/.*' }], ['/faas/api/shop/search/**']],
    ['an exact path stays exact', [{ kind: 'exact', value: '/faas/api/pay/callback/alipay' }], ['/faas/api/pay/callback/alipay']],
    ['covered patterns are dropped', [
      { kind: 'prefix', value: '/faas/api/shop/' }, { kind: 'prefix', value: '/faas/api/shop/cart/' },
      { kind: 'exact', value: '/faas/api/shop/ping' }, { kind: 'exact', value: '/faas/api/pay/x' },
    ], ['/faas/api/pay/x', '/faas/api/shop/**']],
  ] as const)('%s', (_name, matches, expected) => {
    expect(pathPatterns(matches as never)).toEqual(expected);
  });

  const direct: ForwardingEntry = {
    environment: 'alpha', namespace: 'faas-alpha', paths: ['/faas/api/shop/**', '/faas/api/pay/x'],
    target: 'http://faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local',
    host: 'faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local',
  };
  const viaAddress: ForwardingEntry = { ...direct, target: 'http://10.30.0.5:80' };

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

  test.each([
    ['spring.cloud.gateway.server.webflux', ['spring', 'cloud', 'gateway', 'server', 'webflux']],
    ['spring.cloud.gateway', ['spring', 'cloud', 'gateway']],
  ])('Spring Cloud Gateway routes under %s set the Host header explicitly', (prefix, keys) => {
    let node = load(springCloudGatewayYaml(viaAddress, prefix)) as any;
    for (const k of keys) node = node[k];
    expect(node.routes).toEqual([{
      id: 'faas-alpha',
      uri: 'http://10.30.0.5:80',
      predicates: ['Path=/faas/api/shop/**,/faas/api/pay/x'],
      filters: ['SetRequestHostHeader=faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local'],
    }]);
  });

  test('JSON lists environment, path patterns, target and Host', () => {
    expect(JSON.parse(forwardingJson({ name: 't', springPropertyPrefix: 'x', entries: [direct] }))).toEqual({
      environments: [{ environment: 'alpha', namespace: 'faas-alpha', paths: direct.paths, target: direct.target, host: direct.host }],
    });
  });
});
