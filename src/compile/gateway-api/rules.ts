import { Origin, Route, RouteBehaviour } from '../../model/project';
import { GatewayApiProfile, ISTIO_GATEWAY_API_RETRY_ON, whyUnavailable } from '../../versions/gateway-api';
import { Cluster } from '../../model/project';
import { RouteEntry } from '../entries';
import { describeConditions, isUnconditioned } from '../conditions';
import { describeMatch, Findings } from '../findings';
import { ForwardAction } from '../route-table';
import { GatewayForwardTable, GatewayMatchTable, GatewayRuleTable } from './table';

/** What the translation of one (cluster, environment) needs. */
export interface GatewayRuleContext {
  readonly cluster: Cluster;
  readonly profile: GatewayApiProfile;
  readonly findings: Findings;
  /** The environment name, appended to diagnostics. */
  readonly scope: string;
  /** Each landing route's behaviour in the environment (for the origins of its fields). */
  readonly behaviourOf: (route: string) => RouteBehaviour | undefined;
}

/**
 * Gateway API `HTTPPathMatch` values the CRD's CEL rules accept for Exact and PathPrefix
 * (gateway-api@v1.6.1 config/crd/standard/gateway.networking.k8s.io_httproutes.yaml, rules on
 * `spec.rules[].matches[].path`): only these characters, no `//`, `/./`, `/../`, `%2f`, `#`, no trailing `/.` or `/..`.
 */
const GATEWAY_PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;

/** Why the CRD would reject `value` as an Exact or PathPrefix path, or undefined. */
function gatewayPathProblem(value: string): string | undefined {
  if (!value.startsWith('/')) return 'must start with /';
  if (!GATEWAY_PATH_CHARS.test(value)) return "may only hold letters, digits, -._~!$&'()*+,;=:@/ and %XX escapes";
  for (const bad of ['//', '/./', '/../', '%2f', '%2F', '#']) if (value.includes(bad)) return `must not contain ${bad}`;
  if (value.endsWith('/.') || value.endsWith('/..')) return 'must not end with /. or /..';
  return undefined;
}

/**
 * The Gateway API match of one entry, or undefined (after a diagnostic) when Gateway API cannot express it the way
 * the VirtualService output routes it.
 */
export function translateMatch(entry: RouteEntry, ctx: GatewayRuleContext): GatewayMatchTable | undefined {
  const { kind, value, origin } = entry.match;
  const routeName = JSON.stringify(entry.route.name);
  if (!isUnconditioned(entry.conditions)) {
    error(ctx, 'gateway-api-conditions', origin,
      `route ${routeName}: ${describeMatch(entry.match)}${describeConditions(entry.conditions)}: method, header and query conditions ` +
        'are not rendered as Gateway API matches yet; use output: virtualservice for this cluster or leave the route off it (spec.clusters)');
    return undefined;
  }
  if (kind === 'regex') return { type: 'RegularExpression', value, origin };
  const problem = gatewayPathProblem(value);
  if (problem) {
    error(ctx, 'gateway-api-path', origin,
      `route ${routeName}: ${describeMatch(entry.match)} cannot be a Gateway API path: the HTTPRoute CRD says a path ${problem}`);
    return undefined;
  }
  if (kind === 'exact') return { type: 'Exact', value, origin };
  if (value !== '/' && !value.endsWith('/')) {
    error(ctx, 'gateway-api-prefix-segments', origin,
      `route ${routeName}: Istio's prefix ${JSON.stringify(value)} also matches ${JSON.stringify(value + 'x')}, but a Gateway API ` +
        `PathPrefix matches whole path segments only (gateway-api@v1.6.1 apis/v1/httproute_types.go L505-515), so the HTTPRoute ` +
        `would route differently; end the prefix with "/" (add an exact match for ${JSON.stringify(value)} if that path is served too) ` +
        'or use output: virtualservice for this cluster');
    return undefined;
  }
  return { type: 'PathPrefix', value, origin };
}

/**
 * `URLRewrite.path` for an entry's `rewrite.uri`. Istio's `rewrite.uri` replaces the matched prefix of a prefix
 * match (`P/x` -> `R/x` when both end in `/`) and the whole path otherwise; Gateway API says the same with
 * ReplacePrefixMatch (PathPrefix only) and ReplaceFullPath.
 */
export function translatePathRewrite(
  entry: RouteEntry, match: GatewayMatchTable, action: ForwardAction, ctx: GatewayRuleContext,
): GatewayRuleTable['pathRewrite'] | null {
  const uri = action.rewriteUri;
  if (uri === undefined) return undefined;
  if (match.type !== 'PathPrefix') return { type: 'ReplaceFullPath', value: uri };
  const at = ctx.behaviourOf(entry.route.name) ? entry.match.origin : entry.route.origin;
  if (!uri.endsWith('/')) {
    error(ctx, 'gateway-api-rewrite', at,
      `route ${JSON.stringify(entry.route.name)}: prefix ${JSON.stringify(match.value)} is rewritten to ${JSON.stringify(uri)}; ` +
        `Gateway API's ReplacePrefixMatch keeps the "/" after the prefix (${match.value}x -> ${uri}/x, not ${uri}x); end rewrite.uri with "/"`);
    return null;
  }
  if (match.value === '/') {
    if (uri === '/') return undefined;
    // Istio trims the replacement's "/" and rewrites Envoy's plain prefix "/" (istio@1.30.0 conversion.go L1244,
    // route/route.go L640-652): "/x" -> "<uri without />x", one "/" short.
    error(ctx, 'gateway-api-rewrite', at,
      `route ${JSON.stringify(entry.route.name)}: Istio translates ReplacePrefixMatch ${JSON.stringify(uri)} on PathPrefix "/" ` +
        `into a prefix rewrite that drops the "/" (/x -> ${uri.replace(/\/$/, '')}x); use a longer prefix or output: virtualservice`);
    return null;
  }
  return { type: 'ReplacePrefixMatch', value: uri };
}

