/**
 * Request paths as Envoy routes them under Istio's default path normalization.
 *
 * Istio's default `meshConfig.pathNormalization` (DEFAULT, the same as BASE) sets the HTTP connection manager's
 * `normalize_path: true`, keeps escaped slashes unchanged and does not merge slashes (istio/istio@7fd2c08f
 * `pilot/pkg/networking/core/listener_builder.go`, buildHTTPConnectionManager). Envoy then canonicalizes each
 * request path with Chromium's URL path canonicalizer before any route is matched (envoyproxy/envoy@01f8613d
 * `source/common/chromium_url/url_canon_path.cc`, kPathCharLookup and DoPartialPath):
 *
 * - `%XX` of an unreserved character (letters, digits, `-`, `.`, `_`, `~`) is decoded; other escapes are kept
 *   exactly as written (hex case included); a `%` not followed by two hex digits is kept as is;
 * - `\` becomes `/`;
 * - non-ASCII characters are percent-encoded as UTF-8, as are controls, space, `"`, `#`, `<`, `>`, `` ` ``, `^`,
 *   `{`, `|`, `}` and DEL; NUL (raw or `%00`) fails normalization, and Envoy answers 400;
 * - `.` and `..` segments (also as `%2E`) are removed (RFC 3986 section 5.2.4); `//` is kept.
 *
 * Istio's integration test shows the result for BASE (istio/istio@fd359620
 * `tests/integration/security/normalization_test.go`): `/app/../admin` → `/admin`, `/xyz%30..//abc` →
 * `/xyz0..//abc`, `/app/%2E./admin` → `/admin`, `/app\admin` → `/app/admin`, `/app/%2f` unchanged.
 *
 * A route condition is compared with the normalized path, so a prefix or exact path that is not itself in
 * normalized form can never match what it says; {@link routePathProblem} names the form to write instead.
 */

/** The JSON Schema's `HttpPath` pattern (schema/kfaas.schema.json): values it refuses are reported there, once. */
export const HTTP_PATH_PATTERN = /^\/[^\s?#]*$/;

/** The result of normalizing a request path. */
export interface NormalizedRequestPath {
  /** The path Envoy routes on (the query string, if any, unchanged). */
  readonly path: string;
  /** Why Envoy would answer 400 instead of routing (a NUL character); undefined when it routes. */
  readonly rejected?: string;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const HEX2 = /^[0-9A-Fa-f]{2}$/;
/** ASCII characters Chromium's path canonicalizer percent-encodes (besides controls and DEL). */
const ESCAPED_ASCII = new Set([' ', '"', '#', '<', '>', '`', '^', '{', '|', '}']);

/** Normalizes a request path (with an optional `?query`, left untouched) the way Istio's default does. */
export function normalizeRequestPath(pathAndQuery: string): NormalizedRequestPath {
  const q = pathAndQuery.indexOf('?');
  const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  const query = q < 0 ? '' : pathAndQuery.slice(q);
  const chars = canonicalCharacters(path);
  return { path: removeDotSegments(chars.text) + query, ...(chars.rejected ? { rejected: chars.rejected } : {}) };
}

/** Per-character canonicalization (escapes, backslashes); dot segments are left to removeDotSegments. */
function canonicalCharacters(path: string): { text: string; rejected?: string } {
  let text = '';
  let rejected: string | undefined;
  for (let i = 0; i < path.length; i++) {
    const cp = path.codePointAt(i)!;
    const c = String.fromCodePoint(cp);
    if (cp > 0xffff) i++;
    if (cp === 0) {
      rejected = 'a NUL character';
      text += '%00';
    } else if (cp >= 0x80) {
      text += utf8Escapes(c);
    } else if (c === '\\') {
      text += '/';
    } else if (c === '%') {
      const hex = path.slice(i + 1, i + 3);
      if (!HEX2.test(hex)) {
        text += '%';
        continue;
      }
      const decoded = String.fromCharCode(parseInt(hex, 16));
      if (decoded === '\0') rejected = 'an escaped NUL (%00)';
      text += UNRESERVED.test(decoded) ? decoded : `%${hex}`;
      i += 2;
    } else if (cp < 0x20 || cp === 0x7f || ESCAPED_ASCII.has(c)) {
      text += escapeByte(cp);
    } else {
      text += c;
    }
  }
  return rejected ? { text, rejected } : { text };
}

/** RFC 3986 remove_dot_segments over a path starting with '/'; empty segments (`//`) are kept. */
function removeDotSegments(path: string): string {
  if (!path.startsWith('/')) return path;
  const segments = path.slice(1).split('/');
  const out: string[] = [];
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..') out.pop();
      if (last) out.push('');
      return;
    }
    out.push(segment);
  });
  return `/${out.join('/')}`;
}

