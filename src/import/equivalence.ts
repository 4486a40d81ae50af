import { RouteHit, explainPath } from '../explain/explain';
import { PathCondition, toPathCondition } from '../explain/match';
import { MergedVirtualHost, mergeVirtualHost } from '../explain/merge';
import { RouteIndex } from '../explain/route-index';
import { samplePaths } from '../explain/sample-path';
import { isEmptyMatcher, readRequestMatcher, SampleRequest, satisfyingRequest } from '../explain/request-match';
import { VirtualService, formatVsRef } from '../explain/virtual-service';

/** One sample request of the proof and what it reaches before and after the import. */
export interface SampleResult {
  /** The request: its path, and method, headers and query when the match has conditions. */
  readonly path: string;
  /** The original object and match the sample was made from. */
  readonly from: string;
  /** What the original objects do: one outcome, or several when the merge order decides (order-dependent). */
  readonly original: readonly string[];
  /** Under Istio's order of the given creation times, when every original object has one. */
  readonly originalByCreationTime?: string;
  readonly rendered: string;
  /** Several original objects match and route differently: the outcome depends on Istio's merge order. */
  readonly orderDependent: boolean;
  /** The rendered outcome is one the original objects can produce (the only one when not order-dependent). */
  readonly equivalent: boolean;
}

export interface EquivalenceResult {
  readonly samples: readonly SampleResult[];
  /** Samples whose rendered outcome the originals never produce. */
  readonly differences: readonly SampleResult[];
  readonly orderDependent: readonly SampleResult[];
}

export interface EquivalenceQuery {
  readonly host: string;
  /** `namespace/name` of the gateway both sets of objects are compared on. */
  readonly gateway: string;
}

/**
 * Proof of an import: for sample paths of every match in the original objects (the same samples `kfaas explain`
 * generates, regexes included), which service, authority and forwarded path each reaches through the original
 * objects versus the rendered ones. Istio merges the originals in creation-time order, which GitOps does not
 * control, so an original outcome is the set of what every merge order can give: the first matching route of
 * any object that matches (non-catch-all routes before catch-alls, as Istio sorts them). A sample is equivalent
 * when the rendered outcome is in that set; several outcomes make it order-dependent (the shadowing kfaas
 * removes: the rendered routes take the most specific).
 */
export function proveEquivalence(
  originals: readonly VirtualService[],
  rendered: readonly unknown[],
  query: EquivalenceQuery,
): EquivalenceResult {
  const before = mergeVirtualHost(originals, query);
  const after = mergeVirtualHost(rendered, query);
  const beforeIndex = new RouteIndex(before);
  const afterIndex = new RouteIndex(after);
  const timed = originals.length > 0 && originals.every((vs) => vs.metadata.creationTimestamp !== undefined);

  const samples: SampleResult[] = [];
  const seen = new Set<string>();
  for (const vs of originals) {
    (vs.spec.http ?? []).forEach((http, i) => {
      const matches = http.match && http.match.length > 0 ? http.match : [{}];
      matches.forEach((m, j) => {
        const condition: PathCondition = toPathCondition(m.uri, m.ignoreUriCase === true) ?? { kind: 'prefix', value: '/' };
        const matcher = readRequestMatcher(m);
        for (const path of samplePaths(condition)) {
          // The bare request, and one that meets the match's method, header and query conditions.
          const conditioned = isEmptyMatcher(matcher) ? undefined : satisfyingRequest(path, matcher);
          for (const request of conditioned ? [path, conditioned] : [path]) {
            const key = JSON.stringify(request);
            if (seen.has(key)) continue;
            seen.add(key);
            samples.push(sample(request, `${formatVsRef({ name: vs.metadata.name, namespace: vs.metadata.namespace ?? 'default' })} spec.http[${i}].match[${j}]`));
          }
        }
      });
    });
  }
  return {
    samples,
    differences: samples.filter((s) => !s.equivalent),
    orderDependent: samples.filter((s) => s.orderDependent),
  };

  function sample(request: string | SampleRequest, from: string): SampleResult {
    const original = possibleOutcomes(before, beforeIndex, request);
    const rendered = outcome(explainPath(after, request, afterIndex).winner);
    const known = timed ? outcome(explainPath(before, request, beforeIndex).winner) : undefined;
    return {
      path: describeRequest(request),
      from,
      original,
      ...(known !== undefined ? { originalByCreationTime: known } : {}),
      rendered,
      orderDependent: original.length > 1,
      equivalent: original.includes(rendered),
    };
  }
}

/** Every outcome some merge order of the objects gives for `path`. */
function possibleOutcomes(merged: MergedVirtualHost, index: RouteIndex, request: string | SampleRequest): string[] {
  const { winner, losers } = explainPath(merged, request, index);
  if (!winner) return [outcome(undefined)];
  const hits = [winner, ...losers];
  const firstPerObject = new Map<string, RouteHit>();
  for (const hit of hits) {
    const key = formatVsRef(hit.virtualService);
    if (!firstPerObject.has(key)) firstPerObject.set(key, hit);
  }
  const firsts = [...firstPerObject.values()];
  const specific = firsts.filter((h) => !h.catchAll);
  const winners = specific.length > 0 ? specific : firsts;
  return [...new Set(winners.map(outcome))].sort();
}

/** `/a/b`, or `POST /a/b header x-canary=true query v=1` for a request with conditions. */
function describeRequest(request: string | SampleRequest): string {
  if (typeof request === 'string') return request;
  const parts = [request.method && request.method !== 'GET' ? `${request.method} ${request.path}` : request.path];
  for (const [k, v] of Object.entries(request.headers ?? {})) parts.push(`header ${k}=${v}`);
  for (const [k, v] of Object.entries(request.query ?? {})) parts.push(`query ${k}=${v}`);
  return parts.join(' ');
}

/** What a request reaches: destinations (authority, weight) and the forwarded path; or the kind of answer. */
export function outcome(hit: RouteHit | undefined): string {
  if (!hit) return 'no route (404)';
  if (hit.action !== 'route') return hit.action;
  const destinations = hit.destinations
    .map((d) => `${d.authority}${hit.destinations.length > 1 ? ` ${d.weight}%` : ''}`)
    .sort()
    .join(' + ');
  return `${destinations} path ${hit.rewrittenPath}`;
}
