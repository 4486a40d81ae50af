import { didYouMean, levenshtein } from '../../src/load/did-you-mean';
import { parseDuration } from '../../src/load/durations';
import { formatPath, pointerToPath } from '../../src/load/field-path';
import { regexProblem } from '../../src/regex';
import { tooDeepPath } from '../../src/load/parse-yaml';

describe('parseDuration', () => {
  test.each([
    ['10s', 10_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['1.1s', 1100], // no float rounding
    ['0.001s', 1],
    ['2m', 120_000],
    ['1.5h', 5_400_000],
    ['1ms', 1],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  test.each([
    ['10', 'format'],
    ['10 s', 'format'],
    ['-1s', 'format'],
    ['.5s', 'format'],
    ['1d', 'format'],
    ['10S', 'format'],
    ['', 'format'],
    ['0.5ms', 'fraction-of-ms'],
    ['1.0005s', 'fraction-of-ms'],
    ['0s', 'zero'],
    ['0.0ms', 'zero'],
    ['99999999999999999h', 'too-large'],
    ['315576000001s', 'too-large'], // issue 8: beyond protobuf Duration's 315,576,000,000 s
    ['87660001h', 'too-large'],
  ])('%s is rejected (%s)', (text, problem) => {
    expect(parseDuration(text)).toEqual({ ok: false, problem });
  });
});

describe('didYouMean', () => {
  const fields = ['service', 'match', 'rewrite', 'timeout', 'retries', 'traffic', 'environments', 'clusters', 'overrides'];
  test.each([
    ['timout', 'timeout'],
    ['Timeout', 'timeout'],
    ['enviroments', 'environments'],
    ['retires', 'retries'],
    ['retry', undefined],
    ['overide', 'overrides'],
    ['matches', 'match'],
    ['authority', undefined],
    ['x', undefined],
  ])('%s -> %s', (input, expected) => {
    expect(didYouMean(input, fields)).toBe(expected);
  });

  test('levenshtein', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });
});

describe('regexProblem', () => {
  test.each(['/faas/api/shop/search/v[0-9]+/.*', '/a/(x|y)/\\d+', '/a/[(?=]', '(?P<name>x)', '(?i)/a', '/a\\\\1'])(
    '%s is valid RE2',
    (pattern) => {
      expect(regexProblem(pattern)).toBeUndefined();
    },
  );

  test.each([
    ['/a(?=b)', 'lookahead "(?="'],
    ['/a(?!b)', 'negative lookahead "(?!"'],
    ['(?<=a)/b', 'lookbehind "(?<="'],
    ['(?<!a)/b', 'negative lookbehind "(?<!"'],
    ['(a)/\\1', 'backreference "\\1"'],
    ['(?<n>a)\\k<n>', 'named backreference "\\k<"'],
    ['(?>a)', 'atomic group "(?>"'],
    ['/a[', 'syntax error: missing closing ]'],
    ['a{2000}', 'syntax error: invalid repeat count'],
    ['a**', 'syntax error: invalid nested repetition operator'],
  ])('%s names %s', (pattern, words) => {
    expect(regexProblem(pattern)).toContain(words);
  });
});

describe('field paths', () => {
  test.each([
    [['spec', 'match', 1, 'prefix'], 'spec.match[1].prefix'],
    [['spec', 'overrides', 'prod', 'timeout'], 'spec.overrides.prod.timeout'],
    [['metadata', 'labels', 'app.kubernetes.io/name'], 'metadata.labels["app.kubernetes.io/name"]'],
    [[], ''],
  ] as const)('%j formats as %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });

  test('JSON pointers use the data to tell indexes from numeric keys', () => {
    const data = { spec: { match: [{ prefix: '/a' }], overrides: { '1': {} }, 'a/b': { '~': 1 } } };
    expect(pointerToPath('/spec/match/0/prefix', data)).toEqual(['spec', 'match', 0, 'prefix']);
    expect(pointerToPath('/spec/overrides/1', data)).toEqual(['spec', 'overrides', '1']);
    expect(pointerToPath('/spec/a~1b/~0', data)).toEqual(['spec', 'a/b', '~']);
  });
});

describe('tooDeepPath', () => {
  /** `depth` levels of nesting below `leaf`, alternating mappings (key `k`) and lists. */
  const nest = (depth: number, leaf: unknown): unknown => {
    let v = leaf;
    for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
    return v;
  };

  test('a document within the limit has none; one past it has the path to the first value too deep', () => {
    expect(tooDeepPath({ spec: nest(63, 'x') })).toBeUndefined();
    expect(tooDeepPath({ spec: { a: [1, 2, { b: null }] } })).toBeUndefined();
    const path = tooDeepPath({ spec: nest(70, 'x') })!;
    expect(path).toHaveLength(64);
    expect(path.slice(0, 3)).toEqual(['spec', 'k', 0]);
  });

  test('of several values too deep, the one of the last entry is found (what diagnostics point at)', () => {
    expect(tooDeepPath({ a: nest(70, 1), b: 'flat', c: nest(70, 2), d: 'flat' })!.slice(0, 1)).toEqual(['c']);
    expect(tooDeepPath([nest(70, 1), nest(70, 2), 3])!.slice(0, 1)).toEqual([1]);
  });
});