function escapeByte(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

function utf8Escapes(c: string): string {
  return [...Buffer.from(c, 'utf8')].map(escapeByte).join('');
}

/** How a route path condition is compared: the whole path, or its start. */
export type RoutePathKind = 'exact' | 'prefix' | 'regex-literal';

/**
 * Why no request can carry `value` as written (a prefix, an exact path, or the literal part of a regex), with the
 * form to write; undefined when it is in normalized form. Escapes kept as written are expected upper-case
 * (RFC 3986 section 6.2.2.1: a client sending `%2f` does not match `%2F`, so kfaas accepts one spelling).
 */
export function routePathProblem(value: string, kind: RoutePathKind): string | undefined {
  const reasons = problemsOf(value, kind);
  if (reasons.length === 0) return undefined;
  const form = routePathForm(value, kind);
  const what = kind === 'regex-literal' ? `the literal part ${JSON.stringify(value)} of this regex is` : `${JSON.stringify(value)} is`;
  const expected = kind === 'regex-literal' ? `the literal part written as "${form}"` : `"${form}"`;
  return `${what} not a path as Envoy routes it after Istio's default path normalization: ${reasons.join('; ')}; expected ${expected}`;
}

/** The normalized spelling of a route path: what requests arrive as, escapes upper-case, a stray `%` as `%25`. */
export function routePathForm(value: string, kind: RoutePathKind): string {
  const strayPercent = value.replace(/%(?![0-9A-Fa-f]{2})/g, (m, at: number) => (kind === 'regex-literal' && at >= value.length - 2 ? m : '%25'));
  const upper = strayPercent.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => `%${hex.toUpperCase()}`);
  const normalized = normalizeRequestPath(upper).path;
  return kind === 'regex-literal' ? keepTrailingPartialSegment(value, normalized) : normalized;
}

/** A regex literal may stop inside a segment (`/a/..` of `/a/..x.*`): its last segment is no dot segment yet. */
function keepTrailingPartialSegment(value: string, normalized: string): string {
  const cut = value.lastIndexOf('/');
  const tail = value.slice(cut + 1);
  if (tail !== '.' && tail !== '..') return normalized;
  return `${routePathForm(value.slice(0, cut + 1), 'regex-literal')}${tail}`;
}

/**
 * Printable ASCII but for `%`, `\\` and the characters Chromium escapes (ESCAPED_ASCII): a path of these alone can
 * only have dot segments wrong (the other reasons below all need another character).
 */
const PLAIN_PATH = /^[!$&-;=?-[\]_a-z~]*$/;

/** Why `value` is not in normalized form (empty when it is): {@link pathProblems}, plain paths answered first. */
export function problemsOf(value: string, kind: RoutePathKind): string[] {
  // Most route paths are plain (`/faas/api/team-08/svc-58/`): answered without pathProblems' per-character arrays.
  if (PLAIN_PATH.test(value)) return value.includes('.') && hasDotSegment(value, kind) ? [DOT_SEGMENTS] : [];
  return pathProblems(value, kind);
}

/** Why `value` is not in normalized form (empty when it is), every reason checked. */
export function pathProblems(value: string, kind: RoutePathKind): string[] {
  const reasons: string[] = [];
  const nonAscii = [...value].filter((c) => c.codePointAt(0)! >= 0x80);
  if (nonAscii.length > 0) {
    reasons.push(`${describeChars(nonAscii)} ${nonAscii.length === 1 ? 'is' : 'are'} not ASCII, and requests carry ${nonAscii.length === 1 ? 'it' : 'them'} percent-encoded as UTF-8`);
  }
  const controls = [...value].filter((c) => c.codePointAt(0)! < 0x20 || c === '\x7f');
  if (controls.length > 0) reasons.push(`${describeChars(controls)} ${controls.length === 1 ? 'is a control character, which arrives' : 'are control characters, which arrive'} percent-encoded`);
  const escaped = [...new Set([...value].filter((c) => ESCAPED_ASCII.has(c)))];
  if (escaped.length > 0) reasons.push(`${escaped.map((c) => `'${c}'`).join(', ')} arrive${escaped.length === 1 ? 's' : ''} percent-encoded`);
  if (value.includes('\\')) reasons.push("'\\' arrives as '/'");
  const stray = [...value.matchAll(/%(?![0-9A-Fa-f]{2})/g)].filter((m) => kind !== 'regex-literal' || m.index! < value.length - 2);
  if (stray.length > 0) reasons.push("a '%' not followed by two hex digits is no escape (a literal '%' is written %25)");
  const escapes = [...value.matchAll(/%([0-9A-Fa-f]{2})/g)].map((m) => m[0]);
  const unreserved = [...new Set(escapes.filter((e) => UNRESERVED.test(String.fromCharCode(parseInt(e.slice(1), 16)))))];
  if (unreserved.length > 0) reasons.push(`${unreserved.join(', ')} ${unreserved.length === 1 ? 'is an escaped unreserved character, which arrives' : 'are escaped unreserved characters, which arrive'} decoded`);
  const lower = [...new Set(escapes.filter((e) => !unreserved.includes(e) && e !== e.toUpperCase()))];
  if (lower.length > 0) reasons.push(`${lower.join(', ')}: escapes are compared as the client wrote them, and RFC 3986 clients write them upper-case`);
  if (value.includes('\0') || /%00/.test(value)) reasons.push('NUL makes Envoy answer 400');
  if (hasDotSegment(value, kind)) reasons.push(DOT_SEGMENTS);
  return reasons;
}

const DOT_SEGMENTS = "'.' and '..' segments are resolved before routing";

function hasDotSegment(value: string, kind: RoutePathKind): boolean {
  const segments = value.replace(/%2e/gi, '.').replace(/\\/g, '/').split('/').slice(1);
  return segments.some((s, i) => (s === '.' || s === '..') && (kind !== 'regex-literal' || i < segments.length - 1));
}

function describeChars(chars: readonly string[]): string {
  return [...new Set(chars)].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(', ');
}
