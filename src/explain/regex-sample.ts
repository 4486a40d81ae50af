/**
 * Generates a few strings from an RE2 pattern, deterministically. It parses the common syntax (literals,
 * escapes, `.`, classes, groups, alternation, quantifiers, anchors) and picks small, fixed choices; callers
 * must verify every candidate with a real RE2 full match (zero-width assertions such as `\b` are not
 * honoured here, so some candidates may not match). Throws on syntax it does not model.
 */

type Range = readonly [number, number];

type Node =
  | { readonly t: 'char'; readonly cp: number }
  | { readonly t: 'set'; readonly ranges: readonly Range[]; readonly negated: boolean }
  | { readonly t: 'cat'; readonly items: readonly Node[] }
  | { readonly t: 'alt'; readonly alts: readonly Node[] }
  | { readonly t: 'rep'; readonly node: Node; readonly min: number; readonly max: number }
  | { readonly t: 'empty' };

/** Most candidates kept per node: keeps generation linear in the pattern size. */
const MAX_VARIANTS = 6;
/** RE2's largest repeat count. */
const MAX_REPEAT = 1000;

const DIGIT: Range[] = [[0x30, 0x39]];
const WORD: Range[] = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const SPACE: Range[] = [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]];
const POSIX: Readonly<Record<string, Range[]>> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: DIGIT,
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: WORD,
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};
/** Unicode classes, approximated by their ASCII members (enough to produce candidates). */
const UNICODE: Readonly<Record<string, Range[]>> = {
  L: [[0x41, 0x5a], [0x61, 0x7a]],
  Lu: [[0x41, 0x5a]],
  Ll: [[0x61, 0x7a]],
  N: DIGIT,
  Nd: DIGIT,
  P: POSIX.punct,
};

/**
 * Characters tried, in order, when a class or `.` needs one: path-friendly first; `?` and `#` last because a
 * path containing them would be cut there by Envoy.
 */
const PREFERRED = [...'az0_-.1bx9ZA~'].map((c) => c.codePointAt(0)!);
const FALLBACK = [
  ...Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i).filter((c) => c !== 0x3f && c !== 0x23),
  0x3f, 0x23, 0xe9, 0x3b1,
];

/** Candidate strings for `pattern` (unverified, deduplicated, stable order). */
export function generateRegexCandidates(pattern: string): string[] {
  return variants(new Parser(pattern).parse());
}

function variants(node: Node): string[] {
  switch (node.t) {
    case 'char':
      return [String.fromCodePoint(node.cp)];
    case 'empty':
      return [''];
    case 'set':
      return pickChars(node.ranges, node.negated).map((cp) => String.fromCodePoint(cp));
    case 'alt': {
      const each = node.alts.map(variants);
      const out: string[] = [];
      // Round-robin so every branch contributes its first candidate before any contributes a second.
      for (let k = 0; out.length < MAX_VARIANTS && each.some((v) => k < v.length); k++) {
        for (const v of each) if (k < v.length) out.push(v[k]);
      }
      return unique(out);
    }
    case 'cat': {
      const each = node.items.map(variants);
      const width = Math.min(MAX_VARIANTS, Math.max(1, ...each.map((v) => v.length)));
      // Diagonal combination: the k-th candidate takes every part's k-th choice (or its last).
      return unique(Array.from({ length: width }, (_, k) => each.map((v) => v[Math.min(k, v.length - 1)]).join('')));
    }
    case 'rep': {
      const inner = variants(node.node);
      const counts = unique([node.min, node.min + 1].filter((c) => c <= node.max && c <= MAX_REPEAT).map(String)).map(Number);
      const out: string[] = [];
      for (const count of counts) {
        for (let shift = 0; shift < (count === 0 ? 1 : inner.length); shift++) {
          out.push(Array.from({ length: count }, (_, i) => inner[(i + shift) % inner.length]).join(''));
        }
      }
      return unique(out);
    }
  }
}

