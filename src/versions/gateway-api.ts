import { GatewayApiChannel, GatewayApiSettings } from '../model/project';
import { atLeast, Version } from '../model/version';

/**
 * What a cluster with `spec.output: gateway-api` may use, gated twice: by the Gateway API version and channel
 * the cluster declares (which fields its CRDs have) and by the Istio release that translates them
 * (istio `pilot/pkg/config/kube/gateway/conversion.go`). Exposed as data so the README's version table can be
 * generated from it. Facts and sources: `shared/docs/version-facts.md` section B.
 */

/** A Gateway API or Istio release as `major.minor` (patches never change these facts). */
export interface MinorVersion {
  readonly major: number;
  readonly minor: number;
}

/** The Gateway API features kfaas emits or refuses, by name. */
export type GatewayApiFeature =
  | 'httpRouteV1'
  | 'urlRewrite'
  | 'weights'
  | 'backendHeaderModifier'
  | 'timeouts'
  | 'retry'
  | 'retryZeroAttempts'
  | 'mirrorPercent'
  | 'cors';

/** When a feature became available, in the Gateway API channels and in Istio. */
interface GatewayApiFeatureGate {
  readonly feature: GatewayApiFeature;
  /** What kfaas uses it for. */
  readonly use: string;
  /** First Gateway API release whose standard-channel CRD has it; undefined while still experimental (v1.6.1). */
  readonly standard?: MinorVersion;
  /** First Gateway API release whose experimental-channel CRD has it. */
  readonly experimental: MinorVersion;
  /** First Gateway API release whose CRDs no longer accept it (both channels). @default still accepted in v1.6.1 */
  readonly removed?: MinorVersion;
  /** First Istio minor that translates it. */
  readonly istio: MinorVersion;
  /** Where the facts were read (repo@tag path). */
  readonly sources: string;
}

const v = (major: number, minor: number): MinorVersion => ({ major, minor });

/**
 * The gates, in the order the README lists them. `istio` is the first minor kfaas relies on: every feature
 * older than kfaas's Istio floor for Gateway API output (1.20) is listed with that floor.
 */
const GATEWAY_API_FEATURES: readonly GatewayApiFeatureGate[] = [
  {
    feature: 'httpRouteV1',
    use: 'HTTPRoute gateway.networking.k8s.io/v1',
    standard: v(1, 0),
    experimental: v(1, 0),
    istio: v(1, 20),
    sources: 'gateway-api@v1.0.0 config/crd/standard/gateway.networking.k8s.io_httproutes.yaml (v1 served); istio@1.20.0 go.mod sigs.k8s.io/gateway-api v1.0.0',
  },
  {
    feature: 'urlRewrite',
    use: 'URLRewrite hostname (authority), ReplacePrefixMatch / ReplaceFullPath (rewrite.uri)',
    standard: v(0, 7),
    experimental: v(0, 5),
    istio: v(1, 20),
    sources: 'gateway-api@v0.7.0 standard CRD; istio@1.30.0 conversion.go createRewriteFilter',
  },
  {
    feature: 'weights',
    use: 'backendRefs[].weight (traffic split)',
    standard: v(0, 5),
    experimental: v(0, 5),
    istio: v(1, 20),
    sources: 'gateway-api@v1.6.1 apis/v1/shared_types.go L333; istio@1.30.0 conversion.go buildHTTPDestination',
  },
  {
    feature: 'backendHeaderModifier',
    use: 'per-backend RequestHeaderModifier set Host (authority per weighted backend; Istio-specific)',
    standard: v(0, 5),
    experimental: v(0, 5),
    istio: v(1, 20),
    sources: 'istio@1.30.0 conversion.go L958-980 (header modifiers only) and route/route.go L971-981, L760-768 (Host header = authority rewrite)',
  },
  {
    feature: 'timeouts',
    use: 'timeouts.request (timeout), timeouts.backendRequest (retries.perTryTimeout)',
    standard: v(1, 2),
    experimental: v(1, 0),
    istio: v(1, 20),
    sources: 'gateway-api CHANGELOG/1.2-CHANGELOG.md L178, L196; istio@1.20.0 conversion.go (r.Timeouts)',
  },
  {
    feature: 'retry',
    use: 'retry.attempts / retry.codes (retries)',
    experimental: v(1, 2),
    istio: v(1, 25),
    sources: 'gateway-api@v1.6.1 apis/v1/httproute_types.go L313-319 (<gateway:experimental>); istio@1.25.0 conversion.go (r.Retry)',
  },
  {
    feature: 'retryZeroAttempts',
    use: 'retry.attempts: 0 (no retries, instead of Istio\'s default 2)',
    experimental: v(1, 2),
    removed: v(1, 6),
    istio: v(1, 25),
    sources: 'gateway-api@v1.6.1 apis/v1/httproute_types.go L412 (+kubebuilder:validation:Minimum:=1; no minimum in the v1.2.0-v1.5.0 experimental CRDs); istio@1.30.0 conversion.go L190-193 (attempts 0 clears retryOn)',
  },
  {
    feature: 'mirrorPercent',
    use: 'RequestMirror percent / fraction (not emitted by kfaas yet)',
    standard: v(1, 3),
    experimental: v(1, 2),
    istio: v(1, 24),
    sources: 'gateway-api CHANGELOG/1.3-CHANGELOG.md L74; istio@1.24.0 conversion.go createMirrorFilter',
  },
  {
    feature: 'cors',
    use: 'CORS filter (not emitted by kfaas yet; unknown filters fail the whole rule before Istio 1.26)',
    standard: v(1, 5),
    experimental: v(1, 3),
    istio: v(1, 26),
    sources: 'gateway-api CHANGELOG/1.5-CHANGELOG.md L58-64; istio@1.26.0 conversion.go createCorsFilter; istio@1.24.0 conversion.go L264-268',
  },
];

