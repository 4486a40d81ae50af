import { Empty, isWordChar, MAX_CODE_POINT, Op, Program, WORD_CUTS } from './program';

/**
 * Deterministic automata over request-path characters, built lazily, so that questions about what path
 * conditions can match ("can a path match both?", "does every path of B also match A?") are answered exactly,
 * with a concrete path as the witness, instead of by comparing literal text.
 *
 * A state is a string key; `cuts` lists the code points where its transitions may change, so the product
 * search only tries one character per interval.
 */
export interface Dfa {
  readonly start: string;
  accepts(state: string): boolean;
  /** True when no path continuing from `state` is accepted. */
  dead(state: string): boolean;
  /** Pushes onto `out` every code point where a new interval of uniform transitions may start. */
  cuts(state: string, out: number[]): void;
  step(state: string, cp: number): string;
}

const DEAD = 'x';

/**
 * Characters a request path can carry when Envoy matches it: `?` and `#` end the path (query, fragment),
 * control characters are refused by Envoy's HTTP codecs, and surrogates are not characters.
 */
const EXCLUDED: readonly (readonly [number, number])[] = [[0x00, 0x1f], [0x23, 0x23], [0x3f, 0x3f], [0x7f, 0x7f], [0xd800, 0xdfff]];

/** Matches exactly one path (`exact`), or every path starting with a text (`prefix`). */
export function literalDfa(text: string, kind: 'exact' | 'prefix'): Dfa {
  const cps = [...text].map((c) => c.codePointAt(0)!);
  const end = String(cps.length);
  return {
    start: '0',
    accepts: (s) => s === end,
    dead: (s) => s === DEAD,
    cuts: (s, out) => {
      const i = Number(s);
      if (s !== DEAD && i < cps.length) out.push(cps[i], cps[i] + 1);
    },
    step: (s, cp) => {
      if (s === DEAD) return DEAD;
      const i = Number(s);
      if (i === cps.length) return kind === 'prefix' ? s : DEAD;
      return cp === cps[i] ? String(i + 1) : DEAD;
    },
  };
}

/**
 * Threads of the regex automaton: `pc * 4 + requirement`, where the requirement is what the next character must
 * be after a `\b`/`\B`/`$` was passed: 0 anything, 1 a word character, 2 a non-word character (or the end),
 * 3 nothing (the end of the path).
 */
enum Need {
  Any = 0,
  Word = 1,
  NonWord = 2,
  End = 3,
}

interface RegexState {
  readonly threads: readonly number[];
  readonly accept: boolean;
  readonly prevWord: boolean;
}

/** Where an automaton starts inside a program: after a text the caller consumed already (src/regex/facts.ts). */
export interface StartAfter {
  /** The instruction after the consumed text. */
  readonly pc: number;
  /** The consumed text's last character is a word character (`\b`, `\B`). */
  readonly prevWord: boolean;
}

/**
 * The subset automaton of an RE2 program with full-match semantics (Envoy's `safe_regex`). Exact, `\b` included.
 * `from`: start after a consumed text instead of at the beginning of the path.
 */
export function regexDfa(program: Program, from?: StartAfter): Dfa {
  const states = new Map<string, RegexState>();
  const intern = (st: RegexState): string => {
    if (st.threads.length === 0 && !st.accept) return DEAD;
    const key = `${st.prevWord ? 'w' : 'n'}${st.accept ? '!' : ''}${st.threads.join(',')}`;
    if (!states.has(key)) states.set(key, st);
    return key;
  };
  const get = (key: string): RegexState | undefined => states.get(key);
  const start = intern(from ? closure(program, [from.pc], false, from.prevWord) : closure(program, [program.start], true, false));
  return {
    start,
    accepts: (s) => get(s)?.accept ?? false,
    dead: (s) => s === DEAD,
    cuts: (s, out) => {
      const st = get(s);
      if (!st) return;
      for (const t of st.threads) {
        const ranges = program.instructions[t >> 2].ranges!;
        for (let i = 0; i < ranges.length; i += 2) out.push(ranges[i], ranges[i + 1] + 1);
      }
      if (program.wordAssertions) out.push(...WORD_CUTS);
    },
    step: (s, cp) => {
      const st = get(s);
      if (!st) return DEAD;
      const word = isWordChar(cp);
      const next: number[] = [];
      for (const t of st.threads) {
        const need = (t & 3) as Need;
        if ((need === Need.Word && !word) || (need === Need.NonWord && word)) continue;
        const inst = program.instructions[t >> 2];
        if (inRanges(inst.ranges!, cp)) next.push(inst.out);
      }
      // No thread takes the character: the closure of nothing is the dead state (most characters, most states).
      return next.length === 0 ? DEAD : intern(closure(program, next, false, word));
    },
  };
}

