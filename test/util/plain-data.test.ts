import { samePlainData } from '../../src/util/plain-data';

test('equal plain data, key order included', () => {
  expect(samePlainData({ a: 1, b: ['x', { c: null }] }, { a: 1, b: ['x', { c: null }] })).toBe(true);
  expect(samePlainData([], [])).toBe(true);
  expect(samePlainData('x', 'x')).toBe(true);
});

test('anything that could serialize differently is unequal', () => {
  expect(samePlainData({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false); // key order
  expect(samePlainData({ a: undefined }, {})).toBe(false);
  expect(samePlainData({ a: 1 }, { a: '1' })).toBe(false);
  expect(samePlainData([1, 2], [1, 2, 3])).toBe(false);
  expect(samePlainData([1], { 0: 1 })).toBe(false);
  expect(samePlainData({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
  expect(samePlainData(NaN, NaN)).toBe(false);
  expect(samePlainData(null, {})).toBe(false);
});
