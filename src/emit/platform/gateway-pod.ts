import { GatewayTable } from '../../compile/platform/platform-table';
import { PlatformProfile } from '../../versions/platform-profile';

/**
 * Pure facts of the east-west gateway pod (no cdk8s): labels, annotations, ports, the Envoy security context,
 * and, for Istio < 1.10 where no `gateway` injection template exists, the env and volumes Istio's own
 * `gateways/istio-ingress` chart gives the proxy (istio@1.9.0 manifests/charts/gateways/istio-ingress/templates/
 * deployment.yaml). Sources: shared/docs/version-facts.md section C.
 */

/** The proxy runs as Istio's proxy user, never root (chart: runAsUser/runAsGroup 1337). */
export const PROXY_UID = 1337;
/** Non-root Envoy cannot bind 80/443 without the `ip_unprivileged_port_start` sysctl (safe only from k8s 1.22): Service 80 -> 8080, 443 -> 8443 on every version. */
export const HTTP_TARGET_PORT = 8080;
export const HTTPS_TARGET_PORT = 8443;
/** Envoy's Prometheus port. */
export const ENVOY_PROM_PORT = 15090;

/** Pod labels: the selector, the injection opt-in (or `istio.io/rev` with revisions), never an ambient pod. */
export function podLabels(table: GatewayTable, profile: PlatformProfile): Record<string, string> {
  const labels: Record<string, string> = { ...table.selector };
  if (profile.gatewayInjection === 'image') labels['sidecar.istio.io/inject'] = 'false';
  else if (table.revision !== undefined) labels['istio.io/rev'] = table.revision;
  else labels['sidecar.istio.io/inject'] = 'true';
  return labels;
}

/** Pod annotations: the injector's `gateway` template (Istio >= 1.10), or injection off for the explicit image. */
export function podAnnotations(profile: PlatformProfile): Record<string, string> {
  return profile.gatewayInjection === 'template'
    ? { 'inject.istio.io/templates': 'gateway', 'sidecar.istio.io/inject': 'true' }
    : { 'sidecar.istio.io/inject': 'false' };
}

/** `istiod` or `istiod-<rev>` in istio-system, port 15012 (the chart's CA_ADDR). */
function caAddress(revision: string | undefined): string {
  return `istiod${revision !== undefined ? `-${revision}` : ''}.istio-system.svc:15012`;
}

/** Args of the explicit proxy image (the chart's `proxy router --domain $(POD_NAMESPACE).svc.<domain>`). */
export function proxyArgs(clusterDomain: string): string[] {
  return ['proxy', 'router', '--domain', `$(POD_NAMESPACE).svc.${clusterDomain}`];
}

/** Env of the explicit proxy image, as the chart sets it. */
export function proxyEnv(name: string, namespace: string, revision: string | undefined): Record<string, unknown>[] {
  const field = (fieldPath: string): Record<string, unknown> => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  return [
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: caAddress(revision) },
    { name: 'NODE_NAME', ...field('spec.nodeName') },
    { name: 'POD_NAME', ...field('metadata.name') },
    { name: 'POD_NAMESPACE', ...field('metadata.namespace') },
    { name: 'INSTANCE_IP', ...field('status.podIP') },
    { name: 'HOST_IP', ...field('status.hostIP') },
    { name: 'SERVICE_ACCOUNT', ...field('spec.serviceAccountName') },
    { name: 'ISTIO_META_WORKLOAD_NAME', value: name },
    { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/${namespace}/deployments/${name}` },
    { name: 'ISTIO_META_UNPRIVILEGED_POD', value: 'true' },
    { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
  ];
}

/** Volumes and mounts of the explicit proxy image (a read-only root file system needs every writable path mounted). */
export function proxyVolumes(revision: string | undefined): { volumes: Record<string, unknown>[]; mounts: Record<string, unknown>[] } {
  return {
    volumes: [
      { name: 'istio-envoy', emptyDir: {} },
      { name: 'istio-data', emptyDir: {} },
      { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
      { name: 'config-volume', configMap: { name: `istio${revision !== undefined ? `-${revision}` : ''}`, optional: true } },
      {
        name: 'podinfo',
        downwardAPI: {
          items: [
            { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
            { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
          ],
        },
      },
      { name: 'istio-token', projected: { sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: 'istio-ca' } }] } },
    ],
    mounts: [
      { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
      { name: 'istio-data', mountPath: '/var/lib/istio/data' },
      { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
      { name: 'config-volume', mountPath: '/etc/istio/config' },
      { name: 'podinfo', mountPath: '/etc/istio/pod' },
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens', readOnly: true },
    ],
  };
}
