import { explainRequest } from '../../src/explain/explain';
import { formatExplanation } from '../../src/explain/format';
import { GATEWAY, HOST, LOCAL_GATEWAY_HOST, authority, forward, virtualService } from './fixtures';

describe('formatExplanation', () => {
  const objects = [
    virtualService('a-default', [forward('default', [], 'default')]),
    virtualService('b-shop', [
      forward('shop', [{ prefix: '/shop' }], 'shop', { rewrite: { uri: '/', authority: authority('shop') } }),
      {
        name: 'checkout',
        match: [{ uri: { prefix: '/shopping/checkout' } }],
        route: [
          { destination: { host: LOCAL_GATEWAY_HOST }, weight: 80, headers: { request: { set: { host: authority('checkout') } } } },
          { destination: { host: LOCAL_GATEWAY_HOST }, weight: 20, headers: { request: { set: { host: authority('checkout-next') } } } },
        ],
      },
    ]),
  ];
  const sources = new Map([
    ['shop', 'routes/shop/shop.yaml:3'],
    ['checkout', 'routes/shop/checkout.yaml:1'],
  ]);

  test('winner, destinations, forwarded path and losers with their sources', () => {
    const e = explainRequest(objects, { host: HOST, gateway: GATEWAY, path: '/shopping/checkout?step=2' });
    expect(formatExplanation(e, { sources })).toBe(
      [
        `Request: host ${HOST}, gateway ${GATEWAY}, path /shopping/checkout?step=2`,
        `Virtual host ${HOST}: 3 route(s) from kfaas-system/a-default, kfaas-system/b-shop (merge order)`,
        'Winner: #0 route "shop" in kfaas-system/b-shop spec.http[0], match[0] prefix "/shop" (routes/shop/shop.yaml:3)',
        '  Forwarded path: /ping/checkout?step=2',
        `  -> weight 100: ${LOCAL_GATEWAY_HOST}:80, authority ${authority('shop')} (route rewrite)`,
        'Also matched, but later in the route list (lost):',
        '  #1 route "checkout" in kfaas-system/b-shop spec.http[1], match[0] prefix "/shopping/checkout" (routes/shop/checkout.yaml:1)',
        '  #2 route "default" in kfaas-system/a-default spec.http[0], no match (every path), catch-all',
        '',
      ].join('\n'),
    );
  });

  test('weighted destinations each with their authority; warnings listed last', () => {
    const checkout = (objects[1] as { spec: { http: Record<string, unknown>[] } }).spec.http[1];
    const late = forward('late', [{ prefix: '/late' }], 'late');
    const e = explainRequest(
      [virtualService('c', [checkout, forward('all', [{ prefix: '/' }], 'all'), late])],
      { host: HOST, gateway: GATEWAY, path: '/shopping/checkout' },
    );
    expect(formatExplanation(e).split('\n').slice(2)).toEqual([
      'Winner: #0 route "checkout" in kfaas-system/c spec.http[0], match[0] prefix "/shopping/checkout"',
      '  Forwarded path: /shopping/checkout',
      `  -> weight 80: ${LOCAL_GATEWAY_HOST}, authority ${authority('checkout')} (destination headers)`,
      `  -> weight 20: ${LOCAL_GATEWAY_HOST}, authority ${authority('checkout-next')} (destination headers)`,
      'Also matched, but later in the route list (lost):',
      '  #1 route "all" in kfaas-system/c spec.http[1], match[0] prefix "/", catch-all',
      'Warnings:',
      '  - kfaas-system/c spec.http[2] (route "late"): dropped, it follows a catch-all route in the same VirtualService',
      '',
    ]);
  });

  test('no virtual host, and no match', () => {
    const none = explainRequest(objects, { host: 'nobody.example', gateway: GATEWAY, path: '/' });
    expect(formatExplanation(none)).toBe(
      `Request: host nobody.example, gateway ${GATEWAY}, path /\nNo VirtualService binds host nobody.example to gateway ${GATEWAY}.\n`,
    );
    const miss = explainRequest([objects[1]], { host: HOST, gateway: GATEWAY, path: '/x' });
    expect(formatExplanation(miss)).toContain('No route matched: Envoy answers 404 (NR).\n');
  });

  test('the path is normalized as Istio routes it (default path normalization) and shown when it changed', () => {
    // GIVEN a request that climbs out of /shop with '..' and spells a letter as an escape
    const e = explainRequest(objects, { host: HOST, gateway: GATEWAY, path: '/shop/../%73hopping/checkout?step=../x' });
    // THEN it is routed as /shopping/checkout: the prefix "/shop" takes it, as it does in the mesh
    expect(e.path).toBe('/shopping/checkout?step=../x');
    expect(e.winner?.routeName).toBe('shop');
    expect(formatExplanation(e).split('\n').slice(0, 2)).toEqual([
      `Request: host ${HOST}, gateway ${GATEWAY}, path /shop/../%73hopping/checkout?step=../x`,
      "Normalized path: /shopping/checkout?step=../x (given /shop/../%73hopping/checkout?step=../x; Istio's default path normalization, as Envoy routes it)",
    ]);
    // and a path already normalized gets no extra line
    expect(formatExplanation(explainRequest(objects, { host: HOST, gateway: GATEWAY, path: '/shopping' }))).not.toContain('Normalized path');
  });

  test('a path with NUL is answered 400 before routing', () => {
    const e = explainRequest(objects, { host: HOST, gateway: GATEWAY, path: '/shop/%00' });
    expect(e.winner).toBeUndefined();
    expect(formatExplanation(e)).toContain('Rejected: the path holds an escaped NUL (%00); Envoy answers 400 before any route is matched.\n');
  });
});
