import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { checkedBytes, readChecked } from '../../src/cache/checked-json';
import { TableIndexStore } from '../../src/cache/table-index-store';
import type { IndexedObject } from '../../src/compile/incremental-table';
import type { IndexedRoute, ListRows } from '../../src/compile/table-index';

/**
 * The table index's two files (src/cache/table-index-store.ts, table-index-layers.ts): a base with every list in full,
 * and a delta with what differs from it. Whatever was written as a base or a delta, the next run reads back exactly the
 * tables and rows saved; a delta is small for a small change, and is read only over the base it was written over.
 */
let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'kfaas-index-layers-')), 'table-index');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const TOOL = 'test-build';
const BASE = (): string => join(dir, 'base.json');
const DELTA = (): string => join(dir, 'delta.json');

/** A route of file `file` (its content key names the path, as file-key.ts fileKeyOf makes it). */
function route(name: string, file: string, content = 'one'): IndexedRoute {
  const hash = `${content}`.padEnd(64, '0');
  return { name, file, fileKey: `b:${hash}:${file}` };
}

/** Rows of (literal, size, route) triples, sorted by literal as lists are. */
function rowsOf(rows: readonly (readonly [string, number, IndexedRoute])[]): ListRows {
  const sorted = [...rows].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const routes: IndexedRoute[] = [];
  const routeOf = sorted.map(([, , r]) => {
    let at = routes.indexOf(r);
    if (at < 0) at = routes.push(r) - 1;
    return at;
  });
  return { literals: sorted.map(([l]) => l), sizes: sorted.map(([, s]) => s), routeOf, routes };
}

/** The rows as plain triples (what a list means, whatever its routes' numbering). */
function triples(rows: ListRows): [string, number, string, string][] {
  return rows.literals.map((l, i) => [l, rows.sizes[i], rows.routes[rows.routeOf[i]].name, rows.routes[rows.routeOf[i]].fileKey]);
}

const OBJECTS: IndexedObject[] = [{ name: 'vs-a', units: 2, key: 'k1' }, { name: 'vs-b', units: 1, key: 'k2' }];

/** A list of `n` routes, one file each, `content` naming the content of file `edited`. */
function bigList(n: number, edited = -1, content = 'one'): ListRows {
  const rows: [string, number, IndexedRoute][] = [];
  for (let i = 0; i < n; i++) {
    const r = route(`r${i}`, `routes/t/r${i}.yaml`, i === edited ? content : 'one');
    rows.push([`/faas/api/t/r${String(i).padStart(4, '0')}${i === edited ? `-${content}` : ''}/`, 100 + i, r]);
  }
  return rowsOf(rows);
}

function save(tables: Record<string, { list: string; rows: ListRows; objects?: IndexedObject[] }>): void {
  const store = new TableIndexStore(dir, TOOL);
  for (const [key, { list, rows, objects }] of Object.entries(tables)) store.setTable(key, list, rows, objects ?? OBJECTS);
  store.save();
}

function read(key: string, tool = TOOL): { list: string; rows: [string, number, string, string][]; objects: readonly IndexedObject[] } | undefined {
  const table = new TableIndexStore(dir, tool).table(key);
  // a list names each of its routes once (table-index.ts listWithLandings counts them)
  if (table) expect(new Set(table.rows.routes.map((r) => `${r.fileKey} ${r.name}`)).size).toBe(table.rows.routes.length);
  return table && { list: table.listKey, rows: triples(table.rows), objects: table.objects };
}

test('a small change is written as a delta over the base, and read back as saved', () => {
  save({ t1: { list: 'L0', rows: bigList(600) }, t2: { list: 'L0', rows: bigList(600) } });
  const base = readFileSync(BASE());
  expect(existsSync(DELTA())).toBe(false);
  // one route's file and literal change: both tables lay out a new list
  const edited = bigList(600, 17, 'two');
  const objects = [{ name: 'vs-a', units: 2, key: 'k3' }, OBJECTS[1]];
  save({ t1: { list: 'L1', rows: edited, objects }, t2: { list: 'L1', rows: edited, objects } });
  expect(readFileSync(BASE())).toEqual(base);
  expect(statSync(DELTA()).size).toBeLessThan(base.length / 10);
  expect(read('t1')).toEqual({ list: 'L1', rows: triples(edited), objects });
  expect(read('t2')).toEqual({ list: 'L1', rows: triples(edited), objects });
  // the next change is written over the same base too
  const again = bigList(600, 400, 'three');
  save({ t1: { list: 'L2', rows: again } });
  expect(readFileSync(BASE())).toEqual(base);
  expect(read('t1')).toEqual({ list: 'L2', rows: triples(again), objects: OBJECTS });
  // a table the run did not keep is dropped
  expect(read('t2')).toBeUndefined();
});