function inRanges(ranges: readonly number[], cp: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (cp < ranges[i]) return false;
    if (cp <= ranges[i + 1]) return true;
  }
  return false;
}

/** Combines two requirements on the next character; undefined when they contradict. */
function combine(a: Need, b: Need): Need | undefined {
  if (a === b || b === Need.Any) return a;
  if (a === Need.Any) return b;
  if ((a === Need.End && b === Need.NonWord) || (a === Need.NonWord && b === Need.End)) return Need.End;
  return undefined;
}

/** Follows empty transitions from `pcs`; `atStart` is position 0, `prevWord` whether the last character was \w. */
function closure(program: Program, pcs: readonly number[], atStart: boolean, prevWord: boolean): RegexState {
  const seen = new Set<number>();
  const threads = new Set<number>();
  let accept = false;
  const stack = pcs.map((pc) => pc * 4 + Need.Any);
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    const need = (t & 3) as Need;
    const inst = program.instructions[t >> 2];
    const go = (pc: number, n: Need | undefined): void => {
      if (n !== undefined) stack.push(pc * 4 + n);
    };
    switch (inst.op) {
      case Op.Alt:
      case Op.AltMatch:
        go(inst.out, need);
        go(inst.arg, need);
        break;
      case Op.Capture:
      case Op.Nop:
        go(inst.out, need);
        break;
      case Op.EmptyWidth: {
        // Paths hold no newline, so line anchors are text anchors.
        if ((inst.arg & (Empty.BeginLine | Empty.BeginText)) !== 0 && !atStart) break;
        let n: Need | undefined = need;
        if ((inst.arg & (Empty.EndLine | Empty.EndText)) !== 0) n = combine(n, Need.End);
        if (n !== undefined && (inst.arg & Empty.WordBoundary) !== 0) n = combine(n, prevWord ? Need.NonWord : Need.Word);
        if (n !== undefined && (inst.arg & Empty.NoWordBoundary) !== 0) n = combine(n, prevWord ? Need.Word : Need.NonWord);
        go(inst.out, n);
        break;
      }
      case Op.Match:
        if (need !== Need.Word) accept = true;
        break;
      case Op.Fail:
        break;
      default:
        if (inst.ranges && need !== Need.End) threads.add(t);
    }
  }
  return { threads: [...threads].sort((a, b) => a - b), accept, prevWord };
}

/** What a product search looks for: a path accepted by every `accept` automaton and by no `reject` one. */
export interface Goal {
  readonly accept: readonly Dfa[];
  readonly reject?: readonly Dfa[];
}

export type SearchResult =
  | { readonly kind: 'found'; readonly paths: readonly string[] }
  | { readonly kind: 'none' }
  /** Gave up after `limit` states: callers must treat the answer as unknown. */
  | { readonly kind: 'unknown' };

/** Most product states one search visits before giving up. */
export const SEARCH_LIMIT = 20_000;

/** Characters tried first in an interval, so witnesses read like paths. */
const PREFERRED = [...'a/0b1-_.xz9ZA~'].map((c) => c.codePointAt(0)!);

