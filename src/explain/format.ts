import { DestinationHit, Explanation, RouteHit } from './explain';
import { formatCondition } from './match';
import { describeRoutePolicies } from './route-policies';
import { formatRequestMatcher, SampleRequest } from './request-match';
import { formatVsRef } from './virtual-service';

/** Route name → `file:line` of the Route document that produced it. */
export type SourceLookup = ReadonlyMap<string, string> | ((routeName: string) => string | undefined);

export interface FormatOptions {
  /** @default no source locations */
  readonly sources?: SourceLookup;
  /**
   * Where a hit was written, e.g. `HTTPRoute kfaas-system/x rules[0].matches[1]` for routes Istio derives from
   * Gateway API objects.
   * @default `<namespace>/<VirtualService> spec.http[i]`
   */
  readonly locate?: (hit: RouteHit) => string | undefined;
}

/** Plain-text report for `kfaas explain`: stable, no colours, one fact per line. */
export function formatExplanation(e: Explanation, options: FormatOptions = {}): string {
  const lines: string[] = [`Request: host ${e.host}, gateway ${e.gateway}, ${describeRequest({ ...e.request, path: e.givenPath ?? e.path })}`];
  if (e.givenPath !== undefined) {
    lines.push(`Normalized path: ${e.path} (given ${e.givenPath}; Istio's default path normalization, as Envoy routes it)`);
  }
  if (e.rejected !== undefined) {
    lines.push(`Rejected: the path holds ${e.rejected}; Envoy answers 400 before any route is matched.`);
    return lines.join('\n') + '\n';
  }
  if (e.domain === undefined) {
    lines.push(`No VirtualService binds host ${e.host} to gateway ${e.gateway}.`);
  } else {
    lines.push(`Virtual host ${e.domain}: ${e.routes.length} route(s) from ${e.order.map(formatVsRef).join(', ')} (merge order)`);
  }
  if (e.winner) {
    lines.push(`Winner: ${describeHit(e.winner, options)}`);
    lines.push(...describeAction(e.winner).map((l) => `  ${l}`));
    lines.push(...describeRoutePolicies(e.winner.http).map((l) => `  ${l}`));
  } else if (e.domain !== undefined) {
    lines.push('No route matched: Envoy answers 404 (NR).');
  }
  if (e.losers.length > 0) {
    lines.push('Also matched, but later in the route list (lost):');
    lines.push(...e.losers.map((hit) => `  ${describeHit(hit, options)}`));
  }
  if (e.warnings.length > 0) {
    lines.push('Warnings:');
    lines.push(...e.warnings.map((w) => `  - ${w}`));
  }
  return lines.join('\n') + '\n';
}

function describeHit(hit: RouteHit, options: FormatOptions): string {
  const sources = options.sources;
  const name = hit.routeName ? `route ${JSON.stringify(hit.routeName)}` : 'unnamed route';
  const at = options.locate?.(hit) ?? `${formatVsRef(hit.virtualService)} spec.http[${hit.httpIndex}]`;
  const via = hit.delegate ? ` via delegate ${formatVsRef(hit.delegate.virtualService)} spec.http[${hit.delegate.httpIndex}]` : '';
  const conditions = hit.match ? formatRequestMatcher(hit.match.request) : '';
  const match = hit.match
    ? `match[${hit.match.index}] ${formatCondition(hit.match.condition)}${conditions ? `, ${conditions}` : ''}`
    : 'no match (every path)';
  const catchAll = hit.catchAll ? ', catch-all' : '';
  const source = hit.routeName ? lookup(sources, hit.routeName) : undefined;
  return `#${hit.position} ${name} in ${at}${via}, ${match}${catchAll}${source ? ` (${source})` : ''}`;
}

/** `path /a?x=1, method POST, headers x-canary=true`: method, headers and extra query parameters when given. */
function describeRequest(r: SampleRequest): string {
  const headers = Object.entries(r.headers ?? {}).map(([k, v]) => `${k}=${v}`);
  const query = Object.entries(r.query ?? {}).map(([k, v]) => `${k}=${v}`);
  return `path ${r.path}` + (r.method !== undefined ? `, method ${r.method}` : '') +
    (headers.length > 0 ? `, headers ${headers.join(' ')}` : '') +
    (query.length > 0 ? `, query ${query.join('&')}` : '');
}

function describeAction(hit: RouteHit): string[] {
  switch (hit.action) {
    case 'redirect':
    case 'directResponse':
      return []; // described with the policies
    case 'abort':
      return ['Action: fault abort of every request; nothing is forwarded'];
    case 'none':
      return ['Action: none (the route has no destination)'];
    case 'route':
      return [`Forwarded path: ${hit.rewrittenPath}`, ...hit.destinations.map(describeDestination)];
  }
}


function describeDestination(d: DestinationHit): string {
  const target = `${d.host}${d.port !== undefined ? `:${d.port}` : ''}${d.subset !== undefined ? ` subset ${d.subset}` : ''}`;
  const from = d.authoritySource === 'route' ? 'route rewrite' : d.authoritySource === 'destination' ? 'destination headers' : 'request host, unchanged';
  return `-> weight ${d.weight}: ${target}, authority ${d.authority} (${from})`;
}

function lookup(sources: SourceLookup | undefined, routeName: string): string | undefined {
  if (!sources) return undefined;
  return typeof sources === 'function' ? sources(routeName) : sources.get(routeName);
}
