import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { LayeredStore, STORED } from '../../src/cache/layered-store';

/**
 * The store the stat memo and the document cache keep their entries in: one base file and a delta of what changed
 * since, each checked (checked-json.ts). What a run reads back is what the last save was given; a save rewrites only
 * the delta until it has grown; a damaged file is empty; whether a save keeps the entries a run did not use is
 * one decision for the whole store (a partial run, kfaas explain, keeps them).
 */
let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'kfaas-layered-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const partialRunKeeps = (stored: number, used: number): boolean => used * 2 < stored;
const keys = (n: number, prefix = 'k'): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const saveAll = (dir: string, entries: readonly (readonly [string, string])[], keep = partialRunKeeps): void =>
  new LayeredStore<string>(dir, 't').save(new Map(entries), keep);
const mtimes = (dir: string): Record<string, number> => Object.fromEntries(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]));

test('what a save was given is what the next run reads, across many saves that change a few entries each', () => {
  const dir = join(base, 'store');
  let model = new Map<string, string>(keys(500).map((k) => [k, `v0-${k}`]));
  saveAll(dir, [...model]);
  for (let round = 1; round <= 40; round++) {
    // change three values, drop one key, add one
    const next = new Map(model);
    for (const k of keys(3).map((_, i) => `k-${(round * 7 + i * 13) % 500}`)) if (next.has(k)) next.set(k, `v${round}-${k}`);
    next.delete(`k-${(round * 31) % 500}`);
    next.set(`new-${round}`, `v${round}`);
    saveAll(dir, [...next]);
    model = next;
    const reopened = new LayeredStore<string>(dir, 't');
    for (const [k, v] of model) expect({ k, v: reopened.get(k) }).toEqual({ k, v });
  }
  expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
});

test('a save that changes one entry of a large store writes the small delta only', () => {
  const dir = join(base, 'store');
  const entries = keys(2000).map((k) => [k, `v-${k}`] as const);
  saveAll(dir, entries);
  const before = mtimes(dir);
  expect(Object.keys(before)).toEqual(['base.lines']);
  saveAll(dir, entries.map(([k, v]) => [k, k === 'k-7' ? 'changed' : v] as const));
  const after = mtimes(dir);
  expect(after['base.lines']).toBe(before['base.lines']);
  expect(statSync(join(dir, 'delta.lines')).size).toBeLessThan(200);
  expect(new LayeredStore<string>(dir, 't').get('k-7')).toBe('changed');
  // the same save again writes nothing
  const again = mtimes(dir);
  saveAll(dir, entries.map(([k, v]) => [k, k === 'k-7' ? 'changed' : v] as const));
  expect(mtimes(dir)).toEqual(again);
});

test('a partial run keeps the entries it did not use; a full run drops them at the next compaction', () => {
  const dir = join(base, 'store');
  const all = keys(400);
  saveAll(dir, all.map((k) => [k, `v-${k}`] as const));
  // WHEN a later run uses one new key only
  saveAll(dir, [['new-key', 'v-new']]);
  // THEN every entry is still there
  const reopened = new LayeredStore<string>(dir, 't');
  for (const k of all) expect({ k, v: reopened.get(k) }).toEqual({ k, v: `v-${k}` });
  expect(reopened.get('new-key')).toBe('v-new');
  // WHEN a full run uses 300 of them (a quarter unused: compacted)
  saveAll(dir, all.slice(0, 300).map((k) => [k, `v-${k}`] as const));
  const after = new LayeredStore<string>(dir, 't');
  expect(all.filter((k) => after.get(k) !== undefined)).toEqual(all.slice(0, 300));
  expect(after.get('new-key')).toBeUndefined();
  expect(existsSync(join(dir, 'delta.lines'))).toBe(false);
});

test('a damaged base or delta reads as empty (even as valid JSON), and a delta without its base is ignored', () => {
  const dir = join(base, 'store');
  saveAll(dir, keys(300).map((k) => [k, `v-${k}`] as const));
  saveAll(dir, keys(300).map((k) => [k, k === 'k-1' ? 'delta-value' : `v-${k}`] as const));
  expect(new LayeredStore<string>(dir, 't').get('k-1')).toBe('delta-value');
  // a value changed inside the delta, still valid JSON: the checksum no longer matches
  const delta = readFileSync(join(dir, 'delta.lines'), 'utf8');
  writeFileSync(join(dir, 'delta.lines'), delta.replace('delta-value', 'wrong-value'));
  expect(new LayeredStore<string>(dir, 't').get('k-1')).toBe('v-k-1');
  // a damaged base: the store is empty, its delta too
  writeFileSync(join(dir, 'delta.lines'), delta);
  const text = readFileSync(join(dir, 'base.lines'), 'utf8');
  writeFileSync(join(dir, 'base.lines'), text.replace('v-k-2', 'v-k-3'));
  const damaged = new LayeredStore<string>(dir, 't');
  expect(damaged.get('k-2')).toBeUndefined();
  expect(damaged.get('k-1')).toBeUndefined();
  // the next save writes a whole new base
  saveAll(dir, [['k-2', 'v-k-2']]);
  expect(new LayeredStore<string>(dir, 't').get('k-2')).toBe('v-k-2');
});

