/**
 * What each Istio release's webhook accepts, and what it routes the way the object says, written down from the
 * sources independently of src/versions (so the tests check the profile, not the profile against itself).
 * No Istio binary runs here; every rule cites where it was read (shared/docs/domain-notes.md, "Version-specific
 * behaviour", audited at release tags, and shared/docs/version-facts.md).
 */
export interface IstioRules {
  readonly version: string;
  /** CRD `versions` served: v1alpha3 always, v1beta1 from 1.5, v1 from 1.22 (istio@1.5.0 / istio@1.22.0 crd-all.gen.yaml). */
  readonly servedApiVersions: readonly string[];
  /** Istio 1.0 parses with strict jsonpb and rejects `http[].name` (istio/api 1.3 adds it; 1.1-1.2.0 drop it silently). */
  readonly httpName: boolean;
  /** `retryOn` exists from 1.1 (1.0 rejects it). */
  readonly retryOn: boolean;
  /** retryOn names the webhook accepts (istio `supportedRetryOnPolicies`; reset 1.4.3, retriable-headers and envoy-ratelimited 1.9, reset-before-request and http3-post-connect-failure 1.23). */
  readonly retryOnNames: ReadonlySet<string>;
  /** `retries.attempts: 0` accepted from 1.2.1 ("attempts must be positive" before, istio/istio #14925). */
  readonly zeroAttempts: boolean;
  /** Before 1.12 a bare status code in retryOn retries nothing without `retriable-status-codes` (istio/istio #34825). */
  readonly statusCodesNeedPolicy: boolean;
  /** Destination `headers.request.set.host` rewrites the authority per weighted destination from 1.12 with proxies 1.12+ (#35120, #37575); ignored before. */
  readonly perDestinationHost: boolean;
  /** Delegation on by default from 1.8 (PILOT_ENABLE_VIRTUAL_SERVICE_DELEGATE). */
  readonly delegate: boolean;
  /** `<ns>/<name>` gateway references from 1.1; 1.0 wants the FQDN form. */
  readonly namespacedGatewayRefs: boolean;
  /** Before 1.21 a sidecar caller gets no route for an ExternalName Service without declared ports. */
  readonly externalNameNeedsPorts: boolean;
}

const BASE_NAMES = [
  '5xx', 'gateway-error', 'connect-failure', 'retriable-4xx', 'refused-stream', 'retriable-status-codes', 'cancelled',
  'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
];

function parse(v: string): [number, number, number] {
  const [a, b, c] = v.split('.').map(Number);
  return [a, b, c ?? 0];
}

function atLeast(v: string, w: string): boolean {
  const [a, b, c] = parse(v);
  const [x, y, z] = parse(w);
  return a !== x ? a > x : b !== y ? b > y : c >= z;
}

/** The rules of Istio `istio` with gateway proxies `proxy` (default: the same). */
export function istioRules(istio: string, proxy = istio): IstioRules {
  const names = new Set(atLeast(istio, '1.1') ? BASE_NAMES : []);
  if (atLeast(istio, '1.4.3')) names.add('reset');
  if (atLeast(istio, '1.9')) ['retriable-headers', 'envoy-ratelimited'].forEach((n) => names.add(n));
  if (atLeast(istio, '1.23')) ['reset-before-request', 'http3-post-connect-failure'].forEach((n) => names.add(n));
  return {
    version: istio,
    servedApiVersions: [
      'networking.istio.io/v1alpha3',
      ...(atLeast(istio, '1.5') ? ['networking.istio.io/v1beta1'] : []),
      ...(atLeast(istio, '1.22') ? ['networking.istio.io/v1'] : []),
    ],
    httpName: atLeast(istio, '1.1'),
    retryOn: atLeast(istio, '1.1'),
    retryOnNames: names,
    zeroAttempts: atLeast(istio, '1.2.1'),
    statusCodesNeedPolicy: !atLeast(istio, '1.12'),
    perDestinationHost: atLeast(istio, '1.12') && atLeast(proxy, '1.12'),
    delegate: atLeast(istio, '1.8'),
    namespacedGatewayRefs: atLeast(istio, '1.1'),
    externalNameNeedsPorts: !atLeast(istio, '1.21'),
  };
}

