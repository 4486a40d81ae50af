import { checkOrderProof, mergeOrders } from '../../src/explain/order-proof';
import { samplePaths } from '../../src/explain/sample-path';
import { GATEWAY, HOST, forward, virtualService } from './fixtures';

/** Samples for a route: every path samplePaths finds for its condition. */
function samplesFor(route: string, uri: { kind: 'exact' | 'prefix' | 'regex'; value: string }) {
  const paths = samplePaths(uri);
  expect(paths.length).toBeGreaterThan(0);
  return paths.map((path) => ({ route, path }));
}

describe('checkOrderProof', () => {
  test('overlapping prefixes in two VirtualServices: the broad one shadows the narrow one when merged first', () => {
    const objects = [
      virtualService('broad', [forward('shop', [{ prefix: '/shop' }], 'shop')]),
      virtualService('narrow', [forward('cart', [{ prefix: '/shop/cart' }], 'cart')]),
    ];
    const violations = checkOrderProof(objects, HOST, GATEWAY, [
      { route: 'cart', path: '/shop/cart/42' },
      { route: 'shop', path: '/shop/list' },
    ]);
    expect(violations).toEqual([
      {
        order: ['kfaas-system/broad', 'kfaas-system/narrow'],
        path: '/shop/cart/42',
        expected: 'cart',
        actual: 'shop',
        actualVirtualService: { name: 'broad', namespace: 'kfaas-system' },
      },
    ]);
  });

  test('disjoint routes: no violation under any order', () => {
    const uris = {
      shop: { kind: 'prefix', value: '/shop/' },
      cart: { kind: 'prefix', value: '/cart/' },
      health: { kind: 'exact', value: '/healthz' },
      api: { kind: 'regex', value: '/api/v[0-9]+/[a-z]+' },
    } as const;
    const objects = [
      virtualService('vs-shop', [forward('shop', [{ prefix: uris.shop.value }], 'shop')]),
      virtualService('vs-cart', [forward('cart', [{ prefix: uris.cart.value }], 'cart')]),
      virtualService('vs-ops', [forward('health', [{ exact: uris.health.value }], 'ops'), forward('api', [{ regex: uris.api.value }], 'api')]),
      virtualService('vs-default', [forward('default', [], 'default')]),
    ];
    const samples = [
      ...Object.entries(uris).flatMap(([route, uri]) => samplesFor(route, uri)),
      { route: 'default', path: '/elsewhere' },
    ];
    expect(checkOrderProof(objects, HOST, GATEWAY, samples)).toEqual([]);
  });

  test('a missing route is a violation with no actual winner', () => {
    const objects = [virtualService('vs', [forward('a', [{ exact: '/a' }], 'a')])];
    expect(checkOrderProof(objects, HOST, GATEWAY, [{ route: 'a', path: '/b' }])).toEqual([
      { order: ['kfaas-system/vs'], path: '/b', expected: 'a' },
    ]);
  });

  test('explicit orders are used as given', () => {
    const objects = [
      virtualService('broad', [forward('shop', [{ prefix: '/shop' }], 'shop')]),
      virtualService('narrow', [forward('cart', [{ prefix: '/shop/cart' }], 'cart')]),
    ];
    const samples = [{ route: 'cart', path: '/shop/cart' }];
    expect(checkOrderProof(objects, HOST, GATEWAY, samples, [['narrow', 'broad']])).toEqual([]);
    expect(checkOrderProof(objects, HOST, GATEWAY, samples, [['broad', 'narrow']])).toHaveLength(1);
  });
});

describe('mergeOrders', () => {
  test('every permutation up to six VirtualServices', () => {
    expect(mergeOrders(['a', 'b', 'c'])).toEqual([
      ['a', 'b', 'c'], ['a', 'c', 'b'], ['b', 'a', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b'], ['c', 'b', 'a'],
    ]);
    expect(mergeOrders(['1', '2', '3', '4', '5', '6'])).toHaveLength(720);
    expect(mergeOrders([])).toEqual([[]]);
  });

  test('beyond six: identity, reverse and seeded shuffles, deterministic', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const orders = mergeOrders(keys);
    expect(orders[0]).toEqual(keys);
    expect(orders[1]).toEqual([...keys].reverse());
    expect(orders.length).toBeGreaterThanOrEqual(8);
    for (const order of orders) expect([...order].sort()).toEqual(keys);
    expect(mergeOrders(keys)).toEqual(orders);
  });
});
