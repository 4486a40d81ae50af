import { Version, versionOf } from '../model/version';

/**
 * Every Istio and Knative version threshold kfaas follows, as data: the profile (profile.ts) reads them, the
 * README's profile table (profile-table.ts) enumerates them. Sources are the release tags audited in
 * `shared/docs/domain-notes.md` ("Version-specific behaviour") and `shared/docs/version-facts.md`; each entry
 * names the upstream file or issue.
 */

/** The first Istio release with each behaviour (control plane unless the name says proxy). */
export const ISTIO_SINCE = {
  /**
   * `networking.istio.io/v1beta1` served (istio@1.5.0 `install/kubernetes/helm/istio-init/files/crd-all.gen.yaml`
   * versions; istio/api #1232).
   */
  v1beta1: versionOf(1, 5),
  /** `networking.istio.io/v1` served (istio@1.22.0 `manifests/charts/base/crds/crd-all.gen.yaml`; istio/api #3111). */
  v1: versionOf(1, 22),
  /**
   * `retries.attempts: 0` accepted: 1.1.0-1.2.0 reject it ("attempts must be positive"), fixed in 1.2.1
   * (istio/istio #14925).
   */
  zeroRetryAttempts: versionOf(1, 2, 1),
  /**
   * Istio adds `retriable-status-codes` itself when `retryOn` lists a status code (istio/istio #34825, istio@1.12.0
   * `pilot/pkg/networking/core/v1alpha3/route/retry/retry.go`); before, a bare code retries nothing.
   */
  implicitRetriableStatusCodes: versionOf(1, 12),
  /**
   * Destination-level `headers.request.set.host` becomes Envoy's per-weighted-cluster `host_rewrite_literal`
   * (istio/istio #35120; istio@1.12.0 `pilot/pkg/networking/core/v1alpha3/route/route.go`, absent at 1.10.0).
   * Needs gateway proxies >= 1.12 too (istio/istio #37575), see `perDestinationAuthorityProxy`.
   */
  perDestinationAuthority: versionOf(1, 12),
  /** The gateway proxy side of `perDestinationAuthority` (istio/istio #37575). */
  perDestinationAuthorityProxy: versionOf(1, 12),
  /** VirtualService delegation on by default (`PILOT_ENABLE_VIRTUAL_SERVICE_DELEGATE`, istio@1.8.0 `pilot/pkg/features`). */
  delegation: versionOf(1, 8),
  /** 503 no longer in Istio's default retry conditions (istio/istio #52111). */
  defaultRetriesWithout503: versionOf(1, 24),
  /** `resource-exhausted` dropped from Istio's default retry conditions (after 1.5; domain-notes). */
  defaultRetriesWithoutResourceExhausted: versionOf(1, 6),
  /** ExternalName Services are aliases, so a sidecar caller needs no declared ports (ENABLE_EXTERNAL_NAME_ALIAS, istio@1.21.0). */
  externalNameAlias: versionOf(1, 21),
  /** Proxies use RE2 `safe_regex` instead of Envoy's ECMAScript `regex` (istio@1.4.0 `route.go`). */
  safeRegexProxy: versionOf(1, 4),
  /**
   * kfaas's east-west gateway takes its certificates and configuration from istiod, which serves gateways from
   * Istio 1.5 (version-facts.md C): `spec.gateway` on an older cluster is refused.
   */
  eastWestGateway: versionOf(1, 5),
} as const;

/**
 * Which engine compiles a gateway's regexes, and the RE2 program size over which Envoy refuses one (and with it the
 * whole route configuration of that gateway port). Read at the Istio tags in `pilot/pkg/networking/core/v1alpha3/
 * route/route.go` (path, header and query regexes) and the proxy bootstrap; Envoy's side is
 * envoyproxy/envoy `source/common/common/regex.cc` `CompiledGoogleReMatcher`: the deprecated per-regex
 * `google_re2.max_program_size` when set, else the runtime key `re2.max_program_size.error_level`, both 100 by
 * default.
 */
