import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { snapshot, Snapshot, WORK_DIR } from './crash-support';
import { asNobody, bindReadOnly, chattr, chownTree, Injected, makeProject, mountTmpfs, synth, unmount } from './fs-failure-support';

/**
 * A full disk (ENOSPC), a read-only folder (EROFS), an immutable one (EPERM) and unreadable files (EACCES) while
 * publishing: exit 2 with the path and the cause, never a stack trace; the output folder exactly as it was, no
 * staging area left; and once the cause is gone, the next synth publishes. Made real where this machine allows
 * (CI runs as root on the same kind of machine), else injected: each title says which ran.
 */
let base: string;
let root: string;
const cleanups: (() => void)[] = [];

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'kfaas-fsfail-'));
  root = join(base, 'project');
  makeProject(root);
});
afterEach(() => {
  for (const undo of cleanups.splice(0).reverse()) undo();
  rmSync(base, { recursive: true, force: true });
});

/** The NEW inputs: a changed timeout (every cluster serving the catalog) and one more cluster. */
function changeInputs(): void {
  const catalog = join(root, 'routes', 'shop', 'catalog.yaml');
  writeFileSync(catalog, readFileSync(catalog, 'utf8').replace('timeout: 5s', 'timeout: 7s'));
  writeFileSync(join(root, 'clusters', 'ap-new.yaml'), readFileSync(join(root, 'clusters', 'sg-test.yaml'), 'utf8').replace('name: sg-test', 'name: ap-new'));
}

function expectUnchanged(out: string, before: Snapshot): void {
  const now = snapshot(out);
  expect([...now.files.keys()].sort()).toEqual([...before.files.keys()].sort());
  for (const [f, bytes] of before.files) expect({ f, same: now.files.get(f) === bytes }).toEqual({ f, same: true });
  expect([...now.dirs].sort()).toEqual([...before.dirs].sort());
  expect(existsSync(join(out, WORK_DIR))).toBe(false);
}

function expectUserError(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(pattern) });
  expect(r.stderr).not.toMatch(/internal error|    at /);
}

