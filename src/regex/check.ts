import { RE2JS } from 're2js';

/** Perl/JavaScript constructs RE2 (Istio's regex engine) refuses, checked first so the message names them. */
const UNSUPPORTED_GROUPS: ReadonlyArray<readonly [string, string]> = [
  ['(?<=', 'lookbehind'],
  ['(?<!', 'negative lookbehind'],
  ['(?=', 'lookahead'],
  ['(?!', 'negative lookahead'],
  ['(?>', 'atomic group'],
];

/**
 * Why `pattern` is not a valid RE2 regex, or undefined when it is. Names JavaScript-only constructs
 * (lookaround, backreferences, atomic groups) instead of echoing RE2's generic parser message.
 */
export function regexProblem(pattern: string): string | undefined {
  const construct = unsupportedConstruct(pattern);
  if (construct) {
    return `RE2 (Istio's regex engine) does not support ${construct.name} "${construct.text}" (at character ${construct.at + 1}); expected an RE2 pattern without lookaround or backreferences`;
  }
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).replace(/^error parsing regexp: /, '').split('\n')[0];
    return `expected an RE2 regex (Istio's regex engine), got a syntax error: ${reason}`;
  }
}

interface Construct {
  readonly name: string;
  readonly text: string;
  readonly at: number;
}

/** Scans outside character classes, skipping escaped characters. */
function unsupportedConstruct(pattern: string): Construct | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && next >= '1' && next <= '9') return { name: 'backreference', text: `\\${next}`, at: i };
      if (!inClass && next === 'k' && /[<{']/.test(pattern[i + 2] ?? '')) {
        return { name: 'named backreference', text: pattern.slice(i, i + 3), at: i };
      }
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A ']' right after '[' or '[^' is a literal member, not the end of the class.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      for (const [text, name] of UNSUPPORTED_GROUPS) {
        if (pattern.startsWith(text, i)) return { name, text, at: i };
      }
    }
  }
  return undefined;
}
