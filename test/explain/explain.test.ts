import { explainRequest } from '../../src/explain/explain';
import { candidatesOf, RouteIndex } from '../../src/explain/route-index';
import { mergeVirtualHost } from '../../src/explain/merge';
import {
  GATEWAY, HOST, LOCAL_GATEWAY_HOST, OTHER_GATEWAY, OTHER_HOST, authority, delegateVirtualService, forward, virtualService,
} from './fixtures';

/** GIVEN objects, WHEN a request for `path` arrives on HOST through GATEWAY. */
function explain(objects: unknown[], path: string, mergeOrder?: string[]) {
  return explainRequest(objects, { host: HOST, gateway: GATEWAY, path, mergeOrder });
}
const names = (hits: readonly { routeName?: string }[]) => hits.map((h) => h.routeName);

describe('explainRequest: first match over the merged virtual host', () => {
  test('exact before prefix: the exact route wins its own path, the prefix the rest', () => {
    const objects = [virtualService('shop', [
      forward('shop-home', [{ exact: '/shop' }], 'home'),
      forward('shop', [{ prefix: '/shop' }], 'shop'),
    ])];
    const home = explain(objects, '/shop');
    expect(home.winner?.routeName).toBe('shop-home');
    expect(names(home.losers)).toEqual(['shop']);
    expect(explain(objects, '/shop/x').winner?.routeName).toBe('shop');
  });

  test('a longer prefix wins only when it comes first', () => {
    const cart = forward('cart', [{ prefix: '/shop/cart' }], 'cart');
    const shop = forward('shop', [{ prefix: '/shop' }], 'shop');
    expect(explain([virtualService('vs', [cart, shop])], '/shop/cart/1').winner?.routeName).toBe('cart');
    const shadowed = explain([virtualService('vs', [shop, cart])], '/shop/cart/1');
    expect(shadowed.winner?.routeName).toBe('shop');
    expect(names(shadowed.losers)).toEqual(['cart']);
  });

  test('prefix is not segment-aware: /shop matches /shopping', () => {
    const objects = [virtualService('vs', [
      forward('shop', [{ prefix: '/shop' }], 'shop'),
      forward('shopping', [{ prefix: '/shopping' }], 'shopping'),
    ])];
    const e = explain(objects, '/shopping/list');
    expect(e.winner?.routeName).toBe('shop');
    expect(e.winner?.destinations[0].authority).toBe(authority('shop'));
    expect(names(e.losers)).toEqual(['shopping']);
  });

  test('regex is an RE2 full match, not a search', () => {
    const objects = [virtualService('vs', [
      forward('versioned', [{ regex: '/v[0-9]+' }], 'api'),
      forward('default', [], 'default'),
    ])];
    expect(explain(objects, '/v12').winner?.routeName).toBe('versioned');
    expect(explain(objects, '/v12/x').winner?.routeName).toBe('default');
    expect(explain(objects, '/x/v12').winner?.routeName).toBe('default');
  });

  test('the query string is ignored for matching and kept on the forwarded path', () => {
    const objects = [virtualService('vs', [forward('a', [{ exact: '/a' }], 'a', { rewrite: { uri: '/b', authority: authority('a') } })])];
    const e = explain(objects, '/a?x=1');
    expect(e.winner?.routeName).toBe('a');
    expect(e.winner?.rewrittenPath).toBe('/b?x=1');
  });

  test('a catch-all is moved last even when its VirtualService merges first', () => {
    const objects = [
      virtualService('a-default', [forward('default', [], 'default')]),
      virtualService('b-api', [forward('api', [{ prefix: '/api' }], 'api')]),
      virtualService('c-root', [forward('root', [{ prefix: '/' }], 'root'), ]),
      virtualService('d-any', [forward('any', [{ regex: '.*' }], 'any')]),
    ];
    const e = explain(objects, '/api/x');
    expect(e.order.map((r) => r.name)).toEqual(['a-default', 'b-api', 'c-root', 'd-any']);
    expect(e.routes.map((r) => r.routeName)).toEqual(['api', 'default', 'root', 'any']);
    expect(e.winner?.routeName).toBe('api');
    expect(names(e.losers)).toEqual(['default', 'root', 'any']);
    expect(e.losers.every((h) => h.catchAll)).toBe(true);
  });

  test('routes after a catch-all in the same VirtualService are never built', () => {
    const objects = [virtualService('vs', [forward('all', [{ prefix: '/' }], 'all'), forward('late', [{ prefix: '/late' }], 'late')])];
    const e = explain(objects, '/late/x');
    expect(e.winner?.routeName).toBe('all');
    expect(e.losers).toEqual([]);
    expect(e.dropped).toEqual([expect.objectContaining({ name: 'late', origin: { virtualService: { name: 'vs', namespace: 'kfaas-system' }, httpIndex: 1 } })]);
    expect(e.warnings.join('\n')).toContain('kfaas-system/vs spec.http[1] (route "late"): dropped');
  });

  test('a prefix "/" with a header condition is not a catch-all, and matches only requests with the header', () => {
    const objects = [
      virtualService('a', [{ ...forward('canary', [], 'canary'), match: [{ uri: { prefix: '/' }, headers: { canary: { exact: '1' } } }] }]),
      virtualService('b', [forward('api', [{ prefix: '/api' }], 'api')]),
    ];
    const e = explain(objects, '/api');
    expect(e.routes.map((r) => [r.routeName, r.catchAll])).toEqual([['canary', false], ['api', false]]);
    expect(e.winner?.routeName).toBe('api');
    expect(e.warnings).toEqual([]);
    const withHeader = explainRequest(objects, { host: HOST, gateway: GATEWAY, path: '/api', headers: { Canary: '1' } });
    expect(withHeader.winner?.routeName).toBe('canary');
    expect(withHeader.losers.map((l) => l.routeName)).toEqual(['api']);
  });

  test('method, headers (present, prefix, regex, absent) and query parameters are evaluated as Envoy does', () => {
    const match = {
      uri: { prefix: '/a' },
      method: { exact: 'POST' },
      headers: { 'x-p': { regex: '.*' }, 'x-pre': { prefix: 'be' }, 'x-re': { regex: 'v[0-9]+' } },
      withoutHeaders: { 'x-old': { regex: '.*' } },
      queryParams: { debug: { exact: '1' } },
    };
    const objects = [virtualService('vs', [{ ...forward('c', [], 'c'), match: [match] }, forward('plain', [{ prefix: '/a' }], 'plain')])];
    const ok: { path: string; method: string; headers: Record<string, string> } = {
      path: '/a?debug=1', method: 'POST', headers: { 'x-p': '', 'x-pre': 'beta', 'x-re': 'v12' },
    };
    const winner = (r: Partial<typeof ok> & { query?: Record<string, string> }) =>
      explainRequest(objects, { host: HOST, gateway: GATEWAY, ...ok, ...r }).winner?.routeName;
    expect(winner({})).toBe('c');
    expect(winner({ path: '/a', query: { debug: '1' } })).toBe('c');
    expect(winner({ method: 'GET' })).toBe('plain');
    expect(winner({ path: '/a?debug=2' })).toBe('plain');
    expect(winner({ headers: { ...ok.headers, 'x-old': 'y' } })).toBe('plain');
    expect(winner({ headers: { 'x-pre': 'beta', 'x-re': 'v12' } })).toBe('plain');
    expect(winner({ headers: { ...ok.headers, 'x-re': 'v12x' } })).toBe('plain');
    expect(winner({ headers: { ...ok.headers, 'x-pre': 'alpha' } })).toBe('plain');
  });

  test('weighted split: each destination carries its own authority, the route rewrite has none', () => {
    const split = {
      name: 'checkout',
      match: [{ uri: { prefix: '/checkout/' } }],
      rewrite: { uri: '/' },
      route: [
        { destination: { host: LOCAL_GATEWAY_HOST }, weight: 90, headers: { request: { set: { host: authority('checkout') } } } },
        { destination: { host: LOCAL_GATEWAY_HOST }, weight: 10, headers: { request: { set: { ':authority': authority('checkout-v2') } } } },
        { destination: { host: LOCAL_GATEWAY_HOST }, weight: 0, headers: { request: { set: { host: authority('unused') } } } },
      ],
    };
    const e = explain([virtualService('vs', [split])], '/checkout/pay?id=7');
    expect(e.winner?.destinations).toEqual([
      { host: LOCAL_GATEWAY_HOST, weight: 90, authority: authority('checkout'), authoritySource: 'destination', path: '/pay?id=7' },
      { host: LOCAL_GATEWAY_HOST, weight: 10, authority: authority('checkout-v2'), authoritySource: 'destination', path: '/pay?id=7' },
    ]);
    expect(e.warnings).toEqual([]);
  });

  test('a single destination gets weight 100 and the route rewrite authority', () => {
    const e = explain([virtualService('vs', [forward('a', [{ prefix: '/a' }], 'a')])], '/a');
    expect(e.winner?.destinations).toEqual([
      { host: LOCAL_GATEWAY_HOST, port: 80, weight: 100, authority: authority('a'), authoritySource: 'route', path: '/a' },
    ]);
  });

  test('authority set on the route and per destination: the route wins (Istio, Envoy) and a warning says so', () => {
    const both = forward('a', [{ prefix: '/a' }], 'a', {
      route: [{ destination: { host: LOCAL_GATEWAY_HOST }, headers: { request: { set: { host: authority('b') } } } }],
    });
    const e = explain([virtualService('vs', [both])], '/a');
    expect(e.winner?.destinations[0]).toMatchObject({ authority: authority('a'), authoritySource: 'route' });
    expect(e.warnings).toEqual([expect.stringContaining('authority set both for the route and per destination')]);
  });

  test('VirtualServices for another host, another gateway, or the mesh are ignored', () => {
    const objects = [
      virtualService('other-host', [forward('other-host', [{ prefix: '/' }], 'x')], { hosts: [OTHER_HOST] }),
      virtualService('other-gateway', [forward('other-gateway', [{ prefix: '/' }], 'x')], { gateways: [OTHER_GATEWAY] }),
      virtualService('mesh', [forward('mesh', [{ prefix: '/' }], 'x')], { gateways: [] }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: {} },
      virtualService('mine', [forward('mine', [{ prefix: '/api' }], 'api')]),
    ];
    const e = explain(objects, '/api/x');
    expect(e.order.map((r) => r.name)).toEqual(['mine']);
    expect(e.winner?.routeName).toBe('mine');
    expect(explain(objects, '/nothing').winner).toBeUndefined();
  });

  test('a short gateway name resolves to the VirtualService namespace; the request port is ignored', () => {
    const objects = [virtualService('vs', [forward('a', [{ prefix: '/' }], 'a')], { namespace: 'knative-serving', gateways: ['knative-local-gateway'] })];
    expect(explainRequest(objects, { host: `${HOST}:80`, gateway: GATEWAY, path: '/' }).winner?.routeName).toBe('a');
  });

  test('an exact host beats a wildcard one; the wildcard serves other hosts', () => {
    const objects = [
      virtualService('wild', [forward('wild', [{ prefix: '/' }], 'w')], { hosts: ['*.kfaas-system.svc.cluster.local'] }),
      virtualService('exact', [forward('exact', [{ prefix: '/' }], 'e')]),
    ];
    expect(explain(objects, '/').winner?.routeName).toBe('exact');
    expect(explainRequest(objects, { host: OTHER_HOST, gateway: GATEWAY, path: '/' }).winner?.routeName).toBe('wild');
  });

  test('a match limited to other gateways is not built for this one', () => {
    const objects = [virtualService('vs', [
      { ...forward('ingress-only', [], 'a'), match: [{ uri: { prefix: '/a' }, gateways: [OTHER_GATEWAY] }] },
      forward('b', [{ prefix: '/a' }], 'b'),
    ], { gateways: [GATEWAY, OTHER_GATEWAY] })];
    expect(explain(objects, '/a').winner?.routeName).toBe('b');
  });

  test('mesh: VirtualServices of one host are never merged; the oldest applies alone and IST0109 is reported', () => {
    // GIVEN two mesh VirtualServices for one host, the older one with a narrower route
    const older = virtualService('older', [forward('a', [{ prefix: '/a/' }], 'a')], { gateways: ['mesh'], creationTimestamp: '2024-01-01T00:00:00Z' });
    const newer = virtualService('newer', [forward('b', [{ prefix: '/b/' }], 'b')], { gateways: ['mesh'], creationTimestamp: '2024-02-01T00:00:00Z' });
    // WHEN a sidecar sends /b/1
    const e = explainRequest([newer, older], { host: HOST, gateway: 'mesh', path: '/b/1' });
    // THEN only the older object's routes exist: nothing matches, and the loser object is named
    expect(e.order).toEqual([{ name: 'older', namespace: 'kfaas-system' }]);
    expect(e.winner).toBeUndefined();
    expect(e.warnings).toEqual([expect.stringMatching(/^IST0109: 2 mesh VirtualServices bind host .*only kfaas-system\/older applies: kfaas-system\/newer ignored$/)]);
  });

  test('mesh: a gateway-bound VirtualService is not seen by sidecars', () => {
    const e = explainRequest([virtualService('vs', [forward('a', [{ prefix: '/' }], 'a')])], { host: HOST, gateway: 'mesh', path: '/x' });
    expect(e.domain).toBeUndefined();
  });

  test('a fault abort for every request and a direct response are reported with their status, never as forwarding', () => {
    const objects = [virtualService('vs', [
      { name: 'deny', match: [{ uri: { prefix: '/deny/' } }], fault: { abort: { httpStatus: 403, percentage: { value: 100 } } }, route: [{ destination: { host: 'x' } }] },
      { name: 'teapot', directResponse: { status: 418 } },
    ])];
    const deny = explain(objects, '/deny/1').winner!;
    expect([deny.action, deny.status, deny.destinations]).toEqual(['abort', 403, []]);
    const other = explain(objects, '/other').winner!;
    expect([other.action, other.status]).toEqual(['directResponse', 418]);
  });
});

