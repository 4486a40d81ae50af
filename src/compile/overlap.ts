import { RE2JS } from 're2js';
import { MatchKind } from '../model/project';
import { conditionsExclude, conditionsImply, Conditions, NO_CONDITIONS } from './conditions';
import { parseRegexLiteral, prefixEquivalentLiteral } from './regex-literal';
import { matchLiteral } from './specificity';

/** A match as the overlap rules see it: a path condition and, optionally, request conditions. */
export interface MatchLike {
  readonly kind: MatchKind;
  readonly value: string;
  /** @default none */
  readonly conditions?: Conditions;
}

/**
 * Can some path match both `a` and `b`? Conservative (true when unsure): two matches can only share a path when
 * one literal is a prefix of the other; an exact path cannot extend, so it must start with the other's literal.
 */
export function mayOverlap(a: MatchLike, b: MatchLike): boolean {
  if (conditionsExclude(a.conditions ?? NO_CONDITIONS, b.conditions ?? NO_CONDITIONS)) return false;
  if (a.kind === 'exact' && b.kind === 'exact') return a.value === b.value;
  const la = matchLiteral(a.kind, a.value);
  const lb = matchLiteral(b.kind, b.value);
  if (a.kind === 'exact') return la.startsWith(lb);
  if (b.kind === 'exact') return lb.startsWith(la);
  return la.startsWith(lb) || lb.startsWith(la);
}

/**
 * Does `a` match every request `b` matches? (Istio IST0131 in spirit: if `a` is tried first, `b` never matches.)
 * The path must cover (below) and `b`'s conditions must imply `a`'s ({@link conditionsImply}): the same path with
 * a header `b` lacks does not cover it.
 * Precise where it matters and conservative (false) otherwise:
 * - prefix P covers prefix Q / exact E / regex R when Q / E / R's literal starts with P;
 * - exact covers only the equal exact (or a regex that is that very literal);
 * - regex covers an exact it fully matches; it covers a prefix or regex only when it is `<literal>.*`.
 * Requires (and the compiler relies on it) `literal(b).startsWith(literal(a))` whenever it returns true.
 */
export function covers(a: MatchLike, b: MatchLike): boolean {
  return conditionsImply(b.conditions ?? NO_CONDITIONS, a.conditions ?? NO_CONDITIONS) && pathCovers(a, b);
}

/** Does `a`'s path condition match every path `b`'s does? */
export function pathCovers(a: MatchLike, b: MatchLike): boolean {
  if (a.kind === b.kind && a.value === b.value) return true;
  const lb = matchLiteral(b.kind, b.value);
  switch (a.kind) {
    case 'prefix':
      return lb.startsWith(a.value);
    case 'exact':
      return b.kind === 'regex' && parseRegexLiteral(b.value).complete && lb === a.value;
    case 'regex': {
      if (b.kind === 'exact') return fullyMatches(a.value, b.value);
      const asPrefix = prefixEquivalentLiteral(a.value);
      return asPrefix !== undefined && lb.startsWith(asPrefix);
    }
  }
}

const compiled = new Map<string, RE2JS | null>();

/** True when the RE2 pattern matches the whole of `path` (an invalid pattern matches nothing). */
export function fullyMatches(pattern: string, path: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch {
      re = null;
    }
    compiled.set(pattern, re);
  }
  return re !== null && re.matches(path);
}
