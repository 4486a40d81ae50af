import { DestinationTable, ForwardAction, HttpRouteTable, MatchTable, RedirectAction, RetryTable } from '../../compile/route-table';
import { HeaderTest, QueryTest } from '../../model/project';
import { VersionProfile } from '../../versions/profile';
import { durationJson } from './duration';
import { policiesJson } from './policies';
import { rememberPruned } from '../yaml';

export { durationJson } from './duration';

/**
 * Pure translation of one compiled HTTP route entry into Istio's `spec.http[i]` JSON (no cdk8s), in the
 * spirit of net-istio's `Make*` functions. Key order is fixed (name, match, then rewrite, route, timeout,
 * retries; or redirect; or directResponse; or delegate; then fault, corsPolicy, headers) and nothing is ever
 * null, undefined or empty, so the output is canonical.
 */
export function httpRouteJson(http: HttpRouteTable, profile: VersionProfile): Record<string, unknown> {
  return buildHttpRouteJson(http, gatewayOf(profile));
}

/** All of a cluster's profile that a route's JSON depends on: where the routes go, and whether a split can. */
interface LocalGateway {
  readonly host: string;
  readonly port: number;
  readonly perDestinationAuthority: boolean;
}

function gatewayOf(profile: VersionProfile): LocalGateway {
  return { host: profile.localGatewayHost, port: profile.localGatewayPort, perDestinationAuthority: profile.perDestinationAuthority };
}

/** Shared JSON by HTTP route table and {@link LocalGateway} (as text). */
const sharedJson = new WeakMap<HttpRouteTable, Map<string, Record<string, unknown>>>();
const gatewayKeys = new WeakMap<VersionProfile, string>();
const sizes = new WeakMap<Record<string, unknown>, number>();

/**
 * What of `profile` an HTTP route's JSON (and so its size) depends on, as text: profiles with the same key give every
 * route the same JSON (the compiler shares route entries and their sizes between such clusters).
 */
export function httpRouteProfileKey(profile: VersionProfile): string {
  let key = gatewayKeys.get(profile);
  if (key === undefined) {
    const g = gatewayOf(profile);
    gatewayKeys.set(profile, (key = `${g.host}\u0000${g.port}\u0000${g.perDestinationAuthority}`));
  }
  return key;
}

/**
 * `httpRouteJson(http, profile)`, built once per route table and local gateway: the tables of the clusters hosting
 * an environment share their route entries (compile-environment.ts), so the compiler's size measure and the
 * emitter of every such cluster get the same object, which the YAML writer then serializes once. Callers must
 * not change it.
 */
export function sharedHttpRouteJson(http: HttpRouteTable, profile: VersionProfile): Record<string, unknown> {
  const key = httpRouteProfileKey(profile);
  let byGateway = sharedJson.get(http);
  if (!byGateway) sharedJson.set(http, (byGateway = new Map()));
  let json = byGateway.get(key);
  // Canonical by construction: checked once here, so that rendering it in every cluster does not prune it again.
  if (!json) byGateway.set(key, (json = rememberPruned(buildHttpRouteJson(http, gatewayOf(profile)))));
  return json;
}

function buildHttpRouteJson(http: HttpRouteTable, gateway: LocalGateway): Record<string, unknown> {
  const out: Record<string, unknown> = { name: http.name };
  if (http.matches.length > 0) out.match = http.matches.map(matchJson);
  const action = http.action;
  switch (action.type) {
    case 'delegate':
      out.delegate = { name: action.name, namespace: action.namespace };
      return out;
    case 'redirect':
      out.redirect = redirectJson(action);
      return { ...out, ...policiesJson(action) };
    case 'directResponse':
      out.directResponse = { status: action.status, ...(action.body !== undefined ? { body: { string: action.body } } : {}) };
      return { ...out, ...policiesJson(action) };
    case 'forward': {
      const rewrite = rewriteJson(http, action);
      if (rewrite) out.rewrite = rewrite;
      out.route = routeJson(http, action, gateway);
      if (action.timeoutMs !== undefined) out.timeout = durationJson(action.timeoutMs);
      if (action.retries) out.retries = retriesJson(action.retries);
      return { ...out, ...policiesJson(action) };
    }
  }
}