const PUBLIC_INGRESS = 'knative-serving/knative-ingress-gateway';

/**
 * Every way `obj` breaks `rules` (empty when the cluster's Istio accepts it and routes it as written).
 * `publicIngress`: whether the cluster opted in to the public ingress binding.
 */
export function ruleViolations(obj: any, rules: IstioRules, publicIngress = false): string[] {
  const out: string[] = [];
  const where = `${obj.kind}/${obj.metadata?.name}`;
  if (obj.metadata?.namespace !== 'kfaas-system') out.push(`${where}: namespace ${obj.metadata?.namespace}, expected kfaas-system`);
  if (obj.kind === 'Service') {
    if (obj.spec.type === 'ExternalName' && rules.externalNameNeedsPorts) {
      const ports = obj.spec.ports ?? [];
      if (!ports.some((p: any) => p.port === 80 && typeof p.name === 'string' && p.name.startsWith('http'))) {
        out.push(`${where}: ExternalName without an http port 80 gets no sidecar route before Istio 1.21`);
      }
    }
    return out;
  }
  if (obj.kind !== 'VirtualService') return out;
  if (!rules.servedApiVersions.includes(obj.apiVersion)) out.push(`${where}: ${obj.apiVersion} is not served by Istio ${rules.version}`);
  for (const gw of obj.spec.gateways ?? []) {
    if (gw === 'mesh') out.push(`${where}: bound to mesh (IST0109)`);
    if (gw === PUBLIC_INGRESS && !publicIngress) out.push(`${where}: bound to the public ingress without opt-in`);
    if (rules.namespacedGatewayRefs !== gw.includes('/')) out.push(`${where}: gateway reference ${gw} in the wrong form for Istio ${rules.version}`);
  }
  (obj.spec.http ?? []).forEach((h: any, i: number) => {
    const at = `${where} http[${i}]`;
    if (h.name !== undefined && !rules.httpName) out.push(`${at}: name is rejected by Istio ${rules.version}`);
    if (h.delegate && !rules.delegate) out.push(`${at}: delegate needs Istio 1.8`);
    const r = h.retries;
    if (r) {
      if (r.attempts === 0 && !rules.zeroAttempts) out.push(`${at}: attempts: 0 rejected by Istio ${rules.version}`);
      if (r.attempts === 0 && (r.retryOn !== undefined || r.perTryTimeout !== undefined)) out.push(`${at}: attempts: 0 with other retry fields`);
      if (r.retryOn !== undefined) {
        if (!rules.retryOn) out.push(`${at}: retryOn rejected by Istio ${rules.version}`);
        const items = String(r.retryOn).split(',');
        for (const item of items) {
          if (!/^\d+$/.test(item) && !rules.retryOnNames.has(item)) out.push(`${at}: retryOn ${item} rejected by Istio ${rules.version}`);
        }
        if (rules.statusCodesNeedPolicy && items.some((x) => /^\d+$/.test(x)) && !items.includes('retriable-status-codes')) {
          out.push(`${at}: a status code without retriable-status-codes retries nothing on Istio ${rules.version}`);
        }
      }
    } else if (h.route && !h.fault && rules.zeroAttempts) {
      // Only forwarding routes retry (redirects and direct responses never; a fault disables retries).
      out.push(`${at}: no retries: Istio's default retries apply`);
    }
    for (const d of h.route ?? []) {
      if (d.headers?.request?.set?.host !== undefined && !rules.perDestinationHost) {
        out.push(`${at}: destination host header is ignored by Istio ${rules.version} (routes differently)`);
      }
      if (d.destination?.port?.number !== undefined && d.destination.port.number !== 80) out.push(`${at}: destination port must be 80`);
    }
  });
  return out;
}
