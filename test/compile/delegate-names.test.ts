import { chunkStably, priorityOf } from '../../src/compile/stable-chunks';
import { lines, compile, fixedSizeOf } from './helpers';
import { ProjectBuilder } from '../support/project-builder';

/**
 * Delegate VirtualService names are an interface: a rename is a delete and a create in Argo CD, a window of 404s.
 * They come from content that does not move (the group's prefix, the first match of each slice) and slice
 * boundaries are content-defined, so adding or removing routes of a delegated group renames no delegate.
 */
const options = { sizeOf: fixedSizeOf(100), maxObjectBytes: 1024 + 3000, maxObjectsPerFolder: 1000 };

/** One route per path under /big/, plus the group's own prefix: one component, delegated. */
function project(istio: string, paths: readonly number[]) {
  const b = new ProjectBuilder().cluster('c1', { istio });
  b.route('big', { match: ['/big/'] });
  for (const i of paths) b.route(`r${i}`, { match: [`/big/${i}/`] });
  return b.build();
}

/** Delegate name → the first match of its routes. */
function delegates(istio: string, paths: readonly number[]): Map<string, string> {
  const result = compile(project(istio, paths), options);
  expect(lines(result).filter((l) => !l.includes('warning:'))).toEqual([]);
  const vss = result.tables[0].virtualServices.filter((v) => v.role === 'delegate');
  return new Map(vss.map((v) => [v.name, v.http[0].matches[0].value]));
}

/** The first slice's name: the group's prefix alone (pinned: names are an interface). */
const FIRST = 'faas-alpha-ksvc-gateway-big-e93b2c8c-d';

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('stable delegate names', () => {
  const before = delegates('1.22.6', range(100, 400));

  test('a large group is delegated into several slices', () => {
    expect(before.size).toBeGreaterThan(5);
    expect([...before.keys()]).toContain(FIRST);
  });

  test.each([
    ['at the front of the group', range(900, 940)],
    ['at its end', range(10, 50)],
    ['spread through it', range(100, 400).filter((i) => i % 7 === 0).map((i) => i * 10 + 1)],
  ])('adding routes %s renames no delegate: every existing name keeps its first match', (_, added) => {
    // GIVEN a delegated group WHEN routes are added to it
    const after = delegates('1.22.6', [...range(100, 400), ...added]);
    // THEN every delegate name of before still exists, and each named after its first match still starts with it
    // (the first slice is named after the group's prefix alone: routes more specific than all others join it)
    for (const [name, first] of before) {
      if (name === FIRST) expect(after.has(name)).toBe(true);
      else expect({ name, first: after.get(name) }).toEqual({ name, first });
    }
    expect(after.size).toBeGreaterThanOrEqual(before.size);
  });

  test('removing routes that start no slice renames no delegate', () => {
    const starts = new Set(before.values());
    const removed = range(100, 400).filter((i) => i % 5 === 0 && !starts.has(`/big/${i}/`));
    const after = delegates('1.22.6', range(100, 400).filter((i) => !removed.includes(i)));
    for (const [name, first] of after) if (name !== FIRST) expect(before.get(name)).toBe(first);
    expect(after.has(FIRST)).toBe(true);
  });

  test.each([['1.12.0'], ['1.12.1']])('Istio %s warns that delegate changes are not pushed (istio/istio #36525)', (istio) => {
    const result = compile(project(istio, range(100, 200)), options);
    const warnings = result.diagnostics.filter((d) => d.severity === 'warning' && d.code === 'delegate-push-bug');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain('istio/istio #36525');
    expect(warnings[0].location).toEqual({ file: 'clusters/c1.yaml', line: 6, col: 10 });
  });

  test('Istio 1.12.2 has the fix: no warning', () => {
    const result = compile(project('1.12.2', range(100, 200)), options);
    expect(result.diagnostics.filter((d) => d.code === 'delegate-push-bug')).toEqual([]);
  });
});

describe('chunkStably', () => {
  const item = (key: string, size = 1) => ({ key, size });
  const keyOf = (x: { key: string }) => x.key;
  const items = range(0, 500).map((i) => item(`k${i}`));

  test('keeps order, covers every item once, and respects the threshold', () => {
    const chunks = chunkStably(items, keyOf, { threshold: 40 });
    expect(chunks.flat()).toEqual(items);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(40);
    // A cut lands anywhere in its run: chunks average about half the threshold.
    expect(chunks.length).toBeGreaterThan(500 / 40);
    expect(chunks.length).toBeLessThan((2.5 * 500) / 40);
  });

  test('a run that fits is one chunk', () => {
    expect(chunkStably([item('a'), item('b')], keyOf, { threshold: 10 })).toEqual([[item('a'), item('b')]]);
  });

  test('the list is cut first before its highest-priority item (the first excluded)', () => {
    const best = range(1, 500).reduce((b, i) => (priorityOf(`k${i}`) > priorityOf(`k${b}`) ? i : b), 1);
    const chunks = chunkStably(items, keyOf, { threshold: 250 });
    expect(chunks.map((c) => c[0])).toContain(items[best]);
  });

  test('adding or removing an item changes only its own chunk, but for rare re-cuts', () => {
    // Chunks as key lists without the changed item: equal before and after unless a cut moved.
    const without = (list: { key: string; size: number }[], key: string) =>
      chunkStably(list, keyOf, { threshold: 40 }).map((c) => c.map(keyOf).filter((k) => k !== key).join(',')).filter((c) => c !== '');
    let recut = 0;
    for (let k = 0; k < 100; k++) {
      const at = (k * 37) % 500;
      const key = k % 2 === 0 ? `new${k}` : `k${at}`;
      const changed = k % 2 === 0 ? [...items.slice(0, at), item(key), ...items.slice(at)] : items.filter((_, i) => i !== at);
      if (JSON.stringify(without(items, key)) !== JSON.stringify(without(changed, key))) recut++;
    }
    expect(recut).toBeLessThan(10);
  });

  test('minShare gives fuller chunks', () => {
    const loose = chunkStably(items, keyOf, { threshold: 40 });
    const full = chunkStably(items, keyOf, { threshold: 40, minShare: 0.4 });
    expect(full.flat()).toEqual(items);
    expect(full.length).toBeLessThan(loose.length);
    for (const c of full) expect(c.length).toBeLessThanOrEqual(40);
  });

  test('priorities are well spread over 32 bits', () => {
    const p = range(0, 4000).map((i) => priorityOf(`/faas/api/team${i}/`));
    expect(new Set(p).size).toBe(4000);
    const high = p.filter((x) => x >= 2 ** 31).length / p.length;
    expect(high).toBeGreaterThan(0.45);
    expect(high).toBeLessThan(0.55);
    const odd = p.filter((x) => x % 2 === 1).length / p.length;
    expect(odd).toBeGreaterThan(0.45);
    expect(odd).toBeLessThan(0.55);
  });
});
