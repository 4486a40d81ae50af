import { Dfa, intervals, isExcluded, literalDfa, regexDfa, search, SEARCH_LIMIT } from './automaton';
import { isWordChar, Op, Program } from './program';
import { groupBy } from '../util/group-by';

/** What RE2 says about a pattern, computed once. */
export interface RegexFacts {
  /** Text every path the pattern matches starts with: the longest common prefix of its paths. */
  readonly literal: string;
  /** The pattern matches exactly `literal` and nothing else. */
  readonly complete: boolean;
  /** No request path can match (e.g. `/a$b`, `/a\?b`). */
  readonly empty: boolean;
  /** The pattern matches exactly the paths starting with `literal`, like `prefix: <literal>` (e.g. `/a/.*`). */
  readonly prefixEquivalent: boolean;
}

/** States explored to find a regex's literal part; past it the literal is cut short (always safe). */
const EXPLORE_LIMIT = 4000;
/** Longest literal the walk collects; past it the literal is cut short (always safe). */
const LITERAL_LIMIT = 4096;
/**
 * Longest leading text taken straight from the program: each exploration's limit is lowered by its length, which
 * must leave at least 1 (a longer chain is read this far, the automaton walks the rest).
 */
const LEAD_LIMIT = 1024;

/** What a pattern no request path can match (and an invalid one) gets. */
export const EMPTY_FACTS: RegexFacts = { literal: '', complete: false, empty: true, prefixEquivalent: false };

/** Options of `factsOf`, for tests. */
export interface FactsOptions {
  /**
   * Read the program's leading text straight from its instructions instead of walking the automaton through it.
   * @default true
   */
  readonly leadingText?: boolean;
  /**
   * Most automaton states explored for the literal; past it the literal is cut short.
   * @default 4000
   */
  readonly exploreLimit?: number;
  /**
   * Most product states each prefix-equivalence search visits; past it the pattern is taken as not equivalent.
   * @default 20000 (automaton.ts SEARCH_LIMIT)
   */
  readonly searchLimit?: number;
}

/**
 * The facts of a valid pattern's program. `whole` is its automaton from the start (the caller's cached one).
 *
 * Most route regexes start with a long literal run (`/faas/api/team-08/svc-58/v[0-9]+/.*`): in RE2's program a
 * chain of one-character instructions. Walking the automaton through it costs a state, its character intervals
 * and their steps per character in each of the three explorations below, for a result known in advance: every
 * path starts with that text. So the chain is read off the program and the automaton starts after it. This is
 * exact, not an estimate: no instruction outside the chain jumps into it (else the chain is not taken), so each
 * chain position is one automaton state of one thread, met once, with one live successor; each exploration's
 * limit is lowered by the chain's length, so a pattern too large to explore stays too large; and the product
 * searches pair the chain with the literal's own first characters one to one. test/regex/facts.test.ts compares
 * both ways on generated patterns.
 */
export function factsOf(program: Program, whole: Dfa, options: FactsOptions = {}): RegexFacts {
  const limits = { explore: options.exploreLimit ?? EXPLORE_LIMIT, search: options.searchLimit ?? SEARCH_LIMIT };
  const lead = options.leadingText === false ? undefined : leadingText(program, Math.min(LEAD_LIMIT, limits.explore - 1, limits.search - 1));
  if (lead === undefined) return walkFacts(whole, [], limits);
  if (lead.codePoints.some(isExcluded)) return EMPTY_FACTS;
  const last = lead.codePoints[lead.codePoints.length - 1];
  return walkFacts(regexDfa(program, { pc: lead.next, prevWord: isWordChar(last) }), lead.codePoints, limits);
}

interface Lead {
  /** The characters every match starts with, one per instruction of the chain. */
  readonly codePoints: readonly number[];
  /** The instruction after the chain's last character. */
  readonly next: number;
}

/**
 * The chain of one-character instructions (with the Nop and Capture instructions between them) the program starts
 * with, at most `max` characters of it, when it is at least one character long and no instruction outside it jumps
 * into it; else undefined.
 */
