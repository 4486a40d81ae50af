import fc from 'fast-check';
import { regexDfa } from '../../src/regex/automaton';
import { factsOf, FactsOptions } from '../../src/regex/facts';
import { readProgram } from '../../src/regex/program';

/**
 * regexFacts reads a pattern's leading text off RE2's program instead of walking the automaton through it
 * (src/regex/facts.ts). That must be exact: the same facts as the walk from the first character, for every
 * pattern, the explorations' limits included.
 */
const facts = (pattern: string, options: FactsOptions = {}): unknown => {
  const program = readProgram(pattern);
  return factsOf(program, regexDfa(program), options);
};

const bothWays = (pattern: string, options: FactsOptions = {}): [unknown, unknown] =>
  [facts(pattern, { ...options, leadingText: false }), facts(pattern, options)];

describe('regex facts: the leading text read off the program equals the walk through it', () => {
  test.each([
    '/faas/api/team-08/svc-58/v[0-9]+/.*',
    '/faas/api/shop/cart',
    '/a/.*',
    '^/a/b$',
    '/a$b',
    '/a\\?b',
    '/a\\x00',
    '/a#',
    '/a(?:c\\x00|b)',
    '/ab{2,}',
    '/a|/b',
    '(ab)+', // the loop jumps back into the leading text: the walk is kept
    'a(?:ba)*',
    '/a\\b',
    '/a\\B/',
    '/a/\\bx',
    '/a/\\Bx',
    '/a/\\b/',
    '(?i)/ab',
    '(?i)/\\d+/x',
    '/é/ü?',
    '/a\\Q.*\\E',
    '/a/(?:x|)',
    '/a/(?:)$',
  ])('%s', (pattern) => {
    const [walked, read] = bothWays(pattern);
    expect(read).toEqual(walked);
  });

  test('a leading text longer than the part read off the program', () => {
    const [walked, read] = bothWays(`${'x'.repeat(1100)}y?`);
    expect(read).toEqual(walked);
    expect((read as { literal: string }).literal).toBe('x'.repeat(1100));
  });

  test('generated patterns', () => {
    const piece = fc.oneof(
      fc.constantFrom('/', 'a', 'b', 'x', '-', '.', 'é', '\\?', '#', '\\x00', '\\.', '\\/'),
      fc.constantFrom('.*', '.+', '[0-9]+', '[ab]', '[^/]*', 'a?', 'b*', '(?:a|b)', '(?:a|ab)', '(ab)*', '(?:/x)+'),
      fc.constantFrom('\\b', '\\B', '^', '$', '(?i)', '(?i:A)', '(?:)', '|'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const pattern = pieces.join('');
        const [walked, read] = bothWays(pattern);
        expect(read).toEqual(walked);
      }),
      { numRuns: 400, seed: 14 },
    );
  });

  // Near an exploration's limit the leading text's states count: a pattern just past it keeps its cut-short answer.
  test.each([
    // a dead end after the text (`c` then NUL) is seen only while the automaton is explored whole: literal "x..xb"
    ['the literal exploration', (n: number) => `${'x'.repeat(n)}(?:c\\x00|b)[ab]*a[ab]{3}`, { exploreLimit: 60 }],
    // the same, repeated: the loop jumps back into the leading text, whose states then count once
    ['the literal exploration, a loop back into the text', (n: number) => `(?:${'x'.repeat(n)}(?:c\\x00|b)[ab]*a[ab]{2})+`, { exploreLimit: 60 }],
    // prefix-equivalent only while the product searches finish
    ['the prefix-equivalence searches', (n: number) => `${'x'.repeat(n)}(?:.*|[ab]*a[ab]{3})`, { searchLimit: 60 }],
  ] as const)('%s: the same facts on both sides of its limit', (_name, pattern, limits) => {
    const answers = new Set<string>();
    for (let n = 1; n < 60; n++) {
      const [walked, read] = bothWays(pattern(n), limits);
      expect(read).toEqual(walked);
      const { literal, ...rest } = walked as { literal: string };
      answers.add(JSON.stringify({ ...rest, beyondText: literal.length - n }));
    }
    // The limit was crossed inside the range: the answer changes.
    expect(answers.size).toBe(2);
  });
});
