import { dump } from 'js-yaml';

/** What kind of hand-written environment to generate. */
export interface SeedEnvironmentOptions {
  readonly namespace: string;
  readonly count: number;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default 'cluster-local-gateway.istio-system.svc.cluster.local' (Knative < 0.19) */
  readonly localGatewayHost?: string;
  /** @default 'knative-serving/cluster-local-gateway' */
  readonly localGateway?: string;
  /** @default 'networking.istio.io/v1alpha3' */
  readonly apiVersion?: string;
  /** Weighted splits with per-destination host headers on every 10th route (needs Istio >= 1.12). @default false */
  readonly splits?: boolean;
  /** Added to every timeout in seconds, to make environments differ. @default 0 */
  readonly timeoutOffset?: number;
  /** Number of teams the routes are spread over. @default 50 */
  readonly teams?: number;
}

/**
 * A hand-written environment in the seed's style: one VirtualService per Knative service named
 * `<ns>-ns-<team>-<svc>-ksvc-virtualservice`, bound to Knative's local gateway for the environment's gateway
 * host, rewriting the authority to the service and forwarding to the local gateway without a port (as the
 * seed did). A realistic mix: prefixes (80%), exact paths (10%), regexes (5%), two matches (5%); URI rewrites,
 * timeouts and retries on some. Deterministic. For the importer's tests and benchmark.
 */
export function generateSeedEnvironment(o: SeedEnvironmentOptions): object[] {
  const domain = o.clusterDomain ?? 'cluster.local';
  const localHost = o.localGatewayHost ?? `cluster-local-gateway.istio-system.svc.${domain}`;
  const teams = o.teams ?? 50;
  const out: object[] = [];
  for (let i = 0; i < o.count; i++) {
    const team = `team${String(i % teams).padStart(2, '0')}`;
    const svc = `${team}-svc-${i}`;
    const base = `/faas/api/${team}/svc-${i}`;
    const slot = i % 20;
    const match =
      slot < 16 ? [{ uri: { prefix: `${base}/` } }]
      : slot < 18 ? [{ uri: { exact: base } }]
      : slot < 19 ? [{ uri: { regex: `${base}/v[0-9]+/.*` } }]
      : [{ uri: { exact: base } }, { uri: { prefix: `${base}/` } }];
    const authority = (s: string): string => `${s}.${o.namespace}.svc.${domain}`;
    const http: Record<string, unknown> = { match };
    const split = o.splits === true && i % 10 === 3;
    if (i % 4 === 0) http.rewrite = { uri: '/' };
    if (!split) http.rewrite = { ...(http.rewrite as object | undefined), authority: authority(svc) };
    http.route = split
      ? [
          { destination: { host: localHost, port: { number: 80 } }, weight: 90, headers: { request: { set: { host: authority(svc) } } } },
          { destination: { host: localHost, port: { number: 80 } }, weight: 10, headers: { request: { set: { host: authority(`${svc}-next`) } } } },
        ]
      : [{ destination: { host: localHost } }];
    if (i % 2 === 0) http.timeout = `${(i % 5) + 2 + (o.timeoutOffset ?? 0)}s`;
    if (i % 3 === 0) http.retries = { attempts: 2, perTryTimeout: '1.5s', retryOn: 'connect-failure,refused-stream' };
    out.push({
      apiVersion: o.apiVersion ?? 'networking.istio.io/v1alpha3',
      kind: 'VirtualService',
      metadata: { name: `${o.namespace}-ns-${team}-svc-${i}-ksvc-virtualservice`, namespace: 'kfaas-system', labels: { team } },
      spec: {
        gateways: [o.localGateway ?? 'knative-serving/cluster-local-gateway'],
        hosts: [`${o.namespace}-ksvc-gateway.kfaas-system.svc.${domain}`],
        http: [http],
      },
    });
  }
  return out;
}

/** The objects as `kubectl get virtualservices -o yaml` prints them: one `List`. */
export function asKubectlList(objects: readonly object[]): string {
  return dump({ apiVersion: 'v1', kind: 'List', items: objects, metadata: { resourceVersion: '' } }, { lineWidth: -1, noRefs: true });
}
