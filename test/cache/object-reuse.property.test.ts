import * as fc from 'fast-check';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { IncrementalCache } from '../../src/cache/incremental-cache';
import { StatMemo } from '../../src/cache/stat-memo';
import { runPipeline } from '../../src/pipeline';
import { listFiles } from '../../src/util/list-files';

/**
 * Reuse below the table (src/cache/object-reuse.ts, the order-check memo): folders of many VirtualServices (small
 * object budgets), where a one-route edit recompiles the table but takes its unchanged objects from the output
 * folder. After every edit of random sequences (routes added, removed, moved between files, prefixes, timeouts,
 * a conflicting duplicate, hand edits and deletions in the output folder, hand edits that keep size and modification
 * time, damaged cache files), the incremental run must give what a run from scratch gives: same diagnostics,
 * byte-identical output tree, and `check` the same verdict. The stat memo remembers every file here (no racy
 * interval), so unchanged output files are taken by their stat, unread, as at a real user's second run.
 */
const TOOL = 'test-build';
const BUDGETS = { maxObjectBytes: 2400 };
const TEAMS = ['shop', 'pay'] as const;

interface RouteModel {
  readonly name: string;
  readonly team: (typeof TEAMS)[number];
  /** Which of the team's files holds it (`solo` holds shop-r2 alone). */
  readonly file: 'a' | 'b' | 'solo';
  readonly path: string;
  readonly timeout?: number;
}

interface Model {
  readonly routes: readonly RouteModel[];
  /**
   * What to damage after the next synth, by index: an output file, edited by hand (`edit`), edited keeping its size
   * and modification time (`same-stat`) or deleted (`delete`), a VirtualService (`object`) or any file; or a cache
   * file (`cache`: bytes changed inside incremental.json, a shard of file-stats/ or documents/).
   */
  readonly damage?: { readonly kind: 'edit' | 'same-stat' | 'delete' | 'cache'; readonly index: number; readonly target?: 'object' | 'any' };
}

const INITIAL: Model = {
  routes: Array.from({ length: 40 }, (_, i): RouteModel => ({
    name: `${TEAMS[i % 2]}-r${i}`, team: TEAMS[i % 2], file: i === 2 ? 'solo' : i % 3 === 0 ? 'b' : 'a', path: `/faas/api/${TEAMS[i % 2]}/r${i}/`,
    ...(i % 4 === 0 ? { timeout: 1 + (i % 9) } : {}),
  })),
};

type Edit = (m: Model) => Model;
const pick = <T>(items: readonly T[], i: number): T | undefined => (items.length === 0 ? undefined : items[i % items.length]);
const change = (m: Model, r: RouteModel, to: Partial<RouteModel>): Model => ({ ...m, routes: m.routes.map((x) => (x === r ? { ...r, ...to } : x)) });

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ team: fc.constantFrom(...TEAMS), n: fc.nat(999), file: fc.constantFrom('a' as const, 'b' as const) }).map(({ team, n, file }): Edit => (m) => {
    const name = `${team}-new${n}`;
    return m.routes.some((r) => r.name === name) ? m : { ...m, routes: [...m.routes, { name, team, file, path: `/faas/api/${team}/new${n}/` }] };
  }),
  fc.nat().map((i): Edit => (m) => {
    const r = pick(m.routes, i);
    return r ? { ...m, routes: m.routes.filter((x) => x !== r) } : m;
  }),
  fc.record({ i: fc.nat(), seg: fc.constantFrom('v2', 'zz', 'a') }).map(({ i, seg }): Edit => (m) => {
    const r = pick(m.routes, i);
    return r ? change(m, r, { path: `${r.path}${seg}/` }) : m;
  }),
  fc.record({ i: fc.nat(), timeout: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }) }).map(({ i, timeout }): Edit => (m) => {
    const r = pick(m.routes, i);
    return r ? change(m, r, { timeout }) : m;
  }),
  fc.nat().map((i): Edit => (m) => {
    const r = pick(m.routes, i);
    return r ? change(m, r, { file: r.file === 'a' ? 'b' : 'a' }) : m;
  }),
  // a second route with another route's path: a duplicate-match error, then (next edits) maybe fixed again
  fc.record({ i: fc.nat(), n: fc.nat(99) }).map(({ i, n }): Edit => (m) => {
    const r = pick(m.routes, i);
    return r ? { ...m, routes: [...m.routes, { ...r, name: `${r.team}-dup${n}`, file: 'b' }] } : m;
  }),
  fc.record({
    kind: fc.constantFrom('edit' as const, 'same-stat' as const, 'delete' as const, 'cache' as const), index: fc.nat(), target: fc.constantFrom('object' as const, 'any' as const),
  }).map((damage): Edit => (m) => ({ ...m, damage })),
);

