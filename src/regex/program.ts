import { RE2JS } from 're2js';

/**
 * An RE2 pattern as a non-deterministic automaton over Unicode code points, read from the program re2js (a port
 * of RE2's parser and compiler) builds. kfaas never parses RE2 syntax itself: what a pattern means is exactly
 * what RE2's parser says, case folding, `\x70`, `[p]`, `(?i)` and `\Q..\E` included.
 *
 * re2js does not export its program type, so the few fields read here are declared below and checked once
 * (`readProgram` throws an internal error, not a wrong answer, if a re2js upgrade changes them).
 */

/** re2js `Inst` opcodes (re2js build/index.cjs, class Inst; the same numbering as Go's regexp/syntax). */
export enum Op {
  Alt = 1,
  AltMatch = 2,
  Capture = 3,
  EmptyWidth = 4,
  Fail = 5,
  Match = 6,
  Nop = 7,
  Rune = 8,
  Rune1 = 9,
  RuneAny = 10,
  RuneAnyNotNl = 11,
}

/** re2js `Utils.EMPTY_*` flags of an EmptyWidth instruction (Go's syntax.EmptyOp). */
export enum Empty {
  BeginLine = 1,
  EndLine = 2,
  BeginText = 4,
  EndText = 8,
  WordBoundary = 16,
  NoWordBoundary = 32,
}

/** re2js `RE2Flags.FOLD_CASE` on a one-rune Rune instruction: match the rune's whole case-fold orbit. */
const FOLD_CASE = 1;

export const MAX_CODE_POINT = 0x10ffff;

interface Re2jsInst {
  readonly op: number;
  readonly out: number;
  readonly arg: number;
  readonly runes: Int32Array;
  matchRune(r: number): boolean;
}

interface Re2jsProgram {
  readonly inst: readonly Re2jsInst[];
  readonly start: number;
}

/** One instruction, with the code points a rune instruction consumes as sorted, disjoint ranges. */
export interface Instruction {
  readonly op: Op;
  readonly out: number;
  /** Second branch of Alt, flags of EmptyWidth. */
  readonly arg: number;
  /** Rune instructions only: `[lo0, hi0, lo1, hi1, ...]`, sorted and disjoint. */
  readonly ranges?: readonly number[];
}

export interface Program {
  readonly pattern: string;
  readonly instructions: readonly Instruction[];
  readonly start: number;
  /** The pattern uses `\b` or `\B`, so the automaton must track whether the last character was a word character. */
  readonly wordAssertions: boolean;
  /** RE2JS's own count of instructions (Go-style program, one instruction per character class). */
  readonly instructionCount: number;
}

/** Thrown for a pattern that is not valid RE2 (the loader reports those as diagnostics first). */
export class InvalidRegexError extends Error {
  /** @param reason what re2js said about the pattern */
  public constructor(public readonly pattern: string, public readonly reason: string) {
    super(`regex ${JSON.stringify(pattern)} is not valid RE2: ${reason}`);
    this.name = 'InvalidRegexError';
  }
}

const programs = new Map<string, Program>();
const compiledPatterns = new Map<string, RE2JS>();

/** The pattern compiled by re2js, for matching (cached). Throws InvalidRegexError. */
export function compileRegex(pattern: string): RE2JS {
  let compiled = compiledPatterns.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = RE2JS.compile(pattern);
    } catch (e) {
      throw new InvalidRegexError(pattern, e instanceof Error ? e.message : String(e));
    }
    compiledPatterns.set(pattern, compiled);
  }
  return compiled;
}

/** RE2 full match, as Envoy's `safe_regex` (the whole path, not a search). Throws InvalidRegexError. */
export function regexFullMatch(pattern: string, input: string): boolean {
  return compileRegex(pattern).matches(input);
}

/** Compiles `pattern` with re2js once and returns its automaton (cached). Throws InvalidRegexError. */
export function readProgram(pattern: string): Program {
  let program = programs.get(pattern);
  if (program === undefined) {
    program = build(pattern);
    programs.set(pattern, program);
  }
  return program;
}

function build(pattern: string): Program {
  const compiled = compileRegex(pattern);
  const prog = (compiled as unknown as { re2Input?: { prog?: Re2jsProgram } }).re2Input?.prog;
  if (!prog || !Array.isArray(prog.inst) || typeof prog.start !== 'number') {
    throw new Error('re2js no longer exposes re2Input.prog: src/regex/program.ts must follow its new internals');
  }
  let wordAssertions = false;
  const instructions = prog.inst.map((inst): Instruction => {
    const op = inst.op as Op;
    if (op === Op.EmptyWidth && (inst.arg & (Empty.WordBoundary | Empty.NoWordBoundary)) !== 0) wordAssertions = true;
    const ranges = runeRanges(inst);
    return ranges ? { op, out: inst.out, arg: inst.arg, ranges } : { op, out: inst.out, arg: inst.arg };
  });
  return { pattern, instructions, start: prog.start, wordAssertions, instructionCount: compiled.programSize() };
}

function runeRanges(inst: Re2jsInst): number[] | undefined {
  switch (inst.op as Op) {
    case Op.Rune1:
      return [inst.runes[0], inst.runes[0]];
    case Op.RuneAny:
      return [0, MAX_CODE_POINT];
    case Op.RuneAnyNotNl:
      return [0, 9, 11, MAX_CODE_POINT];
    case Op.Rune:
      if (inst.runes.length === 1) {
        return (inst.arg & FOLD_CASE) !== 0 ? foldOrbit(inst) : [inst.runes[0], inst.runes[0]];
      }
      return Array.from(inst.runes);
    default:
      return undefined;
  }
}

/** Code points sharing a simple case fold with RE2, beyond what toLowerCase/toUpperCase reach. */
const FOLD_EXTRAS = [0xb5, 0x17f, 0x1c5, 0x1c8, 0x1cb, 0x1f2, 0x345, 0x3c2, 0x3d0, 0x3d1, 0x3d5, 0x3d6, 0x3f0, 0x3f1,
  0x3f5, 0x1e9b, 0x1e9e, 0x1fbe, 0x2126, 0x212a, 0x212b];

/** The case-fold orbit of a folded one-rune instruction, each member confirmed by re2js itself. */
function foldOrbit(inst: Re2jsInst): number[] {
  const candidates = new Set<number>([inst.runes[0], ...FOLD_EXTRAS]);
  for (let round = 0; round < 2; round++) {
    for (const cp of [...candidates]) {
      const c = String.fromCodePoint(cp);
      for (const variant of [c.toLowerCase(), c.toUpperCase()]) {
        const points = [...variant];
        if (points.length === 1) candidates.add(points[0].codePointAt(0)!);
      }
    }
  }
  const members = [...candidates].filter((cp) => inst.matchRune(cp)).sort((a, b) => a - b);
  return members.flatMap((cp) => [cp, cp]);
}

/** RE2's word characters (`\w`, ASCII only), for `\b` and `\B`. */
export function isWordChar(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f || (cp >= 0x61 && cp <= 0x7a);
}

/** Interval starts where word-ness changes. */
export const WORD_CUTS: readonly number[] = [0x30, 0x3a, 0x41, 0x5b, 0x5f, 0x60, 0x61, 0x7b];