test('a delta that grew past its share of the base, or a table the base lacks, writes a new base', () => {
  save({ t1: { list: 'L0', rows: bigList(200) } });
  const base = readFileSync(BASE());
  // every literal changes (a longer prefix): every row is the delta's own
  const moved = rowsOf(triples(bigList(200)).map(([l, s, name, key]) => [`/x${l}`, s, route(name, key.slice(67))]));
  save({ t1: { list: 'L1', rows: moved } });
  expect(readFileSync(BASE())).not.toEqual(base);
  expect(existsSync(DELTA())).toBe(false);
  expect(read('t1')?.rows).toEqual(triples(moved));
  const second = readFileSync(BASE());
  save({ t1: { list: 'L1', rows: moved }, t9: { list: 'L9', rows: bigList(3) } });
  expect(readFileSync(BASE())).not.toEqual(second);
  expect(read('t9')?.rows).toEqual(triples(bigList(3)));
});

test('a delta is read only over its own base, of the same build, undamaged and of the right shape', () => {
  save({ t1: { list: 'L0', rows: bigList(300) } });
  const edited = bigList(300, 5, 'two');
  save({ t1: { list: 'L1', rows: edited } });
  expect(read('t1')?.list).toBe('L1');
  const delta = readFileSync(DELTA());
  // a flipped byte: the base alone is read (its entry is older, still right for its key)
  const flipped = Buffer.from(delta);
  flipped[flipped.length - 5] ^= 1;
  writeFileSync(DELTA(), flipped);
  expect(read('t1')).toEqual({ list: 'L0', rows: triples(bigList(300)), objects: OBJECTS });
  // another build
  writeFileSync(DELTA(), delta);
  expect(read('t1', 'another-build')).toBeUndefined();
  // over another base (same build): not read
  const stored = readChecked(DELTA())!.value as { base: string; lists: Record<string, { ops: unknown[] }> };
  writeFileSync(DELTA(), checkedBytes({ ...stored, base: '0'.repeat(64) }));
  expect(read('t1')?.list).toBe('L0');
  // an object named by its index in the base's table, out of range: the table is absent
  const tables = stored as unknown as { tables: Record<string, { objects: unknown[] }> };
  writeFileSync(DELTA(), checkedBytes({ ...stored, tables: { t1: { ...tables.tables.t1, objects: [0, 7] } } }));
  expect(read('t1')).toBeUndefined();
  writeFileSync(DELTA(), checkedBytes({ ...stored, tables: { t1: { ...tables.tables.t1, objects: [1, 0] } } }));
  expect(read('t1')?.objects).toEqual([OBJECTS[1], OBJECTS[0]]);
  // a patch of the wrong shape: that list is absent, so is the table laid out from it
  for (const patch of Object.values(stored.lists)) patch.ops = patch.ops.map((op, i) => (i === 1 ? 'x' : op));
  writeFileSync(DELTA(), checkedBytes(stored));
  expect(read('t1')).toBeUndefined();
  // a damaged base: nothing is read
  writeFileSync(DELTA(), delta);
  const base = readFileSync(BASE());
  base[base.length - 5] ^= 1;
  writeFileSync(BASE(), base);
  expect(read('t1')).toBeUndefined();
});

test('whatever the routes before and after (ties of one literal, routes moved, dropped, added, edited), the delta reads back exactly', () => {
  // A route is its file, name and content; its rows (literal, size) are a function of them, as entries are of a route's
  // document in one entry context. Routes of different files share literals (ties).
  const files = ['routes/a.yaml', 'routes/b.yaml', 'routes/c.yaml'];
  const literals = ['/a/', '/a/b/', '/b/', '/c/', '/c/d/'];
  const rowsOfRoute = (f: number, n: number, content: number): [string, number][] =>
    [[literals[(f + n + content) % 5], 10 + content], ...(n % 2 === 0 ? [[literals[(f * n + 1) % 5], 20 + f] as [string, number]] : [])];
  const routeArb = fc.tuple(fc.nat(2), fc.nat(3), fc.nat(2));
  const listArb = fc.uniqueArray(routeArb, { maxLength: 12, selector: ([f, n]) => `${f} ${n}` });
  const listOf = (routes: [number, number, number][]): [string, number, IndexedRoute][] =>
    routes.flatMap(([f, n, content]) => {
      // one object per route and list, as a list holds them (made afresh: found in the base by its fields)
      const r = route(`n${n}`, files[f], `c${content}`);
      return rowsOfRoute(f, n, content).map(([l, size]) => [l, size, r] as [string, number, IndexedRoute]);
    });
  fc.assert(
    fc.property(listArb, fc.array(listArb, { minLength: 1, maxLength: 4 }), (first, later) => {
      rmSync(dir, { recursive: true, force: true });
      // a base large enough that deltas stay deltas
      const filler = triples(bigList(300)).map(([l, size, name, key]) => [l, size, route(name, key.slice(67))] as [string, number, IndexedRoute]);
      save({ t: { list: 'L-first', rows: rowsOf([...filler, ...listOf(first)]) } });
      later.forEach((routes, i) => {
        const list = rowsOf([...filler, ...listOf(routes)]);
        save({ t: { list: `L-${i}`, rows: list } });
        expect(read('t')?.rows).toEqual(triples(list));
      });
    }),
    { numRuns: 80 },
  );
});