const mountable = ((): boolean => {
  const probe = mkdtempSync(join(tmpdir(), 'kfaas-mount-probe-'));
  const ok = mountTmpfs(probe, 64);
  if (ok) unmount(probe);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

test(`a full disk (ENOSPC) while staging (${mountable ? 'a real 2 MiB tmpfs, filled up' : 'injected: no tmpfs mount here'})`, () => {
  const mnt = join(base, 'small-disk');
  mkdirSync(mnt);
  if (mountable) {
    expect(mountTmpfs(mnt, 2048)).toBe(true);
    cleanups.push(() => unmount(mnt));
  }
  const out = join(mnt, 'dist');
  expect(synth(root, ['--out', out]).status).toBe(0);
  const before = snapshot(out);
  changeInputs();
  let inject: Injected[] = [];
  if (mountable) {
    // Leave 8 KiB: the lock and the first staged files fit, the rest does not.
    const fs = statfsSync(mnt);
    writeFileSync(join(mnt, 'filler'), Buffer.alloc(Number(fs.bavail) * Number(fs.bsize) - 8192));
  } else inject = [{ op: 'writeFileSync', under: join(out, WORK_DIR, 'unit-'), code: 'ENOSPC' }];

  const r = synth(root, ['--out', out], { inject, preloadDir: base });
  expectUserError(r, new RegExp(`${out}/\\S+: cannot stage the new version: no space left on device \\(ENOSPC\\); ${out} was left as it was`));
  expectUnchanged(out, before);

  rmSync(join(mnt, 'filler'), { force: true });
  expect(synth(root, ['--out', out]).status).toBe(0);
  expect(synth(root, ['--out', out, '--check']).status).toBe(0);
});

const bindable = ((): boolean => {
  const probe = mkdtempSync(join(tmpdir(), 'kfaas-bind-probe-'));
  const ok = bindReadOnly(probe);
  if (ok) unmount(probe);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

test(`a read-only output folder (EROFS) (${bindable ? 'a real read-only bind mount' : 'injected: no bind mount here'})`, () => {
  const out = join(root, 'dist');
  expect(synth(root, []).status).toBe(0);
  const before = snapshot(out);
  changeInputs();
  let inject: Injected[] = [];
  if (bindable) {
    expect(bindReadOnly(out)).toBe(true);
    cleanups.push(() => unmount(out));
  } else inject = [{ op: 'mkdirSync', under: out, code: 'EROFS' }, { op: 'writeFileSync', under: out, code: 'EROFS' }];

  const r = synth(root, [], { inject, preloadDir: base });
  expectUserError(r, /^kfaas: dist: cannot create the output folder: read-only file system \(EROFS\); nothing was written\n/m);
  expectUnchanged(out, before);

  if (bindable) unmount(out);
  expect(synth(root, []).status).toBe(0);
  expect(synth(root, ['--check']).status).toBe(0);
});

const immutable = ((): boolean => {
  const probe = mkdtempSync(join(tmpdir(), 'kfaas-chattr-probe-'));
  const ok = chattr('+i', probe);
  if (ok) chattr('-i', probe);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

test(`an immutable folder (EPERM) at the commit: every exchange before it is undone (${immutable ? 'real chattr +i' : 'injected: no chattr +i here'})`, () => {
  const out = join(root, 'dist');
  expect(synth(root, []).status).toBe(0);
  const before = snapshot(out);
  changeInputs();
  // us-west-prod/prod comes after several changed folders (cn-*, eu-fra-prod, sg-test) in commit order.
  const locked = join(out, 'us-west-prod', 'prod');
  const inject: Injected[] = [];
  if (immutable) {
    expect(chattr('+i', locked)).toBe(true);
    cleanups.push(() => chattr('-i', locked));
  } else inject.push({ op: 'renameSync', under: locked, code: 'EPERM' });

  // Injected, the renames must be Node's: the emulated exchange (renameat2 runs in a Perl helper).
  const r = synth(root, [], { inject, preloadDir: base, env: immutable ? {} : { KFAAS_TEST_EMULATE_EXCHANGE: '1' } });
  // The folder's one change is one VirtualService's bytes: that file is replaced by its own rename, and named.
  expectUserError(r, /^kfaas: dist\/us-west-prod\/prod\/virtualservice-[a-z0-9-]+\.yaml: cannot replace it: operation not permitted \(an immutable or append-only file or folder\?\) \(EPERM\); dist was left as it was\n/m);
  expectUnchanged(out, before);

  if (immutable) chattr('-i', locked);
  expect(synth(root, []).status).toBe(0);
  expect(synth(root, ['--check']).status).toBe(0);
});

const nobody = asNobody();

describe(`unreadable files on the cached path (EACCES) (${nobody ? 'real: run as user nobody, chmod 000' : 'injected: cannot switch user here'})`, () => {
  beforeEach(() => {
    if (nobody) chownTree(base);
    const first = synth(root, [], { prefix: nobody });
    expect(first.status).toBe(0);
    // The last synth is cached: the next one would render nothing.
    expect(synth(root, [], { prefix: nobody }).stdout).toMatch(/nothing rendered/);
  });

  test.each([
    ['an input file', 'routes/shop/cart.yaml', /^routes\/shop\/cart\.yaml:1:1: cannot read this file \(EACCES\)$/m],
    ['an output file', 'dist/sg-test/alpha/kustomization.yaml', /dist\/sg-test\/alpha\/kustomization\.yaml: cannot read this file: permission denied \(EACCES\)/],
  ])('%s: exit 2 with its path, dist/ as it was', (_what, rel, pattern) => {
    const out = join(root, 'dist');
    const before = snapshot(out);
    const path = join(root, rel);
    if (nobody) chmodSync(path, 0o000);
    const r = synth(root, [], nobody ? { prefix: nobody } : { inject: [{ op: 'readFileSync', under: path, code: 'EACCES' }], preloadDir: base });
    expectUserError(r, pattern);
    expectUnchanged(out, before);
    chmodSync(path, 0o644);
    expect(synth(root, [], { prefix: nobody }).status).toBe(0);
  });
});
