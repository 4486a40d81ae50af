import { HeaderCondition, HttpMethod, MatchKind, Origin, QueryCondition } from '../model/project';
import { VersionProfile } from '../versions/profile';
import { GatewayApiTable } from './gateway-api/table';
import { DestinationTable } from './destination-table';

export type { DestinationTable } from './destination-table';

/**
 * The compiler's output: for every cluster C and environment E that C hosts, what to emit into dist/C/E.
 * Plain data (no cdk8s): the emitter turns it into objects, `kfaas explain` and the tests read it.
 */
export interface EnvironmentTable {
  readonly cluster: string;
  readonly environment: string;
  /** Namespace where the environment's Knative services run. */
  readonly namespace: string;
  readonly clusterDomain: string;
  readonly profile: VersionProfile;
  /** The ExternalName Service `<namespace>-ksvc-gateway` in kfaas-system. */
  readonly gatewayService: GatewayServiceTable;
  /** `<namespace>-ksvc-gateway.kfaas-system.svc.<clusterDomain>`. */
  readonly host: string;
  /** Istio Gateways the VirtualServices bind to (Knative local, plus ingress with `publicIngress`), sorted. */
  readonly gateways: readonly string[];
  /** In emission order; names are unique within the table. Empty with `output: gateway-api`. */
  readonly virtualServices: readonly VirtualServiceTable[];
  /** HTTPRoutes and their backend, instead of VirtualServices, for a cluster with `output: gateway-api`. */
  readonly gatewayApi?: GatewayApiTable;
  /** Business domains the environment serves through the east-west gateway, sorted by hostname. @default none */
  readonly domains?: readonly DomainTable[];
}

export interface GatewayServiceTable {
  readonly name: string;
  readonly namespace: string;
  /** The Knative local gateway host. */
  readonly externalName: string;
  /**
   * Declared ports, `[{ name: http, port: 80 }]`: before Istio 1.21 a sidecar caller gets Envoy config for an
   * ExternalName Service only for its declared ports (with none it falls to PassthroughCluster, or 502 with
   * REGISTRY_ONLY). From 1.21 the Service is an alias and the ports are harmless.
   */
  readonly ports: readonly ServicePortTable[];
}

/** One port of a Service. */
export interface ServicePortTable {
  /** `http`: Istio picks the protocol from the name prefix. */
  readonly name: string;
  readonly port: number;
}

/**
 * One VirtualService. A `root` one carries the host and gateways; a `delegate` one (Istio >= 1.8 only) has
 * neither and is reached through a root route's `delegate`.
 */
export interface VirtualServiceTable {
  readonly name: string;
  readonly role: 'root' | 'delegate';
  /** Routes in the order Envoy must try them: most specific first. */
  readonly http: readonly HttpRouteTable[];
}

/** One match of an HTTP route: a path condition and the request conditions that must hold with it. */
export interface MatchTable {
  readonly kind: MatchKind;
  readonly value: string;
  /** Where the user wrote it (for explain and diagnostics). */
  readonly origin: Origin;
  /** The one method the request must use (Istio matches one method per match). @default any method */
  readonly method?: HttpMethod;
  /** Sorted by name. @default none */
  readonly headers?: readonly HeaderCondition[];
  /** Sorted by name. @default none */
  readonly query?: readonly QueryCondition[];
}

/** One HTTP route entry (Istio `spec.http[i]`). A Route can yield several when its matches rank apart. */
export interface HttpRouteTable {
  /** Istio route name: the Route's `metadata.name`. */
  readonly name: string;
  readonly route: string;
  readonly team: string;
  /** The Route document. */
  readonly origin: Origin;
  readonly matches: readonly MatchTable[];
  /** What the route does: forward, answer itself (redirect, direct response), or delegate. */
  readonly action: HttpAction;
}

/** Every kind of action an HTTP route entry has. */
export type HttpAction = ForwardAction | RedirectAction | DirectResponseAction | DelegateAction;

/** Route-level policies besides the destination, on forwarding and answering routes alike. */
export interface RoutePolicies {
  /** Forwarding routes only. @default none */
  readonly fault?: FaultTable;
  /** @default none */
  readonly cors?: CorsTable;
  /** Answering routes carry response headers only. @default none */
  readonly headers?: HeadersTable;
}

export interface FaultTable {
  readonly delay?: { readonly fixedDelayMs: number; readonly percentage: number };
  readonly abort?: { readonly httpStatus: number; readonly percentage: number };
}

export interface CorsTable {
  /**
   * `allowOrigins` (StringMatch list, Istio >= 1.5) or the older `allowOrigin` (exact strings), decided by the
   * compiler from the cluster's version.
   */
  readonly originsField: 'allowOrigins' | 'allowOrigin';
  readonly allowOrigins: readonly { readonly kind: 'exact' | 'prefix' | 'regex'; readonly value: string }[];
  readonly allowMethods?: readonly string[];
  readonly allowHeaders?: readonly string[];
  readonly exposeHeaders?: readonly string[];
  readonly maxAgeSeconds?: number;
  readonly allowCredentials?: boolean;
}

export interface HeaderOperationsTable {
  readonly set?: Readonly<Record<string, string>>;
  readonly add?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

export interface HeadersTable {
  readonly request?: HeaderOperationsTable;
  readonly response?: HeaderOperationsTable;
}

/** Answer with a redirect (Istio `redirect`). */
export interface RedirectAction extends RoutePolicies {
  readonly type: 'redirect';
  readonly uri?: string;
  readonly authority?: string;
  /** Written only when not Istio's default 301. @default 301 */
  readonly code?: number;
  readonly scheme?: 'http' | 'https';
  readonly port?: number;
}

/** Answer with a fixed status and body (Istio `directResponse`, >= 1.15). */
export interface DirectResponseAction extends RoutePolicies {
  readonly type: 'directResponse';
  readonly status: number;
  readonly body?: string;
}

/** Forward to the Knative local gateway with the authority of each destination's Knative service. */
export interface ForwardAction extends RoutePolicies {
  readonly type: 'forward';
  readonly rewriteUri?: string;
  /** Whole milliseconds. */
  readonly timeoutMs?: number;
  /**
   * `attempts: 0` when the Route has no retries (see defaults.ts). Absent only where Istio rejects `attempts: 0`
   * (1.1.0-1.2.0): Istio's default retries apply there, and the compiler says so.
   */
  readonly retries?: RetryTable;
  /** One or more; weights sum to 100. A single destination has weight 100. */
  readonly destinations: readonly DestinationTable[];
}

/** Root route of a delegation: hand the request to a delegate VirtualService. */
export interface DelegateAction {
  readonly type: 'delegate';
  readonly name: string;
  readonly namespace: string;
}

export interface RetryTable {
  readonly attempts: number;
  readonly perTryTimeoutMs?: number;
  readonly retryOn?: readonly string[];
}

/**
 * One business-domain hostname an environment serves through the east-west gateway: one VirtualService (the
 * hostname's routes never overlap, see compile-domains.ts) bound to the east-west Istio Gateway, emitted into
 * the environment's folder; its Certificate and Gateway server live in the platform folder.
 */
export interface DomainTable {
  /** e.g. `showroom.example.com` or `*.shop.example.com`. */
  readonly hostname: string;
  /** `kfaas-system/kfaas-east-west`. */
  readonly gateway: string;
  /** Routes in Envoy order. */
  readonly virtualService: VirtualServiceTable;
}
