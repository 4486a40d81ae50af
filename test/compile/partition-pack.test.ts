import { packInOrder } from '../../src/compile/pack';
import { partitionComponents, prefixChains } from '../../src/compile/partition';
import { MatchInput, ProjectBuilder } from '../support/project-builder';
import { codes, compile, fixedSizeOf, layout, lines } from './helpers';

describe('partitionComponents: split only where no request can match both sides', () => {
  test.each([
    [['/a/', '/a/b', '/b', '/b', '/ab'], { '/a/': ['/a/', '/a/b'], '/ab': ['/ab'], '/b': ['/b', '/b'] }],
    [['/a', '/a/', '/ab'], { '/a': ['/a', '/a/', '/ab'] }],
    [['/x/1', '/x/2', '/'], { '/': ['/x/1', '/x/2', '/'] }],
    [['/x/1', ''], { '': ['/x/1', ''] }],
    [[], {}],
  ])('%j', (literals, expected) => {
    const got = partitionComponents(literals.map((literal) => ({ literal })));
    expect(Object.fromEntries(got.map((c) => [c.root, c.entries.map((e) => e.literal)]))).toEqual(expected);
    expect(got.map((c) => c.root)).toEqual(Object.keys(expected).sort());
  });
});

test('prefixChains: the literals each literal starts with, shortest first', () => {
  expect(Object.fromEntries(prefixChains(['/a/b', '', '/a/', '/ab', '/a/', '/b']))).toEqual({
    '': [''], '/a/': ['', '/a/'], '/a/b': ['', '/a/', '/a/b'], '/ab': ['', '/ab'], '/b': ['', '/b'],
  });
});

describe('packInOrder', () => {
  test.each([
    [[3, 3, 3], 6, [[3, 3], [3]]],
    [[7, 1], 6, [[7], [1]]],
    [[1, 7, 1], 6, [[1], [7], [1]]],
    [[2, 2, 2], 6, [[2, 2, 2]]],
    [[], 6, []],
  ])('%j into %i', (sizes, budget, expected) => {
    expect(packInOrder(sizes.map((size) => ({ size })), budget).map((b) => b.map((i) => i.size))).toEqual(expected);
  });
});

/** 100 bytes per http route; 300 bytes of routes per object (1024 of overhead). */
const options = { sizeOf: fixedSizeOf(100), maxObjectBytes: 1024 + 300 };

function build(istio: string, routes: Record<string, MatchInput[]>) {
  const b = new ProjectBuilder().cluster('c1', { istio });
  for (const [name, match] of Object.entries(routes)) b.route(name, { match });
  return b.build();
}

