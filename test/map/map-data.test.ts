import { join } from 'path';
import { explainPath } from '../../src/explain/explain';
import { mergeVirtualHost } from '../../src/explain/merge';
import { RouteIndex } from '../../src/explain/route-index';
import { samplePaths } from '../../src/explain/sample-path';
import { environmentHost } from '../../src/explain/environment-host';
import { CompactReader, CompactWriter } from '../../src/map/compact-json';
import { environmentMap, unpackSources } from '../../src/map/map-data';
import { packHost, unpackHost } from '../../src/map/packed-host';
import { buildPrefixTree } from '../../src/map/prefix-tree';
import { routeRow } from '../../src/map/route-row';
import { runPipeline } from '../../src/pipeline';

const ROOT = join(__dirname, '..', '..');
const pipeline = runPipeline({ root: ROOT, write: false });
/** Packs through JSON, as the page gets it, and unpacks. */
function roundTrip(merged: ReturnType<typeof mergeVirtualHost>): { restored: ReturnType<typeof unpackHost>; regexLiterals: Record<string, string> } {
  const writer = new CompactWriter();
  const { packed, tables } = JSON.parse(JSON.stringify({ packed: packHost(merged, writer), tables: writer.tables() }));
  return { restored: unpackHost(packed, new CompactReader(tables)), regexLiterals: packed.regexLiterals };
}

/** Route for route, with each route's `http` (restored on first use, so not an own property). */
function expectSameHost(restored: ReturnType<typeof unpackHost>, merged: ReturnType<typeof mergeVirtualHost>): void {
  expect({ ...restored, routes: restored.routes.map((r) => ({ ...r, http: r.http })) }).toEqual({ ...merged, dropped: [], warnings: [] });
}

const tables = (pipeline.tables ?? []).filter((t) => t.virtualServices.length > 0 || (t.gatewayApi?.httpRoutes.length ?? 0) > 0);

describe('the route map data', () => {
  it('packs routes inlined from a delegate, with their origin and delegate', () => {
    const vs = (name: string, spec: object) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'kfaas-system' }, spec });
    const to = (authority: string) => [{ destination: { host: 'gw.istio-system.svc.cluster.local' }, headers: { request: { set: { host: authority } } } }];
    const objects = [
      vs('root', {
        hosts: ['h.example'], gateways: ['gw/gw'],
        http: [
          { name: 'shop', match: [{ uri: { prefix: '/shop/' } }], delegate: { name: 'child', namespace: 'kfaas-system' } },
          { name: 'all', route: to('all.svc') },
        ],
      }),
      vs('child', {
        http: [
          { name: 'cart', match: [{ uri: { prefix: '/shop/cart' }, method: { exact: 'POST' } }, { uri: { exact: '/shop/cart' } }], route: to('cart.svc') },
          { name: 'rest', match: [{ uri: { prefix: '/shop/' } }], route: to('shop.svc') },
        ],
      }),
    ];
    const merged = mergeVirtualHost(objects, { host: 'h.example', gateway: 'gw/gw' });
    expect(merged.routes.filter((r) => r.delegate).length).toBe(3);
    const { restored } = roundTrip(merged);
    expectSameHost(restored, merged);
    // One Istio route, restored once for all its Envoy routes.
    expect(restored.routes[0].http).toBe(restored.routes[1].http);
    for (const [path, method] of [['/shop/cart', 'POST'], ['/shop/cart', 'GET'], ['/shop/x', 'GET'], ['/other', 'GET']]) {
      expect(explainPath(restored, { path, method })).toEqual(explainPath(merged, { path, method }));
    }
  });

  it.each(tables.map((t) => [`${t.cluster}/${t.environment}`, t] as const))('%s: the packed host, through JSON, is the merged host and explains every sample path the same', (_name, table) => {
    const host = environmentHost(table, pipeline.tree!);
    const merged = mergeVirtualHost(host.objects, { host: table.host, gateway: host.gateway });
    const { restored, regexLiterals } = roundTrip(merged);
    expectSameHost(restored, merged);
    const index = new RouteIndex(restored, regexLiterals);
    const paths = new Set(['/', '/faas/api/nobody/here']);
    for (const r of merged.routes) for (const p of samplePaths(r.condition)) paths.add(p);
    for (const path of paths) {
      const expected = explainPath(merged, path);
      const got = explainPath(restored, path, index);
      expect({ path, winner: got.winner?.routeName, losers: got.losers.map((l) => l.routeName) })
        .toEqual({ path, winner: expected.winner?.routeName, losers: expected.losers.map((l) => l.routeName) });
      expect(got.winner).toEqual(expected.winner);
    }
  });

  it('the prefix tree nests teams\' prefixes and marks the catch-all', () => {
    const tree = buildPrefixTree(
      [
        { team: 'shop', kind: 'prefix', value: '/faas/api/shop/', catchAll: false },
        { team: 'shop', kind: 'exact', value: '/faas/api/shop/cart', catchAll: false },
        { team: 'pay', kind: 'regex', value: '/faas/api/pay/v[0-9]+/.*', catchAll: false },
        { team: 'edge', kind: 'prefix', value: '/', catchAll: true },
      ],
      { shop: ['/faas/api/shop/'], pay: ['/faas/api/pay/'] },
    );
    expect(tree.catchAll).toBe(true);
    const api = tree.children[0].children[0];
    expect(api.path).toBe('/faas/api/');
    expect(api.children.map((c) => [c.path, c.owner, c.size])).toEqual([['/faas/api/pay/', 'pay', 1], ['/faas/api/shop/', 'shop', 2]]);
    expect(api.team).toBeUndefined();
  });

  it('a row shows team, source, weights, timeout and retries of its route', () => {
    const table = tables.find((t) => t.cluster === 'us-west-prod' && t.environment === 'prod')!;
    const host = environmentHost(table, pipeline.tree!);
    const map = environmentMap(table, host, pipeline.project!, []);
    const { tables: compactTables, virtualHost, sources: packedSources } = JSON.parse(JSON.stringify(map));
    const reader = new CompactReader(compactTables);
    const merged = unpackHost(virtualHost, reader);
    const sources = host.sources;
    const unpacked = unpackSources(packedSources, reader);
    expect(unpacked.size).toBe(sources.size);
    // The kfaas route is left out where it is the Istio route name.
    for (const [name, s] of sources) expect({ route: name, ...unpacked.get(name) }).toEqual(s);
    const split = merged.routes.map((r) => routeRow(r, merged.host, sources)).find((r) => r.route === 'shop-checkout')!;
    expect(split.team).toBe('shop');
    expect(split.source).toMatch(/^routes\/shop\/[a-z-]+\.yaml:\d+$/);
    expect(split.destinations).toEqual(['shop-checkout.faas-prod.svc.cluster.local (90%)', 'shop-checkout-next.faas-prod.svc.cluster.local (10%)']);
    expect(split.object).toMatch(/^kfaas-system\/\S+ spec\.http\[\d+\]$/);
    expect(map.sources.name.length).toBe(sources.size);
  });
});
