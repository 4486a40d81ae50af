import { BoundedMemo } from '../../src/util/bounded-memo';

/** The memo of pure answers a long-running process (kfaas watch) keeps without growing past its bound. */
test('keeps every answer of a working set that fits, and never more than two generations of max entries', () => {
  const memo = new BoundedMemo<number>(100);
  for (let i = 0; i < 100; i++) memo.set(`k${i}`, i);
  for (let i = 0; i < 100; i++) expect(memo.get(`k${i}`)).toBe(i);
  // a stream of new keys (an edit after another): bounded
  for (let i = 0; i < 10_000; i++) memo.set(`new${i}`, i);
  expect(memo.size).toBeLessThanOrEqual(200);
  expect(memo.get('k0')).toBeUndefined();
  expect(memo.get('new9999')).toBe(9999);
});

test('an answer used again moves to the current generation and outlives the next turnover', () => {
  const memo = new BoundedMemo<boolean>(3);
  memo.set('a', false);
  memo.set('b', true);
  memo.set('c', true);
  memo.set('d', true); // turnover: a, b, c are the previous generation
  expect(memo.get('a')).toBe(false); // falsy answers are answers: moved to the current one (d, a)
  memo.set('e', true); // current: d, a, e
  memo.set('f', true); // turnover: d, a, e previous; b, c dropped
  expect(memo.get('a')).toBe(false);
  expect(memo.get('b')).toBeUndefined();
});