/**
 * Breadth-first search of the product automaton: the shortest paths (up to `want`) that meet `goal`,
 * 'none' when no path does, 'unknown' past `limit` states.
 */
export function search(goal: Goal, want = 1, limit = SEARCH_LIMIT): SearchResult {
  const dfas = [...goal.accept, ...(goal.reject ?? [])];
  const nAccept = goal.accept.length;
  const startStates = dfas.map((d) => d.start);
  if (startStates.slice(0, nAccept).some((s, i) => dfas[i].dead(s))) return { kind: 'none' };
  const parents = new Map<string, { readonly parent: string | undefined; readonly cp: number }>();
  const key = (states: readonly string[]): string => states.join('|');
  const queue: string[][] = [startStates];
  parents.set(key(startStates), { parent: undefined, cp: -1 });
  const found: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const states = queue[head];
    const k = key(states);
    if (dfas.every((d, i) => (i < nAccept ? d.accepts(states[i]) : !d.accepts(states[i])))) {
      found.push(pathTo(parents, k));
      if (found.length >= want) break;
    }
    for (const [lo, hi] of intervals(dfas, states)) {
      const cp = representative(lo, hi);
      const next = dfas.map((d, i) => d.step(states[i], cp));
      if (next.slice(0, nAccept).some((s, i) => dfas[i].dead(s))) continue;
      const nk = key(next);
      if (parents.has(nk)) continue;
      if (parents.size >= limit) return found.length > 0 ? { kind: 'found', paths: found } : { kind: 'unknown' };
      parents.set(nk, { parent: k, cp });
      queue.push(next);
    }
  }
  return found.length > 0 ? { kind: 'found', paths: found } : { kind: 'none' };
}

function pathTo(parents: Map<string, { readonly parent: string | undefined; readonly cp: number }>, key: string): string {
  const cps: number[] = [];
  for (let k: string | undefined = key; k !== undefined;) {
    const p: { readonly parent: string | undefined; readonly cp: number } = parents.get(k)!;
    if (p.cp >= 0) cps.push(p.cp);
    k = p.parent;
  }
  return String.fromCodePoint(...cps.reverse());
}

/** Where an excluded range starts and where the characters after it start again. */
const EXCLUDED_CUTS: readonly number[] = EXCLUDED.flatMap(([lo, hi]) => [lo, hi + 1]);

/** A character no request path carries when Envoy matches it (`EXCLUDED`). */
export function isExcluded(cp: number): boolean {
  for (const [lo, hi] of EXCLUDED) if (cp >= lo && cp <= hi) return true;
  return false;
}

/** The allowed intervals of uniform transitions out of a product state, in code-point order. */
export function intervals(dfas: readonly Dfa[], states: readonly string[]): [number, number][] {
  const cuts: number[] = [0, ...EXCLUDED_CUTS];
  for (let i = 0; i < dfas.length; i++) dfas[i].cuts(states[i], cuts);
  cuts.sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (let i = 0; i < cuts.length; i++) {
    const lo = cuts[i];
    if (lo > MAX_CODE_POINT) break;
    if (i > 0 && cuts[i - 1] === lo) continue;
    let next = i + 1;
    while (next < cuts.length && cuts[next] === lo) next++;
    const hi = next < cuts.length && cuts[next] <= MAX_CODE_POINT ? cuts[next] - 1 : MAX_CODE_POINT;
    // Every excluded range's ends are cuts, so an interval lies wholly inside one or wholly outside all.
    if (!isExcluded(lo)) out.push([lo, hi]);
  }
  return out;
}

/** The character a witness uses for an interval: a path-friendly one when the interval has one. */
export function representative(lo: number, hi: number): number {
  for (const cp of PREFERRED) if (cp >= lo && cp <= hi) return cp;
  return lo;
}

/** Rank of a character in witnesses: path-friendly characters first, then by code point. */
export function preference(cp: number): number {
  const i = PREFERRED.indexOf(cp);
  return i >= 0 ? i : PREFERRED.length + cp;
}
