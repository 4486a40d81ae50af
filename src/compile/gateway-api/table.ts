import { Origin } from '../../model/project';
import { GatewayApiProfile } from '../../versions/gateway-api';
import { DestinationTable } from '../destination-table';

/**
 * What a cluster with `output: gateway-api` gets in one environment, instead of VirtualServices: HTTPRoutes in
 * kfaas-system attached to the cluster's Gateway, forwarding to an ExternalName Service in kfaas-system that
 * aliases Knative's local gateway. Plain data (no cdk8s).
 */
export interface GatewayApiTable {
  readonly profile: GatewayApiProfile;
  /** `parentRefs[0]` of every HTTPRoute. */
  readonly parentRef: { readonly namespace: string; readonly name: string; readonly sectionName?: string };
  /** `<namespace>-ksvc-backend` in kfaas-system: the backend every rule forwards to. */
  readonly backendService: BackendServiceTable;
  /** One per route that serves a path in the environment (and for bare-path guards), sorted by name. */
  readonly httpRoutes: readonly HttpRouteObjectTable[];
}

/** ExternalName Service that aliases Knative's local gateway inside kfaas-system (no ReferenceGrant needed). */
export interface BackendServiceTable {
  readonly name: string;
  readonly namespace: string;
  /** The Knative local gateway host. */
  readonly externalName: string;
  /** Declared port (Istio < 1.21 builds a cluster for an ExternalName Service only for its declared ports). */
  readonly port: number;
}

/** One HTTPRoute object: the rules of one kfaas route. */
export interface HttpRouteObjectTable {
  /** `<namespace>-<route>`: unique among the environments of a cluster, which all render into kfaas-system. */
  readonly name: string;
  /** The kfaas route (metadata.name). */
  readonly route: string;
  readonly team: string;
  /** The Route document. */
  readonly origin: Origin;
  /** In emission order; Istio re-sorts all rules of all HTTPRoutes by Gateway API precedence. */
  readonly rules: readonly GatewayRuleTable[];
}

export type GatewayPathType = 'Exact' | 'PathPrefix' | 'RegularExpression';

export interface GatewayMatchTable {
  readonly type: GatewayPathType;
  readonly value: string;
  /** Where the user wrote the match; absent for a bare-path guard kfaas adds. */
  readonly origin?: Origin;
}

/** One rule. A rule without `forward` has no backendRefs: Istio answers it without forwarding. */
export interface GatewayRuleTable {
  readonly matches: readonly GatewayMatchTable[];
  /** `URLRewrite.path`. */
  readonly pathRewrite?: { readonly type: 'ReplacePrefixMatch' | 'ReplaceFullPath'; readonly value: string };
  readonly forward?: GatewayForwardTable;
  /**
   * Set on a rule kfaas adds for the bare path `P` of a prefix `P/`, which Gateway API's PathPrefix matches but
   * Istio's prefix `P/` does not: the rule reproduces what the VirtualService output does with `P`.
   */
  readonly guardFor?: string;
}

export interface GatewayForwardTable {
  /** One (rule-level `URLRewrite.hostname`) or several (per-backend `RequestHeaderModifier` set Host). */
  readonly destinations: readonly DestinationTable[];
  /** `timeouts.request`, whole milliseconds. */
  readonly timeoutMs?: number;
  /** `timeouts.backendRequest` (per try), whole milliseconds, never above timeoutMs. */
  readonly backendTimeoutMs?: number;
  /** `retry`, only where the cluster's channel and Istio support it. */
  readonly retry?: { readonly attempts: number; readonly codes?: readonly number[] };
}
