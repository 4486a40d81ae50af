import { HeaderCondition, HeaderTest, HttpMethod, QueryCondition, QueryTest } from '../model/project';
import { InvalidRegexError, regexFullMatch } from '../regex';
import { compareText } from '../util/compare';

/**
 * Request conditions of one match besides the path (method, headers, query parameters), as the compiler orders
 * and compares them. One method per match: a match item with several methods becomes one entry per method.
 */
export interface Conditions {
  readonly method?: HttpMethod;
  /** Sorted by name. */
  readonly headers?: readonly Pick<HeaderCondition, 'name' | 'test'>[];
  /** Sorted by name. */
  readonly query?: readonly Pick<QueryCondition, 'name' | 'test'>[];
}

/** No conditions: the path alone decides. */
export const NO_CONDITIONS: Conditions = {};

/**
 * Gateway API's precedence for matches with the same path (so the Istio and Gateway API outputs agree): a method
 * match first, then more header matches, then more query matches. Negative when `a` goes first. Equal counts are
 * ordered by method name, then header and query tests name by name (see compareTests), so the order is total.
 */
export function compareConditions(a: Conditions, b: Conditions): number {
  const ma = a.method === undefined ? 1 : 0;
  const mb = b.method === undefined ? 1 : 0;
  if (ma !== mb) return ma - mb;
  const ha = a.headers?.length ?? 0;
  const hb = b.headers?.length ?? 0;
  if (ha !== hb) return hb - ha;
  const qa = a.query?.length ?? 0;
  const qb = b.query?.length ?? 0;
  if (qa !== qb) return qb - qa;
  return compareText(a.method ?? '', b.method ?? '') ||
    compareTests(a.headers ?? [], b.headers ?? []) ||
    compareTests(a.query ?? [], b.query ?? []);
}

/** Order of tests on the same name: narrowest first. */
const TEST_RANK: Readonly<Record<HeaderTest['kind'], number>> = { exact: 0, prefix: 1, regex: 2, present: 3, absent: 4 };

/**
 * Equal counts: name by name, the narrower test first (exact, then the longer prefix, regex, present, absent), so
 * an entry never comes after one whose conditions its own imply (which would make it unreachable).
 */
function compareTests(
  a: readonly { readonly name: string; readonly test: HeaderTest | QueryTest }[],
  b: readonly { readonly name: string; readonly test: HeaderTest | QueryTest }[],
): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a[i];
    const y = b[i];
    const va = valueOf(x.test) ?? '';
    const vb = valueOf(y.test) ?? '';
    const d = compareText(x.name, y.name) || TEST_RANK[x.test.kind] - TEST_RANK[y.test.kind] ||
      (x.test.kind === 'prefix' ? vb.length - va.length : 0) || compareText(va, vb);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}


/** True when there are no conditions at all. */
export function isUnconditioned(c: Conditions): boolean {
  return c.method === undefined && (c.headers?.length ?? 0) === 0 && (c.query?.length ?? 0) === 0;
}

/** Canonical text of the conditions: equal conditions, equal key ('' for none). */
export function conditionsKey(c: Conditions): string {
  if (isUnconditioned(c)) return '';
  const parts: string[] = [];
  if (c.method !== undefined) parts.push(`method=${c.method}`);
  for (const h of c.headers ?? []) parts.push(`header ${h.name} ${describeTest(h.test)}`);
  for (const q of c.query ?? []) parts.push(`query ${q.name} ${describeTest(q.test)}`);
  return parts.join(', ');
}

/** `exact "true"`, `present`. */
function describeTest(test: HeaderTest | QueryTest): string {
  return 'value' in test ? `${test.kind} ${JSON.stringify(test.value)}` : test.kind;
}

/** ` with method GET, header x-canary exact "true"` (empty without conditions), for messages. */
export function describeConditions(c: Conditions): string {
  const key = conditionsKey(c);
  return key === '' ? '' : ` with ${key.replace(/method=/, 'method ')}`;
}

/**
 * Does every request meeting `narrow`'s conditions also meet `wide`'s? Precise for equal conditions and the
 * common implications (exact/prefix/regex imply present; a longer prefix implies a shorter; an exact value
 * implies a prefix or regex it satisfies), conservative (false) otherwise.
 */
export function conditionsImply(narrow: Conditions, wide: Conditions): boolean {
  if (wide.method !== undefined && wide.method !== narrow.method) return false;
  return (
    (wide.headers ?? []).every((w) => (narrow.headers ?? []).some((n) => n.name === w.name && testImplies(n.test, w.test))) &&
    (wide.query ?? []).every((w) => (narrow.query ?? []).some((n) => n.name === w.name && testImplies(n.test, w.test)))
  );
}

/** Does a value passing `narrow` always pass `wide`? */
function testImplies(narrow: HeaderTest | QueryTest, wide: HeaderTest | QueryTest): boolean {
  if (narrow.kind === wide.kind && valueOf(narrow) === valueOf(wide)) return true;
  const n = valueOf(narrow);
  switch (wide.kind) {
    case 'present':
      return narrow.kind !== 'absent';
    case 'prefix':
      return n !== undefined && (narrow.kind === 'exact' || narrow.kind === 'prefix') && n.startsWith(wide.value);
    case 'regex':
      return n !== undefined && narrow.kind === 'exact' && fullyMatches(wide.value, n);
    default:
      return false;
  }
}

/**
 * Can no request meet both? True only when certain: different methods, or one header/parameter required with
 * two exact values that differ, or both present and absent.
 */
export function conditionsExclude(a: Conditions, b: Conditions): boolean {
  if (a.method !== undefined && b.method !== undefined && a.method !== b.method) return true;
  const clash = (xs: readonly { name: string; test: HeaderTest | QueryTest }[] | undefined,
    ys: readonly { name: string; test: HeaderTest | QueryTest }[] | undefined): boolean =>
    (xs ?? []).some((x) => (ys ?? []).some((y) => x.name === y.name && testsExclude(x.test, y.test)));
  return clash(a.headers, b.headers) || clash(a.query, b.query);
}

function testsExclude(a: HeaderTest | QueryTest, b: HeaderTest | QueryTest): boolean {
  if ((a.kind === 'absent') !== (b.kind === 'absent')) return true;
  if (a.kind === 'exact' && b.kind === 'exact') return a.value !== b.value;
  return false;
}

function valueOf(test: HeaderTest | QueryTest): string | undefined {
  return 'value' in test ? test.value : undefined;
}

/** True when the RE2 pattern matches the whole of `value` (an invalid pattern matches nothing). */
function fullyMatches(pattern: string, value: string): boolean {
  try {
    return regexFullMatch(pattern, value);
  } catch (e) {
    if (e instanceof InvalidRegexError) return false;
    throw e;
  }
}