describe('merged layout', () => {
  test('everything in one object when it fits', () => {
    const result = compile(build('1.22.0', { a: ['/a/'], b: ['/b/', '/b/x/'] }), options);
    expect(layout(result)).toEqual({ 'faas-alpha-ksvc-gateway': ['b: prefix /b/x/', 'a: prefix /a/', 'b: prefix /b/'] });
  });

  test('components in path order; each object in specificity order; the first is the host\'s, the others named after their first component', () => {
    const result = compile(build('1.22.0', {
      a: ['/api/a/', '/api/a/x/'], b: ['/api/b/'], c: ['/api/c/', { exact: '/api/c/x' }], d: ['/api/d/'],
    }), options);
    expect(codes(result)).toEqual([]);
    expect(layout(result)).toEqual({
      'faas-alpha-ksvc-gateway': ['a: prefix /api/a/x/, prefix /api/a/', 'b: prefix /api/b/'],
      'faas-alpha-ksvc-gateway-api-c-207f186f': ['c: exact /api/c/x, prefix /api/c/', 'd: prefix /api/d/'],
    });
  });

  const big = { big: ['/big/', '/big/1/', '/big/2/', '/big/3/'], other: ['/other/'] };

  test('a component larger than an object is delegated on Istio 1.8+', () => {
    const result = compile(build('1.8.0', big), options);
    expect(lines(result)).toEqual([]);
    expect(layout(result)).toEqual({
      'faas-alpha-ksvc-gateway': [
        'other: prefix /other/',
        'big: prefix /big/ -> faas-alpha-ksvc-gateway-big-e93b2c8c-d',
        'big: prefix /big/ -> faas-alpha-ksvc-gateway-big-2-fa03466d-d',
      ],
      // the first slice is named after the group's prefix, the others after their first match (test/compile/delegate-names.test.ts)
      'faas-alpha-ksvc-gateway-big-e93b2c8c-d': ['big: prefix /big/1/'],
      'faas-alpha-ksvc-gateway-big-2-fa03466d-d': ['big: prefix /big/2/, prefix /big/3/, prefix /big/'],
    });
    const vs = result.tables[0].virtualServices;
    expect(vs.map((v) => v.role)).toEqual(['root', 'delegate', 'delegate']);
    expect(vs[0].http[1].action).toEqual({ type: 'delegate', name: 'faas-alpha-ksvc-gateway-big-e93b2c8c-d', namespace: 'kfaas-system' });
  });

  test.each([
    ['Istio 1.5: no delegation', '1.5.4', big, 'and Istio 1.5.4 has no VirtualService delegation (1.8+)'],
    ['root literal from an exact', '1.22.0', { big: [{ exact: '/big' }, '/big/1/', '/big/2/', '/big/3/'] },
      'kfaas can only delegate a group whose shortest path is a prefix match, and "/big" comes from exact "/big" of route "big"'],
    ['a regex in the component', '1.22.0', { big: ['/big/', '/big/1/', '/big/2/', { regex: '/big/[0-9]+' }] },
      'it contains regex "/big/[0-9]+" of route "big" (routes/shop/big.yaml:13:9), and Istio silently drops regex routes under delegation'],
  ])('a component larger than an object is an error: %s', (_, istio, routes, reason) => {
    const result = compile(build(istio, routes), options);
    expect(codes(result)).toEqual(['object-too-large']);
    expect(lines(result)[0]).toContain('on cluster c1, the 4 matches under ');
    expect(lines(result)[0]).toContain('take 400 bytes, more than one VirtualService holds (300 bytes of routes within 1324)');
    expect(lines(result)[0]).toContain(reason);
  });

  test('a single route larger than the budget cannot be delegated', () => {
    const sizeOf = (h: { matches: readonly { value: string }[] }) => (h.matches[0].value === '/big/1/' ? 400 : 100);
    const result = compile(build('1.22.0', big), { ...options, sizeOf });
    expect(lines(result)[0]).toContain('prefix "/big/1/" of route "big" alone is 400 bytes');
  });

  test('more objects than a folder may hold', () => {
    const result = compile(build('1.22.0', { a: ['/a/', '/a/1/'], b: ['/b/', '/b/1/'] }), { ...options, maxObjectsPerFolder: 2 });
    expect(lines(result)).toEqual([
      'clusters/c1.yaml:10:9 spec.environments[0].name: dist/c1/alpha would hold 3 objects (2 VirtualServices and the gateway ' +
        'Service), more than 2, the most kfaas puts in one folder (a fixed limit, MAX_OBJECTS_PER_FOLDER in ' +
        'src/model/defaults.ts: kustomize and Argo CD slow down with every object); its routes fill that many ' +
        'VirtualServices of up to 1324 bytes: merge matches (one prefix instead of many exact paths), or limit some ' +
        'routes to other environments (spec.environments)',
    ]);
  });

  test('no advice to raise a budget the user cannot set: every size message names what to change', () => {
    const tooMany = compile(build('1.22.0', { a: ['/a/', '/a/1/'], b: ['/b/', '/b/1/'] }), { ...options, maxObjectsPerFolder: 2 });
    const tooLarge = compile(build('1.5.4', big), options);
    for (const line of [...lines(tooMany), ...lines(tooLarge)]) {
      expect(line).not.toMatch(/raise the (object )?budget/);
      expect(line).toMatch(/MAX_OBJECT(S_PER_FOLDER|_BYTES) in src\/model\/defaults\.ts/);
    }
    expect(lines(tooLarge)[0]).toContain('make the paths more disjoint');
  });

  test('objects are cut at content-defined places that average about the preferred size, never above the budget', () => {
    // GIVEN 2,000 disjoint routes of 300 bytes (600 KB in all; cuts aim at ~96 KiB objects, at most 200 KiB)
    // (their team owns /api/: the Java gateway's forwarding table is then one pattern, not 2,000)
    const b = new ProjectBuilder().cluster('c1', { istio: '1.22.0' }).team('shop', ['/api/']);
    for (let i = 0; i < 2000; i++) b.route(`r${i}`, { match: [`/api/r${i}/`] });
    const result = compile(b.build(), { sizeOf: fixedSizeOf(300), maxObjectBytes: 200 * 1024 });
    expect(codes(result)).toEqual([]);
    const counts = Object.values(layout(result)).map((http) => http.length);
    // THEN no object holds more than the budget, and they average between a third and one and a half times 96 KiB
    expect(Math.max(...counts) * 300).toBeLessThanOrEqual(200 * 1024 - 1024);
    expect(counts.length).toBeGreaterThanOrEqual(Math.floor(600_000 / (1.5 * 96 * 1024)));
    expect(counts.length).toBeLessThanOrEqual(Math.ceil(600_000 / (96 * 1024 / 3)));
  });

  test('when the folder has no room for the content-defined cuts, objects are filled up to the budget', () => {
    // GIVEN six disjoint routes of 40 KiB each (240 KiB in all)
    const big = { sizeOf: fixedSizeOf(40 * 1024), maxObjectBytes: 200 * 1024 };
    const project = build('1.22.0', Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => [n, [`/${n}/`]])));
    // WHEN the folder may hold many objects, THEN none holds more than fits 200 KiB
    const roomy = compile(project, big);
    expect(codes(roomy)).toEqual([]);
    expect(Math.max(...Object.values(layout(roomy)).map((http) => http.length))).toBeLessThanOrEqual(4);
    // WHEN only three objects fit (two VirtualServices and the gateway Service), THEN they are filled up to 200 KiB
    const tight = compile(project, { ...big, maxObjectsPerFolder: 3 });
    expect(codes(tight)).toEqual([]);
    expect(Object.values(layout(tight)).map((http) => http.length).sort()).toEqual([2, 4]);
  });
});