export const REGEX_FACTS = {
  /**
   * istio@1.3.0 `route.go` L569-570, L629-630: Envoy's `regex` field, ECMAScript (std::regex; the file's own
   * comment: "Envoy regex grammar is ECMA-262"). istio@1.4.0 L585-592: RE2 `safe_regex`.
   */
  re2ControlPlane: versionOf(1, 4),
  /**
   * istio@1.4.0-1.4.2 send `google_re2: {}` to every proxy: Envoy's default limit, 100. istio@1.4.3 `route.go`
   * L62-66, L592-600: `max_program_size: 1024`, and proxies older than 1.4 keep ECMAScript (`IsIstioVersionGE14`).
   */
  perRegexLimit: versionOf(1, 4, 3),
  /** istio@1.8.0 `route.go` L1147-1151: proxies >= 1.8 no longer get the per-regex limit (the runtime key applies). */
  runtimeLimitProxy: versionOf(1, 8),
  /** istio@1.10.0 `route.go` L58: no per-regex limit for any proxy. */
  runtimeLimitControlPlane: versionOf(1, 10),
  /** istio@1.13.0 `tools/packaging/common/envoy_bootstrap.json` L34 (1.14+ `pkg/bootstrap/config.go`): 32768. */
  largeBootstrapLimit: versionOf(1, 13),
  /** `max_program_size` istio@1.4.3-1.9 send; `re2.max_program_size.error_level` in istio@1.8.0-1.12 bootstraps (L31). */
  limit: 1024,
  /** Envoy's default for both the field and the runtime key. */
  envoyDefaultLimit: 100,
  /** `re2.max_program_size.error_level` from istio@1.13.0 (still 32768 at istio@1.30.0 `pkg/bootstrap/config.go` L392). */
  largeLimit: 32768,
} as const;

/**
 * Delegate changes are not pushed to proxies in these releases (istio/istio #36525, fixed in 1.12.2): a delegated
 * host keeps serving its old routes until istiod restarts.
 */
export const ISTIO_DELEGATE_PUSH_BUG = { from: versionOf(1, 12, 0), before: versionOf(1, 12, 2) } as const;

/**
 * `retryOn` policy names the Istio webhook accepts, by the first release that accepts each; one unknown name gets
 * the whole VirtualService rejected (istio `pkg/config/validation/validation.go` `supportedRetryOnPolicies`, and
 * `pilot/pkg/model/validation.go` before 1.5; shared/docs/domain-notes.md). `retryOn` itself exists from 1.1.
 */
export const RETRY_ON_SINCE: Readonly<Record<string, Version>> = {
  '5xx': versionOf(1, 1),
  'gateway-error': versionOf(1, 1),
  'connect-failure': versionOf(1, 1),
  'retriable-4xx': versionOf(1, 1),
  'refused-stream': versionOf(1, 1),
  'retriable-status-codes': versionOf(1, 1),
  cancelled: versionOf(1, 1),
  'deadline-exceeded': versionOf(1, 1),
  internal: versionOf(1, 1),
  'resource-exhausted': versionOf(1, 1),
  unavailable: versionOf(1, 1),
  reset: versionOf(1, 4, 3),
  'retriable-headers': versionOf(1, 9),
  'envoy-ratelimited': versionOf(1, 9),
  'reset-before-request': versionOf(1, 23),
  'http3-post-connect-failure': versionOf(1, 23),
};

/** The first Knative Serving release with each behaviour. */
export const KNATIVE_SINCE = {
  /**
   * The local gateway is `knative-serving/knative-local-gateway` at `knative-local-gateway.istio-system`; before,
   * `cluster-local-gateway` (0.18 adds the new Gateway but still points at the old Service; net-istio #237, #252,
   * #388, #411).
   */
  knativeLocalGateway: versionOf(0, 19),
  /** Knative serves a tagged revision as `<tag>-<service>` (domain-notes "Knative"). */
  revisionTags: versionOf(0, 11),
} as const;

/** The platform folder's other products (version-facts.md E and H). */
export const PLATFORM_PRODUCT_SINCE = {
  /** cert-manager Certificates accept `revisionHistoryLimit` (its default became 1 in v1.18.0; unlimited before). */
  certManagerRevisionHistoryLimit: versionOf(1, 3),
  /** Spring Cloud Gateway reads its routes under `spring.cloud.gateway.server.webflux` (before: `spring.cloud.gateway`). */
  springCloudGatewayWebflux: versionOf(4, 3),
} as const;

/**
 * Retries on Knative's own per-service VirtualServices (the hop after kfaas's), by release: 3 attempts
 * (`DefaultRetryCount`) in 0.8-0.14, Istio's default in 0.15 and 0.18-0.20, none in 0.16-0.17 (net-istio #159)
 * and from 0.21 (net-istio #508). net-istio #296 is the user report that led to the fix, not the fix.
 */
export const KNATIVE_OWN_RETRIES: readonly { readonly since: Version; readonly retries: KnativeOwnRetries }[] = [
  { since: versionOf(0, 8), retries: 'three-attempts' },
  { since: versionOf(0, 15), retries: 'istio-default' },
  { since: versionOf(0, 16), retries: 'none' },
  { since: versionOf(0, 18), retries: 'istio-default' },
  { since: versionOf(0, 21), retries: 'none' },
];

export type KnativeOwnRetries = 'three-attempts' | 'istio-default' | 'none';
