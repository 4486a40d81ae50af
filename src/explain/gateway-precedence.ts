import { HttpMatchRequest, HttpRoute, StringMatch } from './virtual-service';

/**
 * Istio's precedence among the routes it derives from Gateway API rules on one Gateway host (istio@1.30.0
 * pilot/pkg/config/kube/gateway/conversion.go sortHTTPRoutes L456-495, getURIRank, getURILength; same since 1.20):
 * a route without a match last; then Exact before PathPrefix before RegularExpression; then the longer path
 * (a PathPrefix counted without its trailing `/`, as createURIMatch stores it, a regex by its pattern length);
 * then a method match first, more header matches first, more query matches first. Anything still equal keeps the
 * input order: older HTTPRoute first, then namespace/name, then rule order (sortRoutesByCreationTime).
 */

/** A Gateway API path match. */
export interface GatewayPathLike {
  readonly type: 'Exact' | 'PathPrefix' | 'RegularExpression';
  readonly value: string;
}

/** Istio's `StringMatch` for a Gateway API path (conversion.go createURIMatch: a PathPrefix loses its trailing `/`). */
export function istioUriOf(path: GatewayPathLike): StringMatch {
  switch (path.type) {
    case 'Exact':
      return { exact: path.value };
    case 'RegularExpression':
      return { regex: path.value };
    case 'PathPrefix':
      return { prefix: path.value === '/' ? '/' : path.value.replace(/\/$/, '') };
  }
}

function uriRank(uri: StringMatch | undefined): number {
  if (!uri) return -1;
  if (uri.exact !== undefined) return 3;
  if (uri.prefix !== undefined) return 2;
  if (uri.regex !== undefined) return 1;
  return -1;
}

function uriLength(uri: StringMatch | undefined): number {
  return (uri?.exact ?? uri?.prefix ?? uri?.regex ?? '').length;
}

/** Negative when `a` is tried before `b`, positive after, 0 when only creation time and names decide. */
function compareGatewayMatches(a: HttpMatchRequest | undefined, b: HttpMatchRequest | undefined): number {
  if (!a && !b) return 0;
  if (!a) return 1;
  if (!b) return -1;
  const ra = uriRank(a.uri);
  const rb = uriRank(b.uri);
  if (ra !== rb) return rb - ra;
  const la = uriLength(a.uri);
  const lb = uriLength(b.uri);
  if (la !== lb) return lb - la;
  const ma = a.method !== undefined ? 1 : 0;
  const mb = b.method !== undefined ? 1 : 0;
  if (ma !== mb) return mb - ma;
  const ha = Object.keys((a.headers as object | undefined) ?? {}).length;
  const hb = Object.keys((b.headers as object | undefined) ?? {}).length;
  if (ha !== hb) return hb - ha;
  return Object.keys((b.queryParams as object | undefined) ?? {}).length - Object.keys((a.queryParams as object | undefined) ?? {}).length;
}

/** Istio's comparator over derived routes (one match each, as Istio splits rules per match). */
export function compareGatewayRoutes(a: HttpRoute, b: HttpRoute): number {
  return compareGatewayMatches(a.match?.[0], b.match?.[0]);
}

/** The same precedence for two Gateway API path matches. */
export function gatewayPrecedence(a: GatewayPathLike, b: GatewayPathLike): number {
  return compareGatewayMatches({ uri: istioUriOf(a) }, { uri: istioUriOf(b) });
}