function writeModel(root: string, m: Model): void {
  rmSync(join(root, 'clusters'), { recursive: true, force: true });
  rmSync(join(root, 'routes'), { recursive: true, force: true });
  mkdirSync(join(root, 'clusters'), { recursive: true });
  for (const [name, istio, knative] of [['c-old', '1.12.9', '0.26.0'], ['c-new', '1.22.6', '1.14.1']]) {
    writeFileSync(join(root, 'clusters', `${name}.yaml`),
      `apiVersion: kfaas/v1\nkind: Cluster\nmetadata:\n  name: ${name}\nspec:\n  istio: "${istio}"\n  knative: "${knative}"\n  environments:\n    - name: alpha\n    - name: prod\n`);
  }
  const files = new Map<string, string[]>();
  for (const r of m.routes) {
    const path = `routes/${r.team}/${r.file}.yaml`;
    const doc = `apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: ${r.name}\nspec:\n  match:\n    - prefix: ${r.path}\n` +
      (r.timeout !== undefined ? `  timeout: ${r.timeout}s\n` : '');
    files.set(path, [...(files.get(path) ?? []), doc]);
  }
  for (const [path, docs] of files) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), docs.join('---\n'));
  }
}

/** Every file under dir with its bytes. */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'latin1')]));
}

function damage(root: string, d: NonNullable<Model['damage']>): void {
  if (d.kind === 'cache') {
    const cacheDir = join(root, '.kfaas-cache');
    const file = pick(listFiles(cacheDir).sort(), d.index);
    if (!file) return;
    // a changed hex digit (a hash, a key), or a changed kind: still valid JSON, but not what was written
    const text = readFileSync(join(cacheDir, file), 'utf8');
    const at = [...text.matchAll(/[0-9a-f]{8}|VirtualService/g)];
    const hit = pick(at, d.index);
    if (!hit) return;
    const swapped = hit[0] === 'VirtualService' ? 'VirtualServicf' : hit[0].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    writeFileSync(join(cacheDir, file), text.slice(0, hit.index) + swapped + text.slice(hit.index! + hit[0].length));
    return;
  }
  const dist = join(root, 'dist');
  const files = listFiles(dist).filter((f) => (d.target === 'any' ? !f.split('/').some((s) => s.startsWith('.')) : /\/virtualservice-[^/]+\.yaml$/.test(f))).sort();
  const file = pick(files, d.index);
  if (!file) return;
  const path = join(dist, file);
  if (d.kind === 'delete') unlinkSync(path);
  else if (d.kind === 'edit') writeFileSync(path, readFileSync(path, 'utf8').replace(/timeout: \d+s/, 'timeout: 99s') + '# hand edit\n');
  else {
    // same size, same modification time: only the change time tells
    const before = statSync(path);
    const text = readFileSync(path, 'utf8');
    const i = text.search(/[a-z](?=[^\n]*$)/m);
    writeFileSync(path, text.slice(0, i) + (text[i] === 'x' ? 'y' : 'x') + text.slice(i + 1));
    utimesSync(path, before.atime, before.mtime);
  }
}

/** The cache of `root` with a stat memo that remembers every file (no racy interval), as a later run sees it. */
const openCache = (root: string): IncrementalCache => IncrementalCache.open(root, TOOL, StatMemo.open(join(root, '.kfaas-cache'), -60_000));

