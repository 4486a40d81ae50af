import { loadAll } from 'js-yaml';
import { runPipeline } from '../../src/pipeline';
import { writeProject } from '../load/project-files';
import { metadataNameErrors } from '../support/validate-objects';

/**
 * Every name kfaas derives (gateway Service, VirtualServices of both layouts and their delegates, Argo CD and Flux
 * objects, label values) is a valid Kubernetes name for the longest inputs the loader accepts: the loader refuses
 * what would derive an invalid one (test/fixtures/bad/58-derived-names-invalid), and this is the other side.
 */
const CLUSTER_NAME = `c${'x'.repeat(61)}1`; // 63: the longest DNS-1123 label
const ENV_NAME = `e${'n'.repeat(44)}`; // 45: faas-<env> is then the longest namespace allowed (50)
const NAMESPACE = `n${'s'.repeat(49)}`; // 50
const SERVICE = `s${'v'.repeat(62)}`; // 63

function cluster(name: string, layout: string): string {
  return `apiVersion: kfaas/v1
kind: Cluster
metadata:
  name: ${name}
spec:
  istio: "1.22.6"
  knative: "1.14.1"
  layout: ${layout}
  environments:
    - name: ${ENV_NAME}
    - name: other
      namespace: ${NAMESPACE}
`;
}

function route(name: string, prefix: string): string {
  return `apiVersion: kfaas/v1
kind: Route
metadata:
  name: ${name}
spec:
  service: ${SERVICE.slice(0, 63 - name.length)}${name}
  match:
    - prefix: ${prefix}
`;
}

const DELIVERY = `apiVersion: kfaas/v1
kind: Delivery
metadata:
  name: delivery
spec:
  repository: https://github.com/example/routes.git
  engines: [argocd, flux]
  reviewers: ["@example/platform"]
`;

describe('derived names at the longest accepted inputs', () => {
  test('every rendered object has a valid name, namespace and label values', () => {
    // GIVEN clusters, environments, namespaces and services at their longest, in both layouts, with routes whose
    // long, colliding literals force hashed and delegate names
    const files: Record<string, string> = {
      [`clusters/${CLUSTER_NAME}.yaml`]: cluster(CLUSTER_NAME, 'merged'),
      'clusters/p.yaml': cluster(`p${'r'.repeat(62)}`, 'per-route'),
      'clusters/delivery.yaml': DELIVERY,
    };
    for (let i = 0; i < 40; i++) {
      const seg = `${'very-long-segment-'.repeat(4)}${i}`;
      files[`routes/shop/r${i}.yaml`] = route(`r${i}`, `/faas/api/shop/${seg}/`);
    }
    const root = writeProject(files);

    // WHEN it is rendered with a small object budget (several objects per host, delegates)
    const result = runPipeline({ root, write: false, budgets: { maxObjectBytes: 2048, maxObjectsPerFolder: 50 } });

    // THEN it renders, and no name breaks Kubernetes' rules
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const objects = [...result.tree!.entries()]
      .filter(([path]) => !path.endsWith('kustomization.yaml'))
      .map(([path, text]) => ({ path, object: loadAll(text)[0] as Record<string, unknown> }));
    expect(objects.length).toBeGreaterThan(10);
    const kinds = new Set(objects.map((o) => o.object.kind));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['Application', 'Kustomization', 'Service', 'VirtualService']));
    const longNames = objects.filter((o) => String((o.object.metadata as { name: string }).name).length > 63);
    expect(longNames.length).toBeGreaterThan(0); // per-route names exceed 63, which subdomains allow
    expect(objects.flatMap(({ path, object }) => metadataNameErrors(object).map((e) => `${path}: ${e}`))).toEqual([]);
  });
});
