import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { IncrementalCache } from '../../src/cache/incremental-cache';
import { StatMemo } from '../../src/cache/stat-memo';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { inputKey } from '../../src/cache/synth-cache';
import { DOCUMENT_KINDS } from '../../src/load/document-kinds';
import { loadProject } from '../../src/load/load-project';
import { reads } from '../support/recording-fs';

/**
 * Input files whose stat shows them unchanged since they were hashed (stat-memo.ts) are not read: their text and
 * documents come from the document cache, by path and SHA-256. What a load gives must be what a load without any
 * cache gives: the same project (values and where each was written) and the same diagnostics, line and column
 * included, after edits, edits that keep size and modification time, and damaged cache files.
 */
jest.mock('fs', () => require('../support/recording-fs').recordingFs());

const EXAMPLE = join(__dirname, '..', '..');
const TOOL = 'test-build';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-unread-'));
  cpSync(join(EXAMPLE, 'clusters'), join(root, 'clusters'), { recursive: true });
  cpSync(join(EXAMPLE, 'routes'), join(root, 'routes'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A cache whose stat memo remembers every file (no racy interval), as a run seconds later sees it. */
const openCache = (): IncrementalCache => IncrementalCache.open(root, TOOL, StatMemo.open(join(root, '.kfaas-cache'), -60_000));

/** Loads with the cache (saved after), telling which input files were read. */
function cachedLoad(): { result: ReturnType<typeof loadProject>; read: string[] } {
  const cache = openCache();
  reads.length = 0;
  const result = loadProject(root, undefined, cache.documentStore());
  const read = reads.filter((p) => (p.includes('/routes/') || p.includes('/clusters/')));
  cache.save();
  return { result, read };
}

/** Everything a load yields that later stages see, locations resolved (line and column read). */
function observed(result: ReturnType<typeof loadProject>): unknown {
  return {
    diagnostics: result.diagnostics.map(formatDiagnostic),
    project: JSON.parse(JSON.stringify(result.project)) as unknown,
    files: result.files.map((f) => [f.path, f.text]),
  };
}

const inputCount = (): number =>
  readdirSync(join(root, 'clusters')).length + readdirSync(join(root, 'routes')).reduce((n, t) => n + readdirSync(join(root, 'routes', t)).length, 0);

test('a second load reads no unchanged input file and yields what a load without the cache yields', () => {
  const first = cachedLoad();
  expect(first.read.length).toBe(inputCount());
  const second = cachedLoad();
  expect(second.read).toEqual([]);
  expect(observed(second.result)).toEqual(observed(loadProject(root)));
});

test('an edited file is read again, also when the edit keeps its size and modification time', () => {
  cachedLoad();
  const file = join(root, 'routes', 'shop', 'cart.yaml');
  const text = readFileSync(file, 'utf8');
  const before = statSync(file);
  const edited = text.replace('/faas/api/shop/cart/', '/faas/api/shop/carx/');
  expect(edited).not.toBe(text);
  expect(edited.length).toBe(text.length);
  writeFileSync(file, edited);
  utimesSync(file, before.atime, before.mtime);
  const after = cachedLoad();
  expect(after.read).toEqual([file]);
  expect(JSON.stringify(after.result.project)).toContain('/faas/api/shop/carx/');
  expect(observed(after.result)).toEqual(observed(loadProject(root)));
});

test('a diagnostic that points into an unread file has the line and column a fresh load gives', () => {
  cachedLoad();
  // WHEN a new file repeats the name of a route whose file is unchanged (and so not read)
  const other = readFileSync(join(root, 'routes', 'shop', 'cart.yaml'), 'utf8');
  const name = /name: (\S+)/.exec(other)![1];
  writeFileSync(join(root, 'routes', 'shop', 'zz-copy.yaml'),
    `apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: ${name}\nspec:\n  match:\n    - prefix: /faas/api/shop/zz-copy/\n`);
  const after = cachedLoad();
  expect(after.read).toEqual([join(root, 'routes', 'shop', 'zz-copy.yaml')]);
  const fresh = loadProject(root);
  expect(fresh.diagnostics.some((d) => d.severity === 'error' && /cart\.yaml:\d+:\d+/.test(`${formatDiagnostic(d)}`))).toBe(true);
  expect(observed(after.result)).toEqual(observed(fresh));
});

test('an unread file whose text JSON escapes (quotes, backslashes, a closing `,`, non-ASCII) reads back as written', () => {
  // The store keeps a file's text apart from its documents (parsed only when read): its end is found in the entry's
  // JSON text without parsing it, so texts ending in `,` or holding `","`, `\"` and `\\` must come back whole.
  const texts = [
    'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: odd-a\nspec:\n  match:\n    - prefix: "/faas/api/shop/odd-a/"\n# ","\\" \\\\ \u00e9\u2028 ,',
    'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: odd-b\nspec:\n  match:\n    - prefix: /faas/api/shop/odd-b/\n# ends with a quote and a comma ",',
    'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: odd-c\nspec:\n  match:\n    - prefix: /faas/api/shop/odd-c/\n---\n# "],["Route",0,{}],"\n',
  ];
  texts.forEach((text, i) => writeFileSync(join(root, 'routes', 'shop', `odd-${i}.yaml`), text));
  const first = cachedLoad();
  expect(first.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const second = cachedLoad();
  expect(second.read).toEqual([]);
  const byPath = new Map(second.result.files.map((f) => [f.path, f.text]));
  texts.forEach((text, i) => expect(byPath.get(`routes/shop/odd-${i}.yaml`)).toBe(text));
  expect(observed(second.result)).toEqual(observed(loadProject(root)));
});

test('the document store names each document by its kind alone: kind names are unique', () => {
  const names = DOCUMENT_KINDS.map((k) => k.kind);
  expect(new Set(names).size).toBe(names.length);
});

test('damaged document or stat-memo files are ignored: the inputs are read again and the load is right', () => {
  cachedLoad();
  const cacheDir = join(root, '.kfaas-cache');
  for (const store of ['documents', 'file-stats']) {
    const base = join(cacheDir, store, 'base.lines');
    const text = readFileSync(base, 'utf8');
    // a route's prefix (or a file's hash) changed inside the cache, still valid JSON
    const damaged = store === 'documents' ? text.replace('/faas/api/shop/cart/', '/faas/api/shop/cant/') : text.replace(/"[0-9a-f]{64}"/, `"${'0'.repeat(64)}"`);
    expect(damaged).not.toBe(text);
    writeFileSync(base, damaged);
    const after = cachedLoad();
    expect(after.read.length).toBe(inputCount());
    expect(JSON.stringify(after.result.project)).not.toContain('/faas/api/shop/cant/');
    expect(observed(after.result)).toEqual(observed(loadProject(root)));
    expect(cachedLoad().read).toEqual([]);
  }
});

test('in one run, a file the input key hashed is not read again by the load (read at most once per run)', () => {
  cachedLoad();
  // an empty memo (its own folder): the input key reads every file
  const memo = StatMemo.open(join(root, 'empty-memo'), 60 * 60_000);
  const cache = IncrementalCache.open(root, TOOL, memo);
  reads.length = 0;
  inputKey(root, {}, memo);
  const hashed = reads.filter((p) => p.includes('/routes/') || p.includes('/clusters/'));
  expect(hashed.length).toBe(inputCount());
  reads.length = 0;
  const result = loadProject(root, undefined, cache.documentStore());
  expect(reads.filter((p) => (p.includes('/routes/') || p.includes('/clusters/')))).toEqual([]);
  expect(observed(result)).toEqual(observed(loadProject(root)));
});

test('in one run, the load takes the folders as the input key listed them: it loads what the run was keyed by', () => {
  cachedLoad();
  const memo = StatMemo.open(join(root, '.kfaas-cache'), -60_000);
  const cache = IncrementalCache.open(root, TOOL, memo);
  inputKey(root, {}, memo);
  // WHEN a route file appears after the input key listed routes/ (another process writing meanwhile)
  const team = readdirSync(join(root, 'routes'))[0];
  const added = `apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: ${team}-added-late\nspec:\n  match:\n    - prefix: /faas/api/${team}/added-late/\n`;
  writeFileSync(join(root, 'routes', team, 'added-late.yaml'), added);
  // THEN this run's load does not see it (its input key did not), and the next run does
  const names = (result: ReturnType<typeof loadProject>): string[] => result.project.routes.map((r) => r.name);
  expect(names(loadProject(root, undefined, cache.documentStore()))).not.toContain(`${team}-added-late`);
  expect(names(loadProject(root, undefined, openCache().documentStore()))).toContain(`${team}-added-late`);
});

test('in a run without any cache, each input file is read once: the load takes the bytes the input key read', () => {
  // GIVEN an empty memo and an empty document cache (another build's)
  const memo = StatMemo.open(join(root, 'cold-memo'), 60 * 60_000);
  const cache = IncrementalCache.open(root, 'another-build', memo);
  reads.length = 0;
  inputKey(root, {}, memo);
  const load = loadProject(root, undefined, cache.documentStore());
  const inputs = reads.filter((p) => p.includes('/routes/') || p.includes('/clusters/'));
  // THEN every input file was read once (by the input key), and the load is what a load without any cache gives
  expect(inputs).toHaveLength(inputCount());
  expect(new Set(inputs).size).toBe(inputs.length);
  expect(observed(load)).toEqual(observed(loadProject(root)));
  // and the memo keeps no bytes once they were taken
  expect(inputs.map((p) => memo.bytes(p)).filter((b) => b !== undefined)).toEqual([]);
});
