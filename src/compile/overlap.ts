import { MatchKind } from '../model/project';
import { conditionLiteral, coversCondition, findPaths, overlapSample } from '../regex';
import { conditionsExclude, conditionsImply, Conditions, NO_CONDITIONS } from './conditions';
import { BoundedMemo, MEMO_ENTRIES } from '../util/bounded-memo';

/** A match as the overlap rules see it: a path condition and, optionally, request conditions. */
export interface MatchLike {
  readonly kind: MatchKind;
  readonly value: string;
  /** @default none */
  readonly conditions?: Conditions;
}

/**
 * Answers are asked again for every (cluster, environment): remember them per pair of path conditions, bounded (a
 * process that compiles again, `kfaas watch`, meets new pairs with every edit).
 */
const coverMemo = new BoundedMemo<boolean>(MEMO_ENTRIES);
const overlapMemo = new BoundedMemo<string | 'none' | 'unknown'>(MEMO_ENTRIES);

const pairKey = (a: MatchLike, b: MatchLike): string => `${a.kind}\u0000${a.value}\u0000${b.kind}\u0000${b.value}`;

/**
 * A path both path conditions match (request conditions aside), 'none' when no path can, 'unknown' when too
 * complex to decide (treat as overlapping).
 */
export function overlapWitness(a: MatchLike, b: MatchLike): string | 'none' | 'unknown' {
  const key = pairKey(a, b);
  let hit = overlapMemo.get(key);
  if (hit === undefined) {
    hit = overlapSample(a, b);
    overlapMemo.set(key, hit);
  }
  return hit;
}

/** Can some request match both? Exact on paths (true when undecidable), and false when the conditions exclude each other. */
export function mayOverlap(a: MatchLike, b: MatchLike): boolean {
  if (conditionsExclude(a.conditions ?? NO_CONDITIONS, b.conditions ?? NO_CONDITIONS)) return false;
  return overlapWitness(a, b) !== 'none';
}

/**
 * Does `a` match every request `b` matches? (Istio IST0131: if `a` is tried first, `b` never matches.) The path
 * must cover (below) and `b`'s conditions must imply `a`'s ({@link conditionsImply}): the same path with a header
 * `b` lacks does not cover it.
 */
export function covers(a: MatchLike, b: MatchLike): boolean {
  return conditionsImply(b.conditions ?? NO_CONDITIONS, a.conditions ?? NO_CONDITIONS) && pathCovers(a, b);
}

/**
 * Does `a`'s path condition match every path `b`'s does? Exact for every kind (RE2 automata for regexes), false
 * when undecidable. Implies `literal(b).startsWith(literal(a))`, which the compiler indexes on.
 */
export function pathCovers(a: MatchLike, b: MatchLike): boolean {
  const key = pairKey(a, b);
  let hit = coverMemo.get(key);
  if (hit === undefined) {
    hit = coversCondition(a, b);
    coverMemo.set(key, hit);
  }
  return hit;
}

/**
 * A path every path condition in `all` matches and none in `before` does; 'covered' when there is none
 * ('unknown' when too complex to decide). With `all = [b]`: does `b` keep any path behind `before`?
 */
export function ownPath(all: readonly MatchLike[], before: readonly MatchLike[]): string | 'covered' | 'unknown' {
  // One exact or prefix path behind a prefix that starts it is covered: string logic, as the automata would decide
  // it, without building them (the ownership check asks this for every route; at tier L the automata took 2 s).
  // A regex likewise when its literal part (the text all its paths start with, src/regex) starts with such a prefix.
  const [only] = all;
  if (all.length === 1) {
    const literal = conditionLiteral(only);
    if (before.some((b) => b.kind === 'prefix' && literal.startsWith(b.value))) return 'covered';
  }
  const r = findPaths(all, before);
  return r.kind === 'found' ? r.paths[0] : r.kind === 'none' ? 'covered' : 'unknown';
}

