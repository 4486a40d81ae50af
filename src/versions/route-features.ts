import { atLeast, minorOf, Version, versionOf } from '../model/version';

/**
 * The first Istio minor that implements each VirtualService field a Route feature needs. Since Istio 1.6 the API
 * server prunes fields the installed CRD does not know, silently, and istiod's webhook ignores unknown nested
 * fields, so a field newer than the cluster would be dropped without an error: every feature is checked here and
 * refused with a diagnostic instead (`src/compile/feature-gates.ts`).
 *
 * Sources (`../shared/docs/version-facts.md` section A): `api@T` = github.com/istio/api at tag T, `istio@T` =
 * github.com/istio/istio at tag T, VS.proto = `networking/v1alpha3/virtual_service.proto`, route.go =
 * `pilot/pkg/networking/core/v1alpha3/route/route.go`. "First" is the first minor whose `.0` tag has the field in
 * the proto AND translates it in route.go (three fields lag the proto by one minor).
 */
export interface FeatureGate {
  /** The feature as a user reads it in a message. */
  readonly feature: string;
  /** The VirtualService field it becomes. */
  readonly field: string;
  /** First Istio minor that implements it (control plane and gateway proxy). */
  readonly since: Version;
  /** Where that was read. */
  readonly source: string;
}

export const ROUTE_FEATURE_GATES = {
  method: {
    feature: 'method matches', field: 'match[].method', since: versionOf(0, 8), source: 'api@0.8.0 VS.proto',
  },
  headers: {
    feature: 'header matches', field: 'match[].headers', since: versionOf(0, 8), source: 'api@0.8.0 VS.proto',
  },
  queryParams: {
    feature: 'query parameter matches', field: 'match[].queryParams', since: versionOf(1, 3),
    source: 'in api@1.2.0 but translated only from istio@1.3.0 route.go (in.QueryParams, L591)',
  },
  withoutHeaders: {
    feature: 'absent-header matches', field: 'match[].withoutHeaders', since: versionOf(1, 6), source: 'api@1.6.0 VS.proto; istio@1.6.0 route.go',
  },
  faultPercentage: {
    feature: 'fault injection', field: 'fault.{delay,abort}.percentage', since: versionOf(1, 1),
    source: 'api@1.1.0 VS.proto (Percent); before, only the integer percent, removed in 1.5',
  },
  headerOperations: {
    feature: 'header manipulation', field: 'headers.{request,response}.{set,add,remove}', since: versionOf(1, 1),
    source: 'api@1.1.0 VS.proto; istio@1.1.0 route.go',
  },
  allowOrigins: {
    feature: 'CORS origin prefix/regex matches', field: 'corsPolicy.allowOrigins', since: versionOf(1, 5),
    source: 'api@1.5.0 VS.proto; istio@1.5.0 route.go reads AllowOrigins first (allowOrigin before: exact origins only)',
  },
  redirectCode: {
    feature: 'redirect status codes', field: 'redirect.redirectCode', since: versionOf(1, 3), source: 'api@1.3.0 VS.proto (301 before)',
  },
  redirectScheme: {
    feature: 'redirect scheme', field: 'redirect.scheme', since: versionOf(1, 12), source: 'api@1.12.0 VS.proto; istio@1.12.0 route.go L440-447',
  },
  redirectPort: {
    feature: 'redirect port', field: 'redirect.port', since: versionOf(1, 12), source: 'api@1.12.0 VS.proto; istio@1.12.0 route.go L440-447',
  },
  directResponse: {
    feature: 'direct responses', field: 'directResponse', since: versionOf(1, 15), source: 'api@1.15.0 VS.proto; istio@1.15.0 route.go',
  },
  mirrorPercentage: {
    feature: 'mirroring a percentage of requests', field: 'mirrorPercentage', since: versionOf(1, 6),
    source: 'in api@1.5.0, but istio 1.5 route.go ignores it and mirrors 100%; read from istio@1.6.0',
  },
  perDestinationAuthority: {
    feature: 'a split between Knative services or tags', field: 'route[].headers.request.set.host', since: versionOf(1, 12),
    source: 'istio@1.12.0 route.go (absent at 1.10.0); istio/istio #35120',
  },
} as const satisfies Readonly<Record<string, FeatureGate>>;

export type RouteFeature = keyof typeof ROUTE_FEATURE_GATES;

/**
 * True when Istio `istio` implements `feature`. Pass the older of the control plane and the gateway proxy
 * (`VersionProfile.gatewayProxy`): istiod must know the field and the proxy the Envoy config it becomes.
 */
export function supportsFeature(istio: Version, feature: RouteFeature): boolean {
  const { major, minor, patch } = ROUTE_FEATURE_GATES[feature].since;
  return atLeast(istio, major, minor, patch);
}

/** `1.6` */
export function sinceText(feature: RouteFeature): string {
  return minorOf(ROUTE_FEATURE_GATES[feature].since);
}
