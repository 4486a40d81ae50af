import { loadAll } from 'js-yaml';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { generateProject } from '../../src/bench/generate';
import { environmentHost, javaExportHost } from '../../src/explain/environment-host';
import { environmentMap } from '../../src/map/map-data';
import { runPipeline } from '../../src/pipeline';

/**
 * `kfaas map` reads the environments from the objects the renderer kept (runPipeline `keepObjects`) instead of
 * parsing the rendered YAML back. The map must show exactly what is published: each kept object is what its
 * file parses to (types and key order included), and the map built from the objects is the map built from
 * the parsed files, byte for byte. The objects are frozen first: building a map (the explain engine's merge)
 * must not change them, since several pages of one environment read the same objects.
 */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

function expectKeptObjectsPublished(root: string): number {
  const result = runPipeline({ root, write: false, keepObjects: true });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const tree = result.tree!;
  const kept = result.objects!;
  for (const [path, object] of kept) {
    expect({ path, parsed: loadAll(tree.get(path)!) }).toStrictEqual({ path, parsed: [object] });
    deepFreeze(object);
  }
  let pages = 0;
  for (const table of result.tables!) {
    const parsed = environmentMap(table, environmentHost(table, tree), result.project!, []);
    const fromObjects = environmentMap(table, environmentHost(table, tree, { kept }), result.project!, []);
    expect(JSON.stringify(fromObjects)).toBe(JSON.stringify(parsed));
    pages++;
  }
  for (const platform of result.platforms!) {
    const parsed = javaExportHost(platform, tree);
    if (!parsed) continue;
    const subject = { cluster: platform.cluster, environment: 'platform', namespace: 'kfaas-system', host: parsed.host };
    const fromObjects = javaExportHost(platform, tree, { kept })!;
    expect(JSON.stringify(environmentMap(subject, fromObjects, result.project!, []))).toBe(JSON.stringify(environmentMap(subject, parsed, result.project!, [])));
    pages++;
  }
  return pages;
}

describe('the objects kfaas map reads stand for the published files', () => {
  it('on the shipped example (VirtualServices, Gateway API HTTPRoutes, Java export hosts)', () => {
    expect(expectKeptObjectsPublished(join(__dirname, '..', '..'))).toBeGreaterThan(10);
  });

  it('on a generated project of 700 routes per environment (the bench\'s tier S)', () => {
    const root = mkdtempSync(join(tmpdir(), 'kfaas-map-objects-'));
    try {
      generateProject(root, 700);
      expect(expectKeptObjectsPublished(root)).toBe(18);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
