import { MergedRoute } from '../explain/merge';
import { SampleRequest, isEmptyMatcher, satisfyingRequest } from '../explain/request-match';
import { samplePaths } from '../explain/sample-path';
import { canonicalJson } from './fields';

/**
 * Requests used to probe routing: not just paths. Each carries the host and gateway it is sent to, and the
 * method, headers and query parameters of the explain engine's `SampleRequest`, so routes that match on those
 * are probed with requests that satisfy them (`satisfyingRequest`) and with the bare path, to see where the
 * rest goes. Paths come from the engine's `samplePaths` (regexes included).
 */
export interface ProbeRequest extends SampleRequest {
  /** The request's `:authority`: the VirtualService host it is sent to. */
  readonly host: string;
  /** The Istio Gateway it arrives at, `namespace/name`. */
  readonly gateway: string;
}

/** The request as the explain engine takes it. */
export function engineRequest(probe: ProbeRequest): SampleRequest {
  const { host: _host, gateway: _gateway, ...request } = probe;
  return request;
}

/** `POST /a?x=1 [x-user: 7]` (method, headers and query only when set). */
export function formatProbe(probe: ProbeRequest): string {
  const query = Object.entries(probe.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  const target = query.length === 0 ? probe.path : `${probe.path}${probe.path.includes('?') ? '&' : '?'}${query.join('&')}`;
  const headers = Object.entries(probe.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
  return `${probe.method ? `${probe.method} ` : ''}${target}${headers.length > 0 ? ` [${headers.join(', ')}]` : ''}`;
}

/** Identity of a probe (for de-duplication). */
export function probeKey(probe: ProbeRequest): string {
  return canonicalJson(probe);
}

const pathCache = new Map<string, string[]>();

/**
 * Requests a merged route's match takes: each sample path of its path specifier, with the method, headers and
 * query parameters it asks for; when it asks for any, the bare path too.
 */
export function probesForRoute(route: MergedRoute, host: string, gateway: string): ProbeRequest[] {
  const key = `${route.condition.kind}\n${route.condition.value}`;
  let paths = pathCache.get(key);
  if (!paths) {
    paths = samplePaths(route.condition);
    pathCache.set(key, paths);
  }
  const conditional = !isEmptyMatcher(route.request);
  const out: ProbeRequest[] = [];
  for (const path of paths) {
    const satisfying = conditional ? satisfyingRequest(path, route.request) : undefined;
    if (satisfying) out.push({ host, gateway, ...satisfying });
    out.push({ host, gateway, path });
  }
  return out;
}
