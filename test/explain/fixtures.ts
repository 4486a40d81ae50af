/** Hand-written VirtualService fixtures, shaped as kfaas emits them (plain objects, as in YAML). */

export const HOST = 'faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local';
export const OTHER_HOST = 'faas-beta-ksvc-gateway.kfaas-system.svc.cluster.local';
export const GATEWAY = 'knative-serving/knative-local-gateway';
export const OTHER_GATEWAY = 'knative-serving/knative-ingress-gateway';
export const LOCAL_GATEWAY_HOST = 'knative-local-gateway.istio-system.svc.cluster.local';

export function authority(service: string, namespace = 'faas-alpha'): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

type Uri = { exact: string } | { prefix: string } | { regex: string };

/** One forwarding route to a Knative service through the local gateway. */
export function forward(name: string, uris: Uri[], service: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    ...(uris.length > 0 ? { match: uris.map((uri) => ({ uri })) } : {}),
    rewrite: { authority: authority(service) },
    route: [{ destination: { host: LOCAL_GATEWAY_HOST, port: { number: 80 } } }],
    retries: { attempts: 0 },
    ...extra,
  };
}

export function virtualService(
  name: string,
  http: Record<string, unknown>[],
  options: { hosts?: string[]; gateways?: string[]; namespace?: string; creationTimestamp?: string } = {},
): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  if (options.hosts !== undefined ? options.hosts.length > 0 : true) spec.hosts = options.hosts ?? [HOST];
  if (options.gateways !== undefined ? options.gateways.length > 0 : true) spec.gateways = options.gateways ?? [GATEWAY];
  spec.http = http;
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: {
      name,
      namespace: options.namespace ?? 'kfaas-system',
      ...(options.creationTimestamp ? { creationTimestamp: options.creationTimestamp } : {}),
    },
    spec,
  };
}

/** A delegate VirtualService: no hosts, no gateways. */
export function delegateVirtualService(name: string, http: Record<string, unknown>[], namespace = 'kfaas-system'): Record<string, unknown> {
  return virtualService(name, http, { hosts: [], gateways: [], namespace });
}