/** Istio `HTTPRedirect`: uri, authority, port, scheme, redirectCode (written only when not the default 301). */
function redirectJson(r: RedirectAction): Record<string, unknown> {
  return {
    ...(r.uri !== undefined ? { uri: r.uri } : {}),
    ...(r.authority !== undefined ? { authority: r.authority } : {}),
    ...(r.port !== undefined ? { port: r.port } : {}),
    ...(r.scheme !== undefined ? { scheme: r.scheme } : {}),
    ...(r.code !== undefined ? { redirectCode: r.code } : {}),
  };
}

/**
 * One Istio `HTTPMatchRequest`: `uri`, then `method`, `headers`, `withoutHeaders` and `queryParams`. A `present`
 * header is the RE2 `.*` (any value, header required), which every Istio version takes; `absent` is the same
 * test under `withoutHeaders` (Envoy `invert_match`, Istio >= 1.6; the compiler refuses it before).
 */
function matchJson(m: MatchTable): Record<string, unknown> {
  const out: Record<string, unknown> = { uri: { [m.kind]: m.value } };
  if (m.method !== undefined) out.method = { exact: m.method };
  const present = (m.headers ?? []).filter((h) => h.test.kind !== 'absent');
  const absent = (m.headers ?? []).filter((h) => h.test.kind === 'absent');
  if (present.length > 0) out.headers = Object.fromEntries(present.map((h) => [h.name, stringMatchJson(h.test)]));
  if (absent.length > 0) out.withoutHeaders = Object.fromEntries(absent.map((h) => [h.name, { regex: ANY_VALUE }]));
  if (m.query && m.query.length > 0) out.queryParams = Object.fromEntries(m.query.map((q) => [q.name, stringMatchJson(q.test)]));
  return out;
}

/** RE2 (and ECMAScript, for Istio < 1.4) pattern of any header value, the empty one included. */
const ANY_VALUE = '.*';

function stringMatchJson(test: HeaderTest | QueryTest): Record<string, string> {
  return 'value' in test ? { [test.kind]: test.value } : { regex: ANY_VALUE };
}

function rewriteJson(http: HttpRouteTable, action: ForwardAction): Record<string, string> | undefined {
  const rewrite: Record<string, string> = {};
  if (action.rewriteUri !== undefined) rewrite.uri = action.rewriteUri;
  // Istio lets the authority be set only once per route: route-level for one destination, per destination
  // (headers.request.set.host) for a split.
  if (action.destinations.length === 1) rewrite.authority = singleDestination(http, action).authority;
  return Object.keys(rewrite).length > 0 ? rewrite : undefined;
}

function routeJson(http: HttpRouteTable, action: ForwardAction, gateway: LocalGateway): Record<string, unknown>[] {
  const destination = { host: gateway.host, port: { number: gateway.port } };
  if (action.destinations.length <= 1) {
    singleDestination(http, action);
    return [{ destination }];
  }
  if (!gateway.perDestinationAuthority) {
    // The compiler refuses such routes with a diagnostic; reaching this is a bug, never a user error.
    throw new Error(
      `route '${http.name}' (${http.route}) splits traffic between ${action.destinations.length} services, ` +
        'which needs per-destination authority (Istio >= 1.12)',
    );
  }
  return action.destinations.map((d: DestinationTable) => ({
    destination: { host: destination.host, port: { number: destination.port.number } },
    weight: d.weight,
    headers: { request: { set: { host: d.authority } } },
  }));
}

function singleDestination(http: HttpRouteTable, action: ForwardAction): DestinationTable {
  const d = action.destinations[0];
  if (!d) throw new Error(`route '${http.name}' (${http.route}) has no destination`);
  return d;
}

function retriesJson(r: RetryTable): Record<string, unknown> {
  const out: Record<string, unknown> = { attempts: r.attempts };
  if (r.perTryTimeoutMs !== undefined) out.perTryTimeout = durationJson(r.perTryTimeoutMs);
  if (r.retryOn !== undefined && r.retryOn.length > 0) out.retryOn = r.retryOn.join(',');
  return out;
}

/** Column of the keys of a `spec.http[i]` entry in a rendered VirtualService (`spec:` / `  http:` / `    - name`). */
const HTTP_ENTRY_KEY_COLUMN = 6;

