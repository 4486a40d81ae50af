import { spawnSync } from 'child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { kustomizeBuild } from '../support/kustomize';
import {
  makeProjects,
  problemsAfterCrash,
  publishInChild,
  publishKilledAfter,
  renderTreeFile,
  REPO,
  restore,
  Snapshot,
  snapshot,
  tempBase,
  unitsOf,
  WORK_DIR,
} from './crash-support';

/**
 * Crash proof of publishing (issue 8): a publish killed with SIGKILL at every step (staged writes, each commit
 * rename, clean-up), or by a real `kill -9` at staggered times, leaves every kustomize folder of the output entirely
 * old or entirely new (byte for byte, and both versions build with `kubectl kustomize`), nothing stray outside the
 * self-ignoring staging area, and the next run, towards either version, repairs the folder exactly.
 */
let base: string;
let root: string;
let out: string;
let treeA: string;
let treeB: string;
let distA: string;
let A: Snapshot;
let B: Snapshot;

beforeAll(() => {
  base = tempBase();
  const { oldRoot, newRoot } = makeProjects(base);
  treeA = join(base, 'a.json');
  treeB = join(base, 'b.json');
  renderTreeFile(oldRoot, treeA);
  renderTreeFile(newRoot, treeB);
  root = newRoot;
  out = join(root, 'dist');
  expect(publishInChild(treeA, out, root)).toMatchObject({ status: 0, stderr: '' });
  A = snapshot(out);
  distA = join(base, 'dist-a');
  restore(out, distA);
  expect(publishInChild(treeB, out, root).status).toBe(0);
  B = snapshot(out);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function expectExactly(s: Snapshot, want: Snapshot): void {
  expect([...s.files.keys()].sort()).toEqual([...want.files.keys()].sort());
  for (const [f, bytes] of want.files) expect({ f, same: s.files.get(f) === bytes }).toEqual({ f, same: true });
  expect([...s.dirs].sort()).toEqual([...want.dirs].sort());
  expect(existsSync(join(out, WORK_DIR))).toBe(false);
}

test('the two versions differ in changed, new and removed kustomize folders, and every version of them builds', () => {
  const changed = [...new Set([...unitsOf(A), ...unitsOf(B)])].filter(
    (u) => JSON.stringify([...A.files].filter(([f]) => f.startsWith(`${u}/`))) !== JSON.stringify([...B.files].filter(([f]) => f.startsWith(`${u}/`))),
  );
  expect(changed.filter((u) => !unitsOf(A).has(u)).sort()).toEqual(['_flux-ap-new', 'ap-keep/gamma', 'ap-new/alpha', 'ap-new/beta', 'ap-new/platform']);
  expect(changed.filter((u) => !unitsOf(B).has(u)).sort()).toEqual(['_flux-zz-old', 'zz-old/alpha', 'zz-old/beta', 'zz-old/platform']);
  expect(changed.filter((u) => unitsOf(A).has(u) && unitsOf(B).has(u)).sort()).toEqual(['_argocd', '_flux-ap-keep', 'ap-keep/alpha', 'ap-keep/beta', 'ap-keep/platform']);
  for (const [name, dist] of [['old', distA], ['new', out]] as const) {
    for (const u of changed.filter((x) => existsSync(join(dist, x)))) {
      const r = kustomizeBuild(join(dist, u));
      expect({ name, u, status: r.status, stderr: r.stderr }).toEqual({ name, u, status: 0, stderr: '' });
    }
  }
});

/** Whether publishing B over A and crashing at step k runs to completion (k is past the last step). */
function completesAt(k: number, emulate: boolean): boolean {
  restore(distA, out);
  const r = publishInChild(treeB, out, root, { crashAt: k, emulate });
  if (r.status !== 0) expect({ k, signal: r.signal, stderr: r.stderr }).toEqual({ k, signal: 'SIGKILL', stderr: '' });
  return r.status === 0;
}

/** Number of publishing steps (the first k at which a crash seam no longer fires), by bisection. */
function stepCount(emulate: boolean): number {
  let hi = 16;
  while (!completesAt(hi, emulate)) hi *= 2;
  let lo = hi / 2;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (completesAt(mid, emulate)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Commit renames and clean-up are the last steps; this many covers them all (checked: the first is all old). */
const COMMIT_WINDOW = 30;

describe.each([
  ['renameat2 RENAME_EXCHANGE', false, 5],
  ['the emulated exchange (three journalled renames)', true, 0],
])('a publish killed at each step, with %s', (_how, emulate, stagingSample) => {
  test('leaves each folder old or new, and the next run repairs it towards either version', () => {
    const n = stepCount(emulate);
    expect(n).toBeGreaterThan(COMMIT_WINDOW);
    // Every commit and clean-up step; staging steps (which only write inside the staging area) sampled.
    const steps = [...Array(n).keys()].filter((k) => k >= n - COMMIT_WINDOW || k === 0 || (stagingSample > 0 && k % stagingSample === 1));
    const seen = { oldOnly: 0, mixed: 0, newOnly: 0 };
    for (const k of steps) {
      restore(distA, out);
      const r = publishInChild(treeB, out, root, { crashAt: k, emulate });
      expect({ k, signal: r.signal, stderr: r.stderr }).toEqual({ k, signal: 'SIGKILL', stderr: '' });
      const now = snapshot(out);
      expect({ k, problems: problemsAfterCrash(now, A, B) }).toEqual({ k, problems: [] });
      const same = (want: Snapshot): boolean => now.files.size === want.files.size && [...want.files].every(([f, t]) => now.files.get(f) === t);
      const state = same(A) ? 'oldOnly' : same(B) ? 'newOnly' : 'mixed';
      seen[state]++;
      if (k === n - COMMIT_WINDOW) expect(state).toBe('oldOnly');
      // THEN the next run repairs: towards the new version, or (every other step) back to the old one
      const towardsOld = k % 2 === 1;
      expect(publishInChild(towardsOld ? treeA : treeB, out, root)).toMatchObject({ status: 0, stderr: '' });
      expectExactly(snapshot(out), towardsOld ? A : B);
    }
    // The sweep went through staging (all old), the commit (old and new folders side by side) and clean-up (all new).
    expect(seen.oldOnly).toBeGreaterThan(0);
    expect(seen.mixed).toBeGreaterThan(0);
    expect(seen.newOnly).toBeGreaterThan(0);
  });
});

test('a real kill -9 of the publishing process group at staggered times leaves each folder old or new', async () => {
  restore(distA, out);
  const started = Date.now();
  expect(publishInChild(treeB, out, root).status).toBe(0);
  const full = Date.now() - started;
  let killed = 0;
  for (let i = 1; i <= 12; i++) {
    restore(distA, out);
    const ended = await publishKilledAfter(treeB, out, root, Math.round((full * i) / 12));
    if (ended.signal === 'SIGKILL') killed++;
    else expect(ended.code).toBe(0);
    expect({ i, problems: problemsAfterCrash(snapshot(out), A, B) }).toEqual({ i, problems: [] });
    expect(publishInChild(treeB, out, root).status).toBe(0);
    expectExactly(snapshot(out), B);
  }
  expect(killed).toBeGreaterThan(0);
});

test('kfaas synth honours KFAAS_TEST_CRASH_AT_STEP: killed mid-publish, then repaired by the next synth', () => {
  const cli = (env: Record<string, string>, ...args: string[]) =>
    spawnSync('setsid', [process.execPath, join(REPO, 'bin', 'kfaas'), 'synth', '--root', root, ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
  for (const step of ['0', '40']) {
    restore(distA, out);
    const r = cli({ KFAAS_TEST_CRASH_AT_STEP: step }, '--no-cache');
    expect({ step, signal: r.signal }).toEqual({ step, signal: 'SIGKILL' });
    expect(problemsAfterCrash(snapshot(out), A, B)).toEqual([]);
    const again = cli({}, '--no-cache');
    expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 0, stderr: '' });
    expectExactly(snapshot(out), B);
    expect(cli({}, '--check').status).toBe(0);
  }
});

test('a publish whose folders each change one file (published by one rename each), killed at every step, leaves each folder old or new', () => {
  // GIVEN version C: A with the bytes of one VirtualService changed in each of two folders (nothing added or removed)
  const a = new Map(Object.entries(JSON.parse(readFileSync(treeA, 'utf8')) as Record<string, string>));
  const edited = [...new Set([...a.keys()].filter((p) => /\/(alpha|beta)\/[^/]*virtualservice[^/]*\.yaml$/i.test(p)).map((p) => p.slice(0, p.lastIndexOf('/'))))]
    .slice(0, 2)
    .map((folder) => [...a.keys()].find((p) => p.startsWith(`${folder}/`) && /virtualservice/i.test(p))!);
  expect(edited).toHaveLength(2);
  const treeC = join(base, 'c.json');
  writeFileSync(treeC, JSON.stringify(Object.fromEntries([...a].map(([p, text]) => [p, edited.includes(p) ? `${text}# edited\n` : text]))));
  restore(distA, out);
  expect(publishInChild(treeC, out, root).status).toBe(0);
  const C = snapshot(out);
  expect([...C.files].filter(([f, t]) => A.files.get(f) !== t).map(([f]) => f).sort()).toEqual([...edited].sort());
  // WHEN killed at every step, THEN each folder is old or new, and the next run repairs it towards either version
  let k = 0;
  for (; k < 40; k++) {
    restore(distA, out);
    const r = publishInChild(treeC, out, root, { crashAt: k });
    if (r.status === 0) break;
    expect({ k, signal: r.signal, stderr: r.stderr }).toEqual({ k, signal: 'SIGKILL', stderr: '' });
    expect({ k, problems: problemsAfterCrash(snapshot(out), A, C) }).toEqual({ k, problems: [] });
    const towardsOld = k % 2 === 1;
    expect(publishInChild(towardsOld ? treeA : treeC, out, root)).toMatchObject({ status: 0, stderr: '' });
    expectExactly(snapshot(out), towardsOld ? A : C);
  }
  // Two files staged and two renames, then clean-up: a handful of steps, none of them a staged copy of a folder.
  expect(k).toBeGreaterThan(2);
  expect(k).toBeLessThan(12);
});
