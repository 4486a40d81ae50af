import { diffRenderedTrees } from '../../src/diff/diff-trees';
import { formatTextReport } from '../../src/diff/format-text';
import { cluster, renderFiles, route } from './helpers';

const BASE_FILES = {
  'clusters/c1.yaml': cluster('c1', { envs: ['alpha', 'prod'] }),
  'routes/shop/catalog.yaml': route('shop-catalog', ['  match:', '    - prefix: /faas/api/shop/', '  timeout: 10s']),
  'routes/shop/cart.yaml': route('shop-cart', ['  match:', '    - exact: /faas/api/shop/cart']),
  'routes/saas/showroom.yaml': route('saas-showroom', ['  match:', '    - prefix: /faas/api/saas/showroom/', '  rewrite: { uri: / }']),
};

const text = (files: Record<string, string>, base = BASE_FILES): string =>
  formatTextReport(diffRenderedTrees(renderFiles(base), renderFiles(files)), { title: 't' });

describe('diffRenderedTrees on real renders', () => {
  test('GIVEN the same inputs THEN no change at all', () => {
    const tree = renderFiles(BASE_FILES);
    const report = diffRenderedTrees(tree, renderFiles(BASE_FILES));
    expect(report.folders).toEqual([]);
    expect(report.guards).toEqual([]);
    expect(report.summary.foldersUnchanged).toBe(new Set([...tree.keys()].map((p) => p.split('/').slice(0, 2).join('/'))).size);
  });

  test('GIVEN a timeout change THEN one field change per environment and no impact', () => {
    const report = diffRenderedTrees(
      renderFiles(BASE_FILES),
      renderFiles({ ...BASE_FILES, 'routes/shop/catalog.yaml': route('shop-catalog', ['  match:', '    - prefix: /faas/api/shop/', '  timeout: 30s']) }),
    );
    expect(report.folders.map((f) => f.folder)).toEqual(['c1/alpha', 'c1/prod']);
    for (const f of report.folders) {
      expect(f.routes).toEqual([{ name: 'shop-catalog', change: 'changed', fields: [{ path: 'timeout', before: '10s', after: '30s' }] }]);
      expect(f.impact.entries).toEqual([]);
    }
    expect(formatTextReport(report, { title: 't' })).toContain('c1/alpha ~ shop-catalog timeout 10s -> 30s');
  });

  test('GIVEN a new narrower route THEN the requests it takes from the broad one are the impact', () => {
    const out = text({
      ...BASE_FILES,
      'routes/shop/cart-items.yaml': route('shop-cart-items', ['  match:', '    - prefix: /faas/api/shop/cart/', '    - regex: /faas/api/shop/basket/v[0-9]+/.*']),
    });
    expect(out).toContain('c1/alpha + shop-cart-items added (prefix "/faas/api/shop/cart/", regex "/faas/api/shop/basket/v[0-9]+/.*")');
    expect(out).toContain('c1/alpha impact: /faas/api/shop/cart/kfaas-sample: shop-catalog -> shop-cart-items');
    expect(out).toMatch(/c1\/prod impact: \/faas\/api\/shop\/basket\/v\d+\/\S*: shop-catalog -> shop-cart-items/);
    // The exact cart route still wins its own path.
    expect(out).not.toContain('/faas/api/shop/cart: ');
  });

  test('GIVEN a removed route THEN it is a guard in production only, and its paths fall through', () => {
    const { 'routes/shop/cart.yaml': _cart, ...rest } = BASE_FILES;
    const report = diffRenderedTrees(renderFiles(BASE_FILES), renderFiles(rest));
    expect(report.guards).toEqual([{ kind: 'removed-route', cluster: 'c1', environment: 'prod', route: 'shop-cart', production: true }]);
    const alpha = report.folders.find((f) => f.folder === 'c1/alpha')!;
    expect(alpha.impact.entries.map((e) => [e.request.path, e.before.route, e.after.route])).toEqual([
      ['/faas/api/shop/cart', 'shop-cart', 'shop-catalog'],
    ]);
  });

  test('GIVEN a removed environment and a removed cluster THEN both are guards, production first', () => {
    const base = { ...BASE_FILES, 'clusters/c2-prod.yaml': cluster('c2-prod', { envs: ['beta'] }) };
    const head = { ...BASE_FILES, 'clusters/c1.yaml': cluster('c1', { envs: ['prod'] }) };
    const report = diffRenderedTrees(renderFiles(base), renderFiles(head));
    expect(report.guards).toEqual([
      { kind: 'removed-cluster', cluster: 'c2-prod', production: true },
      { kind: 'removed-environment', cluster: 'c1', environment: 'alpha', production: false },
    ]);
  });

  test('GIVEN a weighted split THEN the impact names both services with their shares', () => {
    const out = text({
      ...BASE_FILES,
      'routes/shop/cart.yaml': route('shop-cart', [
        '  match:', '    - exact: /faas/api/shop/cart',
        '  traffic:', '    - { service: shop-cart, weight: 90 }', '    - { service: shop-cart-next, weight: 10 }',
      ]),
    });
    expect(out).toContain('c1/alpha impact: /faas/api/shop/cart: shop-cart -> shop-cart (shop-cart 90%, shop-cart-next 10%)');
  });

  test('GIVEN a header-conditioned canary THEN the probe carries the header, and the bare path stays', () => {
    const out = text({
      ...BASE_FILES,
      'routes/shop/cart-canary.yaml': route('shop-cart-canary', [
        '  service: shop-cart-next',
        '  match:',
        '    - exact: /faas/api/shop/cart',
        '      headers:',
        '        x-canary: { exact: "true" }',
      ]),
    });
    expect(out).toContain('c1/alpha impact: /faas/api/shop/cart [x-canary: true]: shop-cart -> shop-cart-canary (shop-cart-next)');
    expect(out).not.toContain('c1/alpha impact: /faas/api/shop/cart: ');
  });

  test('GIVEN a layout change from per-route to merged THEN routes move between objects without impact', () => {
    // Per-route needs disjoint paths: no catch-all catalog.
    const { 'routes/shop/catalog.yaml': _catalog, ...disjoint } = BASE_FILES;
    const perRoute = { ...disjoint, 'clusters/c1.yaml': cluster('c1', { envs: ['alpha', 'prod'], layout: 'per-route' }) };
    const report = diffRenderedTrees(renderFiles(perRoute), renderFiles(disjoint));
    const alpha = report.folders.find((f) => f.folder === 'c1/alpha')!;
    expect(alpha.routes.map((r) => [r.name, r.change])).toEqual([
      ['saas-showroom', 'moved'],
      ['shop-cart', 'moved'],
    ]);
    // One per-route object is deleted, the other becomes the merged one (a delete and a create: a rename).
    expect(alpha.objects.map((o) => [o.change, o.name, o.renamedFrom?.name])).toEqual([
      ['renamed', 'faas-alpha-ksvc-gateway', 'faas-alpha-ns-saas-showroom-ksvc-virtualservice'],
      ['removed', 'faas-alpha-ns-shop-cart-ksvc-virtualservice', undefined],
    ]);
    expect(alpha.impact.entries).toEqual([]);
  });
});
