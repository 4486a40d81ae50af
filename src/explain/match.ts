import { compileRegex, regexFullMatch } from '../regex';
import { StringMatch } from './virtual-service';

/**
 * Envoy's path semantics for one route: what a path specifier matches and how a rewrite changes the path.
 * Envoy matches the path without query string and fragment; `prefix` is a plain string prefix (NOT
 * segment-aware: `/shop` matches `/shopping`); `safe_regex` is an RE2 FULL match, not a search.
 * `path_separated_prefix` (what Istio emits for a Gateway API PathPrefix other than `/`, istio@1.30.0
 * pilot/pkg/networking/core/route/route.go L1098-1104) matches the value itself or the value followed by `/`.
 */

export type PathMatchKind = 'exact' | 'prefix' | 'regex' | 'pathSeparatedPrefix';

/** One path specifier. */
export interface PathCondition {
  readonly kind: PathMatchKind;
  readonly value: string;
  /** Envoy `case_sensitive: false` (Istio `ignoreUriCase`); applies to exact and prefix only. */
  readonly ignoreCase?: boolean;
}

/** The path specifier of a route without a match or without `uri`: Envoy prefix `/`. */
export const MATCH_ALL: PathCondition = { kind: 'prefix', value: '/' };

/** Istio's `StringMatch` as a path specifier; undefined when no kind is set. */
export function toPathCondition(uri: StringMatch | undefined, ignoreCase = false): PathCondition | undefined {
  if (!uri) return undefined;
  const flag = ignoreCase ? { ignoreCase: true } : {};
  if (uri.exact !== undefined) return { kind: 'exact', value: uri.exact, ...flag };
  if (uri.prefix !== undefined) return { kind: 'prefix', value: uri.prefix, ...flag };
  if (uri.regex !== undefined) return { kind: 'regex', value: uri.regex };
  return undefined;
}

/** Splits a request path into the part Envoy matches and the query string (with its `?`), fragment dropped. */
export function splitPath(requestPath: string): { path: string; query: string } {
  const noFragment = requestPath.split('#', 1)[0];
  const q = noFragment.indexOf('?');
  return q < 0 ? { path: noFragment, query: '' } : { path: noFragment.slice(0, q), query: noFragment.slice(q) };
}

/** Does the request path (query string and fragment ignored) match? */
export function matchesPath(condition: PathCondition, requestPath: string): boolean {
  const { path } = splitPath(requestPath);
  const fold = (s: string): string => (condition.ignoreCase ? s.toLowerCase() : s);
  switch (condition.kind) {
    case 'exact':
      return fold(path) === fold(condition.value);
    case 'prefix':
      return fold(path).startsWith(fold(condition.value));
    case 'pathSeparatedPrefix': {
      const p = fold(path);
      const v = fold(condition.value);
      return p === v || p.startsWith(v + '/');
    }
    case 'regex':
      return regexFullMatch(condition.value, path);
  }
}

/**
 * The path Envoy forwards after the route's rewrite (query string kept, as Envoy does).
 * `rewrite.uri` is Envoy's `prefix_rewrite`: it replaces the matched prefix for a prefix match and the whole
 * path for exact and regex matches. `uriRegexRewrite` is Envoy's `regex_rewrite`: every match of the pattern
 * in the path is replaced; `\N` in the substitution is capture group N. On a `pathSeparatedPrefix` (Gateway API
 * semantics), `rewrite.uri: /` removes the prefix and keeps one `/` (Istio's regex `^<prefix>(/?)(.*)` -> `/\2`,
 * istio@1.30.0 route/route.go L640-650); any other `uri` replaces the prefix as Envoy's `prefix_rewrite` does.
 */
export function rewritePath(
  condition: PathCondition,
  requestPath: string,
  rewrite: { readonly uri?: string; readonly uriRegexRewrite?: { readonly match: string; readonly rewrite: string } } | undefined,
): string {
  const { path, query } = splitPath(requestPath);
  if (rewrite?.uriRegexRewrite) {
    const { match, rewrite: substitution } = rewrite.uriRegexRewrite;
    const replaced = compileRegex(match)
      .matcher(path)
      .replaceAll((...args: unknown[]) => substitute(substitution, args));
    return replaced + query;
  }
  if (rewrite?.uri === undefined || rewrite.uri === '') return path + query;
  if (condition.kind === 'pathSeparatedPrefix' && rewrite.uri === '/') {
    return '/' + path.slice(condition.value.length).replace(/^\//, '') + query;
  }
  if (condition.kind === 'prefix' || condition.kind === 'pathSeparatedPrefix') {
    return rewrite.uri + path.slice(condition.value.length) + query;
  }
  return rewrite.uri + query;
}

/** RE2 `Rewrite` syntax: `\0`..`\9` are groups, `\\` is a backslash. `args` is [match, group1, ...]. */
function substitute(substitution: string, args: readonly unknown[]): string {
  return substitution.replace(/\\([0-9\\])/g, (_, d: string) => {
    if (d === '\\') return '\\';
    const group = args[Number(d)];
    return typeof group === 'string' ? group : '';
  });
}

/** `prefix "/shop"`, `exact "/a"`, `regex "/v[0-9]+"`. */
export function formatCondition(condition: PathCondition): string {
  return `${condition.kind} ${JSON.stringify(condition.value)}${condition.ignoreCase ? ' (ignore case)' : ''}`;
}
