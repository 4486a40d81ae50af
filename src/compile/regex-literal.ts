/**
 * The literal leading part of an RE2 pattern: the text every path the pattern fully matches starts with.
 *
 * Istio (Envoy `safe_regex`) matches the whole path, so a leading `^` and a final `$` add nothing. The walk stops
 * at the first metacharacter; escaped punctuation (`\.`, `\/`) is literal; a quantifier that allows zero
 * occurrences (`?`, `*`, `{0,..}`) removes the character it follows; a top-level alternation (`a|b`) leaves no
 * literal at all. Anything unusual stops the walk early, which is always safe: a shorter literal is only
 * less precise, never wrong.
 */
export interface RegexLiteral {
  /** Text every path the pattern fully matches starts with (possibly empty). */
  readonly literal: string;
  /** True when the pattern matches exactly `literal` and nothing else. */
  readonly complete: boolean;
}

const META = new Set(Array.from('.[]()*+?{}|^$\\'));
const PUNCTUATION = /^[!-/:-@[-`{-~]$/;
const REPEAT = /^\{(\d+)(?:,(\d*))?\}/;

const cache = new Map<string, RegexLiteral>();

/** Parses the literal leading part of `pattern` (cached: the compiler asks for the same patterns often). */
export function parseRegexLiteral(pattern: string): RegexLiteral {
  let hit = cache.get(pattern);
  if (hit === undefined) {
    hit = parse(pattern);
    cache.set(pattern, hit);
  }
  return hit;
}

/** The literal leading part of an RE2 pattern, e.g. `/faas/api/v[0-9]+` → `/faas/api/v`, `/ab?` → `/a`. */
export function regexLiteral(pattern: string): string {
  return parseRegexLiteral(pattern).literal;
}

/**
 * When the pattern is `<literal>.*` (it matches exactly the paths starting with `<literal>`, like a prefix
 * match), that literal; otherwise undefined.
 */
export function prefixEquivalentLiteral(pattern: string): string | undefined {
  if (!pattern.endsWith('.*')) return undefined;
  const head = pattern.slice(0, -2);
  const parsed = parseRegexLiteral(head);
  return parsed.complete && !endsWithAnchor(head) ? parsed.literal : undefined;
}

function parse(pattern: string): RegexLiteral {
  if (hasTopLevelAlternation(pattern)) return { literal: '', complete: false };
  const chars = Array.from(pattern);
  const out: string[] = [];
  let i = chars[0] === '^' ? 1 : 0;
  while (i < chars.length) {
    const c = chars[i];
    let literal: string;
    let next: number;
    if (c === '\\') {
      const escaped = chars[i + 1];
      if (escaped === undefined || !PUNCTUATION.test(escaped)) return { literal: out.join(''), complete: false };
      literal = escaped;
      next = i + 2;
    } else if (c === '$' && i === chars.length - 1) {
      return { literal: out.join(''), complete: true };
    } else if (META.has(c)) {
      return { literal: out.join(''), complete: false };
    } else {
      literal = c;
      next = i + 1;
    }
    const q = chars[next];
    if (q === '*' || q === '?') return { literal: out.join(''), complete: false };
    if (q === '+') return { literal: out.join('') + literal, complete: false };
    if (q === '{') {
      const repeat = REPEAT.exec(chars.slice(next).join(''));
      if (repeat) {
        const keep = Number(repeat[1]) >= 1 ? literal : '';
        return { literal: out.join('') + keep, complete: false };
      }
      // Not a repetition: RE2 reads `{` literally. Keep this character; the loop stops at `{`.
    }
    out.push(literal);
    i = next;
  }
  return { literal: out.join(''), complete: true };
}

/** True when the pattern ends with an unescaped `$`. */
function endsWithAnchor(pattern: string): boolean {
  if (!pattern.endsWith('$')) return false;
  let backslashes = 0;
  for (let i = pattern.length - 2; i >= 0 && pattern[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** True when `|` appears outside any group, character class, escape or `\Q...\E` quote. */
export function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0;
  let inClass = false;
  let inQuote = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (inQuote) {
      if (c === '\\' && pattern[i + 1] === 'E') {
        inQuote = false;
        i++;
      }
      continue;
    }
    if (c === '\\') {
      if (pattern[i + 1] === 'Q') inQuote = true;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        if (end >= 0) i = end + 1;
      } else if (c === ']') {
        inClass = false;
      }
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++; // a `]` first in a class is literal
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth = Math.max(0, depth - 1);
    } else if (c === '|' && depth === 0) {
      return true;
    }
  }
  return false;
}
