/**
 * Every default and fixed name kfaas uses, in one documented place.
 */

/** Namespace that holds all business configuration kfaas emits (never istio-system). */
export const KFAAS_NAMESPACE = 'kfaas-system';

/** Cluster DNS domain when `spec.clusterDomain` is absent. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** Namespace of an environment when `namespace` is absent. */
export function defaultEnvironmentNamespace(env: string): string {
  return `faas-${env}`;
}

/** Namespaces an environment may never use: the platform's own. */
export const RESERVED_NAMESPACES: readonly string[] = ['istio-system', 'kfaas-system', 'knative-serving', 'kube-system'];

/** Name of the ExternalName Service (and gateway host) of an environment namespace. */
export function gatewayServiceName(namespace: string): string {
  return `${namespace}-ksvc-gateway`;
}

/** Host the Java gateway forwards `/faas/api/...` to for an environment. */
export function gatewayHost(namespace: string, clusterDomain: string): string {
  return `${gatewayServiceName(namespace)}.${KFAAS_NAMESPACE}.svc.${clusterDomain}`;
}

/** In-cluster authority of a Knative Service. */
export function serviceAuthority(service: string, namespace: string, clusterDomain: string): string {
  return `${service}.${namespace}.svc.${clusterDomain}`;
}

/** The seed's per-route VirtualService name (layout `per-route`). */
export function perRouteVirtualServiceName(namespace: string, service: string): string {
  return `${namespace}-ns-${service}-ksvc-virtualservice`;
}

/**
 * Retry policy emitted when a Route has no `retries`: `attempts: 0`, i.e. no retries.
 * Without it Istio silently retries twice on connect-failure, refused-stream, unavailable and cancelled,
 * which multiplies load on a cold-starting Knative service (Knative's own VirtualServices disable it too,
 * net-istio #296). A Route that wants retries says so.
 */
export const DEFAULT_RETRY_ATTEMPTS = 0;

/** Largest serialized VirtualService kfaas emits: under the 262,144-byte last-applied annotation of client-side apply, with headroom for metadata added by tools. */
export const MAX_OBJECT_BYTES = 200 * 1024;

/**
 * Preferred size of a VirtualService when the folder's object budget allows: kustomize builds the same routes
 * faster in ~100 KiB objects than in 200 KiB ones (7,700 routes: 1.88 s in 47 objects, 2.03 s in 18, 2.43 s in
 * one), so a host is split at about this size and only filled up to MAX_OBJECT_BYTES when it would otherwise
 * take more than MAX_OBJECTS_PER_FOLDER objects.
 */
export const PREFERRED_OBJECT_BYTES = 96 * 1024;

/** Most objects kfaas puts in one dist/<cluster>/<env> folder (kustomize and Argo CD cost grows with it). */
export const MAX_OBJECTS_PER_FOLDER = 50;

/** Istio's regex length limit. */
export const MAX_REGEX_LENGTH = 1024;

/** Largest input file kfaas reads. */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024;

/** Istio retryOn policy names (besides HTTP status codes). */
export const RETRY_ON_POLICIES: readonly string[] = [
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure', 'cancelled',
  'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
];

/** The schema file the examples reference, relative to the project root. */
export const SCHEMA_PATH = 'schema/kfaas.schema.json';

export const API_VERSION = 'kfaas/v1';
