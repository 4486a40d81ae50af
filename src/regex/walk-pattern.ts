/**
 * One lexical piece of a regex pattern, as RE2 and ECMAScript both delimit it: an escape (`\` and the character
 * after it), the opening of a character class (`[`, `[^`, with a leading `]` that RE2 reads as a literal member), or
 * any other character (a whole code point).
 */
export type PatternPiece =
  | { readonly kind: 'escape'; readonly at: number; readonly escaped: string; readonly inClass: boolean }
  | { readonly kind: 'class'; readonly at: number; readonly text: string; readonly leadingBracket: boolean }
  | { readonly kind: 'char'; readonly at: number; readonly text: string; readonly inClass: boolean };

/**
 * Walks `pattern` left to right, piece by piece, knowing whether each is inside a character class; stops early when
 * `visit` returns true. The one lexical walk of the regex checks (RE2 constructs, ECMAScript dialect).
 */
export function walkPattern(pattern: string, visit: (piece: PatternPiece) => boolean | void): void {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (visit({ kind: 'escape', at: i, escaped: pattern[i + 1] ?? '', inClass })) return;
      i++;
      continue;
    }
    if (!inClass && c === '[') {
      let end = i;
      if (pattern[end + 1] === '^') end++;
      // A ']' right after '[' or '[^' is a literal member in RE2, not the end of the class.
      const leadingBracket = pattern[end + 1] === ']';
      if (leadingBracket) end++;
      inClass = true;
      if (visit({ kind: 'class', at: i, text: pattern.slice(i, end + 1), leadingBracket })) return;
      i = end;
      continue;
    }
    const text = String.fromCodePoint(pattern.codePointAt(i)!);
    const wasInClass = inClass;
    if (inClass && c === ']') inClass = false;
    if (visit({ kind: 'char', at: i, text, inClass: wasInClass })) return;
    i += text.length - 1;
  }
}
