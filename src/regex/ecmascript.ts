/**
 * What in a valid RE2 pattern Envoy's ECMAScript `regex` (std::regex, which Istio 1.1-1.3 and gateway proxies
 * older than 1.4 use: istio@1.3.0 `pilot/pkg/networking/core/v1alpha3/route/route.go` L569-570, L626-630)
 * rejects or reads differently. A rejected regex makes Envoy refuse the gateway's whole route configuration; one
 * read differently routes differently from `kfaas explain`.
 *
 * The pattern is already valid RE2 (src/regex/check.ts), so lookaround and backreferences cannot occur here. This
 * is a lexical scan of the RE2-only spellings, by design: what they mean is RE2's business (re2js), and the
 * ECMAScript side only needs to know they are not ECMAScript (ECMA-262 5.1 section 15.10.1 Patterns; C++
 * [re.grammar]).
 */
import { walkPattern } from './walk-pattern';

export interface EcmaScriptProblem {
  /** The construct as written, e.g. `(?i)` or `\z`. */
  readonly text: string;
  /** 0-based offset in the pattern. */
  readonly at: number;
  /** Why it differs, for the diagnostic. */
  readonly why: string;
}

/** RE2 escapes that ECMAScript rejects or reads as something else (RE2 wiki "Syntax"). */
const RE2_ONLY_ESCAPES: Readonly<Record<string, string>> = {
  A: 'beginning of text (ECMAScript has no \\A; use ^)',
  z: 'end of text (ECMAScript has no \\z; use $)',
  C: 'any byte (not ECMAScript)',
  Q: 'literal text \\Q...\\E (not ECMAScript; escape each character)',
  E: 'end of \\Q...\\E literal text (not ECMAScript)',
  p: 'a Unicode class (not ECMAScript before ES2018, and std::regex has none)',
  P: 'a negated Unicode class (not ECMAScript before ES2018, and std::regex has none)',
  a: 'the bell character (not an ECMAScript escape)',
};

/** The first few constructs of `pattern` that ECMAScript std::regex rejects or reads differently (empty when none). */
export function ecmaScriptProblems(pattern: string): EcmaScriptProblem[] {
  const out: EcmaScriptProblem[] = [];
  walkPattern(pattern, (piece) => {
    const i = piece.at;
    if (piece.kind === 'escape') {
      const next = piece.escaped;
      if (RE2_ONLY_ESCAPES[next]) out.push({ text: `\\${next}`, at: i, why: RE2_ONLY_ESCAPES[next] });
      else if (next === 'x' && pattern[i + 2] === '{') out.push({ text: '\\x{', at: i, why: 'a braced hex escape (ECMAScript \\x takes exactly two hex digits)' });
      else if (next >= '0' && next <= '9') out.push({ text: `\\${next}`, at: i, why: 'an octal escape in RE2, a backreference or NUL in ECMAScript' });
    } else if (piece.kind === 'class') {
      if (piece.leadingBracket) out.push({ text: piece.text, at: i, why: 'a leading ] is a literal in RE2 but ends an empty class in ECMAScript; escape it as \\]' });
    } else if (piece.text.codePointAt(0)! > 0x7f) {
      out.push({ text: piece.text, at: i, why: 'a non-ASCII character: std::regex matches bytes, so a multi-byte character in a class or before a repetition means something else; match its percent-encoded form' });
    } else if (!piece.inClass) {
      const c = piece.text;
      if (c === '(' && pattern[i + 1] === '?' && pattern[i + 2] !== ':') {
        const close = pattern.slice(i).search(/[:)>]/);
        const text = close > 0 ? pattern.slice(i, i + close + 1) : '(?';
        const named = pattern[i + 2] === 'P' || pattern[i + 2] === '<';
        out.push({ text, at: i, why: named ? 'a named group (std::regex has none; use (...) or (?:...))' : 'a flag group (ECMAScript has no inline flags)' });
      } else if (c === '{' && !/^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
        out.push({ text: '{', at: i, why: 'a literal { in RE2, a malformed repetition that std::regex rejects; escape it as \\{' });
      }
    }
    return out.length >= 3;
  });
  return out;
}
