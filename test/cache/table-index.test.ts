import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { checkedBytes, readChecked, writeChecked } from '../../src/cache/checked-json';
import { tableIndexCounts } from '../../src/cache/incremental-build';
import { IncrementalCache } from '../../src/cache/incremental-cache';
import { generateProject } from '../../src/bench/generate';
import { runPipeline } from '../../src/pipeline';
import { listFiles } from '../../src/util/list-files';

/**
 * The table index (src/cache/table-index-store.ts) through the pipeline: a generated project (6 clusters x 3
 * environments) with small objects, so every table holds several. Edited route files make tables compile from the
 * index, which must give what a synth without a cache gives; every part of the index's key, a damaged or missing
 * index and a kept object missing from dist/ send tables to a full compile.
 */
const TOOL = 'test-build';
/** About 12 routes per object: ~300 routes per environment take several objects. */
const BUDGETS = { maxObjectBytes: 1024 + 6000 };
const INDEX = ['.kfaas-cache', 'table-index', 'base.json'];
const DELTA = ['.kfaas-cache', 'table-index', 'delta.json'];

function synth(root: string, options: { tool?: string; budgets?: { maxObjectBytes: number } } = {}): ReturnType<typeof runPipeline> {
  const cache = IncrementalCache.open(root, options.tool ?? TOOL);
  const result = runPipeline({ root, write: true, cache, budgets: options.budgets ?? BUDGETS });
  cache.save();
  return result;
}

/** dist/ of a synth of root's inputs without a cache, in a fresh folder. */
function scratchDist(root: string, budgets = BUDGETS): Record<string, string> {
  const scratch = mkdtempSync(join(tmpdir(), 'kfaas-index-scratch-'));
  try {
    for (const dir of ['clusters', 'routes']) copyTree(join(root, dir), join(scratch, dir));
    const result = runPipeline({ root: scratch, write: true, budgets });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return snapshot(join(scratch, 'dist'));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function copyTree(from: string, to: string): void {
  for (const rel of listFiles(from)) {
    const target = join(to, rel);
    require('fs').mkdirSync(require('path').dirname(target), { recursive: true });
    writeFileSync(target, readFileSync(join(from, rel)));
  }
}

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/** A route file of the generated project, by team and route number. */
const routeFile = (root: string, team: number, n: number): string => join(root, 'routes', `team-${String(team).padStart(2, '0')}`, `r${n}.yaml`);

/** The route files of the generated project. */
function routeFiles(root: string): string[] {
  return listFiles(join(root, 'routes')).filter((f) => /\/r\d+\.yaml$/.test(f)).map((f) => join(root, 'routes', f)).sort();
}

/** Tables compiled from the index during `run`. */
function fromIndexDuring(run: () => void): { compiled: number; fallback: number } {
  const before = { ...tableIndexCounts };
  run();
  return { compiled: tableIndexCounts.compiled - before.compiled, fallback: tableIndexCounts.fallback - before.fallback };
}

/** Changes the prefix of the route in `file` (its first prefix match): the route moves to another component. */
function movePrefix(file: string, suffix: string): void {
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/(prefix: [^\n]*)\/\n/, `$1${suffix}/\n`));
}

