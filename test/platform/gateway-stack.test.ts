import { load } from 'js-yaml';
import { errorsOf, renderInMemory, useTempProjects } from '../support/temp-projects';
import { validateManifest } from '../support/validate-objects';

/** The east-west gateway stack per version profile: what the cluster's Istio and Kubernetes decide. */
const writeProject = useTempProjects();

function render(istio: string, kubernetes: string, gateway = '{}'): { objects: Record<string, any>; errors: string[] } {
  const root = writeProject({
    'clusters/c.yaml': `apiVersion: kfaas/v1
kind: Cluster
metadata: { name: c }
spec:
  istio: "${istio}"
  knative: "1.0.0"
  kubernetes: "${kubernetes}"
  gateway: ${gateway}
  environments: [{ name: prod }]
`,
  });
  const result = renderInMemory(root);
  const objects: Record<string, any> = {};
  for (const [path, text] of result.tree ?? []) {
    if (!path.startsWith('c/platform/') || path.endsWith('kustomization.yaml')) continue;
    const o = load(text) as any;
    objects[o.kind] = o;
  }
  return { objects, errors: errorsOf(result) };
}

const container = (o: Record<string, any>): any => o.Deployment.spec.template.spec.containers[0];

describe('east-west gateway stack', () => {
  test.each([
    ['1.30.3', '1.31.0', 'autoscaling/v2', 'policy/v1'],
    ['1.12.9', '1.22.17', 'autoscaling/v2beta2', 'policy/v1'],
    ['1.9.9', '1.20.15', 'autoscaling/v2beta2', 'policy/v1beta1'],
    ['1.5.4', '1.16.15', 'autoscaling/v2beta2', 'policy/v1beta1'],
  ])('Istio %s on Kubernetes %s: HPA %s, PDB %s, every object schema-valid', (istio, k8s, hpa, pdb) => {
    const { objects, errors } = render(istio, k8s);
    expect(errors).toEqual([]);
    expect(Object.keys(objects).sort()).toEqual([
      'ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Namespace', 'PodDisruptionBudget', 'Role', 'RoleBinding',
      'Service', 'ServiceAccount',
    ]);
    expect(objects.HorizontalPodAutoscaler.apiVersion).toBe(hpa);
    expect(objects.PodDisruptionBudget.apiVersion).toBe(pdb);
    // Never an empty selector: it means all pods in policy/v1 and none in v1beta1.
    expect(objects.PodDisruptionBudget.spec.selector).toEqual({ matchLabels: { app: 'kfaas-east-west', istio: 'kfaas-east-west' } });
    for (const o of Object.values(objects)) expect({ kind: o.kind, errors: validateManifest(o) }).toEqual({ kind: o.kind, errors: [] });
  });

  test('Istio >= 1.10: the injector\'s gateway template with image auto; the HPA owns the replica count', () => {
    const { objects } = render('1.10.0', '1.23.0');
    const pod = objects.Deployment.spec.template;
    expect(pod.metadata.annotations).toEqual({ 'inject.istio.io/templates': 'gateway', 'sidecar.istio.io/inject': 'true' });
    expect(pod.metadata.labels).toEqual({ app: 'kfaas-east-west', istio: 'kfaas-east-west', 'sidecar.istio.io/inject': 'true' });
    expect(container(objects)).toMatchObject({ name: 'istio-proxy', image: 'auto', imagePullPolicy: 'IfNotPresent' });
    expect(container(objects).args).toBeUndefined();
    expect(objects.Deployment.spec.replicas).toBeUndefined();
  });

  test('Istio < 1.10: the exact proxyv2 image of the cluster\'s Istio, injection off, the chart\'s env and volumes', () => {
    const { objects } = render('1.9.9', '1.20.15');
    const pod = objects.Deployment.spec.template;
    expect(pod.metadata.labels['sidecar.istio.io/inject']).toBe('false');
    expect(container(objects).image).toBe('docker.io/istio/proxyv2:1.9.9');
    expect(container(objects).args).toEqual(['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local']);
    expect(container(objects).env.map((e: any) => e.name)).toContain('CA_ADDR');
    expect(container(objects).volumeMounts.map((m: any) => m.mountPath)).toContain('/etc/istio/proxy');
    expect(pod.spec.volumes.map((v: any) => v.name)).toEqual(['istio-envoy', 'istio-data', 'istiod-ca-cert', 'config-volume', 'podinfo', 'istio-token']);
    // each volume with its source, as the chart has it: the pod's labels and annotations through the downward API (the
    // typed binding kfaas used before knew the field as `downwardApi` and dropped it without a word)
    expect(pod.spec.volumes.find((v: any) => v.name === 'podinfo')).toEqual({
      name: 'podinfo',
      downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } }] },
    });
    expect(pod.spec.volumes.find((v: any) => v.name === 'istio-token').projected.sources).toEqual(
      [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: 'istio-ca' } }]);
  });

  test('status port 15021 from Istio 1.6, 15020 before', () => {
    expect(render('1.6.0', '1.18.0').objects.Deployment.spec.template.spec.containers[0].readinessProbe.httpGet.port).toBe(15021);
    expect(render('1.5.4', '1.18.0').objects.Deployment.spec.template.spec.containers[0].readinessProbe.httpGet.port).toBe(15020);
  });

  test('a revisioned control plane: istio.io/rev on the pod instead of the inject label', () => {
    const { objects } = render('1.22.6', '1.29.0', '{ revision: 1-22-6 }');
    expect(objects.Deployment.spec.template.metadata.labels).toEqual({ app: 'kfaas-east-west', istio: 'kfaas-east-west', 'istio.io/rev': '1-22-6' });
    expect(objects.Deployment.metadata.labels['istio.io/rev']).toBe('1-22-6');
  });

  test('Envoy-safe pod: non-root 1337, read-only root, no escalation, all capabilities dropped, readiness only, spread across nodes', () => {
    const { objects } = render('1.30.3', '1.31.0', '{ resources: { requests: { cpu: 250m, memory: 256Mi }, limits: { cpu: "2", memory: 1Gi } } }');
    const c = container(objects);
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true,
      runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337,
    });
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz/ready', port: 15021, scheme: 'HTTP' });
    expect(c.livenessProbe).toBeUndefined();
    expect(c.startupProbe).toBeUndefined();
    expect(objects.Deployment.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm)
      .toEqual({ labelSelector: { matchLabels: { app: 'kfaas-east-west', istio: 'kfaas-east-west' } }, topologyKey: 'kubernetes.io/hostname' });
    expect(JSON.stringify(objects.Deployment)).not.toContain('cdk8s.io/metadata.addr');
  });

  test('the Service maps 80/443 to the unprivileged 8080/8443 and passes the internal load balancer annotations through', () => {
    const { objects } = render('1.30.3', '1.31.0', '{ service: { type: LoadBalancer, annotations: { networking.gke.io/load-balancer-type: Internal } } }');
    expect(objects.Service.spec.type).toBe('LoadBalancer');
    expect(objects.Service.metadata.annotations).toEqual({ 'networking.gke.io/load-balancer-type': 'Internal' });
    expect(objects.Service.spec.ports.map((p: any) => [p.name, p.port, p.targetPort])).toEqual([
      ['status-port', 15021, 15021], ['http2', 80, 8080], ['https', 443, 8443],
    ]);
  });

  test('the ServiceAccount may read Secrets in kfaas-system only (istiod checks it before serving credentialName)', () => {
    const { objects } = render('1.30.3', '1.31.0');
    expect(objects.Role.metadata.namespace).toBe('kfaas-system');
    expect(objects.Role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }]);
    expect(objects.RoleBinding.subjects).toEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'kfaas-east-west', namespace: 'kfaas-system' }]);
  });

  test('Istio before istiod (1.4) cannot run the gateway: a diagnostic at spec.gateway', () => {
    expect(render('1.4.10', '1.16.0').errors).toEqual([expect.stringMatching(/^clusters\/c\.yaml:8:\d+ spec\.gateway: cluster c runs Istio 1\.4\.10; .*istiod \(Istio >= 1\.5\)/)]);
  });
});
