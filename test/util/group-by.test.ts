import { groupBy, groupRepeated } from '../../src/util/group-by';

describe('groupBy', () => {
  test('keeps first-seen key order and item order within each group', () => {
    const groups = groupBy(['b1', 'a1', 'b2', 'c1', 'a2'], (s) => s[0]);
    expect([...groups]).toEqual([['b', ['b1', 'b2']], ['a', ['a1', 'a2']], ['c', ['c1']]]);
  });

  test('keeps what `value` picks of each item', () => {
    const groups = groupBy([{ k: 1, v: 'x' }, { k: 2, v: 'y' }, { k: 1, v: 'z' }], (i) => i.k, (i) => i.v);
    expect([...groups]).toEqual([[1, ['x', 'z']], [2, ['y']]]);
  });

  test('groups by identity for object keys and reads any iterable', () => {
    const a = {};
    const b = {};
    const groups = groupBy(new Set([[a, 1], [b, 2], [a, 3]] as const), (p) => p[0], (p) => p[1]);
    expect(groups.get(a)).toEqual([1, 3]);
    expect(groups.get(b)).toEqual([2]);
    expect(groupBy([], (x) => x).size).toBe(0);
  });
});

describe('groupRepeated', () => {
  test('is groupBy without the keys that occur once, in the same order', () => {
    const items = ['b1', 'a1', 'c1', 'b2', 'd1', 'a2', 'b3'];
    const all = groupBy(items, (s) => s[0]);
    expect([...groupRepeated(items, (s) => s[0])]).toEqual([...all].filter(([, group]) => group.length > 1));
    expect([...groupRepeated(items, (s) => s[0])]).toEqual([['b', ['b1', 'b2', 'b3']], ['a', ['a1', 'a2']]]);
  });

  test('is empty when every key is unique', () => {
    expect(groupRepeated(['a', 'b', 'c'], (s) => s).size).toBe(0);
    expect(groupRepeated([], (s: string) => s).size).toBe(0);
  });
});
