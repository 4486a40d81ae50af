import { Origin } from './origin';

/** The kinds of path match a route may use. New match conditions are added here and in the compiler. */
export type MatchKind = 'exact' | 'prefix' | 'regex';

export interface PathMatch {
  readonly kind: MatchKind;
  /** The path, prefix or RE2 pattern. */
  readonly value: string;
  readonly origin: Origin;
  /** Request conditions besides the path; all of them must hold. @default none */
  readonly conditions?: RequestConditions;
}

/** HTTP methods a match may require (Istio `match.method.exact`, Gateway API `method`). */
export type HttpMethod = 'CONNECT' | 'DELETE' | 'GET' | 'HEAD' | 'OPTIONS' | 'PATCH' | 'POST' | 'PUT' | 'TRACE';

/** How a header is matched: a value match (RE2 for `regex`, a full match), or its mere presence or absence. */
export type HeaderTest =
  | { readonly kind: 'exact' | 'prefix' | 'regex'; readonly value: string }
  | { readonly kind: 'present' | 'absent' };

/** How a query parameter is matched (Istio supports exact and regex only). */
export interface QueryTest {
  readonly kind: 'exact' | 'regex';
  readonly value: string;
}

export interface HeaderCondition {
  /** Lowercase header name. */
  readonly name: string;
  readonly test: HeaderTest;
  readonly origin: Origin;
}

export interface QueryCondition {
  readonly name: string;
  readonly test: QueryTest;
  readonly origin: Origin;
}

/**
 * Conditions of one match item besides the path. A request matches the item when the path matches, its method
 * is one of `methods` (when given), and every header and query condition holds.
 */
export interface RequestConditions {
  /** Sorted, distinct; each becomes its own Istio match (Istio matches one method per match). */
  readonly methods?: readonly HttpMethod[];
  readonly methodsOrigin?: Origin;
  /** Sorted by name. */
  readonly headers?: readonly HeaderCondition[];
  /** Sorted by name. */
  readonly query?: readonly QueryCondition[];
}