test('files written under another tag (format, kfaas build) are empty; shard files of earlier builds are removed', () => {
  const dir = join(base, 'store');
  saveAll(dir, [['a', '1']]);
  expect(new LayeredStore<string>(dir, 'other').get('a')).toBeUndefined();
  writeFileSync(join(dir, '7e.json'), 'old shard');
  writeFileSync(join(dir, 'base.json'), 'old layout');
  new LayeredStore<string>(dir, 'other').save(new Map([['b', '2']]), () => false);
  expect(readdirSync(dir).sort()).toEqual(['base.lines']);
  expect(new LayeredStore<string>(dir, 'other').get('b')).toBe('2');
});

test('an entry saved as STORED keeps the stored value, written back as it was read', () => {
  const dir = join(base, 'store');
  saveAll(dir, keys(300).map((k) => [k, `v-${k}`] as const));
  const store = new LayeredStore<string>(dir, 't');
  const used = new Map<string, string | typeof STORED>(keys(300).map((k) => [k, STORED]));
  used.set('k-5', 'new');
  store.save(used, () => false);
  const reopened = new LayeredStore<string>(dir, 't');
  expect(keys(300).map((k) => reopened.get(k))).toEqual(keys(300).map((k) => (k === 'k-5' ? 'new' : `v-${k}`)));
});

test('a save of stored entries only (nothing new) writes nothing, even when it used few of them; the next save that writes drops the rest', () => {
  const dir = join(base, 'store');
  saveAll(dir, keys(400).map((k) => [k, `v-${k}`] as const));
  saveAll(dir, [...keys(400).map((k) => [k, `v-${k}`] as const), ['extra', 'in the delta']]);
  const before = mtimes(dir);
  expect(Object.keys(before).sort()).toEqual(['base.lines', 'delta.lines']);
  // WHEN a run keeps a hundred stored entries (the extra one not among them) and learns nothing
  new LayeredStore<string>(dir, 't').save(new Map(keys(100).map((k) => [k, STORED])), () => false);
  // THEN no file was written, and every entry still reads back
  expect(mtimes(dir)).toEqual(before);
  const reopened = new LayeredStore<string>(dir, 't');
  for (const k of keys(400)) expect({ k, v: reopened.get(k) }).toEqual({ k, v: `v-${k}` });
  expect(reopened.get('extra')).toBe('in the delta');
  // WHEN the next run writes a new entry with the same hundred: the unused ones are dropped (compaction)
  reopened.save(new Map<string, string | typeof STORED>([...keys(100).map((k) => [k, STORED] as const), ['new', 'v-new']]), () => false);
  const after = new LayeredStore<string>(dir, 't');
  expect(keys(400).filter((k) => after.get(k) !== undefined)).toEqual(keys(100));
  expect([after.get('new'), after.get('extra')]).toEqual(['v-new', undefined]);
});

test('keys with quotes, tabs, newlines and other characters read back', () => {
  const dir = join(base, 'store');
  const odd = ['a"b', 'tab\there', 'new\nline', 'back\\slash', 'ü/π', '', '\u2028'];
  saveAll(dir, odd.map((k, i) => [k, `v${i}\n\t"`] as const));
  const reopened = new LayeredStore<string>(dir, 't');
  for (const [i, k] of odd.entries()) expect(reopened.get(k)).toBe(`v${i}\n\t"`);
});

test('values and keys of any text read back, in an ASCII file (read as one string) and in one that is not', () => {
  for (const extra of ['ascii-only', 'ünïcödé \u2603 \ud83d\ude00']) {
    const dir = join(base, `store-${extra.length}`);
    const entries = keys(200).map((k, i) => [i === 100 ? `${k}-${extra}` : k, i % 50 === 7 ? `${extra} ${i}` : `v-${i}`] as const);
    saveAll(dir, entries);
    const reopened = new LayeredStore<string>(dir, 't');
    expect(entries.map(([k]) => reopened.get(k))).toEqual(entries.map(([, v]) => v));
    // and written back as read (STORED), then read again
    reopened.save(new Map(entries.map(([k]) => [k, STORED])), () => false);
    const again = new LayeredStore<string>(dir, 't');
    expect(entries.map(([k]) => again.get(k))).toEqual(entries.map(([, v]) => v));
    expect(again.json(entries[7][0])).toBe(JSON.stringify(entries[7][1]));
  }
});

test('one store object saved again and again (kfaas watch) diffs each save against what its last save wrote', () => {
  const dir = join(base, 'store');
  saveAll(dir, keys(500).map((k) => [k, `v-${k}`])); // a base on disk
  // GIVEN one process's store, read once, then saved run after run with entries that stay (STORED) and new ones
  const store = new LayeredStore<string>(dir, 't');
  expect(store.get('k-1')).toBe('v-k-1');
  const model = new Map<string, string>(keys(500).map((k) => [k, `v-${k}`]));
  for (let round = 1; round <= 30; round++) {
    // each round adds a key (the first rounds go to the delta, later ones compact) and keeps every earlier one as stored
    model.set(`new-${round}`, `v${round}`);
    const used = new Map<string, string | typeof STORED>([...model.keys()].map((k) => [k, STORED]));
    used.set(`new-${round}`, `v${round}`);
    store.save(used, () => false);
    // THEN what is on disk holds every entry, the ones an earlier save of this object wrote too
    const reopened = new LayeredStore<string>(dir, 't');
    for (const [k, v] of model) expect({ k, v: reopened.get(k) }).toEqual({ k, v });
    // and the object itself reads what it wrote
    expect(store.get(`new-${round}`)).toBe(`v${round}`);
  }
});