/** Up to two characters in (or, negated, outside) the ranges. */
function pickChars(ranges: readonly Range[], negated: boolean): number[] {
  const inSet = (cp: number): boolean => ranges.some(([lo, hi]) => cp >= lo && cp <= hi) !== negated;
  const picks = [...PREFERRED, ...FALLBACK].filter(inSet);
  if (picks.length === 0 && !negated && ranges.length > 0) picks.push(ranges[0][0]);
  return unique(picks.map(String)).slice(0, 2).map(Number);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].slice(0, MAX_VARIANTS);
}

class Parser {
  private readonly cps: number[];
  private pos = 0;

  constructor(private readonly pattern: string) {
    this.cps = [...pattern].map((c) => c.codePointAt(0)!);
  }

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.cps.length) this.fail(`unexpected ${JSON.stringify(this.peekChar())}`);
    return node;
  }

  private alternation(): Node {
    const alts = [this.concatenation()];
    while (this.peekChar() === '|') {
      this.pos++;
      alts.push(this.concatenation());
    }
    return alts.length === 1 ? alts[0] : { t: 'alt', alts };
  }

  private concatenation(): Node {
    const items: Node[] = [];
    while (this.pos < this.cps.length && this.peekChar() !== '|' && this.peekChar() !== ')') {
      items.push(this.repetition(this.atom()));
    }
    return items.length === 1 ? items[0] : { t: 'cat', items };
  }

  private repetition(atom: Node): Node {
    let node = atom;
    for (;;) {
      const c = this.peekChar();
      let bounds: [number, number] | undefined;
      if (c === '*') bounds = [0, Infinity];
      else if (c === '+') bounds = [1, Infinity];
      else if (c === '?') bounds = [0, 1];
      else if (c === '{') bounds = this.braces();
      if (!bounds) return node;
      if (c !== '{') this.pos++;
      if (this.peekChar() === '?') this.pos++; // non-greedy: same language
      node = { t: 'rep', node, min: bounds[0], max: bounds[1] };
    }
  }

  /** `{n}`, `{n,}`, `{n,m}` (consumed); anything else after `{` is a literal brace in RE2. */
  private braces(): [number, number] | undefined {
    const rest = this.pattern.slice(this.offsetOf(this.pos));
    const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (!m) return undefined;
    this.pos += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    return [min, max];
  }

  private atom(): Node {
    const c = this.nextChar();
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        return { t: 'set', ranges: [[0x0a, 0x0a]], negated: true };
      case '^':
      case '$':
        return { t: 'empty' };
      case '\\':
        return this.escape(false);
      case '*':
      case '+':
      case '?':
        return this.fail(`missing argument to repetition operator ${c}`);
      default:
        return { t: 'char', cp: this.cps[this.pos - 1] };
    }
  }

  private group(): Node {
    if (this.peekChar() === '?') {
      this.pos++;
      const rest = this.pattern.slice(this.offsetOf(this.pos));
      const named = /^P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(rest);
      const flags = /^[imsU-]*(:|\))/.exec(rest);
      if (named) {
        this.pos += [...named[0]].length;
      } else if (flags) {
        this.pos += [...flags[0]].length;
        if (flags[1] === ')') return { t: 'empty' }; // `(?i)`: flags only, no text
      } else {
        this.fail('unsupported group syntax');
      }
    }
    const inner = this.alternation();
    if (this.nextChar() !== ')') this.fail('missing )');
    return inner;
  }

  private charClass(): Node {
    let negated = false;
    if (this.peekChar() === '^') {
      negated = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    let first = true;
    while (first || this.peekChar() !== ']') {
      if (this.pos >= this.cps.length) this.fail('missing ]');
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.pattern.slice(this.offsetOf(this.pos)));
      if (posix) {
        const set = POSIX[posix[2]] ?? this.fail(`unknown class [:${posix[2]}:]`);
        ranges.push(...(posix[1] ? complement(set) : set));
        this.pos += posix[0].length;
        continue;
      }
      const lo = this.classAtom(ranges);
      if (lo === undefined) continue;
      if (this.peekChar() === '-' && this.cps[this.pos + 1] !== undefined && String.fromCodePoint(this.cps[this.pos + 1]) !== ']') {
        this.pos++;
        const hi = this.classAtom(ranges);
        if (hi === undefined || hi < lo) this.fail('bad character class range');
        ranges.push([lo, hi!]);
      } else {
        ranges.push([lo, lo]);
      }
    }
    this.pos++;
    return { t: 'set', ranges, negated };
  }

  /** A single character inside a class; class escapes (`\d`) are added to `ranges` and return undefined. */
  private classAtom(ranges: Range[]): number | undefined {
    const c = this.nextChar();
    if (c !== '\\') return this.cps[this.pos - 1];
    const node = this.escape(true);
    if (node.t === 'char') return node.cp;
    if (node.t === 'set') ranges.push(...(node.negated ? complement(node.ranges) : node.ranges));
    return undefined;
  }

  private escape(inClass: boolean): Node {
    const c = this.nextChar();
    const set = (ranges: Range[], negated: boolean): Node => ({ t: 'set', ranges, negated });
    switch (c) {
      case 'd': return set(DIGIT, false);
      case 'D': return set(DIGIT, true);
      case 'w': return set(WORD, false);
      case 'W': return set(WORD, true);
      case 's': return set(SPACE, false);
      case 'S': return set(SPACE, true);
      case 'n': return { t: 'char', cp: 0x0a };
      case 't': return { t: 'char', cp: 0x09 };
      case 'r': return { t: 'char', cp: 0x0d };
      case 'f': return { t: 'char', cp: 0x0c };
      case 'v': return { t: 'char', cp: 0x0b };
      case 'a': return { t: 'char', cp: 0x07 };
      case 'x': return { t: 'char', cp: this.hex() };
      case 'p':
      case 'P': return set(this.unicodeClass(), c === 'P');
      case 'Q': return inClass ? this.fail('\\Q in a class') : this.quoted();
      case 'b': case 'B': case 'A': case 'z':
        return inClass ? this.fail(`\\${c} in a class`) : { t: 'empty' };
      default:
        if (c === undefined) return this.fail('trailing backslash');
        if (/[0-9A-Za-z]/.test(c) && c !== '0') return this.fail(`unsupported escape \\${c}`);
        return { t: 'char', cp: c === '0' ? 0 : this.cps[this.pos - 1] };
    }
  }

  private hex(): number {
    const rest = this.pattern.slice(this.offsetOf(this.pos));
    const m = /^\{([0-9A-Fa-f]+)\}|^([0-9A-Fa-f]{2})/.exec(rest) ?? this.fail('bad \\x escape');
    this.pos += m[0].length;
    return parseInt(m[1] ?? m[2], 16);
  }

  private unicodeClass(): Range[] {
    const rest = this.pattern.slice(this.offsetOf(this.pos));
    const m = /^\{\^?([A-Za-z]+)\}|^([A-Za-z])/.exec(rest) ?? this.fail('bad \\p escape');
    this.pos += m[0].length;
    const ranges = UNICODE[m[1] ?? m[2]] ?? this.fail(`unsupported Unicode class ${m[0]}`);
    return m[0].startsWith('{^') ? complement(ranges) : ranges;
  }

  /** `\Q...\E`: literal text. */
  private quoted(): Node {
    const items: Node[] = [];
    while (this.pos < this.cps.length) {
      if (this.peekChar() === '\\' && String.fromCodePoint(this.cps[this.pos + 1] ?? 0) === 'E') {
        this.pos += 2;
        break;
      }
      items.push({ t: 'char', cp: this.cps[this.pos++] });
    }
    return { t: 'cat', items };
  }

  private peekChar(): string | undefined {
    const cp = this.cps[this.pos];
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  }

  private nextChar(): string | undefined {
    const c = this.peekChar();
    if (c !== undefined) this.pos++;
    return c;
  }

  /** UTF-16 offset of a code point index (for regex look-ahead on the original string). */
  private offsetOf(cpIndex: number): number {
    let offset = 0;
    for (let i = 0; i < cpIndex; i++) offset += this.cps[i] > 0xffff ? 2 : 1;
    return offset;
  }

  private fail(message: string): never {
    throw new Error(`cannot generate samples for regex ${JSON.stringify(this.pattern)}: ${message} at ${this.pos}`);
  }
}

function complement(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}
