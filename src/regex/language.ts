import { Dfa, intervals, literalDfa, preference, regexDfa, representative, search, SearchResult } from './automaton';
import { EMPTY_FACTS, factsOf, RegexFacts } from './facts';
import { InvalidRegexError, readProgram, regexFullMatch } from './program';

export type { RegexFacts } from './facts';

/**
 * The language of a path condition (the set of paths it matches), and the questions the compiler, ownership
 * and `kfaas explain` ask about it. Exact and prefix conditions are answered with string logic; anything
 * involving a regex goes through the automata of `automaton.ts`, so `/faas/api/[p]ay/.*`, `(?i)/faas/api/PAY/.*`
 * and `/faas/api/\x70ay/.*` are all seen for what they match.
 */
export type ConditionKind = 'exact' | 'prefix' | 'regex';

/** A path condition: exact path, path prefix (plain string prefix, as Envoy), or RE2 full match. */
export interface Condition {
  readonly kind: ConditionKind;
  readonly value: string;
}

const dfas = new Map<string, Dfa>();
const facts = new Map<string, RegexFacts>();

/** Matches no path: what an invalid pattern matches (the loader reports it; the compiler never sees one). */
const NOTHING: Dfa = { start: 'x', accepts: () => false, dead: () => true, cuts: () => undefined, step: () => 'x' };

function isValid(pattern: string): boolean {
  try {
    readProgram(pattern);
    return true;
  } catch (e) {
    if (e instanceof InvalidRegexError) return false;
    throw e;
  }
}

/** The automaton of a condition (cached for regexes); an invalid pattern matches nothing. */
function conditionDfa(c: Condition): Dfa {
  if (c.kind !== 'regex') return literalDfa(c.value, c.kind);
  let dfa = dfas.get(c.value);
  if (!dfa) {
    dfa = isValid(c.value) ? regexDfa(readProgram(c.value)) : NOTHING;
    dfas.set(c.value, dfa);
  }
  return dfa;
}

/** Facts about an RE2 pattern (cached); an invalid pattern is empty. */
export function regexFacts(pattern: string): RegexFacts {
  let f = facts.get(pattern);
  if (!f) {
    f = computeFacts(pattern);
    facts.set(pattern, f);
  }
  return f;
}

/** The facts computed (or seeded) in this process, by pattern: what a cache keeps for the next run. */
export function knownRegexFacts(): ReadonlyMap<string, RegexFacts> {
  return facts;
}

/**
 * Adds facts an earlier run of the same kfaas build computed (src/cache keys them by the build), so that run's
 * patterns are not analysed again; facts already known here are kept.
 */
export function seedRegexFacts(entries: Iterable<readonly [string, RegexFacts]>): void {
  for (const [pattern, f] of entries) if (!facts.has(pattern)) facts.set(pattern, f);
}

/** The literal leading part of a condition: every path it matches starts with this text. */
export function conditionLiteral(c: Condition): string {
  return c.kind === 'regex' ? regexFacts(c.value).literal : c.value;
}

function computeFacts(pattern: string): RegexFacts {
  return isValid(pattern) ? factsOf(readProgram(pattern), conditionDfa({ kind: 'regex', value: pattern })) : EMPTY_FACTS;
}

/** Some paths (shortest first) matching every condition in `all` and none in `none`. */
export function findPaths(all: readonly Condition[], none: readonly Condition[] = [], want = 1): SearchResult {
  return search({ accept: all.map(conditionDfa), reject: none.map(conditionDfa) }, want);
}

/**
 * A path both conditions match, 'none', or 'unknown' (too complex to decide). Exact and prefix pairs are
 * decided by string logic.
 */
export function overlapSample(a: Condition, b: Condition): string | 'none' | 'unknown' {
  if (a.kind !== 'regex' && b.kind !== 'regex') return literalOverlap(a, b) ?? 'none';
  const la = conditionLiteral(a);
  const lb = conditionLiteral(b);
  if (!la.startsWith(lb) && !lb.startsWith(la)) return 'none';
  const r = findPaths([a, b]);
  return r.kind === 'found' ? r.paths[0] : r.kind;
}

function literalOverlap(a: Condition, b: Condition): string | undefined {
  if (a.kind === 'exact' && b.kind === 'exact') return a.value === b.value ? a.value : undefined;
  if (a.kind === 'exact') return a.value.startsWith(b.value) ? a.value : undefined;
  if (b.kind === 'exact') return b.value.startsWith(a.value) ? b.value : undefined;
  if (a.value.startsWith(b.value)) return a.value;
  return b.value.startsWith(a.value) ? b.value : undefined;
}

/**
 * Does `a` match every path `b` matches? false when unsure. Implies (and relies on) that `b`'s literal starts
 * with `a`'s: both literals are the exact longest common prefixes of their languages.
 */
export function coversCondition(a: Condition, b: Condition): boolean {
  if (a.kind === b.kind && a.value === b.value) return true;
  if (a.kind !== 'regex' && b.kind !== 'regex') {
    if (a.kind === 'prefix') return b.value.startsWith(a.value);
    return b.kind === 'exact' && a.value === b.value;
  }
  if (!conditionLiteral(b).startsWith(conditionLiteral(a))) return false;
  return findPaths([b], [a]).kind === 'none';
}

/**
 * A few paths `pattern` fully matches, deterministic: shortest first, different branches of the pattern before
 * longer variants, paths starting with `/` preferred (unless `path: false`, for header and query values). Empty when no request path can match. Throws
 * InvalidRegexError for a pattern RE2 refuses.
 */
export function regexSamples(pattern: string, want = 4, options: { readonly path?: boolean } = {}): string[] {
  readProgram(pattern);
  const re = conditionDfa({ kind: 'regex', value: pattern });
  const slash = options.path === false ? [] : samplesOf([re, literalDfa('/', 'prefix')], want);
  return slash.length > 0 ? slash : samplesOf([re], want);
}

/** The shortest accepted path (always found when one exists), then the string enumeration's variety. */
function samplesOf(dfas: readonly Dfa[], want: number): string[] {
  const shortest = search({ accept: dfas });
  if (shortest.kind !== 'found') return [];
  const all = [...new Set([...enumerate(dfas, want), ...shortest.paths])];
  return all.sort((a, b) => a.length - b.length).slice(0, want);
}

/** Breadth-first over strings (not states), so every branch shows; at most 2 characters tried per position. */
function enumerate(dfas: readonly Dfa[], want: number): string[] {
  const out: string[] = [];
  const queue: { readonly states: readonly string[]; readonly text: string }[] = [{ states: dfas.map((d) => d.start), text: '' }];
  for (let head = 0; head < queue.length && out.length < want && head < 2000; head++) {
    const { states, text } = queue[head];
    if (dfas.every((d, i) => d.accepts(states[i]))) out.push(text);
    const steps = intervals(dfas, states)
      .map(([lo, hi]) => representative(lo, hi))
      .sort((a, b) => preference(a) - preference(b))
      .map((cp) => ({ states: dfas.map((d, i) => d.step(states[i], cp)), text: text + String.fromCodePoint(cp) }))
      .filter((next) => next.states.every((st, i) => !dfas[i].dead(st)))
      .slice(0, 2);
    queue.push(...steps);
  }
  return out;
}

/** Does `path` match the condition? (Envoy: exact equality, plain string prefix, RE2 full match.) */
export function matchesCondition(c: Condition, path: string): boolean {
  switch (c.kind) {
    case 'exact':
      return path === c.value;
    case 'prefix':
      return path.startsWith(c.value);
    case 'regex':
      return regexFullMatch(c.value, path);
  }
}
