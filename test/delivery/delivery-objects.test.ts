import { rmSync } from 'fs';
import { load } from 'js-yaml';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { runPipeline } from '../../src/pipeline';
import { eachWithCrds, validateAgainstCrd } from '../support/crd-schema';
import { nonCanonicalValues, validateManifest } from '../support/validate-objects';
import { exampleProject, objectsUnder, routeFolders } from './delivery-helpers';

/**
 * The Argo CD and Flux objects rendered for the example project with a Delivery document: valid against the
 * upstream schemas, covering every rendered folder exactly once, pointing at nothing else.
 */
const root = exampleProject();
afterAll(() => rmSync(root, { recursive: true, force: true }));
const result = runPipeline({ root, write: false });
const tree = result.tree ?? new Map<string, string>();
const argo = objectsUnder(tree, '_argocd/');
const flux = objectsUnder(tree, '_flux-');
const folders = routeFolders(tree);
const applications = argo.filter(({ o }) => o.kind === 'Application' && o.metadata.name !== 'kfaas-delivery').map(({ o }) => o);

test('the example with a Delivery document renders without errors', () => {
  expect(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
  expect(folders.length).toBe(16); // 9 environments, 7 platform folders
});

describe.each([
  ['Argo CD', argo],
  ['Flux', flux],
])('%s objects', (_engine, objects) => {
  test.each(objects.map(({ file, o }) => [file, o] as const))('%s validates against @kubernetes-models', (_f, o) => {
    expect(validateManifest(o)).toEqual([]);
    expect(nonCanonicalValues(o)).toEqual([]);
  });
  eachWithCrds(objects.map(({ file, o }) => [file, o] as const))(
    '%s validates against the upstream CRD (Argo CD 3.5.1, Flux kustomize-controller 1.9.4 / source-controller 1.9.1), nothing pruned',
    (_f, o) => {
      expect(validateAgainstCrd(o as { apiVersion: string; kind: string })).toEqual([]);
    },
  );
});

test('exactly one Argo CD Application per rendered folder, and none for anything else', () => {
  expect(applications.map((a) => a.spec.source.path.replace(/^dist\//, '')).sort()).toEqual(folders);
  for (const a of applications) {
    expect(a.spec.project).toBe('kfaas');
    expect(a.spec.destination.namespace).toBe('kfaas-system');
    expect(a.metadata.annotations['argocd.argoproj.io/manifest-generate-paths']).toBe('.');
    expect(a.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
    expect(a.spec.syncPolicy.syncOptions).toContain('PruneLast=true');
    expect(a.metadata.finalizers).toBeUndefined(); // removing the Application leaves its objects in place
  }
});

test('Applications deploy to the Argo CD cluster the Delivery document names, by name or server', () => {
  const dest = (name: string) => applications.find((a) => a.metadata.name === name)!.spec.destination;
  expect(dest('kfaas-cn-hz-test-alpha')).toEqual({ name: 'hz-test', namespace: 'kfaas-system' });
  expect(dest('kfaas-us-west-prod-prod')).toEqual({ server: 'https://10.1.0.1:6443', namespace: 'kfaas-system' });
  expect(dest('kfaas-sg-test-beta')).toEqual({ name: 'sg-test', namespace: 'kfaas-system' });
});

test('the AppProject allows the repository, the destinations and the kinds that were rendered, nothing else', () => {
  const project = argo.find(({ o }) => o.kind === 'AppProject' && o.metadata.name === 'kfaas')!.o;
  expect(project.spec.sourceRepos).toEqual(['https://github.com/example/kfaas-routes.git']);
  const destinations = applications.map((a) => JSON.stringify(a.spec.destination));
  expect(project.spec.destinations.map((d: object) => JSON.stringify(d)).sort()).toEqual([...new Set(destinations)].sort());
  const rendered = objectsUnder(tree, '').filter(({ file }) => !file.startsWith('_')).map(({ o }) => o);
  const namespacedKinds = new Set(rendered.filter((o) => o.metadata.namespace).map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`));
  expect(project.spec.namespaceResourceWhitelist.map((r: { group: string; kind: string }) => `${r.group}/${r.kind}`).sort()).toEqual([...namespacedKinds].sort());
  // the only cluster-scoped object is the platform folders' Namespace kfaas-system
  expect(rendered.filter((o) => !o.metadata.namespace).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(Array(7).fill('Namespace/kfaas-system'));
  expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'kfaas-system' }]);
});

test('the root Application syncs dist/_argocd itself, in a project limited to Argo CD objects in its namespace', () => {
  const rootApp = argo.find(({ o }) => o.metadata.name === 'kfaas-delivery' && o.kind === 'Application')!.o;
  expect(rootApp.spec.source.path).toBe('dist/_argocd');
  expect(rootApp.spec.project).toBe('kfaas-delivery');
  const project = argo.find(({ o }) => o.kind === 'AppProject' && o.metadata.name === 'kfaas-delivery')!.o;
  expect(project.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
  expect(project.spec.namespaceResourceWhitelist).toEqual([
    { group: 'argoproj.io', kind: 'AppProject' },
    { group: 'argoproj.io', kind: 'Application' },
  ]);
});

test('each cluster gets its own Flux folder: one GitRepository and one Kustomization per rendered folder', () => {
  const clusters = [...new Set(folders.map((f) => f.split('/')[0]))];
  expect([...new Set(flux.map(({ file }) => file.split('/')[0]))].sort()).toEqual(clusters.map((c) => `_flux-${c}`).sort());
  for (const cluster of clusters) {
    const own = flux.filter(({ file }) => file.startsWith(`_flux-${cluster}/`)).map(({ o }) => o);
    expect(own.filter((o) => o.kind === 'GitRepository').map((o) => o.spec)).toEqual([
      { interval: '5m', ref: { branch: 'main' }, url: 'https://github.com/example/kfaas-routes.git' },
    ]);
    const paths = own.filter((o) => o.kind === 'Kustomization').map((o) => o.spec.path).sort();
    const expected = [...folders.filter((f) => f.startsWith(`${cluster}/`)).map((f) => `./dist/${f}`), `./dist/_flux-${cluster}`].sort();
    expect(paths).toEqual(expected);
    for (const k of own.filter((o) => o.kind === 'Kustomization')) {
      expect(k.spec.prune).toBe(true);
      expect(k.spec.targetNamespace).toBeUndefined();
      expect(k.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'kfaas' });
      expect(k.spec.deletionPolicy).toBe('Orphan');
    }
  }
});

test('each delivery folder is a kustomize root listing exactly its objects', () => {
  for (const folder of ['_argocd', ...new Set(flux.map(({ file }) => file.split('/')[0]))]) {
    const listed = (load(tree.get(`${folder}/kustomization.yaml`)!) as { resources: string[] }).resources;
    const present = [...tree.keys()].filter((f) => f.startsWith(`${folder}/`) && !f.endsWith('/kustomization.yaml')).map((f) => f.split('/')[1]);
    expect(listed).toEqual(present.sort());
  }
});

test('no delivery object lies where a dist/*/* directory generator or a dist/<cluster> Kustomization would find it', () => {
  for (const f of [...tree.keys()].filter((k) => k.startsWith('_'))) {
    expect(f.split('/')).toHaveLength(2); // depth-1 folders only
  }
});
