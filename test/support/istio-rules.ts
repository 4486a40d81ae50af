import { readFileSync } from 'fs';
import { join } from 'path';

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
  /**
   * The gateway's regex engine: Envoy's ECMAScript `regex` before 1.4 (istio@1.3.0 route.go L569-570) and, from
   * 1.4.3, for proxies older than 1.4 (istio@1.4.3 route.go L592 `IsIstioVersionGE14`); RE2 `safe_regex` otherwise.
   */
  readonly regexDialect: 're2' | 'ecmascript';
  /**
   * RE2 program size over which Envoy refuses a regex (envoy `source/common/common/regex.cc`: the per-regex field,
   * else runtime `re2.max_program_size.error_level`, both default 100): 100 on 1.4.0-1.4.2 (no field sent);
   * 1024 sent per regex by 1.4.3-1.9 to proxies < 1.8 (route.go L62-66; 1.8.0 L1147-1151), 100 for such proxies
   * from 1.10 (istio@1.10.0 route.go L58); proxies 1.8-1.12 carry 1024 in their bootstrap (istio@1.8.0
   * envoy_bootstrap.json L31), 1.13+ carry 32768 (istio@1.13.0 envoy_bootstrap.json L34, istio@1.30.0
   * pkg/bootstrap/config.go L392).
   */
  readonly regexProgramSizeLimit: number | undefined;
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
    ...regexRules(istio, atLeast(proxy, istio) ? istio : proxy),
  };
}

function regexRules(istio: string, proxy: string): Pick<IstioRules, 'regexDialect' | 'regexProgramSizeLimit'> {
  if (!atLeast(istio, '1.4')) return { regexDialect: 'ecmascript', regexProgramSizeLimit: undefined };
  if (!atLeast(istio, '1.4.3')) return { regexDialect: 're2', regexProgramSizeLimit: 100 };
  if (!atLeast(proxy, '1.4')) return { regexDialect: 'ecmascript', regexProgramSizeLimit: undefined };
  if (!atLeast(proxy, '1.8')) return { regexDialect: 're2', regexProgramSizeLimit: atLeast(istio, '1.10') ? 100 : 1024 };
  return { regexDialect: 're2', regexProgramSizeLimit: atLeast(proxy, '1.13') ? 32768 : 1024 };
}

/** RE2 program sizes libre2 measured (test/fixtures/regex/re2-program-size.tsv, tools/re2-program-size.cc). */
const MEASURED_PROGRAM_SIZES: ReadonlyMap<string, number> = new Map(
  readFileSync(join(__dirname, '..', 'fixtures', 'regex', 're2-program-size.tsv'), 'utf8').split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => [l.slice(l.indexOf('\t') + 1), Number(l.slice(0, l.indexOf('\t')))] as const),
);

/**
 * RE2-only spellings ECMAScript std::regex rejects or reads differently (ECMA-262 5.1 15.10.1): inline flags and
 * named groups, \A \z \C \Q \E \p \P \a, braced hex, octal escapes, a literal `{`, a leading `]` in a class,
 * and non-ASCII characters (std::regex matches bytes). Written independently of src/regex/ecmascript.ts.
 */
