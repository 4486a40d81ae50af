import { readFileSync } from 'fs';
import { join } from 'path';
import { re2ProgramSize } from '../../src/regex';

/**
 * The estimate of RE2's program size against RE2 itself: sizes measured with libre2 (tools/re2-program-size.cc)
 * for the example's regexes and a pseudo-random corpus. The estimate must never be below RE2's count (a regex
 * Envoy refuses freezes the gateway's route table) and should stay close to it (or kfaas refuses what Envoy takes).
 */
const MEASURED = readFileSync(join(__dirname, '..', 'fixtures', 'regex', 're2-program-size.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => {
    const tab = l.indexOf('\t');
    return { size: Number(l.slice(0, tab)), pattern: l.slice(tab + 1) };
  });

describe('re2ProgramSize', () => {
  test('the measured table is large enough to mean something', () => {
    expect(MEASURED.length).toBeGreaterThanOrEqual(500);
  });

  test('is never below the size RE2 itself computes', () => {
    // GIVEN patterns whose program size libre2 measured WHEN estimated THEN none is underestimated
    const under = MEASURED.filter(({ pattern, size }) => re2ProgramSize(pattern) < size)
      .map(({ pattern, size }) => ({ pattern, size, estimate: re2ProgramSize(pattern) }));
    expect(under).toEqual([]);
  });

  test('stays close: on average within 1.5x, and within 1.6x for every regex of the shipped example', () => {
    const ratios = MEASURED.map(({ pattern, size }) => re2ProgramSize(pattern) / size);
    expect(ratios.reduce((a, b) => a + b, 0) / ratios.length).toBeLessThan(1.5);
    for (const pattern of ['/faas/api/shop/search/v[0-9]+/.*', '/faas/api/growth/ab/(exp|ctl)/[a-z0-9-]+', 'https://[a-z]+\\.shop\\.example\\.com']) {
      const size = MEASURED.find((m) => m.pattern === pattern)!.size;
      expect({ pattern, ratio: re2ProgramSize(pattern) / size < 1.6 }).toEqual({ pattern, ratio: true });
    }
  });

  test('counts counted repetitions, not characters: a{1000} is 7 characters but about 1000 instructions', () => {
    expect(re2ProgramSize('a{1000}')).toBeGreaterThanOrEqual(1000);
    expect(re2ProgramSize('(?:ab){1000}')).toBeGreaterThan(1024);
    expect(re2ProgramSize('/faas/api/shop/x/.{200}')).toBeGreaterThan(1024);
    expect(re2ProgramSize('/faas/api/shop/x/[a-f0-9]{32}')).toBeLessThan(200);
  });
});