describe('merge order', () => {
  const broad = virtualService('a-broad', [forward('broad', [{ prefix: '/shop' }], 'shop')], { creationTimestamp: '2024-05-02T00:00:00Z' });
  const narrow = virtualService('b-narrow', [forward('narrow', [{ prefix: '/shop/cart' }], 'cart')], { creationTimestamp: '2024-05-01T00:00:00Z' });

  test('default: creation time first, then name, then namespace', () => {
    expect(explain([broad, narrow], '/shop/cart').order.map((r) => r.name)).toEqual(['b-narrow', 'a-broad']);
    const untimed = [
      virtualService('b', [forward('b', [{ prefix: '/' }], 'b')], { namespace: 'ns1' }),
      virtualService('a', [forward('a2', [{ prefix: '/' }], 'a')], { namespace: 'ns2' }),
      virtualService('a', [forward('a1', [{ prefix: '/' }], 'a')], { namespace: 'ns1' }),
    ];
    expect(explain(untimed, '/').order).toEqual([
      { name: 'a', namespace: 'ns1' }, { name: 'a', namespace: 'ns2' }, { name: 'b', namespace: 'ns1' },
    ]);
  });

  test('a VirtualService without a timestamp counts as the oldest', () => {
    const untimed = virtualService('z-untimed', [forward('z', [{ prefix: '/z' }], 'z')]);
    expect(explain([broad, untimed], '/').order.map((r) => r.name)).toEqual(['z-untimed', 'a-broad']);
  });

  test('the caller decides the order by keys; unlisted ones follow in Istio order', () => {
    expect(explain([broad, narrow], '/shop/cart/x', ['kfaas-system/a-broad']).winner?.routeName).toBe('broad');
    expect(explain([broad, narrow], '/shop/cart/x', ['b-narrow', 'a-broad']).winner?.routeName).toBe('narrow');
  });

  test('or by comparator', () => {
    const merged = mergeVirtualHost([broad, narrow], {
      host: HOST, gateway: GATEWAY, mergeOrder: (a, b) => b.metadata.name.localeCompare(a.metadata.name),
    });
    expect(merged.order.map((r) => r.name)).toEqual(['b-narrow', 'a-broad']);
  });
});