/** Timeouts and retries of a forward action, each checked against what the cluster supports. */
export function translateForward(doc: Route, action: ForwardAction, ctx: GatewayRuleContext): GatewayForwardTable | undefined {
  const route = doc.name;
  const behaviour = ctx.behaviourOf(route);
  const { cluster, profile } = ctx;
  const settings = cluster.gatewayApi!;
  let ok = true;
  const out: { -readonly [K in keyof GatewayForwardTable]: GatewayForwardTable[K] } = { destinations: action.destinations };
  const routeOrigin: Origin = { at: doc.origin.at, path: 'spec.timeout' };
  if (action.timeoutMs !== undefined) {
    const why = whyUnavailable(settings, cluster.istio, 'timeouts');
    if (why) {
      error(ctx, 'gateway-api-feature', routeOrigin,
        `route ${JSON.stringify(route)} sets a timeout, which cluster ${cluster.name} cannot express: ${why}`);
      ok = false;
    } else {
      out.timeoutMs = action.timeoutMs;
    }
  }
  // Always set from Istio 1.2.1 on (ver-core omits it only before), so always here (Istio >= 1.20).
  const r = action.retries ?? { attempts: 0 };
  const retryOrigin: Origin = behaviour?.retries?.origin ?? routeOrigin;
  if (r.attempts === 0) {
    if (profile.supports.retryZeroAttempts) out.retry = { attempts: 0 };
  } else {
    const why = whyUnavailable(settings, cluster.istio, 'retry');
    if (why) {
      error(ctx, 'gateway-api-feature', retryOrigin,
        `route ${JSON.stringify(route)} sets retries, which cluster ${cluster.name} cannot express (${why}); ` +
          "without them Istio's default retries would apply instead. Leave retries out on this cluster, or give it what is missing");
      ok = false;
    } else {
      const retry = translateRetryOn(route, r.retryOn, retryOrigin, ctx);
      if (retry === undefined) ok = false;
      else out.retry = { attempts: r.attempts, ...(retry.length > 0 ? { codes: retry } : {}) };
      if (r.perTryTimeoutMs !== undefined) {
        const whyNot = whyUnavailable(settings, cluster.istio, 'timeouts');
        if (whyNot) {
          error(ctx, 'gateway-api-feature', retryOrigin,
            `route ${JSON.stringify(route)} sets retries.perTryTimeout (timeouts.backendRequest), which cluster ${cluster.name} cannot express: ${whyNot}`);
          ok = false;
        } else {
          // The CRD refuses backendRequest > request; a try never outlives the request anyway.
          out.backendTimeoutMs = Math.min(r.perTryTimeoutMs, action.timeoutMs ?? r.perTryTimeoutMs);
        }
      }
    }
  }
  return ok ? out : undefined;
}

/**
 * Istio turns a Gateway API `retry` into `retryOn: connect-failure,refused-stream,unavailable,cancelled` plus the
 * status codes (istio@1.30.0 conversion.go L179-196). Other names cannot be expressed; fewer names retry more.
 * Returns the status codes, or undefined after an error.
 */
function translateRetryOn(route: string, retryOn: readonly string[] | undefined, origin: Origin, ctx: GatewayRuleContext): number[] | undefined {
  if (retryOn === undefined) return [];
  const codes = retryOn.filter((x) => /^\d+$/.test(x)).map(Number).sort((a, b) => a - b);
  const names = retryOn.filter((x) => !/^\d+$/.test(x));
  const foreign = names.filter((n) => !ISTIO_GATEWAY_API_RETRY_ON.includes(n));
  const badCodes = codes.filter((c) => c < 400 || c > 599);
  if (foreign.length > 0 || badCodes.length > 0) {
    const what = [...foreign, ...badCodes.map(String)].join(', ');
    error(ctx, 'gateway-api-retry-on', origin,
      `route ${JSON.stringify(route)}: retryOn ${what} cannot be expressed in Gateway API, whose retry Istio always translates to ` +
        `${ISTIO_GATEWAY_API_RETRY_ON.join(', ')} plus status codes 400-599 (istio@1.30.0 conversion.go L179-196)`);
    return undefined;
  }
  // A shorter list is widened by Istio to all four conditions: documented in the README (Gateway API output).
  return codes;
}

function error(ctx: GatewayRuleContext, code: string, origin: Origin, message: string): void {
  ctx.findings.errorAt(code, origin.at, origin.path, message, ctx.scope);
}
