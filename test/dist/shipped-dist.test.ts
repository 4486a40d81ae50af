import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { loadAll } from 'js-yaml';
import { runPipeline } from '../../src/pipeline';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { listFiles } from '../../src/util/list-files';
import { RECORD_FILE } from '../../src/publish/ownership';
import { validateManifest } from '../support/validate-objects';
import { kustomizeBuild } from '../support/kustomize';
import { eachWithCrds, validateAgainstCrd } from '../support/crd-schema';

/**
 * The committed dist/ is the shipped example's output: up to date, valid against the upstream schemas, inside
 * the allowed namespaces, and buildable by kustomize as Argo CD and Flux build it.
 */
const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');

/** Ownership records (src/publish/ownership.ts) sit beside the rendered files; they are checked on their own. */
const isRecord = (f: string): boolean => f.endsWith(`/${RECORD_FILE}`);
const files = listFiles(DIST).filter((f) => !isRecord(f));
const objectFiles = files.filter((f) => !f.endsWith('kustomization.yaml'));
/** Every kustomize root: route and platform folders, and the delivery folders (`_argocd`, `_flux-<cluster>`). */
const folders = [...new Set(files.map((f) => f.slice(0, f.lastIndexOf('/'))))].sort();
const allObjects = objectFiles.flatMap((f) =>
  (loadAll(readFileSync(join(DIST, f), 'utf8')) as Record<string, any>[]).map((o) => ({ file: f, o })),
);
/** Objects deployed into the clusters (route and platform folders), not the Argo CD / Flux objects. */
const objects = allObjects.filter(({ file }) => !file.startsWith('_'));
const deliveryObjects = allObjects.filter(({ file }) => file.startsWith('_'));

describe('shipped dist/', () => {
  test('is exactly what the example routes/ and clusters/ render to', () => {
    const result = runPipeline({ root: ROOT, write: false });
    expect(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const tree = result.tree!;
    expect(files).toEqual([...tree.keys()].sort());
    for (const f of files) expect({ f, text: readFileSync(join(DIST, f), 'utf8') }).toEqual({ f, text: tree.get(f) });
  });

  test('each cluster (and delivery) folder records that this project published exactly its files', () => {
    const clusters = [...new Set(files.map((f) => f.split('/')[0]))].sort();
    expect(listFiles(DIST).filter(isRecord)).toEqual(clusters.map((c) => `${c}/${RECORD_FILE}`));
    for (const c of clusters) {
      const record = JSON.parse(readFileSync(join(DIST, c, RECORD_FILE), 'utf8'));
      const mine = files.filter((f) => f.startsWith(`${c}/`)).map((f) => f.slice(c.length + 1));
      expect(record).toEqual({ generatedBy: 'kfaas', format: 1, projectRoot: '..', files: mine });
    }
  });

  test('has a folder for every cluster/environment of the example (every cluster in clusters/), and delivery folders', () => {
    const routeFolders = folders.filter((f) => !f.startsWith('_'));
    const clusters = readdirSync(join(ROOT, 'clusters')).filter((f) => f.endsWith('.yaml') && !readFileSync(join(ROOT, 'clusters', f), 'utf8').includes('kind: Delivery'));
    expect(clusters.length).toBeGreaterThanOrEqual(7);
    expect(new Set(routeFolders.map((f) => f.split('/')[0])).size).toBe(clusters.length);
    expect(routeFolders.length).toBeGreaterThanOrEqual(8);
    expect(folders.filter((f) => f.startsWith('_'))).toEqual([
      '_argocd',
      ...[...new Set(routeFolders.map((f) => f.split('/')[0]))].map((c) => `_flux-${c}`),
    ]);
  });

  test('the committed .github/CODEOWNERS is the one the example renders', () => {
    const result = runPipeline({ root: ROOT, write: false });
    expect(readFileSync(join(ROOT, '.github', 'CODEOWNERS'), 'utf8')).toBe(result.repoFiles!.get('.github/CODEOWNERS'));
  });

  test('the Argo CD and Flux objects deploy every route and platform folder, and nothing else', () => {
    const deployed = deliveryObjects
      .map(({ o }) => (o.kind === 'Application' ? o.spec.source.path : o.kind === 'Kustomization' ? o.spec.path.replace(/^\.\//, '') : undefined))
      .filter((p): p is string => p !== undefined && !p.startsWith('dist/_'));
    const routeFolders = folders.filter((f) => !f.startsWith('_')).map((f) => `dist/${f}`);
    expect([...new Set(deployed)].sort()).toEqual(routeFolders);
    expect(deployed.length).toBe(routeFolders.length * 2); // one Application and one Kustomization each
  });

  test.each(allObjects.map(({ file, o }) => [file, o] as const))('%s validates against @kubernetes-models (Istio kinds: nothing pruned)', (_file, o) => {
    expect(validateManifest(o)).toEqual([]);
  });

  const crdKinds = ['VirtualService', 'Gateway', 'ServiceEntry', 'Certificate', 'Application', 'AppProject', 'Kustomization', 'GitRepository'];
  eachWithCrds(allObjects.filter(({ o }) => crdKinds.includes(o.kind)).map(({ file, o }) => [file, o] as const))(
    '%s validates against the upstream CRD schema (Istio 1.30.3, cert-manager 1.21.1, Argo CD 3.5.1, Flux), nothing pruned',
    (_file, o) => {
      expect(validateAgainstCrd(o as { apiVersion: string; kind: string })).toEqual([]);
    },
  );

  test('emits only into kfaas-system and never into platform namespaces', () => {
    for (const { o } of objects) {
      // The Namespace itself is cluster-scoped: kfaas-system, in the platform folder only.
      if (o.kind === 'Namespace') expect([o.metadata.name, o.metadata.namespace]).toEqual(['kfaas-system', undefined]);
      else expect(o.metadata.namespace).toBe('kfaas-system');
    }
  });

  test('every object stays far below the 256 KiB client-side apply limit', () => {
    for (const f of objectFiles) expect(statSync(join(DIST, f)).size).toBeLessThan(256 * 1024);
  });

  test.each(folders)('kubectl kustomize dist/%s builds every object', (folder) => {
    const r = kustomizeBuild(join(DIST, folder));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const built = (loadAll(r.stdout) as Record<string, any>[]).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    const expected = allObjects
      .filter(({ file }) => file.startsWith(folder + '/'))
      .map(({ o }) => `${o.kind}/${o.metadata.name}`)
      .sort();
    expect(built).toEqual(expected);
  });
});
