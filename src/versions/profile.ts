import { Cluster } from '../model/project';
import { atLeast, compareVersions, Version } from '../model/version';
import {
  ISTIO_DELEGATE_PUSH_BUG, ISTIO_SINCE, KNATIVE_OWN_RETRIES, KNATIVE_SINCE, KnativeOwnRetries, REGEX_FACTS, RETRY_ON_SINCE,
} from './facts';

/**
 * What the installed Istio and Knative versions allow, in one place: the single source of version facts for the
 * compiler, the emitter and the README's profile table. The thresholds and their sources are in facts.ts.
 * Facts that depend on the gateway proxy (data plane) use the older of the control plane and `gatewayProxy`.
 */
export interface VersionProfile {
  /** The cluster's Istio control plane version. */
  readonly istio: Version;
  /** The cluster's Knative Serving version. */
  readonly knative: Version;
  /** The oldest gateway proxy still running. @default `istio` */
  readonly gatewayProxy: Version;
  /** `networking.istio.io/v1alpha3` (Istio < 1.5), `v1beta1` (1.5-1.21) or `v1` (>= 1.22). */
  readonly virtualServiceApiVersion: VirtualServiceApiVersion;
  /** Knative's Istio Gateway for in-cluster traffic, `<namespace>/<name>`. */
  readonly localGateway: string;
  /** Knative's Istio Gateway for traffic from outside the cluster, `<namespace>/<name>`. */
  readonly ingressGateway: string;
  /**
   * The Gateways every root VirtualService binds to, sorted: the local gateway, plus the ingress gateway only when
   * the cluster opts in (`publicIngress: true`).
   */
  readonly gateways: readonly string[];
  /** In-cluster host of the local gateway Service (what the ExternalName points at and routes go to). */
  readonly localGatewayHost: string;
  /** Port of the local gateway Service that serves plain HTTP. */
  readonly localGatewayPort: number;
  /**
   * Istio >= 1.12 with gateway proxies >= 1.12: a destination-level `headers.request.set.host` rewrites the
   * authority per weighted destination, so a split between two Knative services works. Before, only the
   * route-level `rewrite.authority` exists and such a split cannot be expressed.
   */
  readonly perDestinationAuthority: boolean;
  /** Istio >= 1.8: VirtualService delegation is on by default. */
  readonly delegation: boolean;
  /** Istio 1.12.0-1.12.1 do not push delegate changes (istio/istio #36525): delegation there deserves a warning. */
  readonly delegatePushBug: boolean;
  /** `retryOn` policy names the cluster's webhook accepts, sorted. */
  readonly retryOnPolicies: readonly string[];
  /**
   * Before Istio 1.12 a status code in `retryOn` retries nothing unless `retriable-status-codes` is listed too:
   * kfaas adds it.
   */
  readonly retryOnCodesNeedPolicy: boolean;
  /** `retries.attempts: 0` is accepted (Istio >= 1.2.1); before, routes without retries omit the field. */
  readonly zeroRetryAttempts: boolean;
  /** What Istio does for a route without `retries`. */
  readonly istioDefaultRetries: IstioDefaultRetries;
  /** Retries on Knative's own VirtualService, the hop after kfaas's. */
  readonly knativeOwnRetries: KnativeOwnRetries;
  /** Knative >= 0.11 serves a revision tag as `<tag>-<service>`; before, a route naming a tag is refused. */
  readonly knativeRevisionTags: boolean;
  /**
   * The engine the gateway's Envoy compiles regexes with: RE2 (`safe_regex`), or ECMAScript (std::regex, Envoy's
   * old `regex` field) before Istio 1.4 or for gateway proxies older than 1.4.
   */
  readonly regexDialect: RegexDialect;
  /**
   * RE2 only: the program size over which Envoy refuses a regex, and where that limit comes from. Envoy refusing
   * one regex refuses the gateway's whole route configuration.
   */
  readonly regexProgramSizeLimit?: { readonly size: number; readonly source: string };
}

export type RegexDialect = 're2' | 'ecmascript';

export type VirtualServiceApiVersion =
  | 'networking.istio.io/v1alpha3'
  | 'networking.istio.io/v1beta1'
  | 'networking.istio.io/v1';

/** Istio's retries for a route that sets none (shared/docs/domain-notes.md "Version-specific behaviour"). */
export type IstioDefaultRetries =
  /** 1.1-1.5: 2 attempts on connect-failure, refused-stream, unavailable, cancelled, resource-exhausted, 503. */
  | 'two-attempts-with-503-and-resource-exhausted'
  /** 1.6-1.23: 2 attempts on connect-failure, refused-stream, unavailable, cancelled, 503. */
  | 'two-attempts-with-503'
  /** 1.24+: 2 attempts on connect-failure, refused-stream, unavailable, cancelled (istio/istio #52111). */
  | 'two-attempts';

/** Knative's ingress gateway name has not changed since 0.8. */
export const KNATIVE_INGRESS_GATEWAY = 'knative-serving/knative-ingress-gateway';
/** Local gateway of Knative 0.8-0.18 (0.18 adds knative-local-gateway but still points at this one). */
const LEGACY_LOCAL_GATEWAY = { gateway: 'knative-serving/cluster-local-gateway', service: 'cluster-local-gateway' };
/** Local gateway of Knative >= 0.19. */
const LOCAL_GATEWAY = { gateway: 'knative-serving/knative-local-gateway', service: 'knative-local-gateway' };
/** Namespace of the gateway Services in every supported Knative/Istio install. */
const GATEWAY_SERVICE_NAMESPACE = 'istio-system';
/** Plain-HTTP port of the Knative gateway Services (knative-local-gateway maps 80 -> 8081; name 80, never 8081). */
const LOCAL_GATEWAY_PORT = 80;

