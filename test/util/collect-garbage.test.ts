import { collectGarbageAbove } from '../../src/util/collect-garbage';

describe('collectGarbageAbove', () => {
  it('collects only when the heap holds more than the budget', () => {
    expect(collectGarbageAbove(Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(collectGarbageAbove(0)).toBe(true);
  });

  it('frees what is no longer reachable', () => {
    let garbage: number[][] | undefined = Array.from({ length: 200 }, () => new Array<number>(10_000).fill(1));
    const before = process.memoryUsage().heapUsed;
    expect(garbage.length).toBe(200);
    garbage = undefined;
    expect(collectGarbageAbove(0)).toBe(true);
    // 200 arrays of 10,000 numbers: about 16 MB, gone after the collection.
    expect(process.memoryUsage().heapUsed).toBeLessThan(before - 8_000_000);
  });
});