/**
 * Upper bound of the bytes `httpRouteJson(http, profile)` takes inside a rendered VirtualService's
 * `spec.http` list (js-yaml block style, indent 2, lineWidth -1, as render.ts writes it).
 *
 * Walks the JSON once instead of serializing it: exact for keys, numbers and plain strings, and an upper
 * bound for strings js-yaml quotes or escapes, so the result is always >= the real size. The compiler calls
 * it for every entry to pack VirtualServices under the object size limit (once per shared JSON object).
 */
export function sizeOfHttpRoute(http: HttpRouteTable, profile: VersionProfile): number {
  const json = sharedHttpRouteJson(http, profile);
  let size = sizes.get(json);
  if (size === undefined) sizes.set(json, (size = blockMappingBytes(json, HTTP_ENTRY_KEY_COLUMN)));
  return size;
}

/** Bytes of a mapping whose keys are written at `col` (the first key may share a `- ` line: same width). */
function blockMappingBytes(obj: Record<string, unknown>, col: number): number {
  let bytes = 0;
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (value === undefined || value === null) continue;
    // `<indent><key>:`
    bytes += col + scalarBytes(key, col) + 1;
    if (Array.isArray(value)) {
      bytes += 1 + blockSequenceBytes(value, col + 2);
    } else if (typeof value === 'object') {
      bytes += 1 + blockMappingBytes(value as Record<string, unknown>, col + 2);
    } else {
      bytes += 1 + scalarBytes(value, col) + 1;
    }
  }
  return bytes;
}

/** Bytes of a sequence whose `- ` markers are written at `col`. */
function blockSequenceBytes(items: readonly unknown[], col: number): number {
  let bytes = 0;
  for (const item of items) {
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      bytes += blockMappingBytes(item as Record<string, unknown>, col + 2);
    } else if (Array.isArray(item)) {
      bytes += col + 2 + 1 + blockSequenceBytes(item, col + 2);
    } else {
      bytes += col + 2 + scalarBytes(item, col) + 1;
    }
  }
  return bytes;
}

/**
 * Strings js-yaml certainly writes plain: paths (`/...`), durations (`1.5s`) and names/hosts too long to read as
 * null, bool or a number.
 */
const CERTAINLY_PLAIN = /^(?:\/[A-Za-z0-9/._~-]*|\d+(?:\.\d+)?s|[A-Za-z][A-Za-z0-9._-]{5,})$/;
/** The keys httpRouteJson writes: all plain. */
const PLAIN_KEYS = new Set([
  'name', 'match', 'uri', 'exact', 'prefix', 'regex', 'rewrite', 'authority', 'route', 'destination', 'host', 'port',
  'number', 'weight', 'headers', 'request', 'set', 'timeout', 'retries', 'attempts', 'perTryTimeout', 'retryOn',
  'delegate', 'namespace', 'method', 'withoutHeaders', 'queryParams', 'redirect', 'redirectCode', 'scheme',
  'directResponse', 'status', 'body', 'string', 'fault', 'delay', 'fixedDelay', 'percentage', 'value', 'abort',
  'httpStatus', 'corsPolicy', 'allowOrigins', 'allowOrigin', 'allowMethods', 'allowHeaders', 'exposeHeaders',
  'maxAge', 'allowCredentials', 'response', 'add', 'remove',
]);

/** Upper bound of a scalar's bytes as js-yaml writes it (plain, single-quoted, double-quoted or literal). */
function scalarBytes(value: unknown, col: number): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value).length;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length + 2;
  const s = String(value);
  if (PLAIN_KEYS.has(s) || CERTAINLY_PLAIN.test(s)) return s.length;
  let quotes = 0;
  let printableAscii = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x27) quotes++;
    else if (c < 0x20 || c > 0x7e) {
      printableAscii = false;
      break;
    }
  }
  // Printable ASCII: plain, or single-quoted with doubled quotes.
  if (printableAscii) return s.length + 2 + quotes;
  // Anything else: the worse of double-quoted (each UTF-16 unit escapes to at most 6 bytes) and a literal block
  // (`|-` header plus an indented line per line break).
  const lines = s.split('\n').length;
  return Math.max(2 + 6 * s.length, 5 + lines * (col + 3) + Buffer.byteLength(s));
}
