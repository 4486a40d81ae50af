import { mkdtempSync, rmSync } from 'fs';
import { loadAll } from 'js-yaml';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { diffRenderedTrees } from '../../src/diff/diff-trees';
import { YamlCache, readRenderedTree } from '../../src/diff/rendered-tree';
import { diffRoutes } from '../../src/diff/route-diff';
import { routeViews } from '../../src/diff/route-view';
import { runPipeline } from '../../src/pipeline';
import { cluster, renderFiles, route, writeProject } from './helpers';

/**
 * `kfaas diff` compares the render's own objects instead of parsing its YAML back: that is only right if the
 * objects are exactly what the files parse to, key order included (field changes are listed in document order).
 */
describe('the objects a render keeps stand for its files', () => {
  const example = runPipeline({ root: resolve(__dirname, '..', '..'), write: false, keepObjects: true });

  it('renders the shipped example without errors', () => {
    expect(example.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('keeps one object for every cluster-folder manifest except kustomization.yaml, and nothing else', () => {
    const manifests = [...example.tree!.keys()].filter((p) => !p.startsWith('_') && !p.endsWith('/kustomization.yaml') && /\.ya?ml$/.test(p));
    expect([...example.objects!.keys()].sort()).toEqual(manifests.sort());
    expect(example.objects!.size).toBeGreaterThan(50);
  });

  it('gives, for every file, the same JSON (values and key order) as parsing the file', () => {
    for (const [path, object] of example.objects!) {
      const parsed = loadAll(example.tree!.get(path)!);
      expect({ path, json: JSON.stringify(parsed) }).toEqual({ path, json: JSON.stringify([object]) });
    }
  });

  it('without keepObjects, no objects are kept', () => {
    expect(runPipeline({ root: resolve(__dirname, '..', '..'), write: false }).objects).toBeUndefined();
  });

  it('a diff over seeded objects reports exactly what a diff over parsed files reports', () => {
    const files = {
      'clusters/c1.yaml': cluster('c1', { envs: ['alpha', 'prod'] }),
      'routes/shop/cart.yaml': route('shop-cart', ['  match:', '    - prefix: /faas/api/shop/cart/', '  timeout: 10s']),
      'routes/shop/catalog.yaml': route('shop-catalog', ['  match:', '    - prefix: /faas/api/shop/', '  timeout: 5s']),
    };
    const base = renderFiles(files);
    const root = mkdtempSync(join(tmpdir(), 'kfaas-diff-objects-'));
    try {
      writeProject(root, {
        ...files,
        'routes/shop/cart.yaml': route('shop-cart', ['  match:', '    - prefix: /faas/api/shop/cart/', '  timeout: 30s']),
        'routes/pay/pay.yaml': route('pay', ['  match:', '    - prefix: /faas/api/pay/']),
      });
      const head = runPipeline({ root, write: false, keepObjects: true });
      const cache = new YamlCache();
      for (const [path, object] of head.objects!) cache.seed(head.tree!.get(path)!, [object]);
      const seeded = diffRenderedTrees(base, head.tree!, { cache });
      const parsed = diffRenderedTrees(base, head.tree!);
      expect(seeded).toEqual(parsed);
      expect(JSON.stringify(seeded)).toContain('10s');
      expect(seeded.summary.routes.added).toBe(2);
      // Route views are built only for routes that changed objects hold: the same changes as over every route.
      const b = readRenderedTree(base);
      const h = readRenderedTree(head.tree!);
      for (const folder of seeded.folders) {
        const everyRoute = diffRoutes(routeViews(b.get(folder.folder)!), routeViews(h.get(folder.folder)!));
        expect(folder.routes).toEqual(everyRoute);
      }
      expect(seeded.folders.map((f) => f.folder)).toEqual(['c1/alpha', 'c1/platform', 'c1/prod']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
