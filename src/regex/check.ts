import { compileRegex, InvalidRegexError } from './program';
import { walkPattern } from './walk-pattern';

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
    // The one compile of the pattern: the automaton and matching reuse it (program.ts caches it).
    compileRegex(pattern);
    return undefined;
  } catch (e) {
    if (!(e instanceof InvalidRegexError)) throw e;
    const reason = e.reason.replace(/^error parsing regexp: /, '').split('\n')[0];
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
  let found: Construct | undefined;
  walkPattern(pattern, (piece) => {
    if (piece.kind === 'class' || piece.inClass) return false;
    const i = piece.at;
    if (piece.kind === 'escape') {
      const next = piece.escaped;
      if (next >= '1' && next <= '9') found = { name: 'backreference', text: `\\${next}`, at: i };
      else if (next === 'k' && /[<{']/.test(pattern[i + 2] ?? '')) found = { name: 'named backreference', text: pattern.slice(i, i + 3), at: i };
    } else if (piece.text === '(' && pattern[i + 1] === '?') {
      const group = UNSUPPORTED_GROUPS.find(([text]) => pattern.startsWith(text, i));
      if (group) found = { name: group[1], text: group[0], at: i };
    }
    return found !== undefined;
  });
  return found;
}
