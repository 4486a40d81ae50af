import { spawn } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { hostname, tmpdir } from 'os';
import { join } from 'path';
import { UserError } from '../../src/diagnostics/diagnostic';
import { acquireLock } from '../../src/publish/lock';
import { publishTree } from '../../src/publish/publish';
import { makeProject, REPO } from './fs-failure-support';
import { renderTreeFile, snapshot, WORK_DIR } from './crash-support';

/**
 * Two synths at once (issue 8: one died with ENOENT): publishing takes a lock on the output folder, so the second
 * waits, saying for whom, and then publishes; nothing ever fails with ENOENT or a stack trace, and the output is
 * what one synth alone writes. Real processes throughout.
 */
let base: string;
let root: string;
let out: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'kfaas-two-'));
  root = join(base, 'project');
  makeProject(root);
  out = join(root, 'dist');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
  pid: number;
}

interface Running {
  readonly ended: Promise<Ended>;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

function start(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const ended = new Promise<Ended>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr, pid: child.pid! })));
  return { ended, stdout: () => stdout, stderr: () => stderr };
}

const synth = (...args: string[]): Promise<Ended> => start([join(REPO, 'bin', 'kfaas'), 'synth', '--root', root, '--no-cache', ...args]).ended;

/**
 * Publishes a tree in its own process and, at its first commit rename, holds the lock until the file named by its
 * fourth argument exists (the test creates it once the other synth says it waits).
 */
const HOLDER = `
const { existsSync, readFileSync } = require('fs');
const { publishTree } = require(process.env.KFAAS_LIB + '/src/publish/publish.js');
const [treeFile, out, root, release] = process.argv.slice(1);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
let held = false;
publishTree(out, new Map(Object.entries(JSON.parse(readFileSync(treeFile, 'utf8')))), {
  projectRoot: root,
  beforeRename: () => {
    if (held) return;
    held = true;
    process.stdout.write('holding the lock\\n');
    for (let i = 0; i < 1200 && !existsSync(release); i++) sleep(100);
  },
});
`;

/** Resolves when `text()` matches. */
async function until(text: () => string, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 1200 && !pattern.test(text()); i++) await new Promise((r) => setTimeout(r, 100));
}

function expectUpToDate(): Promise<void> {
  return synth('--check').then((r) => {
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(existsSync(join(out, WORK_DIR))).toBe(false);
  });
}

test('a synth started while another process publishes waits for it, says for whom, then publishes', async () => {
  // GIVEN a published dist/ and new inputs
  expect((await synth()).code).toBe(0);
  const catalog = join(root, 'routes', 'shop', 'catalog.yaml');
  writeFileSync(catalog, readFileSync(catalog, 'utf8').replace('timeout: 5s', 'timeout: 7s'));
  const treeFile = join(base, 'tree.json');
  renderTreeFile(root, treeFile);
  // WHEN one process publishes, holding the lock, and a synth starts meanwhile
  const release = join(base, 'release');
  const holder = start(['-e', HOLDER, treeFile, out, root, release], { KFAAS_LIB: join(REPO, 'lib') });
  await until(holder.stdout, /holding the lock/);
  const second = start([join(REPO, 'bin', 'kfaas'), 'synth', '--root', root, '--no-cache']);
  await until(second.stderr, /waiting/);
  writeFileSync(release, '');
  const [h, s] = await Promise.all([holder.ended, second.ended]);
  // THEN both succeed; the synth waited, naming the holder
  expect({ code: h.code, stdout: h.stdout, stderr: h.stderr }).toEqual({ code: 0, stdout: 'holding the lock\n', stderr: '' });
  expect(s.code).toBe(0);
  expect(s.stderr).toMatch(new RegExp(`^kfaas: waiting: dist is being published by another kfaas process \\(pid ${h.pid} on ${hostname()}, since [0-9T:.-]+Z\\)`));
  await expectUpToDate();
});

test('synths started together, again and again: all succeed, never ENOENT, and dist/ is what one synth writes', async () => {
  for (let round = 0; round < 3; round++) {
    const catalog = join(root, 'routes', 'shop', 'catalog.yaml');
    writeFileSync(catalog, readFileSync(catalog, 'utf8').replace(/timeout: \d+s/, `timeout: ${5 + round}s`));
    const runs = await Promise.all([synth(), synth(), synth()]);
    for (const r of runs) {
      expect({ round, code: r.code, stderr: r.stderr.replace(/^kfaas: waiting: .*\n/m, '') }).toEqual({ round, code: 0, stderr: '' });
      expect(r.stderr).not.toMatch(/ENOENT|internal error/);
    }
    await expectUpToDate();
  }
  // Nine real synths and three checks: over a minute on a shared 2-core machine under load.
}, 240_000);

