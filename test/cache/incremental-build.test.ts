import { loadAll } from 'js-yaml';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { readChecked } from '../../src/cache/checked-json';
import { IncrementalCache, PARTIAL_SAVE_RATIO } from '../../src/cache/incremental-cache';
import { StatMemo } from '../../src/cache/stat-memo';
import * as plan from '../../src/publish/plan';
import { listFiles } from '../../src/util/list-files';
import { main } from '../../src/cli/main';
import { CliIo } from '../../src/cli/io';
import { runPipeline } from '../../src/pipeline';
import { generateProject } from '../../src/bench/generate';

/** What an incremental run reuses and what it must not (the property test proves the bytes equal). */
const EXAMPLE = join(__dirname, '..', '..');
const TOOL = 'test-build';

function synth(root: string, cache: IncrementalCache): ReturnType<typeof runPipeline> {
  const result = runPipeline({ root, write: true, cache });
  cache.save();
  return result;
}

describe('incremental synth', () => {
  let root: string;
  let tables: number;
  beforeEach(() => {
    // GIVEN a copy of the example project, synthesized once with an empty cache
    root = mkdtempSync(join(tmpdir(), 'kfaas-incr-'));
    cpSync(join(EXAMPLE, 'clusters'), join(root, 'clusters'), { recursive: true });
    cpSync(join(EXAMPLE, 'routes'), join(root, 'routes'), { recursive: true });
    const first = synth(root, IncrementalCache.open(root, TOOL));
    expect(first.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(first.reused).toBe(0);
    tables = first.tables!.length + new Set(first.tables!.map((t) => t.cluster)).size;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('a route edit recompiles only the tables it lands in (and their clusters\' platform tables)', () => {
    // WHEN a route that lands in cn-hz-test/alpha only is edited
    writeFileSync(join(root, 'routes', 'growth', 'only-alpha.yaml'),
      'apiVersion: kfaas/v1\nkind: Route\nmetadata: { name: growth-only-alpha }\nspec:\n  match: [{ prefix: /faas/api/growth/only-alpha/ }]\n' +
        '  clusters: [cn-hz-test]\n  environments: [alpha]\n');
    const after = synth(root, IncrementalCache.open(root, TOOL));
    // THEN only cn-hz-test/alpha and cn-hz-test/platform are compiled, and the new route is in dist/
    expect(after.tables!.map((t) => `${t.cluster}/${t.environment}`)).toEqual(['cn-hz-test/alpha']);
    expect(after.reused).toBe(tables - 2);
    expect(after.report!.written.filter((f) => !f.startsWith('_'))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^cn-hz-test\/alpha\/virtualservice-/)]),
    );
    expect(after.report!.written.every((f) => /^(cn-hz-test\/(alpha|platform)\/|_)/.test(f))).toBe(true);
  });

  test('files of unchanged tables and objects are taken by their stat, neither read nor held in the tree', () => {
    // GIVEN a stat memo that remembers every file (no racy interval), as a run seconds later sees it
    const open = (): IncrementalCache => IncrementalCache.open(root, TOOL, StatMemo.open(join(root, '.kfaas-cache'), -60_000));
    synth(root, open());
    writeFileSync(join(root, 'routes', 'growth', 'only-alpha.yaml'),
      'apiVersion: kfaas/v1\nkind: Route\nmetadata: { name: growth-only-alpha }\nspec:\n  match: [{ prefix: /faas/api/growth/only-alpha/ }]\n' +
        '  clusters: [cn-hz-test]\n  environments: [alpha]\n');
    const cache = open();
    const after = synth(root, cache);
    // THEN no output file was read to be verified, the reused files are kept (not in the tree), and dist/ holds
    // exactly what the tree and the kept files name
    expect(cache.memo.hashed).toBe(0);
    expect(after.kept!.size).toBeGreaterThan(0);
    expect([...after.kept!.keys()].some((p) => after.tree!.has(p))).toBe(false);
    const published = listFiles(join(root, 'dist')).filter((f) => !f.split('/').some((s) => s.startsWith('.')) && !f.endsWith('.kfaas-published'));
    expect(published.sort()).toEqual([...after.tree!.keys(), ...after.kept!.keys()].sort());
    expect(after.report!.written.every((f) => /^(cn-hz-test\/(alpha|platform)\/|_)/.test(f))).toBe(true);
  });

  test('a kept file another process writes before the publish is rendered again, not trusted', () => {
    writeFileSync(join(root, 'routes', 'growth', 'only-alpha.yaml'),
      'apiVersion: kfaas/v1\nkind: Route\nmetadata: { name: growth-only-alpha }\nspec:\n  match: [{ prefix: /faas/api/growth/only-alpha/ }]\n' +
        '  clusters: [cn-hz-test]\n  environments: [alpha]\n');
    const target = join(root, 'dist', 'sg-test', 'alpha', 'kustomization.yaml');
    const original = readFileSync(target, 'utf8');
    // WHEN the file changes between the run's check and its publish (under the lock)
    const real = plan.planPublish;
    const spy = jest.spyOn(plan, 'planPublish').mockImplementationOnce((...args) => {
      writeFileSync(target, `${original}# written meanwhile\n`);
      return real(...args);
    });
    try {
      const after = synth(root, IncrementalCache.open(root, TOOL));
      // THEN the run noticed and rendered everything: dist/ holds what it should
      expect(spy).toHaveBeenCalledTimes(2);
      expect(after.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(after.kept?.size ?? 0).toBe(0);
      expect(readFileSync(target, 'utf8')).toBe(original);
    } finally {
      spy.mockRestore();
    }
  });

  test('delivery files are kept while their plan is unchanged, and rendered again, as a full synth would, when it changes or dist/ differs', () => {
    // GIVEN a route edit that changes no folder, kind or setting of the delivery plan
    writeFileSync(join(root, 'routes', 'growth', 'only-alpha.yaml'),
      'apiVersion: kfaas/v1\nkind: Route\nmetadata: { name: growth-only-alpha }\nspec:\n  match: [{ prefix: /faas/api/growth/only-alpha/ }]\n' +
        '  clusters: [cn-hz-test]\n  environments: [alpha]\n');
    const edited = synth(root, IncrementalCache.open(root, TOOL));
    // THEN the delivery files are neither rendered nor written
    const delivery = (paths: Iterable<string>): string[] => [...paths].filter((p) => p.startsWith('_')).sort();
    expect(delivery(edited.tree!.keys())).toEqual([]);
    const keptDelivery = delivery(edited.kept!.keys());
    expect(keptDelivery.length).toBeGreaterThan(4);
    expect(delivery(edited.report!.written)).toEqual([]);
    // WHEN a delivery file is edited by hand, or the plan changes (another Flux interval)
    const app = keptDelivery.find((p) => p.startsWith('_argocd/application-'))!;
    appendFileSync(join(root, 'dist', app), '# hand edit\n');
    const repaired = synth(root, IncrementalCache.open(root, TOOL));
    const deliveryFile = join(root, 'clusters', 'delivery.yaml');
    writeFileSync(deliveryFile, readFileSync(deliveryFile, 'utf8').replace('interval: 5m', 'interval: 7m'));
    const replanned = synth(root, IncrementalCache.open(root, TOOL));
    // THEN each renders them again, with the bytes a synth without the cache writes
    expect(delivery(repaired.tree!.keys())).toEqual(keptDelivery);
    expect(delivery(replanned.tree!.keys())).toEqual(keptDelivery);
    expect(delivery(replanned.report!.written).some((p) => p.startsWith('_flux-'))).toBe(true);
    const fresh = runPipeline({ root, write: false });
    for (const path of keptDelivery) expect(readFileSync(join(root, 'dist', path), 'utf8')).toBe(fresh.tree!.get(path));
  });

  test('a Team file edit recompiles every table (ownership decides what each may hold)', () => {
    appendFileSync(join(root, 'routes', 'shop', 'team.yaml'), '# reviewed\n');
    const after = synth(root, IncrementalCache.open(root, TOOL));
    expect(after.reused).toBe(0);
  });

  test('a hand edit in the output folder of an unchanged table is repaired, as a full synth would', () => {
    const file = join(root, 'dist', 'sg-test', 'alpha', 'kustomization.yaml');
    const original = readFileSync(file, 'utf8');
    appendFileSync(file, '# hand edit\n');
    const after = synth(root, IncrementalCache.open(root, TOOL));
    expect(after.tables!.map((t) => `${t.cluster}/${t.environment}`)).toEqual(['sg-test/alpha']);
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  test('explain renders the objects of the asked environment only, each what parsing its published file gives, and reads nothing from dist/', () => {
    const only = { cluster: 'us-west-prod', environment: 'prod', platform: false };
    const full = runPipeline({ root, write: false });
    const folder = 'us-west-prod/prod/';
    const published = [...full.tree!].filter(([p]) => p.startsWith(folder) && !p.endsWith('/kustomization.yaml'));
    const expected = published.map(([p, text]) => [p, ...loadAll(text)]);
    const cached = runPipeline({ root, write: false, cache: IncrementalCache.open(root, TOOL), only });
    expect(cached.tree).toBeUndefined();
    expect([...cached.objects!]).toStrictEqual(expected);
    expect(cached.platforms).toEqual([]);
    // a hand edit in dist/ changes nothing: explain answers from the project, not from the output folder
    const vs = published.find(([p]) => p.includes('/virtualservice-'))![0];
    appendFileSync(join(root, 'dist', vs), 'spec: {}\n');
    const again = runPipeline({ root, write: false, cache: IncrementalCache.open(root, TOOL), only });
    expect([...again.objects!]).toStrictEqual(expected);
    // with the platform folder asked for, it is compiled and its objects rendered too
    const withPlatform = runPipeline({ root, write: false, cache: IncrementalCache.open(root, TOOL), only: { ...only, platform: true } });
    expect(withPlatform.platforms!.map((p) => p.cluster)).toEqual(['us-west-prod']);
    expect([...withPlatform.objects!.keys()].filter((p) => p.startsWith('us-west-prod/platform/'))).toEqual(
      [...full.tree!.keys()].filter((p) => p.startsWith('us-west-prod/platform/') && !p.endsWith('/kustomization.yaml')));
  });

  test('what RE2 found about each pattern is kept for the next run of the same build', () => {
    // pattern, facts, pattern, facts... (incremental-cache.ts keeps its large maps as flat arrays)
    const stored = readChecked(join(root, '.kfaas-cache', 'incremental.json'))!.value as { regexFacts: (string | { literal: string })[] };
    expect(stored.regexFacts.length).toBeGreaterThan(0);
    for (let i = 0; i < stored.regexFacts.length; i += 2) {
      expect((stored.regexFacts[i] as string).startsWith((stored.regexFacts[i + 1] as { literal: string }).literal)).toBe(true);
    }
  });

  test('a cache file changed by anything but kfaas, even to other valid JSON, is ignored', () => {
    const file = join(root, '.kfaas-cache', 'incremental.json');
    const text = readFileSync(file, 'utf8');
    // an object's kind, changed in place: what the Argo CD AppProject would allow if it were trusted
    expect(text).toMatch(/VirtualService\//);
    writeFileSync(file, text.replace('VirtualService/', 'VirtualServicf/'));
    const after = synth(root, IncrementalCache.open(root, TOOL));
    expect(after.reused).toBe(0);
    expect(after.kept?.size ?? 0).toBe(0);
    expect(after.report!.written).toEqual([]);
  });

  test('another kfaas build shares nothing', () => {
    const after = synth(root, IncrementalCache.open(root, 'another-build'));
    expect(after.reused).toBe(0);
  });

  test('explain answers from the edited project, compiling only the environment it is asked about', async () => {
    writeFileSync(join(root, 'routes', 'growth', 'late.yaml'),
      'apiVersion: kfaas/v1\nkind: Route\nmetadata: { name: growth-late }\nspec:\n  match: [{ prefix: /faas/api/growth/late/ }]\n');
    let out = '';
    const io: CliIo = { stdout: (t) => (out += t), stderr: () => undefined, env: {}, cwd: root };
    expect(await main(['explain', '--cluster', 'us-west-prod', '--env', 'prod', '/faas/api/growth/late/x', '--root', root], io)).toBe(0);
    expect(out).toMatch(/growth-late/);
    expect(out).toMatch(/routes\/growth\/late\.yaml:\d+/);
    const only = runPipeline({ root, write: false, cache: IncrementalCache.open(root, TOOL), only: { cluster: 'us-west-prod', environment: 'prod' } });
    expect(only.tables!.map((t) => `${t.cluster}/${t.environment}`)).toEqual(['us-west-prod/prod']);
  });

  /** `kfaas explain ...` in `dir`: exit code, stdout and stderr. */
  async function explainIn(dir: string, args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd: dir };
    const code = await main(['explain', ...args, '--root', dir], io);
    return { code, out, err };
  }

  /** The same explain in a copy of the project's inputs with no cache and no dist/ (a full compile). */
  async function explainCold(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
    const cold = mkdtempSync(join(tmpdir(), 'kfaas-cold-'));
    try {
      cpSync(join(root, 'clusters'), join(cold, 'clusters'), { recursive: true });
      cpSync(join(root, 'routes'), join(cold, 'routes'), { recursive: true });
      const result = await explainIn(cold, args);
      return { ...result, err: result.err.split(cold).join(root) };
    } finally {
      rmSync(cold, { recursive: true, force: true });
    }
  }

  test('explain after an edit that was not synthed reports the edited route, as a full compile does', async () => {
    // GIVEN the synth of beforeEach (cache and dist/ current), then a route's prefix edited and not synthed
    const file = join(root, 'routes', 'growth', 'coupon.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('prefix: /faas/api/growth/coupon/', 'prefix: /faas/api/growth/coupons/'));
    const args = ['--cluster', 'us-west-prod', '--env', 'prod', '/faas/api/growth/coupons/x'];
    // WHEN explain runs with the cache the synth left
    const warm = await explainIn(root, args);
    // THEN it names the edited route with its new prefix and where it was written, exactly as a full compile does
    expect(warm.code).toBe(0);
    expect(warm.out).toMatch(/Winner: .*route "growth-coupon".*prefix "\/faas\/api\/growth\/coupons\/" \(routes\/growth\/coupon\.yaml:\d+\)/);
    expect(warm).toEqual(await explainCold(args));
    // and the old prefix no longer matches it
    expect((await explainIn(root, ['--cluster', 'us-west-prod', '--env', 'prod', '/faas/api/growth/coupon/x'])).out).not.toMatch(/"growth-coupon"/);
  });

  test('a project-wide error in a route that does not land in the asked environment still fails explain', async () => {
    // GIVEN a route of growth, served in alpha and beta only, moved into the prefix team shop owns (not synthed)
    const file = join(root, 'routes', 'growth', 'coupon.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('regex: /faas/api/growth/ab/', 'regex: /faas/api/shop/ab/'));
    const args = ['--cluster', 'us-west-prod', '--env', 'prod', '/faas/api/growth/coupon/x'];
    // WHEN explain is asked about prod, where that route does not land
    const warm = await explainIn(root, args);
    // THEN it fails with the ownership diagnostic (exit 2, nothing on stdout), as a full compile does
    expect(warm.code).toBe(2);
    expect(warm.out).toBe('');
    expect(warm.err).toMatch(/routes\/growth\/coupon\.yaml:\d+:\d+ .*owned by team "shop"/);
    expect(warm).toEqual(await explainCold(args));
  });

  test('a partial run (explain) saves the cache only when it parsed enough files to pay for the save', () => {
    // GIVEN a project of 306 input files, synthesized with an empty cache
    const big = mkdtempSync(join(tmpdir(), 'kfaas-partial-save-'));
    try {
      const files = generateProject(big, 250).files;
      synth(big, IncrementalCache.open(big, TOOL));
      const cacheFiles = (): Map<string, string> =>
        new Map(listFiles(join(big, '.kfaas-cache')).map((f) => [f, readFileSync(join(big, '.kfaas-cache', f), 'latin1')]));
      const explainRun = (): IncrementalCache => {
        const cache = IncrementalCache.open(big, TOOL);
        const result = runPipeline({ root: big, write: false, cache, only: { cluster: 'us-west-prod', environment: 'prod' } });
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        return cache;
      };
      const edit = (i: number): void => appendFileSync(join(big, 'routes', `team-${String(i % 50).padStart(2, '0')}`, `r${i}.yaml`), '# edited\n');
      // WHEN one route file is edited (fewer than one file in PARTIAL_SAVE_RATIO): the cache is left as it was
      const before = cacheFiles();
      edit(7);
      const few = explainRun();
      expect(few.learnt()).toBe(1);
      expect(few.savePartial()).toBe(false);
      expect(cacheFiles()).toEqual(before);
      // WHEN enough files changed (one in PARTIAL_SAVE_RATIO of the files loaded): saved, the next run parses none
      const many = Math.ceil(files / PARTIAL_SAVE_RATIO);
      for (let i = 8; i < 7 + many; i++) edit(i);
      const enough = explainRun();
      expect(enough.learnt()).toBe(many);
      expect(enough.savePartial()).toBe(true);
      expect(cacheFiles()).not.toEqual(before);
      expect(explainRun().learnt()).toBe(0);
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });
});
