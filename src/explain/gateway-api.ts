import { compareGatewayRoutes, GatewayPathLike, istioUriOf } from './gateway-precedence';
import { ROUTE_SEMANTICS_ANNOTATION } from './merge';
import { compareText } from '../util/compare';
import { HttpMatchRequest, HttpRoute, HttpRouteDestination, VirtualService, VsRef, DEFAULT_NAMESPACE } from './virtual-service';

/**
 * Istio's translation of Gateway API HTTPRoutes into the VirtualService the gateway is built from
 * (istio@1.30.0 pilot/pkg/config/kube/gateway: conversion.go convertHTTPRoute, buildHTTPDestination,
 * createRewriteFilter, createURIMatch; route_collections.go: one route per match, merged per Gateway and host,
 * mergeHTTPRoutes + sortHTTPRoutes), so that `kfaas explain` and the tests simulate HTTPRoutes with the same
 * Envoy first-match engine as VirtualServices. Only what kfaas emits and what changes routing is modelled:
 * path matches, URLRewrite, per-backend header modifiers, timeouts, retry, rules without backends.
 */

interface HttpRouteObject {
  readonly apiVersion: string;
  readonly kind: 'HTTPRoute';
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly creationTimestamp?: string };
  readonly spec: {
    readonly parentRefs?: readonly ParentRef[];
    readonly hostnames?: readonly string[];
    readonly rules?: readonly HttpRouteRule[];
  };
}

interface ParentRef {
  readonly group?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name: string;
  readonly sectionName?: string;
}

interface HttpRouteRule {
  readonly name?: string;
  readonly matches?: readonly { readonly path?: { readonly type?: string; readonly value?: string } }[];
  readonly filters?: readonly HttpRouteFilter[];
  readonly backendRefs?: readonly (BackendRef & { readonly filters?: readonly HttpRouteFilter[] })[];
  readonly timeouts?: { readonly request?: string; readonly backendRequest?: string };
  readonly retry?: { readonly attempts?: number; readonly codes?: readonly number[] };
}

interface BackendRef {
  readonly group?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name: string;
  readonly port?: number;
  readonly weight?: number;
}

interface HttpRouteFilter {
  readonly type: string;
  readonly urlRewrite?: {
    readonly hostname?: string;
    readonly path?: { readonly type: string; readonly replacePrefixMatch?: string; readonly replaceFullPath?: string };
  };
  readonly requestHeaderModifier?: {
    readonly set?: readonly { readonly name: string; readonly value: string }[];
    readonly add?: readonly { readonly name: string; readonly value: string }[];
    readonly remove?: readonly string[];
  };
}

/** Where a derived route came from. */
export interface GatewayRouteOrigin {
  readonly httpRoute: VsRef;
  readonly rule: number;
  /** Undefined for a rule without matches. */
  readonly match?: number;
}

export interface GatewayConversionOptions {
  /** `namespace/name` of the Gateway. */
  readonly gateway: string;
  readonly clusterDomain: string;
  /** What Istio answers a rule without backends with: 500 before 1.30, 404 from 1.30. */
  readonly noBackendStatus: number;
}

export interface ConvertedHost {
  /** The VirtualService Istio derives for one Gateway and hostname. */
  readonly virtualService: VirtualService;
  /** `origins[i]` is where `virtualService.spec.http[i]` came from. */
  readonly origins: readonly GatewayRouteOrigin[];
  /** What the simulation leaves out (filters it does not model), as field paths. */
  readonly unsupported: readonly string[];
}

function isHttpRoute(object: unknown): object is HttpRouteObject {
  if (typeof object !== 'object' || object === null) return false;
  const o = object as Record<string, unknown>;
  return o.kind === 'HTTPRoute' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('gateway.networking.k8s.io/') &&
    typeof o.spec === 'object' && o.spec !== null && typeof (o.metadata as { name?: unknown } | undefined)?.name === 'string';
}

/**
 * The VirtualService Istio builds for `host` on `options.gateway` from the HTTPRoutes among `objects` that attach
 * to that Gateway and list the host. Routes are ordered as Istio orders them: by creation time, namespace and
 * name, each rule split per match, then stably sorted by Gateway API precedence.
 */
