import { ChildProcess, spawn, spawnSync } from 'child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../src/cli/main';
import { listFiles } from '../../src/util/list-files';

/**
 * `kfaas watch` as a user runs it: a real process on a copy of the example, woken by the file system. An edit is
 * published as a fresh synth of the same files publishes it; an error is printed as a diagnostic and leaves dist/ as
 * it was; fixing it publishes again; SIGINT ends it with exit 0 and no lock left behind.
 */
const REPO = join(__dirname, '..', '..');
const BIN = join(REPO, 'bin', 'kfaas');

let project: string;
let reference: string;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'kfaas-watch-cli-'));
  reference = mkdtempSync(join(tmpdir(), 'kfaas-watch-ref-'));
  for (const f of ['routes', 'clusters']) cpSync(join(REPO, f), join(project, f), { recursive: true });
});
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(reference, { recursive: true, force: true });
});

/** A running watch: its output so far, and a wait for output matching a pattern. */
class Watcher {
  public out = '';
  public err = '';
  public readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];

  public constructor(root: string) {
    this.child = spawn(process.execPath, [BIN, 'watch', '--debounce', '50'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => this.heard(() => (this.out += d)));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => this.heard(() => (this.err += d)));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Resolves once `stream` holds `count` matches of `pattern` (a global regex). */
  public until(stream: 'out' | 'err', pattern: RegExp, count: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${count}x ${pattern} within 20 s; stdout:\n${this.out}\nstderr:\n${this.err}`)), 20_000);
      const check = (): boolean => {
        if ((this[stream].match(pattern) ?? []).length < count) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      if (!check()) this.waiters.push(() => void check());
    });
  }

  public signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  private heard(add: () => void): void {
    add();
    for (const w of this.waiters) w();
  }
}

const SUMMARY = /^kfaas: \d+ folder\(s\), \d+ object\(s\) -> dist: \d+ written, \d+ deleted, \d+ unchanged in \d+ ms$/gm;

/** Every file under dir with its bytes. */
function snapshot(dir: string): Record<string, string> {
  return existsSync(dir) ? Object.fromEntries(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'latin1')])) : {};
}

/** dist/ of a fresh `kfaas synth --no-cache` of the project's inputs as they are now, in a folder of its own. */
async function freshSynth(): Promise<Record<string, string>> {
  for (const f of ['routes', 'clusters', 'dist']) rmSync(join(reference, f), { recursive: true, force: true });
  for (const f of ['routes', 'clusters']) cpSync(join(project, f), join(reference, f), { recursive: true });
  const io = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: reference };
  expect(await main(['synth', '--no-cache'], io)).toBe(0);
  return snapshot(join(reference, 'dist'));
}

test('watch publishes each edit as a fresh synth would, reports errors without touching dist/, and stops on SIGINT', async () => {
  const cart = join(project, 'routes', 'shop', 'cart.yaml');
  const original = readFileSync(cart, 'utf8');
  const watch = new Watcher(project);
  try {
    // GIVEN a watch that published the project at its start
    await watch.until('out', SUMMARY, 1);
    await watch.until('err', /kfaas: watching clusters\/ and routes\/; Ctrl-C stops\n/g, 1);
    // WHEN a route file is edited: published, as a fresh synth would
    writeFileSync(cart, original.replace('timeout: 2s', 'timeout: 3s'));
    await watch.until('out', SUMMARY, 2);
    expect(watch.out.split('\n')[watch.out.split('\n').length - 2]).toMatch(/: [1-9]\d* written, 0 deleted/);
    expect(snapshot(join(project, 'dist'))).toEqual(await freshSynth());
    // WHEN an error is introduced: the diagnostic with its position, and dist/ left exactly as it was
    const published = snapshot(join(project, 'dist'));
    writeFileSync(cart, original.replace('timeout: 2s', 'timeout: 3x'));
    await watch.until('err', /kfaas: dist left as it was \(\d+ ms\); waiting for changes\n/g, 1);
    expect(watch.err).toContain('routes/shop/cart.yaml:10:12 spec.timeout: expected a duration');
    expect(snapshot(join(project, 'dist'))).toEqual(published);
    // WHEN it is fixed: published again
    writeFileSync(cart, original.replace('timeout: 2s', 'timeout: 4s'));
    await watch.until('out', SUMMARY, 3);
    expect(snapshot(join(project, 'dist'))).toEqual(await freshSynth());
  } finally {
    // THEN SIGINT ends it: exit 0, no publish lock or staging folder left
    watch.signal('SIGINT');
  }
  expect(await watch.exited).toBe(0);
  expect(existsSync(join(project, 'dist', '.kfaas-staging'))).toBe(false);
  // and a synth after it (the same build) finds everything as the watch left it: its record and cache were saved
  const after = spawnSync(process.execPath, [BIN, 'synth'], { cwd: project, encoding: 'utf8' });
  expect(after.status).toBe(0);
  expect(after.stdout).toMatch(/inputs unchanged since the last synth: nothing rendered/);
}, 90_000);

test('SIGTERM (a supervisor stopping it) ends it as SIGINT does: exit 0, the cache saved', async () => {
  const watch = new Watcher(project);
  await watch.until('err', /kfaas: watching clusters\/ and routes\/; Ctrl-C stops\n/g, 1);
  watch.signal('SIGTERM');
  expect(await watch.exited).toBe(0);
  expect(existsSync(join(project, 'dist', '.kfaas-staging'))).toBe(false);
}, 60_000);