describe('delegation', () => {
  const root = virtualService('root', [
    forward('api', [{ prefix: '/api' }], 'api'),
    { name: 'shop', match: [{ uri: { prefix: '/shop' } }], delegate: { name: 'shop-routes' }, timeout: '5s' },
    { name: 'gone', match: [{ uri: { prefix: '/gone' } }], delegate: { name: 'missing' } },
    forward('default', [], 'default'),
  ]);
  const child = delegateVirtualService('shop-routes', [
    forward('cart', [{ prefix: '/shop/cart' }], 'cart'),
    forward('pattern', [{ regex: '/shop/[a-z]+' }], 'pattern'),
    forward('home', [{ exact: '/shop' }], 'home'),
    forward('outside', [{ prefix: '/other' }], 'other'),
    forward('inherit', [], 'inherit'),
  ]);

  test('child routes are inlined in place of the root route; regex and outside children are dropped', () => {
    const e = explain([root, child], '/shop/cart/1');
    expect(e.order.map((r) => r.name)).toEqual(['root']);
    expect(e.routes.map((r) => r.routeName)).toEqual(['api', 'cart', 'home', 'inherit', 'default']);
    expect(e.routes.map((r) => r.istioName)).toEqual(['api', 'shop-cart', 'shop-home', 'shop-inherit', 'default']);
    expect(e.dropped.map((d) => [d.name, d.reason])).toEqual([
      ['pattern', expect.stringContaining('does not lie inside the root match')],
      ['outside', expect.stringContaining('does not lie inside the root match')],
      ['gone', 'delegate VirtualService kfaas-system/missing not found (or it has hosts)'],
    ]);
    expect(e.winner).toMatchObject({
      routeName: 'cart',
      virtualService: { name: 'root', namespace: 'kfaas-system' },
      httpIndex: 1,
      delegate: { virtualService: { name: 'shop-routes', namespace: 'kfaas-system' }, httpIndex: 0 },
    });
    expect(names(e.losers)).toEqual(['inherit', 'default']);
  });

  test('a child without matches takes the root match and inherits unset fields', () => {
    const e = explain([root, child], '/shopping');
    expect(e.winner?.routeName).toBe('inherit');
    expect(e.winner?.condition).toEqual({ kind: 'prefix', value: '/shop' });
    const inherited = e.routes.find((r) => r.routeName === 'inherit');
    expect(inherited?.http.timeout).toBe('5s');
  });

  test('the regex child is unreachable: its path falls through', () => {
    expect(explain([root, child], '/shop').winner?.routeName).toBe('home');
    expect(explain([root, child], '/gone').winner?.routeName).toBe('default');
  });

  test('a delegate VirtualService is never a root on its own', () => {
    expect(explain([child], '/shop/cart').order).toEqual([]);
  });
});

