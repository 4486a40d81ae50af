import { PatternPiece, walkPattern } from '../../src/regex/walk-pattern';

const pieces = (pattern: string): PatternPiece[] => {
  const out: PatternPiece[] = [];
  walkPattern(pattern, (p) => void out.push(p));
  return out;
};

test('escapes, a class with a leading ] and whole code points, each knowing whether it is in a class', () => {
  expect(pieces('a[^]\\]x]\\(é')).toEqual([
    { kind: 'char', at: 0, text: 'a', inClass: false },
    { kind: 'class', at: 1, text: '[^]', leadingBracket: true },
    { kind: 'escape', at: 4, escaped: ']', inClass: true },
    { kind: 'char', at: 6, text: 'x', inClass: true },
    { kind: 'char', at: 7, text: ']', inClass: true },
    { kind: 'escape', at: 8, escaped: '(', inClass: false },
    { kind: 'char', at: 10, text: 'é', inClass: false },
  ]);
  expect(pieces('😀.')).toEqual([
    { kind: 'char', at: 0, text: '😀', inClass: false },
    { kind: 'char', at: 2, text: '.', inClass: false },
  ]);
});

test('a [ inside a class is a member, and the walk stops when the visitor says so', () => {
  expect(pieces('[a[]b').map((p) => p.kind + p.at)).toEqual(['class0', 'char1', 'char2', 'char3', 'char4']);
  const seen: number[] = [];
  walkPattern('abc', (p) => (seen.push(p.at), p.at === 1));
  expect(seen).toEqual([0, 1]);
});
