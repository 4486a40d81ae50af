import { regexFullMatch, regexSamples } from '../regex';
import { splitPath } from './match';
import { HttpMatchRequest, StringMatch } from './virtual-service';

/**
 * Envoy's request conditions besides the path, as Istio translates them (istio `route/route.go`
 * translateRouteMatch): `method` is a `:method` header match, `headers` header matchers, `withoutHeaders` the same
 * with `invert_match` (true when the header is absent or does not match), `queryParams` query parameter matchers
 * (the parameter must be present). A header StringMatch without a kind is a presence match.
 */

/** One request, as `kfaas explain` and the order proofs send it. */
export interface SampleRequest {
  /** Path, optionally with a query string (`/a?x=1`); the query string joins `query`. */
  readonly path: string;
  /** @default 'GET' */
  readonly method?: string;
  /** Header values by name (names are case-insensitive). @default none */
  readonly headers?: Readonly<Record<string, string>>;
  /** Query parameters besides those in `path`; these win over the path's. @default none */
  readonly query?: Readonly<Record<string, string>>;
}

/** The conditions of one Istio match besides the path. */
export interface RequestMatcher {
  readonly method?: StringMatch;
  readonly headers: readonly (readonly [string, StringMatch])[];
  readonly withoutHeaders: readonly (readonly [string, StringMatch])[];
  readonly queryParams: readonly (readonly [string, StringMatch])[];
}

/** Match fields {@link readRequestMatcher} evaluates. */
export const EVALUATED_MATCH_FIELDS: readonly string[] = ['method', 'headers', 'withoutHeaders', 'queryParams'];

/** The request conditions of an Istio match (none for a route without one). */
export function readRequestMatcher(match: HttpMatchRequest | undefined): RequestMatcher {
  const entries = (field: string): [string, StringMatch][] =>
    Object.entries((match?.[field] as Record<string, StringMatch> | undefined) ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? {}]);
  const method = match?.method as StringMatch | undefined;
  return {
    ...(method ? { method } : {}),
    headers: entries('headers'),
    withoutHeaders: entries('withoutHeaders'),
    queryParams: Object.entries((match?.queryParams as Record<string, StringMatch> | undefined) ?? {}),
  };
}

/** True when the matcher has no condition at all. */
export function isEmptyMatcher(m: RequestMatcher): boolean {
  return !m.method && m.headers.length === 0 && m.withoutHeaders.length === 0 && m.queryParams.length === 0;
}

/** Does the request meet every condition? */
export function matchesRequest(m: RequestMatcher, request: SampleRequest): boolean {
  if (m.method && !stringMatches(m.method, request.method ?? 'GET')) return false;
  const headers = lowerKeys(request.headers);
  for (const [name, sm] of m.headers) {
    const value = headers.get(name);
    if (value === undefined || !stringMatches(sm, value)) return false;
  }
  for (const [name, sm] of m.withoutHeaders) {
    const value = headers.get(name);
    if (value !== undefined && stringMatches(sm, value)) return false;
  }
  const query = requestQuery(request);
  for (const [name, sm] of m.queryParams) {
    const value = query.get(name);
    if (value === undefined || !stringMatches(sm, value)) return false;
  }
  return true;
}

/** Query parameters of a request: those of its path (first value of each name), then `query` on top. */
function requestQuery(request: SampleRequest): Map<string, string> {
  const out = new Map<string, string>();
  const { query } = splitPath(request.path);
  for (const pair of query.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (!out.has(name)) out.set(name, eq < 0 ? '' : pair.slice(eq + 1));
  }
  for (const [k, v] of Object.entries(request.query ?? {})) out.set(k, v);
  return out;
}

/** Envoy StringMatcher: exact, prefix, RE2 full match; no kind means any value (presence). */
function stringMatches(sm: StringMatch, value: string): boolean {
  if (sm.exact !== undefined) return value === sm.exact;
  if (sm.prefix !== undefined) return value.startsWith(sm.prefix);
  if (sm.regex !== undefined) return regexFullMatch(sm.regex, value);
  return true;
}

/**
 * A request on `path` that meets every condition of `m`, or undefined when kfaas cannot build one (a regex it
 * cannot sample). Deterministic; used for order proofs and routing-impact samples.
 */
export function satisfyingRequest(path: string, m: RequestMatcher): SampleRequest | undefined {
  const method = m.method ? sampleValue(m.method) : undefined;
  if (m.method && method === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, sm] of m.headers) {
    const v = sampleValue(sm);
    if (v === undefined) return undefined;
    headers[name] = v;
  }
  const query: Record<string, string> = {};
  for (const [name, sm] of m.queryParams) {
    const v = sampleValue(sm);
    if (v === undefined) return undefined;
    query[name] = v;
  }
  const request: SampleRequest = {
    path,
    ...(method !== undefined ? { method } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(Object.keys(query).length > 0 ? { query } : {}),
  };
  return matchesRequest(m, request) ? request : undefined;
}

function sampleValue(sm: StringMatch): string | undefined {
  if (sm.exact !== undefined) return sm.exact;
  if (sm.prefix !== undefined) return `${sm.prefix}kfaas-sample`;
  if (sm.regex === undefined) return 'kfaas-sample';
  let candidates: string[];
  try {
    candidates = regexSamples(sm.regex, 4, { path: false });
  } catch {
    candidates = [];
  }
  return [...candidates, 'kfaas-sample', ''].find((c) => !/[\r\n]/.test(c) && regexFullMatch(sm.regex!, c));
}

/** `method GET, header x-canary exact "true", without header x-old, query v regex "[0-9]+"` ('' when none). */
export function formatRequestMatcher(m: RequestMatcher): string {
  const parts: string[] = [];
  if (m.method) parts.push(`method ${formatStringMatch(m.method)}`);
  for (const [n, sm] of m.headers) parts.push(`header ${n} ${formatStringMatch(sm)}`);
  for (const [n, sm] of m.withoutHeaders) {
    const any = formatStringMatch(sm) === 'present';
    parts.push(any ? `header ${n} absent` : `header ${n} not ${formatStringMatch(sm)}`);
  }
  for (const [n, sm] of m.queryParams) parts.push(`query ${n} ${formatStringMatch(sm)}`);
  return parts.join(', ');
}

function formatStringMatch(sm: StringMatch): string {
  if (sm.exact !== undefined) return `exact ${JSON.stringify(sm.exact)}`;
  if (sm.prefix !== undefined) return `prefix ${JSON.stringify(sm.prefix)}`;
  if (sm.regex !== undefined) return sm.regex === '.*' ? 'present' : `regex ${JSON.stringify(sm.regex)}`;
  return 'present';
}

function lowerKeys(headers: Readonly<Record<string, string>> | undefined): Map<string, string> {
  return new Map(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}