describe('candidatesOf: the routes a RouteIndex gives, for one request without the index', () => {
  test('prefix, exact, regex and case-insensitive routes: the same candidates, in route order, for every path tried', () => {
    // GIVEN routes of every kind of path match, some literals prefixes of others, one matching without case
    const caseless = { ...forward('caseless', [], 'caseless'), match: [{ uri: { prefix: '/Shop/Cart' }, ignoreUriCase: true }] };
    const merged = mergeVirtualHost([virtualService('vs', [
      forward('cart-exact', [{ exact: '/shop/cart' }], 'cart'),
      forward('versioned', [{ regex: '/shop/v[0-9]+/.*' }], 'v'),
      caseless,
      forward('cart', [{ prefix: '/shop/cart/' }], 'cart'),
      forward('shop', [{ prefix: '/shop' }], 'shop'),
      forward('anything', [{ regex: '.*' }], 'any'),
      forward('root', [{ prefix: '/' }], 'root'),
    ])], { host: HOST, gateway: GATEWAY });
    const index = new RouteIndex(merged);
    // WHEN each path is asked both ways THEN the candidates are the same routes (and some paths have several)
    const paths = ['/', '/shop', '/shop/cart', '/SHOP/CART/x', '/shop/cart/1', '/shop/v2/x', '/shopping', '/other', '/shop/cart?x=1', ''];
    for (const path of paths) expect(candidatesOf(merged, path).map((r) => r.position)).toEqual(index.candidates(path).map((r) => r.position));
    expect(candidatesOf(merged, '/SHOP/CART/x').map((r) => r.routeName)).toEqual(['caseless', 'anything']); // root follows a catch-all: dropped
    expect(candidatesOf(merged, '/shop/cart/1').length).toBeGreaterThan(3);
  });
});