const messages = (r: ReturnType<typeof runPipeline>): string[] => r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`);

function scratchRun(model: Model, withDistOf: string | undefined, check: boolean): ReturnType<typeof runPipeline> & { dist: Record<string, string> } {
  const scratch = mkdtempSync(join(tmpdir(), 'kfaas-objects-scratch-'));
  try {
    writeModel(scratch, model);
    if (withDistOf && existsSync(join(withDistOf, 'dist'))) cpSync(join(withDistOf, 'dist'), join(scratch, 'dist'), { recursive: true });
    const result = runPipeline({ root: scratch, write: !check, check, budgets: BUDGETS });
    return { ...result, dist: snapshot(join(scratch, 'dist')) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

test('with many objects per folder, an incremental run equals a run from scratch after every edit of random sequences', () => {
  let reusedSome = false;
  fc.assert(
    fc.property(fc.array(editArb, { minLength: 1, maxLength: 6 }), (edits) => {
      const root = mkdtempSync(join(tmpdir(), 'kfaas-objects-'));
      try {
        let model = INITIAL;
        writeModel(root, model);
        const firstCache = openCache(root);
        const first = runPipeline({ root, write: true, budgets: BUDGETS, cache: firstCache });
        firstCache.save();
        expect(messages(first).filter((m) => m.startsWith('error'))).toEqual([]);
        const folderObjects = listFiles(join(root, 'dist', 'c-new', 'alpha')).filter((f) => f.startsWith('virtualservice-'));
        expect(folderObjects.length).toBeGreaterThan(3);
        for (const edit of edits) {
          model = edit(model);
          writeModel(root, model);
          if (model.damage) {
            damage(root, model.damage);
            model = { routes: model.routes };
          }
          // check: same verdict and findings as without a cache, on the same output folder
          const freshCheck = scratchRun(model, root, true);
          const cache = openCache(root);
          const check = runPipeline({ root, write: false, check: true, budgets: BUDGETS, cache });
          expect(messages(check)).toEqual(messages(freshCheck));
          expect(check.diff && { write: check.diff.write, delete: check.diff.delete }).toEqual(freshCheck.diff && { write: freshCheck.diff.write, delete: freshCheck.diff.delete });
          cache.save({ keepUnused: check.tree === undefined });
          // synth: same findings and the same bytes as a synth from scratch
          const fresh = scratchRun(model, undefined, false);
          const incrementalCache = openCache(root);
          const incremental = runPipeline({ root, write: true, budgets: BUDGETS, cache: incrementalCache });
          incrementalCache.save({ keepUnused: incremental.tree === undefined });
          expect(messages(incremental)).toEqual(messages(fresh));
          if (fresh.tree) expect(snapshot(join(root, 'dist'))).toEqual(fresh.dist);
          if ((incremental.reusedObjects ?? 0) > 0) reusedSome = true;
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }),
    { numRuns: 8 },
  );
  expect(reusedSome).toBe(true);
}, 240_000);

test('a one-route edit re-renders only the objects that hold the route, in every table it lands in', () => {
  const root = mkdtempSync(join(tmpdir(), 'kfaas-objects-'));
  try {
    writeModel(root, INITIAL);
    const open = (): IncrementalCache => IncrementalCache.open(root, TOOL);
    let cache = open();
    const first = runPipeline({ root, write: true, budgets: BUDGETS, cache });
    cache.save();
    const objects = [...first.tree!.keys()].filter((p) => /\/virtualservice-/.test(p)).length;
    // WHEN one route's timeout changes (it lands in all 4 tables; its file holds it alone: objects are keyed by
    // the content of their routes' files)
    writeModel(root, { routes: INITIAL.routes.map((r) => (r.name === 'shop-r2' ? { ...r, timeout: 7 } : r)) });
    cache = open();
    const after = runPipeline({ root, write: true, budgets: BUDGETS, cache });
    // THEN every table is compiled, but only its object holding shop-r2 rendered and written; the rest reused
    expect(after.tables!.length).toBe(4);
    expect(after.reusedObjects).toBe(objects - 4);
    expect(after.report!.written.filter((p) => /\/virtualservice-/.test(p))).toHaveLength(4);
    // and nothing else is rendered: each folder's gateway Service and kustomization.yaml (the same objects are
    // listed) and the platform folders (recompiled: their tables depend on the route files, but hold the same) are
    // kept as the output folder holds them
    expect(first.tree!.has('c-new/platform/kustomization.yaml')).toBe(true);
    expect([...after.tree!.keys()].filter((p) => !/\/virtualservice-/.test(p))).toEqual([]);
    expect([...after.kept!.keys()].filter((p) => /\/(service-.*|kustomization)\.yaml$/.test(p) && !p.startsWith('_'))).toHaveLength(
      [...first.tree!.keys()].filter((p) => /\/(service-.*|kustomization)\.yaml$/.test(p) && !p.startsWith('_')).length,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