describe('table index', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kfaas-index-'));
    generateProject(root, 300);
    const first = synth(root);
    expect(first.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(existsSync(join(root, ...INDEX))).toBe(true);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('after every edit of random sequences of route edits, a synth compiling tables from the index gives what a synth without a cache gives', () => {
    const files = routeFiles(root);
    let compiled = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ file: fc.nat(files.length - 1), op: fc.constantFrom('move', 'timeout', 'remove', 'add'), n: fc.nat(99) }), { minLength: 1, maxLength: 3 }),
        (edits) => {
          for (const { file, op, n } of edits) {
            const path = files[file];
            if (op === 'remove') {
              if (existsSync(path)) unlinkSync(path);
            } else if (op === 'add' || !existsSync(path)) {
              writeFileSync(join(root, 'routes', 'team-00', `added-${n}.yaml`),
                `apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: added-${n}\nspec:\n  match:\n    - prefix: /faas/api/team-00/svc-${n}-added/\n`);
            } else if (op === 'move') {
              movePrefix(path, `-m${n}`);
            } else {
              writeFileSync(path, readFileSync(path, 'utf8').replace(/timeout: \d+s/, `timeout: ${n + 1}s`));
            }
          }
          let result: ReturnType<typeof runPipeline> | undefined;
          compiled += fromIndexDuring(() => (result = synth(root))).compiled;
          expect(result!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
        },
      ),
      { numRuns: 8 },
    );
    expect(compiled).toBeGreaterThan(0);
  }, 240_000);

  test('a one-route edit compiles its tables from the index and rewrites only the objects holding the route', () => {
    const file = routeFile(root, 5, 5);
    movePrefix(file, '-edited');
    const base = readFileSync(join(root, ...INDEX));
    let result: ReturnType<typeof runPipeline> | undefined;
    const counts = fromIndexDuring(() => (result = synth(root)));
    // the index's base is left as it was: what changed is written as a delta over it
    expect(readFileSync(join(root, ...INDEX))).toEqual(base);
    expect(statSync(join(root, ...DELTA)).size).toBeLessThan(base.length / 4);
    // the route lands in all 18 environments: each table compiled from the index, one object each rewritten
    expect(counts).toEqual({ compiled: 18, fallback: 0 });
    const written = result!.report!.written.filter((f) => !f.startsWith('_'));
    expect(written.every((f) => /\/virtualservice-/.test(f))).toBe(true);
    expect(written.length).toBeLessThanOrEqual(2 * 18);
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
  }, 60_000);

  test('a route edit that keeps its paths (another timeout) is found by its file\'s content key', () => {
    const file = routeFile(root, 5, 5);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/timeout: \d+s/, 'timeout: 17s'));
    expect(fromIndexDuring(() => synth(root)).compiled).toBe(18);
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
  }, 60_000);

  test('tables of one environment whose landings differ (a route on one cluster only) have lists of their own', () => {
    // GIVEN a route that lands in cn-bj-prod/prod only (its entries are made alike on every cluster of the environment)
    writeFileSync(join(root, 'routes', 'team-00', 'only-bj.yaml'),
      'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: only-bj\nspec:\n  match:\n    - prefix: /faas/api/team-00/only-bj/\n' +
        '  clusters: [cn-bj-prod]\n  environments: [prod]\n');
    synth(root);
    // WHEN a route landing everywhere is edited, THEN every table is compiled from its own list (the route's landings
    // are part of a list's key: one list for cn-bj-prod/prod, another for the other clusters' prod)
    movePrefix(routeFile(root, 5, 5), '-edited');
    expect(fromIndexDuring(() => synth(root))).toEqual({ compiled: 18, fallback: 0 });
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
  }, 60_000);

  test('another kfaas build does not read the index', () => {
    movePrefix(routeFile(root, 5, 5), '-edited');
    expect(fromIndexDuring(() => synth(root, { tool: 'another-build' }))).toEqual({ compiled: 0, fallback: 0 });
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
  }, 60_000);

  test('other object budgets do not read the index', () => {
    const budgets = { maxObjectBytes: 1024 + 9000 };
    movePrefix(routeFile(root, 5, 5), '-edited');
    expect(fromIndexDuring(() => synth(root, { budgets }))).toEqual({ compiled: 0, fallback: 0 });
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root, budgets));
  }, 60_000);

  test('a Team file edit does not read the index', () => {
    const team = listFiles(join(root, 'routes')).find((f) => f.endsWith('team.yaml'))!;
    writeFileSync(join(root, 'routes', team), `${readFileSync(join(root, 'routes', team), 'utf8')}# edited\n`);
    movePrefix(routeFile(root, 5, 5), '-edited');
    expect(fromIndexDuring(() => synth(root))).toEqual({ compiled: 0, fallback: 0 });
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
  }, 60_000);

  test('what a slot takes from its cluster file (its versions) is in the key: its tables do not read the index', () => {
    const cluster = join(root, 'clusters', readdirSync(join(root, 'clusters')).sort()[0]);
    const text = readFileSync(cluster, 'utf8');
    // another Istio minor: another version class for every table of the cluster
    const edited = text.replace(/istio: "(\d+)\.(\d+)\.(\d+)"/, (_, major, minor) => `istio: "${major}.${Number(minor) - 1}.0"`);
    expect(edited).not.toBe(text);
    writeFileSync(cluster, edited);
    // no route file changed: the other clusters' tables are reused whole, this cluster's compiled whole
    expect(fromIndexDuring(() => synth(root))).toEqual({ compiled: 0, fallback: 0 });
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
  }, 60_000);

  test('a damaged, foreign-shaped or missing index is a full compile of each table', () => {
    const path = join(root, ...INDEX);
    const bytes = readFileSync(path);
    // a flipped byte: the checksum does not match
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 10] ^= 1;
    writeFileSync(path, flipped);
    movePrefix(routeFile(root, 5, 5), '-a');
    expect(fromIndexDuring(() => synth(root))).toEqual({ compiled: 0, fallback: 0 });
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
    // valid JSON of the right checksum, with rows of the wrong shape
    const stored = readChecked(path)!.value as { lists: Record<string, { sizes: unknown[] }> };
    for (const list of Object.values(stored.lists)) list.sizes = list.sizes.map(() => 'x');
    writeChecked(path, checkedBytes(stored));
    movePrefix(routeFile(root, 5, 5), '-b');
    expect(fromIndexDuring(() => synth(root))).toEqual({ compiled: 0, fallback: 0 });
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
    // missing
    unlinkSync(path);
    movePrefix(routeFile(root, 5, 5), '-c');
    expect(fromIndexDuring(() => synth(root))).toEqual({ compiled: 0, fallback: 0 });
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
    // and the index is back for the next edit
    movePrefix(routeFile(root, 5, 5), '-d');
    expect(fromIndexDuring(() => synth(root)).compiled).toBe(18);
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
    // a damaged delta: the base alone is read (its entries are older, still right for their keys)
    const delta = readFileSync(join(root, ...DELTA));
    delta[delta.length - 10] ^= 1;
    writeFileSync(join(root, ...DELTA), delta);
    movePrefix(routeFile(root, 5, 5), '-e');
    expect(fromIndexDuring(() => synth(root)).compiled).toBe(18);
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
  }, 120_000);

  test('an unchanged object no longer in dist/ as recorded is built again, not kept', () => {
    // GIVEN an object of us-west-prod/prod that the edit leaves as it is, deleted from dist/
    const folder = join(root, 'dist', 'us-west-prod', 'prod');
    const objects = readdirSync(folder).filter((f) => f.startsWith('virtualservice-')).sort();
    const holder = objects.find((f) => !readFileSync(join(folder, f), 'utf8').includes('/faas/api/team-05/svc-5/'))!;
    unlinkSync(join(folder, holder));
    movePrefix(routeFile(root, 5, 5), '-edited');
    // THEN every table is compiled from the index, and dist/ is whole again
    let result: ReturnType<typeof runPipeline> | undefined;
    expect(fromIndexDuring(() => (result = synth(root)))).toEqual({ compiled: 18, fallback: 0 });
    expect(result!.report!.written).toContain(`us-west-prod/prod/${holder}`);
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
  }, 60_000);

  test('a synth after synth --check builds the objects the check did not write', () => {
    movePrefix(routeFile(root, 5, 5), '-edited');
    const cache = IncrementalCache.open(root, TOOL);
    const check = runPipeline({ root, write: false, check: true, cache, budgets: BUDGETS });
    cache.save();
    expect(check.diff!.write.length).toBeGreaterThan(0);
    expect(fromIndexDuring(() => synth(root))).toEqual({ compiled: 18, fallback: 0 });
    expect(snapshot(join(root, 'dist'))).toEqual(scratchDist(root));
  }, 60_000);
});