const NOT_ECMASCRIPT = /\(\?[^:]|\\[AzCQEpPa0-9]|\\x\{|[^\x00-\x7f]|\[\^?\]|(?<!\\)\{(?!\d+(,\d*)?\})/;

/** Every way one regex breaks the gateway's regex rules. */
export function regexViolations(where: string, regex: string, rules: IstioRules): string[] {
  if (rules.regexDialect === 'ecmascript') {
    return NOT_ECMASCRIPT.test(regex) ? [`${where}: regex ${JSON.stringify(regex)} is not ECMAScript (Istio ${rules.version} gateways)`] : [];
  }
  const size = MEASURED_PROGRAM_SIZES.get(regex);
  if (size === undefined) return [`${where}: regex ${JSON.stringify(regex)} has no measured program size (add it to test/fixtures/regex/re2-program-size.tsv)`];
  return size > rules.regexProgramSizeLimit! ? [`${where}: regex ${JSON.stringify(regex)} has RE2 program size ${size} > ${rules.regexProgramSizeLimit}`] : [];
}

/** Every regex a VirtualService http route or an HTTPRoute rule sends to Envoy. */
function regexesIn(h: any): string[] {
  const out: string[] = [];
  for (const m of h.match ?? h.matches ?? []) {
    if (m.uri?.regex !== undefined) out.push(m.uri.regex);
    if (m.path?.type === 'RegularExpression') out.push(m.path.value);
    for (const v of Object.values(m.headers ?? {}) as any[]) if (v?.regex !== undefined) out.push(v.regex);
    for (const v of Object.values(m.withoutHeaders ?? {}) as any[]) if (v?.regex !== undefined) out.push(v.regex);
    for (const v of Object.values(m.queryParams ?? {}) as any[]) if (v?.regex !== undefined) out.push(v.regex);
  }
  for (const o of h.corsPolicy?.allowOrigins ?? []) if (o?.regex !== undefined) out.push(o.regex);
  return out;
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
  if (obj.kind === 'HTTPRoute') {
    (obj.spec.rules ?? []).forEach((r: any, i: number) => {
      for (const re of regexesIn(r)) out.push(...regexViolations(`${where} rules[${i}]`, re, rules));
    });
    return out;
  }
  if (obj.kind !== 'VirtualService') return out;
  if (!rules.servedApiVersions.includes(obj.apiVersion)) out.push(`${where}: ${obj.apiVersion} is not served by Istio ${rules.version}`);
  for (const gw of obj.spec.gateways ?? []) {
    // Sidecars never merge mesh VirtualServices of one host (IST0109): only the platform's single Java export
    // object, the one VirtualService of its host, may bind `mesh` (a reserved name, not a reference).
    if (gw === 'mesh') {
      if (!isJavaExport(obj)) out.push(`${where}: bound to mesh (IST0109)`);
      continue;
    }
    if (gw === PUBLIC_INGRESS && !publicIngress) out.push(`${where}: bound to the public ingress without opt-in`);
    if (rules.namespacedGatewayRefs !== gw.includes('/')) out.push(`${where}: gateway reference ${gw} in the wrong form for Istio ${rules.version}`);
  }
  (obj.spec.http ?? []).forEach((h: any, i: number) => {
    const at = `${where} http[${i}]`;
    for (const r of regexesIn(h)) out.push(...regexViolations(at, r, rules));
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
      // The Knative local gateway Services expose port 80 (knative-local-gateway maps 80 -> 8081): name 80, never 8081.
      const toLocalGateway = /-local-gateway\.istio-system\.svc\./.test(String(d.destination?.host));
      if (toLocalGateway && d.destination.port?.number !== 80) out.push(`${at}: destination port must be 80`);
    }
  });
  return out;
}

/**
 * What a Gateway API HTTPRoute may carry on a cluster with Istio `istio` and the Gateway API `version`/`channel`
 * CRDs installed, written down from shared/docs/version-facts.md section B independently of
 * src/versions/gateway-api.ts: `timeouts` standard from gw v1.2.0, experimental from v1.0.0, translated by Istio
 * from 1.20 (conversion.go); `retry` experimental only (still at v1.6.1, httproute_types.go L313-319), translated
 * from Istio 1.25; `retry.attempts: 0` is rejected from gw v1.6 (minimum 1).
 */
export function gatewayApiViolations(obj: any, istio: string, version: string, channel: 'standard' | 'experimental'): string[] {
  if (obj.kind !== 'HTTPRoute') return [];
  const out: string[] = [];
  const where = `HTTPRoute/${obj.metadata?.name}`;
  if (obj.metadata?.namespace !== 'kfaas-system') out.push(`${where}: namespace ${obj.metadata?.namespace}, expected kfaas-system`);
  const timeouts = (channel === 'experimental' ? atLeast(version, '1.0') : atLeast(version, '1.2')) && atLeast(istio, '1.20');
  const retry = channel === 'experimental' && atLeast(version, '1.2') && atLeast(istio, '1.25');
  (obj.spec.rules ?? []).forEach((r: any, i: number) => {
    const at = `${where} rules[${i}]`;
    if (r.timeouts !== undefined && !timeouts) out.push(`${at}: timeouts not available (Gateway API ${version} ${channel}, Istio ${istio})`);
    if (r.retry !== undefined && !retry) out.push(`${at}: retry not available (Gateway API ${version} ${channel}, Istio ${istio})`);
    if (r.retry?.attempts === 0 && atLeast(version, '1.6')) out.push(`${at}: retry.attempts 0 rejected by Gateway API ${version}`);
    for (const m of r.matches ?? []) {
      if (m.path?.type === 'PathPrefix' && m.path.value !== '/' && !String(m.path.value).endsWith('/')) {
        // A PathPrefix without a trailing slash matches whole segments only, unlike Istio's prefix: fine only when
        // kfaas added it as the bare-path companion of `P/` (Exact), never as PathPrefix.
        out.push(`${at}: PathPrefix ${m.path.value} without a trailing / routes differently from an Istio prefix`);
      }
    }
  });
  return out;
}

/** The platform folder's mesh VirtualService for `java-export.kfaas-system.svc.<domain>` (the Egress allow-list). */
function isJavaExport(obj: any): boolean {
  const hosts: unknown[] = obj.spec?.hosts ?? [];
  return obj.metadata?.name === 'java-export' && hosts.length === 1 && /^java-export\.kfaas-system\.svc\./.test(String(hosts[0]));
}