test('a lock held longer than the wait is exit 2 with who holds it and how to clear a stale one', () => {
  // GIVEN the lock held by a live process (this test's parent process)
  publishTree(out, new Map([['c/e/kustomization.yaml', '# Generated by kfaas\n']]), { projectRoot: root });
  const lock = join(out, WORK_DIR, 'lock');
  mkdirSync(join(out, WORK_DIR), { recursive: true });
  const startTicks = readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(') ')[1].split(' ')[19];
  writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), startTicks, since: '2026-01-01T00:00:00.000Z' }));
  // WHEN
  let thrown: unknown;
  try {
    publishTree(out, new Map([['c/e/kustomization.yaml', '# Generated by kfaas\nchanged: true\n']]), { projectRoot: root, lockWaitMs: 300 });
  } catch (e) {
    thrown = e;
  }
  // THEN
  expect(thrown).toBeInstanceOf(UserError);
  expect((thrown as UserError).diagnostics[0].message).toBe(
    `${out} is being published by another kfaas process (pid ${process.ppid} on ${hostname()}, since 2026-01-01T00:00:00.000Z); if no such process runs, delete ${lock}`,
  );
  expect(readFileSync(join(out, 'c/e/kustomization.yaml'), 'utf8')).toBe('# Generated by kfaas\n');
  // AND once its holder is gone (a pid that does not run), the lock is taken over
  writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
  publishTree(out, new Map([['c/e/kustomization.yaml', '# Generated by kfaas\nchanged: true\n']]), { projectRoot: root, lockWaitMs: 300 });
  expect(readFileSync(join(out, 'c/e/kustomization.yaml'), 'utf8')).toBe('# Generated by kfaas\nchanged: true\n');
  expect(snapshot(out).staging).toEqual([]);
});

test('a work folder another run removed between making it and locking it is made again, not an ENOENT error', () => {
  // GIVEN the work folder gone (a run that just finished removes it when it holds no lock)
  const work = join(mkdtempSync(join(tmpdir(), 'kfaas-lock-')), WORK_DIR);
  // WHEN locking without a way to make it again, THEN it is the error the concurrent synths used to hit
  expect(() => acquireLock(work, 'dist')).toThrow(/cannot take the publishing lock: no such file or folder \(ENOENT\)/);
  // WHEN locking with one, THEN the folder is made and the lock taken (and released)
  let made = 0;
  const lock = acquireLock(work, 'dist', { recreate: () => (made++, mkdirSync(work)) });
  expect(made).toBe(1);
  expect(JSON.parse(readFileSync(join(work, 'lock'), 'utf8')).pid).toBe(process.pid);
  lock.release();
  expect(existsSync(join(work, 'lock'))).toBe(false);
});

test('lock files a killed process left half-way (lock.<pid>.tmp, lock.stale-<pid>) are cleared by the next run; a live waiter\'s are kept', () => {
  // GIVEN a process killed between writing its temporary lock file and removing it (found by the kill -9 sweep:
  // such a file kept .kfaas-staging alive for good), and one killed while taking over a stale lock
  publishTree(out, new Map([['c/e/kustomization.yaml', '# Generated by kfaas\n']]), { projectRoot: root });
  const work = join(out, WORK_DIR);
  mkdirSync(work, { recursive: true });
  const dead = 2 ** 22 + 1; // above Linux's largest pid_max: never a running process
  writeFileSync(join(work, `lock.${dead}.tmp`), '{}');
  writeFileSync(join(work, `lock.stale-${dead}`), '{}');
  // WHEN the next run publishes
  publishTree(out, new Map([['c/e/kustomization.yaml', '# Generated by kfaas\nchanged: true\n']]), { projectRoot: root });
  // THEN nothing of kfaas's is left in the output folder
  expect(existsSync(work)).toBe(false);
  // AND a waiting process's temporary file (its pid runs) is left to it
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, `lock.${process.ppid}.tmp`), '{}');
  publishTree(out, new Map([['c/e/kustomization.yaml', '# Generated by kfaas\n']]), { projectRoot: root });
  expect(existsSync(join(work, `lock.${process.ppid}.tmp`))).toBe(true);
});