export function convertHttpRoutes(objects: readonly unknown[], host: string, options: GatewayConversionOptions): ConvertedHost {
  const [gwNamespace, gwName] = options.gateway.split('/');
  const attached = objects.filter(isHttpRoute).filter((r) => {
    const ns = r.metadata.namespace ?? DEFAULT_NAMESPACE;
    const toGateway = (r.spec.parentRefs ?? []).some((p) =>
      (p.group ?? 'gateway.networking.k8s.io') === 'gateway.networking.k8s.io' && (p.kind ?? 'Gateway') === 'Gateway' &&
      (p.namespace ?? ns) === gwNamespace && p.name === gwName);
    const hostnames = r.spec.hostnames ?? [];
    return toGateway && (hostnames.length === 0 || hostnames.some((h) => h.toLowerCase() === host.toLowerCase()));
  });
  attached.sort((a, b) => compareText(a.metadata.creationTimestamp ?? '', b.metadata.creationTimestamp ?? '') ||
    compareText(a.metadata.namespace ?? DEFAULT_NAMESPACE, b.metadata.namespace ?? DEFAULT_NAMESPACE) ||
    compareText(a.metadata.name, b.metadata.name));

  const derived: { http: HttpRoute; origin: GatewayRouteOrigin }[] = [];
  const unsupported: string[] = [];
  for (const r of attached) {
    const ns = r.metadata.namespace ?? DEFAULT_NAMESPACE;
    (r.spec.rules ?? []).forEach((rule, ruleIndex) => {
      const httpRoute = { name: r.metadata.name, namespace: ns };
      const base = convertRule(rule, ns, `${ns}.${r.metadata.name}.${ruleIndex}`, options, `${ns}/${r.metadata.name} rules[${ruleIndex}]`, unsupported);
      const matches = rule.matches ?? [];
      if (matches.length === 0) derived.push({ http: base, origin: { httpRoute, rule: ruleIndex } });
      matches.forEach((m, matchIndex) => {
        const path: GatewayPathLike = { type: (m.path?.type ?? 'PathPrefix') as GatewayPathLike['type'], value: m.path?.value ?? '/' };
        const match: HttpMatchRequest = { uri: istioUriOf(path) };
        derived.push({ http: { ...base, match: [match] }, origin: { httpRoute, rule: ruleIndex, match: matchIndex } });
      });
    });
  }
  const sorted = derived.map((d, i) => ({ ...d, i })).sort((a, b) => compareGatewayRoutes(a.http, b.http) || a.i - b.i);
  return {
    virtualService: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: `${gwName}~${host}`, namespace: gwNamespace, annotations: { [ROUTE_SEMANTICS_ANNOTATION]: 'gateway' } },
      spec: { hosts: [host], gateways: [options.gateway], http: sorted.map((d) => d.http) },
    },
    origins: sorted.map((d) => d.origin),
    unsupported,
  };
}

function convertRule(
  rule: HttpRouteRule, ns: string, autoName: string, options: GatewayConversionOptions, at: string, unsupported: string[],
): HttpRoute {
  const out: { -readonly [K in keyof HttpRoute]: HttpRoute[K] } = { name: rule.name ?? autoName };
  for (const filter of rule.filters ?? []) {
    if (filter.type === 'URLRewrite' && filter.urlRewrite) out.rewrite = rewriteOf(filter.urlRewrite);
    else if (filter.type === 'RequestHeaderModifier' && filter.requestHeaderModifier) out.headers = { request: headerOps(filter.requestHeaderModifier) };
    else unsupported.push(`${at}.filters: ${filter.type} is not simulated`);
  }
  if (rule.timeouts?.request !== undefined) out.timeout = rule.timeouts.request;
  if (rule.retry) out.retries = { attempts: rule.retry.attempts ?? 2 };
  const backends = (rule.backendRefs ?? []).filter((b) => (b.weight ?? 1) > 0);
  if (backends.length === 0) {
    out.directResponse = { status: options.noBackendStatus };
    return out;
  }
  out.route = backends.map((b): HttpRouteDestination => {
    const headers = (b.filters ?? []).find((f) => f.type === 'RequestHeaderModifier')?.requestHeaderModifier;
    return {
      destination: { host: `${b.name}.${b.namespace ?? ns}.svc.${options.clusterDomain}`, ...(b.port !== undefined ? { port: { number: b.port } } : {}) },
      ...(backends.length > 1 ? { weight: b.weight ?? 1 } : {}),
      ...(headers ? { headers: { request: headerOps(headers) } } : {}),
    };
  });
  return out;
}

/** conversion.go createRewriteFilter: ReplacePrefixMatch loses its trailing `/` (`/` stays), ReplaceFullPath is a regex rewrite of `/.*`. */
function rewriteOf(f: NonNullable<HttpRouteFilter['urlRewrite']>): NonNullable<HttpRoute['rewrite']> {
  const out: { uri?: string; authority?: string; uriRegexRewrite?: { match: string; rewrite: string } } = {};
  if (f.path?.type === 'ReplacePrefixMatch' && f.path.replacePrefixMatch !== undefined) {
    out.uri = f.path.replacePrefixMatch.replace(/\/$/, '') || '/';
  } else if (f.path?.type === 'ReplaceFullPath' && f.path.replaceFullPath !== undefined) {
    out.uriRegexRewrite = { match: '/.*', rewrite: f.path.replaceFullPath };
  }
  if (f.hostname !== undefined) out.authority = f.hostname;
  return out;
}

function headerOps(m: NonNullable<HttpRouteFilter['requestHeaderModifier']>): { set?: Record<string, string>; add?: Record<string, string> } {
  const toMap = (list: readonly { name: string; value: string }[] | undefined): Record<string, string> | undefined =>
    list && list.length > 0 ? Object.fromEntries(list.map((h) => [h.name, h.value])) : undefined;
  const set = toMap(m.set);
  const add = toMap(m.add);
  return { ...(set ? { set } : {}), ...(add ? { add } : {}) };
}

/** `HTTPRoute kfaas-system/faas-prod-shop-cart rules[1].matches[0]`. */
export function formatGatewayOrigin(o: GatewayRouteOrigin): string {
  return `HTTPRoute ${o.httpRoute.namespace}/${o.httpRoute.name} rules[${o.rule}]${o.match !== undefined ? `.matches[${o.match}]` : ''}`;
}
