import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadAll } from 'js-yaml';

/** The repository root of kfaas (its example clusters/ and routes/). */
export const REPO_ROOT = join(__dirname, '..', '..');

/** A Delivery document for the example clusters, both engines. */
export const DELIVERY_YAML = `apiVersion: kfaas/v1
kind: Delivery
metadata:
  name: delivery
spec:
  repository: https://github.com/example/kfaas-routes.git
  engines: [argocd, flux]
  reviewers: ["@example/platform"]
  argocd:
    clusters:
      cn-hz-test: { name: hz-test }
      us-west-prod: { server: https://10.1.0.1:6443 }
`;

/** A temporary copy of the example project, with `delivery` as clusters/delivery.yaml (none when null). */
export function exampleProject(delivery: string | null = DELIVERY_YAML): string {
  const root = mkdtempSync(join(tmpdir(), 'kfaas-delivery-'));
  for (const folder of ['clusters', 'routes']) cpSync(join(REPO_ROOT, folder), join(root, folder), { recursive: true });
  rmSync(join(root, 'clusters', 'delivery.yaml'), { force: true });
  if (delivery !== null) writeFileSync(join(root, 'clusters', 'delivery.yaml'), delivery);
  return root;
}

/** Every object of the tree entries under `prefix` (kustomize's kustomization.yaml left out). */
export function objectsUnder(tree: ReadonlyMap<string, string>, prefix: string): { file: string; o: Record<string, any> }[] {
  return [...tree.entries()]
    .filter(([f]) => f.startsWith(prefix) && !f.endsWith('/kustomization.yaml'))
    .flatMap(([file, text]) => (loadAll(text) as Record<string, any>[]).map((o) => ({ file, o })));
}

/** The `<cluster>/<folder>` kustomize roots of route and platform output in a tree. */
export function routeFolders(tree: ReadonlyMap<string, string>): string[] {
  return [...tree.keys()]
    .filter((f) => !f.startsWith('_') && f.endsWith('/kustomization.yaml') && f.split('/').length === 3)
    .map((f) => f.slice(0, -'/kustomization.yaml'.length))
    .sort();
}
