import { covers, mayOverlap } from '../../src/compile/overlap';
import { regexFullMatch as fullyMatches } from '../../src/regex';
import { matchLiteral } from '../../src/compile/specificity';
import { MatchKind } from '../../src/model/project';

const m = (kind: MatchKind, value: string) => ({ kind, value });

describe('covers(a, b): a matches every path b matches', () => {
  test.each<[MatchKind, string, MatchKind, string, boolean]>([
    ['prefix', '/a', 'prefix', '/ab', true],
    ['prefix', '/a', 'prefix', '/a', true],
    ['prefix', '/ab', 'prefix', '/a', false],
    ['prefix', '/a', 'exact', '/a/x', true],
    ['prefix', '/a/', 'exact', '/a', false],
    ['prefix', '/a/', 'regex', '/a/b.*', true],
    ['prefix', '/a/', 'regex', '/a.*', false],
    ['prefix', '/', 'regex', '.*', false],
    ['exact', '/a', 'exact', '/a', true],
    ['exact', '/a', 'exact', '/a/', false],
    ['exact', '/a', 'prefix', '/a', false],
    ['exact', '/a/b', 'regex', '/a/b', true],
    ['exact', '/a/b', 'regex', '/a/b?', false],
    ['regex', '/a/[0-9]+', 'exact', '/a/12', true],
    ['regex', '/a/[0-9]+', 'exact', '/a/x', false],
    ['regex', '/a/[0-9]+', 'exact', '/a/12/x', false],
    ['regex', '/a/.*', 'prefix', '/a/b', true],
    ['regex', '/a/.*', 'prefix', '/a', false],
    ['regex', '/a/.*', 'regex', '/a/b[0-9]', true],
    ['regex', '/a/[0-9]+', 'prefix', '/a/1', false],
    ['regex', '/a/.+', 'prefix', '/a/b', true], // exact now: every /a/b... has a character after /a/
    ['regex', '/a/[0-9]+', 'regex', '/a/[0-9]+', true],
    ['regex', '.*', 'prefix', '/', true],
    ['regex', '/a/(', 'exact', '/a/(', false],
  ])('%s %s covers %s %s: %s', (ka, va, kb, vb, expected) => {
    expect(covers(m(ka, va), m(kb, vb))).toBe(expected);
  });

  test('covers implies the covered literal starts with the covering one (the compiler indexes on it)', () => {
    const all: [MatchKind, string][] = [['prefix', '/a'], ['prefix', '/a/'], ['exact', '/a/1'], ['regex', '/a/[0-9]+'],
      ['regex', '/a/.*'], ['regex', '.*'], ['prefix', '/'], ['exact', '/b'], ['regex', '/a/1']];
    for (const [ka, va] of all) {
      for (const [kb, vb] of all) {
        if (covers(m(ka, va), m(kb, vb))) expect(matchLiteral(kb, vb).startsWith(matchLiteral(ka, va))).toBe(true);
      }
    }
  });
});

describe('mayOverlap', () => {
  test.each<[MatchKind, string, MatchKind, string, boolean]>([
    ['prefix', '/a', 'prefix', '/ab', true],
    ['prefix', '/ab', 'prefix', '/a', true],
    ['prefix', '/a/', 'prefix', '/b/', false],
    ['exact', '/a', 'exact', '/a', true],
    ['exact', '/a', 'exact', '/a/b', false],
    ['exact', '/a/b', 'prefix', '/a/', true],
    ['exact', '/a', 'prefix', '/a/', false],
    ['prefix', '/a/', 'exact', '/a', false],
    ['regex', '/a/[0-9]+', 'prefix', '/a/1/', false], // exact now: digits never include /
    ['regex', '/b/.*', 'prefix', '/a/', false],
    ['regex', '.*', 'exact', '/anything', true],
  ])('%s %s ~ %s %s: %s', (ka, va, kb, vb, expected) => {
    expect(mayOverlap(m(ka, va), m(kb, vb))).toBe(expected);
  });
});

test('fullyMatches anchors both ends and rejects invalid patterns', () => {
  expect(fullyMatches('/a/[0-9]+', '/a/1')).toBe(true);
  expect(fullyMatches('/a/[0-9]+', 'x/a/1')).toBe(false);
  expect(fullyMatches('a|b', 'a')).toBe(true);
  expect(() => fullyMatches('(', '(')).toThrow('not valid RE2');
});
