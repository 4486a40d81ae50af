import { routesDigestOf } from '../../src/cache/object-reuse';
import { HttpRouteTable, MatchTable, VirtualServiceTable } from '../../src/compile/route-table';
import { Origin } from '../../src/model/origin';

/**
 * The VirtualService keys of object reuse (src/cache/object-reuse.ts routesDigestOf) build the identity of an HTTP
 * route of one match once per match location and method, for the same name, route, team and route location: the
 * entries of one route in its environments share their match's location object. An HTTP route that shares the
 * location but differs in any other part of its identity must still get its own identity: the digest a memo that
 * has seen the first route gives must be the one a fresh digest (no memo) gives.
 */
const FILE_KEYS: Record<string, string> = { 'routes/shop/a.yaml': 'sha-a', 'routes/shop/b.yaml': 'sha-b' };
const fileKey = (path: string): string => FILE_KEYS[path];

const origin = (file: string, path: string): Origin => ({ at: { file, line: 1, col: 1 }, path });
const matchOrigin = origin('routes/shop/a.yaml', 'spec.match[0].prefix');
const match: MatchTable = { kind: 'prefix', value: '/faas/api/shop/cart/', origin: matchOrigin };
const base: HttpRouteTable = {
  name: 'shop-cart', route: 'shop-cart', team: 'shop', origin: origin('routes/shop/a.yaml', 'metadata.name'),
  matches: [match],
  action: { type: 'forward', destinations: [{ service: 'cart', authority: 'cart.faas-prod.svc.cluster.local', weight: 100 }] },
};
const vs = (http: HttpRouteTable): VirtualServiceTable => ({ name: 'faas-routes-0', role: 'root', http: [http] });

describe('VirtualService keys (object reuse)', () => {
  // Each variant shares the match's location object with `base` and differs in one part of the identity.
  const variants: [string, HttpRouteTable][] = [
    ['method', { ...base, matches: [{ ...match, method: 'GET' }] }],
    ['name', { ...base, name: 'shop-cart-2' }],
    ['route', { ...base, route: 'shop-cart-2' }],
    ['team', { ...base, team: 'pay' }],
    ['route location (place in the file)', { ...base, origin: origin('routes/shop/a.yaml', '[1].metadata.name') }],
    ['route location (file)', { ...base, origin: origin('routes/shop/b.yaml', 'metadata.name') }],
  ];

  test.each(variants)('an HTTP route sharing the match location but not its %s gets its own key', (_part, variant) => {
    const digest = routesDigestOf(fileKey);
    const first = digest(vs(base));
    const memoized = digest(vs(variant));
    expect(memoized).not.toBe(first);
    expect(memoized).toBe(routesDigestOf(fileKey)(vs(variant)));
  });

  test('the same route in another environment (another action, a copy of its match with the same location) has the same key', () => {
    const digest = routesDigestOf(fileKey);
    const other: HttpRouteTable = {
      ...base, matches: [{ ...match }],
      action: { type: 'forward', destinations: [{ service: 'cart', authority: 'cart.faas-beta.svc.cluster.local', weight: 100 }] },
    };
    expect(digest(vs(other))).toBe(digest(vs(base)));
    expect(routesDigestOf(fileKey)(vs(other))).toBe(routesDigestOf(fileKey)(vs(base)));
  });

  test('a delegate and an HTTP route of several matches are keyed by their own parts (target, every match)', () => {
    const digest = routesDigestOf(fileKey);
    const delegate: HttpRouteTable = { ...base, action: { type: 'delegate', name: 'shop-cart-delegate', namespace: 'kfaas-system' } };
    const other: HttpRouteTable = { ...delegate, action: { type: 'delegate', name: 'shop-cart-other', namespace: 'kfaas-system' } };
    expect(digest(vs(other))).not.toBe(digest(vs(delegate)));
    const two: HttpRouteTable = { ...base, matches: [match, { ...match, method: 'POST' }] };
    expect(digest(vs(two))).not.toBe(digest(vs(base)));
    expect(digest(vs(two))).toBe(routesDigestOf(fileKey)(vs(two)));
  });
});