function leadingText(program: Program, max: number): Lead | undefined {
  const chain = new Set<number>();
  const pending: number[] = [];
  const codePoints: number[] = [];
  let next = program.start;
  for (let pc = program.start; codePoints.length < max && !chain.has(pc) && !pending.includes(pc);) {
    const inst = program.instructions[pc];
    if (inst.op === Op.Nop || inst.op === Op.Capture) {
      pending.push(pc);
    } else if (inst.ranges && inst.ranges.length === 2 && inst.ranges[0] === inst.ranges[1]) {
      for (const p of pending) chain.add(p);
      pending.length = 0;
      chain.add(pc);
      codePoints.push(inst.ranges[0]);
      next = inst.out;
    } else {
      break;
    }
    pc = inst.out;
  }
  if (codePoints.length === 0) return undefined;
  for (let pc = 0; pc < program.instructions.length; pc++) {
    if (chain.has(pc)) continue;
    const inst = program.instructions[pc];
    if (inst.op === Op.Match || inst.op === Op.Fail) continue;
    if (chain.has(inst.out)) return undefined;
    if ((inst.op === Op.Alt || inst.op === Op.AltMatch) && chain.has(inst.arg)) return undefined;
  }
  return { codePoints, next };
}

/**
 * The facts of the automaton `dfa`, whose every accepted path follows the characters of `head` (the automaton
 * starts after them); `limits` count the states of `head` too.
 */
function walkFacts(dfa: Dfa, head: readonly number[], limits: { readonly explore: number; readonly search: number }): RegexFacts {
  const skipped = head.length;
  const live = liveStates(dfa, limits.explore - skipped);
  const isLive = (s: string): boolean => (live ? live.has(s) : !dfa.dead(s));
  if (!isLive(dfa.start)) return EMPTY_FACTS;
  let state = dfa.start;
  const literal: number[] = [];
  for (;;) {
    if (dfa.accepts(state)) break;
    const next = intervals([dfa], [state])
      .map(([lo, hi]) => ({ lo, hi, to: dfa.step(state, lo) }))
      .filter((e) => isLive(e.to));
    // Different intervals may lead to one state; a forced character is one single-point interval.
    if (next.length !== 1 || next[0].lo !== next[0].hi || skipped + literal.length > LITERAL_LIMIT) break;
    literal.push(next[0].lo);
    state = next[0].to;
  }
  const rest = String.fromCodePoint(...literal);
  const complete = dfa.accepts(state) && intervals([dfa], [state]).every(([lo]) => !isLive(dfa.step(state, lo)));
  const limit = limits.search - skipped;
  const prefixEquivalent = search({ accept: [literalDfa(rest, 'prefix')], reject: [dfa] }, 1, limit).kind === 'none' &&
    search({ accept: [dfa], reject: [literalDfa(rest, 'prefix')] }, 1, limit).kind === 'none';
  return { literal: String.fromCodePoint(...head) + rest, complete, empty: false, prefixEquivalent };
}

/** States from which some path is accepted, or undefined when the automaton has more than `limit` states. */
function liveStates(dfa: Dfa, limit: number): Set<string> | undefined {
  const edges = new Map<string, string[]>();
  const queue = [dfa.start];
  edges.set(dfa.start, []);
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head];
    for (const [lo] of intervals([dfa], [s])) {
      const to = dfa.step(s, lo);
      if (dfa.dead(to)) continue;
      edges.get(s)!.push(to);
      if (!edges.has(to)) {
        if (edges.size >= limit) return undefined;
        edges.set(to, []);
        queue.push(to);
      }
    }
  }
  const reverse = groupBy([...edges].flatMap(([from, tos]) => tos.map((to) => ({ from, to }))), (e) => e.to, (e) => e.from);
  const live = new Set([...edges.keys()].filter((s) => dfa.accepts(s)));
  const stack = [...live];
  while (stack.length > 0) {
    for (const from of reverse.get(stack.pop()!) ?? []) {
      if (!live.has(from)) {
        live.add(from);
        stack.push(from);
      }
    }
  }
  return live;
}