/** Oldest Istio kfaas renders Gateway API output for: the first built against Gateway API v1.0.0 (HTTPRoute v1) and with timeouts. */
export const GATEWAY_API_MIN_ISTIO: MinorVersion = v(1, 20);
/** Oldest Gateway API release kfaas renders for: the first serving HTTPRoute `v1`. */
export const GATEWAY_API_MIN_VERSION: MinorVersion = v(1, 0);
/** Newest Gateway API minor kfaas knows (the CRDs in shared/crds are v1.6.1). */
export const GATEWAY_API_MAX_VERSION: MinorVersion = v(1, 6);

/**
 * Istio >= 1.30 answers a rule without backendRefs with 404; 1.20-1.29 with 500 (istio@1.29.0 conversion.go L223
 * "return 500 when there are no >0 weight backends"; istio@1.30.0 conversion.go L219 "No backends specified at
 * all; per the Gateway API spec return 404").
 */
const NO_BACKEND_404_SINCE_ISTIO: MinorVersion = v(1, 30);

/** The retry conditions Istio sets for a Gateway API `retry` besides its status codes (istio@1.30.0 conversion.go L183). */
export const ISTIO_GATEWAY_API_RETRY_ON: readonly string[] = ['cancelled', 'connect-failure', 'refused-stream', 'unavailable'];

/** Everything the emitter and the compiler need to know about a gateway-api cluster. */
export interface GatewayApiProfile {
  readonly version: Version;
  readonly channel: GatewayApiChannel;
  /** The Gateway the HTTPRoutes attach to. */
  readonly gateway: { readonly namespace: string; readonly name: string };
  /** Listener of that Gateway (`parentRefs[].sectionName`). @default every listener */
  readonly sectionName?: string;
  /** In-cluster host of the Gateway's Service: where the environment's entry ExternalName Service points. */
  readonly address: string;
  /** Features both the declared Gateway API (version, channel) and the cluster's Istio support. */
  readonly supports: Readonly<Record<GatewayApiFeature, boolean>>;
  /** The status Istio answers a rule without backends with (500 before 1.30, 404 after). */
  readonly noBackendStatus: 404 | 500;
}

function reached(version: MinorVersion | Version, gate: MinorVersion | undefined): boolean {
  return gate !== undefined && atLeast(version as Version, gate.major, gate.minor);
}

/** Does the declared Gateway API (version and channel) have `gate`'s feature? */
function channelHas(settings: Pick<GatewayApiSettings, 'version' | 'channel'>, gate: GatewayApiFeatureGate): boolean {
  const since = settings.channel === 'experimental' ? gate.experimental : gate.standard;
  return reached(settings.version, since) && !reached(settings.version, gate.removed);
}

/** Does Istio `istio` translate `gate`'s feature? */
function istioHas(istio: Version, gate: GatewayApiFeatureGate): boolean {
  return reached(istio, gate.istio);
}

/** The gate of `feature`. */
function gateOf(feature: GatewayApiFeature): GatewayApiFeatureGate {
  const gate = GATEWAY_API_FEATURES.find((g) => g.feature === feature);
  if (!gate) throw new Error(`no Gateway API gate for feature '${feature}'`);
  return gate;
}

/** Why `feature` is unavailable on a cluster, or undefined when it is available. */
export function whyUnavailable(settings: GatewayApiSettings, istio: Version, feature: GatewayApiFeature): string | undefined {
  const gate = gateOf(feature);
  const reasons: string[] = [];
  if (!channelHas(settings, gate) && gate.removed && reached(settings.version, gate.removed)) {
    reasons.push(`Gateway API ${settings.version.raw} no longer accepts ${gate.use} (removed in ${fmt(gate.removed)})`);
  } else if (!channelHas(settings, gate)) {
    const where = gate.standard
      ? `Gateway API ${fmt(gate.standard)} (standard) or ${fmt(gate.experimental)} (experimental)`
      : `the experimental channel from Gateway API ${fmt(gate.experimental)} (still experimental in v1.6.1)`;
    reasons.push(`Gateway API ${settings.version.raw} (${settings.channel}) has no ${gate.use}; it needs ${where}`);
  }
  if (!istioHas(istio, gate)) reasons.push(`Istio ${istio.raw} does not translate ${gate.use}; it needs Istio ${fmt(gate.istio)}+`);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** The profile of a gateway-api cluster. */
export function gatewayApiProfileFor(settings: GatewayApiSettings, istio: Version): GatewayApiProfile {
  const supports = {} as Record<GatewayApiFeature, boolean>;
  for (const gate of GATEWAY_API_FEATURES) supports[gate.feature] = channelHas(settings, gate) && istioHas(istio, gate);
  return {
    version: settings.version,
    channel: settings.channel,
    gateway: settings.gateway,
    ...(settings.sectionName !== undefined ? { sectionName: settings.sectionName } : {}),
    address: settings.address,
    supports,
    noBackendStatus: reached(istio, NO_BACKEND_404_SINCE_ISTIO) ? 404 : 500,
  };
}

/** `1.20`. */
export function fmt(version: MinorVersion): string {
  return `${version.major}.${version.minor}`;
}
