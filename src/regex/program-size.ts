import { Instruction, MAX_CODE_POINT, Op, readProgram } from './program';

/**
 * An upper estimate of RE2's *program size* for a pattern: what Envoy compares with its limit
 * (`re2::RE2::ProgramSize()`, envoy@v1.17.0 `source/common/common/regex.cc` `CompiledGoogleReMatcher`), not the
 * pattern's length. `a{1000}` is 7 characters but over 1000 instructions: RE2 expands counted repetitions
 * (google/re2@2022-06-01 `re2/simplify.cc` `SimplifyRepeat`).
 *
 * RE2's C++ compiler (`re2/compile.cc`) differs from the Go-style program re2js builds: it compiles character
 * classes to UTF-8 byte ranges (several instructions for a non-ASCII class; `Add_80_10ffff` compiles all of
 * U+0080-U+10FFFF to 6), needs no instructions for the implicit group 0, prepends a `.*?` loop to unanchored
 * patterns, and flattens the program (`re2/prog.cc` `Prog::Flatten`), which drops Alt instructions but may add a
 * Nop per epsilon edge into another list. The estimate walks re2js's program and charges each instruction its
 * worst C++ cost, so it is never below RE2's own count: test/regex/program-size.test.ts checks that against sizes
 * measured with libre2 (tools/re2-program-size.cc) and that it stays within a small factor of them.
 */
export function re2ProgramSize(pattern: string): number {
  let size = sizes.get(pattern);
  if (size === undefined) {
    const program = readProgram(pattern);
    // The `.*?` prefix of an unanchored program: one byte range, one Alt and a Nop into the pattern's own list.
    size = UNANCHORED_PREFIX;
    for (const inst of program.instructions) size += instructionCost(inst);
    sizes.set(pattern, size);
  }
  return size;
}

/** Program sizes computed (or seeded) in this process, by pattern: a pure function of it, computed once. */
const sizes = new Map<string, number>();

/** The program sizes known in this process, by pattern: what a cache keeps for the next run of the same build. */
export function knownProgramSizes(): ReadonlyMap<string, number> {
  return sizes;
}

/** Adds program sizes an earlier run of the same kfaas build computed (src/cache keys them by the build). */
export function seedProgramSizes(entries: Iterable<readonly [string, number]>): void {
  for (const [pattern, size] of entries) if (!sizes.has(pattern) && typeof size === 'number') sizes.set(pattern, size);
}

const UNANCHORED_PREFIX = 3;
/** An Alt becomes at most two Nops (one per epsilon edge) when flattening splits its branches into lists. */
const ALT_COST = 2;
/** C++ `Compiler::Add_80_10ffff`: all of U+0080-U+10FFFF in 6 byte-range instructions (overlong forms allowed). */
const ALL_NON_ASCII_COST = 6;

function instructionCost(inst: Instruction): number {
  switch (inst.op) {
    case Op.Alt:
    case Op.AltMatch:
      return ALT_COST;
    case Op.Capture:
      // Slots 0 and 1 are the implicit whole-match group, which RE2's C++ program does not compile.
      return inst.arg < 2 ? 0 : 1;
    case Op.Rune:
    case Op.Rune1:
    case Op.RuneAny:
    case Op.RuneAnyNotNl:
      return classCost(inst.ranges ?? []);
    default:
      return 1;
  }
}

/** Byte-range instructions for one character class as UTF-8 chains, with no suffix sharing (an upper bound). */
function classCost(ranges: readonly number[]): number {
  const ascii: [number, number][] = [];
  const wide: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    const [lo, hi] = [ranges[i], ranges[i + 1]];
    if (lo <= 0x7f) ascii.push([lo, Math.min(hi, 0x7f)]);
    if (hi >= 0x80) wide.push([Math.max(lo, 0x80), hi]);
  }
  // The Alts between a class's byte-range chains cost nothing once flattened: every node of that Alt tree has one
  // predecessor inside the tree, so none becomes a list of its own (`Prog::MarkDominator`); its leaves join the
  // list the class is entered from.
  let insts = asciiLeaves(ascii);
  if (wide.length === 1 && wide[0][0] === 0x80 && wide[0][1] === MAX_CODE_POINT) return insts + ALL_NON_ASCII_COST;
  for (const [lo, hi] of wide) {
    // Each multi-byte chain may keep one Alt or Nop where RE2's suffix trie joins it (`AddSuffixRecursive`).
    for (const length of utf8Sequences(lo, hi)) insts += length + 1;
  }
  return insts;
}

/** ASCII ranges, with an upper-case range folded into its lower-case twin (one case-folding byte range in RE2). */
function asciiLeaves(ranges: readonly [number, number][]): number {
  const key = (r: readonly [number, number]): string => `${r[0]}-${r[1]}`;
  const present = new Set(ranges.map(key));
  return ranges.filter(([lo, hi]) => !(lo >= 0x41 && hi <= 0x5a && present.has(key([lo + 0x20, hi + 0x20])))).length;
}

const UTF8_MAX = [0x7f, 0x7ff, 0xffff, MAX_CODE_POINT];

/** Lengths of the byte-range sequences UTF-8 needs for [lo, hi] (lo >= 0x80), as RE2's and Go's compilers split it. */
function utf8Sequences(lo: number, hi: number): number[] {
  const out: number[] = [];
  const split = (a: number, b: number): void => {
    for (let n = 1; n < UTF8_MAX.length; n++) {
      const max = UTF8_MAX[n - 1];
      if (a <= max && b > max) {
        split(a, max);
        split(max + 1, b);
        return;
      }
    }
    const length = UTF8_MAX.findIndex((m) => b <= m) + 1;
    for (let i = 1; i < length; i++) {
      const mask = (1 << (6 * i)) - 1;
      if ((a & ~mask) !== (b & ~mask)) {
        if ((a & mask) !== 0) {
          split(a, a | mask);
          split((a | mask) + 1, b);
          return;
        }
        if ((b & mask) !== mask) {
          split(a, (b & ~mask) - 1);
          split(b & ~mask, b);
          return;
        }
      }
    }
    out.push(length);
  };
  split(lo, hi);
  return out;
}
