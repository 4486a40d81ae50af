import fc from 'fast-check';
import { dump } from 'js-yaml';
import { HttpRouteTable } from '../../src/compile/route-table';
import { durationJson, httpRouteJson, sizeOfHttpRoute } from '../../src/emit/istio/http-route';
import { delegate, dest, forward, match, PROFILE_1_10, PROFILE_1_4, PROFILE_V1 } from './tables';

const GW = { host: 'knative-local-gateway.istio-system.svc.cluster.local', port: { number: 80 } };

describe('httpRouteJson', () => {
  test.each<[string, HttpRouteTable, Record<string, unknown>]>([
    [
      'single destination: route-level authority, no weight, explicit attempts: 0',
      forward('cart'),
      {
        name: 'cart',
        match: [{ uri: { prefix: '/faas/api/shop/cart/' } }],
        rewrite: { authority: 'cart.faas-alpha.svc.cluster.local' },
        route: [{ destination: GW }],
        retries: { attempts: 0 },
      },
    ],
    [
      'every field, in Istio documentation order',
      forward('cart', {
        matches: [match('exact', '/faas/api/shop/cart'), match('prefix', '/faas/api/shop/cart/'), match('regex', '/faas/api/shop/v[0-9]+/.*')],
        rewriteUri: '/',
        timeoutMs: 10000,
        retries: { attempts: 3, perTryTimeoutMs: 1500, retryOn: ['5xx', 'connect-failure', '503'] },
      }),
      {
        name: 'cart',
        match: [
          { uri: { exact: '/faas/api/shop/cart' } },
          { uri: { prefix: '/faas/api/shop/cart/' } },
          { uri: { regex: '/faas/api/shop/v[0-9]+/.*' } },
        ],
        rewrite: { uri: '/', authority: 'cart.faas-alpha.svc.cluster.local' },
        route: [{ destination: GW }],
        timeout: '10s',
        retries: { attempts: 3, perTryTimeout: '1.5s', retryOn: '5xx,connect-failure,503' },
      },
    ],
    [
      'split: per-destination host header, weights, no route-level authority (Istio allows one)',
      forward('cart', { rewriteUri: '/', destinations: [dest('cart', 90), dest('cart-next', 10)] }),
      {
        name: 'cart',
        match: [{ uri: { prefix: '/faas/api/shop/cart/' } }],
        rewrite: { uri: '/' },
        route: [
          { destination: GW, weight: 90, headers: { request: { set: { host: 'cart.faas-alpha.svc.cluster.local' } } } },
          { destination: GW, weight: 10, headers: { request: { set: { host: 'cart-next.faas-alpha.svc.cluster.local' } } } },
        ],
        retries: { attempts: 0 },
      },
    ],
    [
      'split without a URI rewrite: no rewrite at all (never an empty map)',
      forward('cart', { destinations: [dest('cart', 50), dest('cart-next', 50)] }),
      {
        name: 'cart',
        match: [{ uri: { prefix: '/faas/api/shop/cart/' } }],
        route: [
          { destination: GW, weight: 50, headers: { request: { set: { host: 'cart.faas-alpha.svc.cluster.local' } } } },
          { destination: GW, weight: 50, headers: { request: { set: { host: 'cart-next.faas-alpha.svc.cluster.local' } } } },
        ],
        retries: { attempts: 0 },
      },
    ],
    [
      'delegate: name, match, delegate only',
      delegate('shop', 'faas-alpha-shop', [match('prefix', '/faas/api/shop/')]),
      { name: 'shop', match: [{ uri: { prefix: '/faas/api/shop/' } }], delegate: { name: 'faas-alpha-shop', namespace: 'kfaas-system' } },
    ],
    [
      'no matches: no match key',
      forward('all', { matches: [] }),
      {
        name: 'all',
        rewrite: { authority: 'all.faas-alpha.svc.cluster.local' },
        route: [{ destination: GW }],
        retries: { attempts: 0 },
      },
    ],
  ])('%s', (_title, http, expected) => {
    // WHEN
    const json = httpRouteJson(http, PROFILE_V1);
    // THEN: same content and the same key order, everywhere
    expect(json).toEqual(expected);
    expect(JSON.stringify(json)).toBe(JSON.stringify(expected));
  });

  test('routes go to the profile local gateway (Knative < 0.19: cluster-local-gateway)', () => {
    const json = httpRouteJson(forward('cart'), PROFILE_1_4);
    expect(json.route).toEqual([{ destination: { host: 'cluster-local-gateway.istio-system.svc.cluster.local', port: { number: 80 } } }]);
  });

  test('a split on a profile without per-destination authority is a bug (the compiler refuses it first)', () => {
    expect(() => httpRouteJson(forward('cart', { destinations: [dest('a', 50), dest('b', 50)] }), PROFILE_1_10)).toThrow(
      /per-destination authority/,
    );
  });

  test('a forward entry without destination is a bug', () => {
    expect(() => httpRouteJson(forward('cart', { destinations: [] }), PROFILE_V1)).toThrow(/no destination/);
  });
});

