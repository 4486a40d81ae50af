/**
 * The parts of an emitted Istio VirtualService (plain JSON, as it appears in YAML) that the simulator reads.
 * Every API version (v1alpha3, v1beta1, v1) shares this schema. Fields the simulator does not model are
 * still allowed on the objects; `merge.ts` reports match conditions it cannot evaluate instead of ignoring them.
 */

/** Istio `StringMatch`: exactly one of the three is set. */
export interface StringMatch {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
}

/** Istio `HTTPMatchRequest`. Only `uri`, `name`, `ignoreUriCase` and `gateways` are evaluated. */
export interface HttpMatchRequest {
  readonly name?: string;
  readonly uri?: StringMatch;
  /** Case-insensitive exact/prefix matching (Envoy `case_sensitive: false`; regexes are unaffected). */
  readonly ignoreUriCase?: boolean;
  /** Restricts this match to some gateways; short names resolve to the VirtualService's namespace. */
  readonly gateways?: readonly string[];
  /** Anything else (headers, queryParams, method, ...): request-dependent, see `merge.ts`. */
  readonly [condition: string]: unknown;
}

export interface HeaderOperations {
  readonly set?: Readonly<Record<string, string>>;
  readonly add?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

export interface Headers {
  readonly request?: HeaderOperations;
  readonly response?: HeaderOperations;
}

export interface Destination {
  readonly host: string;
  readonly subset?: string;
  readonly port?: { readonly number?: number };
}

export interface HttpRouteDestination {
  readonly destination: Destination;
  readonly weight?: number;
  /** `request.set.host` / `:authority` becomes a per-weighted-cluster host rewrite (Istio >= 1.12). */
  readonly headers?: Headers;
}

export interface HttpRewrite {
  readonly uri?: string;
  readonly authority?: string;
  readonly uriRegexRewrite?: { readonly match: string; readonly rewrite: string };
}

export interface Delegate {
  readonly name: string;
  /** @default the root VirtualService's namespace */
  readonly namespace?: string;
}

/** Istio `HTTPRoute` (one `spec.http[i]` entry). */
export interface HttpRoute {
  readonly name?: string;
  readonly match?: readonly HttpMatchRequest[];
  readonly route?: readonly HttpRouteDestination[];
  readonly redirect?: Readonly<Record<string, unknown>>;
  readonly directResponse?: Readonly<Record<string, unknown>>;
  readonly delegate?: Delegate;
  readonly rewrite?: HttpRewrite;
  readonly headers?: Headers;
  readonly timeout?: string;
  readonly retries?: Readonly<Record<string, unknown>>;
  readonly fault?: Readonly<Record<string, unknown>>;
  readonly corsPolicy?: Readonly<Record<string, unknown>>;
  readonly mirror?: Destination;
  readonly mirrorPercentage?: { readonly value?: number };
}

export interface VirtualService {
  readonly apiVersion: string;
  readonly kind: 'VirtualService';
  readonly metadata: {
    readonly name: string;
    /** @default 'default' */
    readonly namespace?: string;
    /** RFC 3339; Istio orders merged VirtualServices by it first. */
    readonly creationTimestamp?: string;
    /** Only `internal.istio.io/route-semantics` is read (see merge.ts). */
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: {
    /** Empty or absent: a delegate VirtualService, reachable only through a root route's `delegate`. */
    readonly hosts?: readonly string[];
    /** @default ['mesh'] */
    readonly gateways?: readonly string[];
    readonly http?: readonly HttpRoute[];
  };
}

/** A VirtualService's identity. */
export interface VsRef {
  readonly name: string;
  readonly namespace: string;
}

/** The implicit gateway of sidecars; a VirtualService without `gateways` is bound to it only. */
export const MESH_GATEWAY = 'mesh';

/** Kubernetes' namespace for an object without one. */
export const DEFAULT_NAMESPACE = 'default';

export function isVirtualService(object: unknown): object is VirtualService {
  if (typeof object !== 'object' || object === null) return false;
  const o = object as Record<string, unknown>;
  const metadata = o.metadata as Record<string, unknown> | undefined;
  return (
    o.kind === 'VirtualService' &&
    typeof o.apiVersion === 'string' &&
    o.apiVersion.startsWith('networking.istio.io/') &&
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof metadata.name === 'string' &&
    typeof o.spec === 'object' &&
    o.spec !== null
  );
}

export function vsRef(vs: VirtualService): VsRef {
  return { name: vs.metadata.name, namespace: vs.metadata.namespace ?? DEFAULT_NAMESPACE };
}

/** `namespace/name`. */
export function formatVsRef(ref: VsRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/** True when `key` names the VirtualService either as `namespace/name` or as a bare `name`. */
export function vsKeyMatches(key: string, ref: VsRef): boolean {
  return key.includes('/') ? key === formatVsRef(ref) : key === ref.name;
}

/** Gateways a VirtualService binds to, short names resolved against its namespace (as Istio does). */
export function boundGateways(vs: VirtualService): string[] {
  const gateways = vs.spec.gateways && vs.spec.gateways.length > 0 ? vs.spec.gateways : [MESH_GATEWAY];
  return gateways.map((g) => resolveGatewayName(g, vsRef(vs).namespace));
}

export function resolveGatewayName(gateway: string, namespace: string): string {
  if (gateway === MESH_GATEWAY || gateway.includes('/')) return gateway;
  return `${namespace}/${gateway}`;
}

/** A query gateway given as a bare name matches any namespace's gateway of that name. */
export function gatewayMatches(query: string, bound: string): boolean {
  if (query.includes('/') || bound === MESH_GATEWAY) return query === bound;
  return bound.slice(bound.indexOf('/') + 1) === query;
}