/** Derives the profile of a cluster from its versions and overrides. */
export function profileFor(cluster: Cluster): VersionProfile {
  const { istio, knative, clusterDomain } = cluster;
  const proxy = cluster.gatewayProxy && compareVersions(cluster.gatewayProxy, istio) < 0 ? cluster.gatewayProxy : istio;
  const since = (v: Version, t: Version): boolean => atLeast(v, t.major, t.minor, t.patch);
  const virtualServiceApiVersion: VirtualServiceApiVersion = !since(istio, ISTIO_SINCE.v1beta1)
    ? 'networking.istio.io/v1alpha3'
    : !since(istio, ISTIO_SINCE.v1)
      ? 'networking.istio.io/v1beta1'
      : 'networking.istio.io/v1';
  const local = since(knative, KNATIVE_SINCE.knativeLocalGateway) ? LOCAL_GATEWAY : LEGACY_LOCAL_GATEWAY;
  const localGateway = cluster.localGateway?.gateway ?? local.gateway;
  const gateways = cluster.publicIngress ? [localGateway, KNATIVE_INGRESS_GATEWAY] : [localGateway];
  return {
    istio,
    knative,
    gatewayProxy: proxy,
    virtualServiceApiVersion,
    localGateway,
    ingressGateway: KNATIVE_INGRESS_GATEWAY,
    gateways: [...new Set(gateways)].sort(),
    localGatewayHost: cluster.localGateway?.host ?? `${local.service}.${GATEWAY_SERVICE_NAMESPACE}.svc.${clusterDomain}`,
    localGatewayPort: LOCAL_GATEWAY_PORT,
    perDestinationAuthority: since(istio, ISTIO_SINCE.perDestinationAuthority) && since(proxy, ISTIO_SINCE.perDestinationAuthorityProxy),
    delegation: since(istio, ISTIO_SINCE.delegation),
    delegatePushBug: since(istio, ISTIO_DELEGATE_PUSH_BUG.from) && !since(istio, ISTIO_DELEGATE_PUSH_BUG.before),
    retryOnPolicies: Object.keys(RETRY_ON_SINCE).filter((name) => since(istio, RETRY_ON_SINCE[name])).sort(),
    retryOnCodesNeedPolicy: !since(istio, ISTIO_SINCE.implicitRetriableStatusCodes),
    zeroRetryAttempts: since(istio, ISTIO_SINCE.zeroRetryAttempts),
    istioDefaultRetries: since(istio, ISTIO_SINCE.defaultRetriesWithout503)
      ? 'two-attempts'
      : since(istio, ISTIO_SINCE.defaultRetriesWithoutResourceExhausted)
        ? 'two-attempts-with-503'
        : 'two-attempts-with-503-and-resource-exhausted',
    knativeOwnRetries: [...KNATIVE_OWN_RETRIES].reverse().find((r) => since(knative, r.since))?.retries ?? 'three-attempts',
    knativeRevisionTags: since(knative, KNATIVE_SINCE.revisionTags),
    ...regexEngine(istio, proxy),
  };
}

/** Regex dialect and RE2 program size limit for control plane `istio` and oldest gateway proxy `proxy` (REGEX_FACTS). */
function regexEngine(istio: Version, proxy: Version): Pick<VersionProfile, 'regexDialect' | 'regexProgramSizeLimit'> {
  const since = (v: Version, t: Version): boolean => atLeast(v, t.major, t.minor, t.patch);
  const re2 = (size: number, source: string): Pick<VersionProfile, 'regexDialect' | 'regexProgramSizeLimit'> =>
    ({ regexDialect: 're2', regexProgramSizeLimit: { size, source } });
  if (!since(istio, REGEX_FACTS.re2ControlPlane)) return { regexDialect: 'ecmascript' };
  if (!since(istio, REGEX_FACTS.perRegexLimit)) return re2(REGEX_FACTS.envoyDefaultLimit, "Envoy's default: Istio 1.4.0-1.4.2 set no max_program_size");
  if (!since(proxy, ISTIO_SINCE.safeRegexProxy)) return { regexDialect: 'ecmascript' };
  if (!since(proxy, REGEX_FACTS.runtimeLimitProxy)) {
    return since(istio, REGEX_FACTS.runtimeLimitControlPlane)
      ? re2(REGEX_FACTS.envoyDefaultLimit, "Envoy's default: proxies before 1.8 have no re2.max_program_size.error_level in their bootstrap")
      : re2(REGEX_FACTS.limit, 'max_program_size Istio sets on each regex');
  }
  return since(proxy, REGEX_FACTS.largeBootstrapLimit)
    ? re2(REGEX_FACTS.largeLimit, 're2.max_program_size.error_level in the gateway proxy bootstrap')
    : re2(REGEX_FACTS.limit, 're2.max_program_size.error_level in the gateway proxy bootstrap');
}

/** Human wording of Istio's default retries, for warnings and the README. */
export function describeIstioDefaultRetries(d: IstioDefaultRetries): string {
  switch (d) {
    case 'two-attempts-with-503-and-resource-exhausted':
      return '2 retries on connect-failure, refused-stream, unavailable, cancelled, resource-exhausted and 503';
    case 'two-attempts-with-503':
      return '2 retries on connect-failure, refused-stream, unavailable, cancelled and 503';
    case 'two-attempts':
      return '2 retries on connect-failure, refused-stream, unavailable and cancelled';
  }
}

/** Human wording of Knative's own retries. */
export function describeKnativeOwnRetries(r: KnativeOwnRetries): string {
  switch (r) {
    case 'three-attempts':
      return '3 attempts (DefaultRetryCount)';
    case 'istio-default':
      return "Istio's default";
    case 'none':
      return 'none';
  }
}