describe('durationJson', () => {
  test.each([
    [10000, '10s'],
    [500, '0.5s'],
    [1500, '1.5s'],
    [1, '0.001s'],
    [10, '0.01s'],
    [1010, '1.01s'],
    [0, '0s'],
    [3600000, '3600s'],
  ])('%d ms is %s', (ms, text) => {
    expect(durationJson(ms)).toBe(text);
  });

  test('is exact for every whole millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), (ms) => {
        const text = durationJson(ms);
        expect(text).toMatch(/^\d+(\.\d{1,3})?s$/);
        const [s, frac = ''] = text.slice(0, -1).split('.');
        expect(Number(s) * 1000 + Number(frac.padEnd(3, '0'))).toBe(ms);
      }),
    );
  });

  test.each([-1, 1.5, NaN])('refuses %p', (ms) => {
    expect(() => durationJson(ms)).toThrow();
  });
});

describe('sizeOfHttpRoute', () => {
  /** The bytes the entry takes in a rendered VirtualService: the `spec.http` block minus the `spec:` / `  http:` lines. */
  function realSize(http: HttpRouteTable): number {
    const text = dump({ spec: { http: [httpRouteJson(http, PROFILE_V1)] } }, { noRefs: true, lineWidth: -1, sortKeys: false });
    return Buffer.byteLength(text) - Buffer.byteLength('spec:\n  http:\n');
  }

  test('is exact or a few bytes over for typical entries (short names may need quotes: 2 bytes each)', () => {
    for (const http of [
      forward('cart'),
      forward('cart', { rewriteUri: '/', timeoutMs: 1500, retries: { attempts: 2, perTryTimeoutMs: 500, retryOn: ['5xx', 'reset'] } }),
      forward('cart', { destinations: [dest('cart', 90), dest('cart-next', 10)] }),
      delegate('shop', 'faas-alpha-shop', [match('prefix', '/faas/api/shop/')]),
    ]) {
      const real = realSize(http);
      expect(sizeOfHttpRoute(http, PROFILE_V1)).toBeGreaterThanOrEqual(real);
      expect(sizeOfHttpRoute(http, PROFILE_V1)).toBeLessThanOrEqual(real + 4);
    }
    expect(sizeOfHttpRoute(forward('shop-cart-checkout'), PROFILE_V1)).toBe(realSize(forward('shop-cart-checkout')));
  });

  test('is never below the real size, whatever the strings (quotes, unicode, line breaks, YAML keywords)', () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('yes', 'no', 'on', 'null', '~', '1.5', '0x1F', '2024-01-01', "it's", '"q"', 'a: b', '- x', '#c', 'a\n\nb', ' lead'),
    );
    fc.assert(
      fc.property(text, text, text, fc.integer({ min: 1, max: 10 ** 7 }), (name, value, uri, timeoutMs) => {
        const http = forward(name || 'x', { matches: [match('regex', value)], rewriteUri: uri, timeoutMs, destinations: [dest(name || 'x')] });
        expect(sizeOfHttpRoute(http, PROFILE_V1)).toBeGreaterThanOrEqual(realSize(http));
      }),
      { numRuns: 500 },
    );
  });
});
