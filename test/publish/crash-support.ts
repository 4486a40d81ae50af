import { spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runPipeline } from '../../src/pipeline';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';

/**
 * Helpers of the publishing crash proofs: two renders of the example (OLD, NEW) that change, add and remove
 * kustomize folders, a driver that publishes a tree in a process of its own (through the built lib/, as the CLI
 * does) so it can be SIGKILLed, and the check that a folder left by a killed run is one of the two versions.
 */
export const REPO = join(__dirname, '..', '..');
export const WORK_DIR = '.kfaas-staging';
const RECORD = '.kfaas-published';

/** Files (path -> bytes) and folders of an output folder; the staging area is listed apart. */
export interface Snapshot {
  readonly files: Map<string, string>;
  readonly dirs: Set<string>;
  readonly staging: string[];
}

export function snapshot(dir: string): Snapshot {
  const files = new Map<string, string>();
  const dirs = new Set<string>();
  const staging: string[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === WORK_DIR) {
        staging.push(...listAll(join(abs, e.name)));
        continue;
      }
      if (e.isDirectory()) {
        dirs.add(r);
        walk(join(abs, e.name), r);
      } else files.set(r, readFileSync(join(abs, e.name), 'latin1'));
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return { files, dirs, staging: staging.sort() };
}

function listAll(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((p) => p.split('\\').join('/'));
}

/** The kustomize roots (folders holding kustomization.yaml) of a snapshot. */
export function unitsOf(s: Snapshot): Set<string> {
  return new Set([...s.files.keys()].filter((f) => f.endsWith('/kustomization.yaml')).map((f) => f.slice(0, f.lastIndexOf('/'))));
}

function filesUnder(s: Snapshot, folder: string): [string, string][] {
  return [...s.files].filter(([f]) => f.startsWith(`${folder}/`)).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/**
 * What is wrong with `now`, the output folder after a killed publish from `a` towards `b`: every kustomize folder
 * must be byte for byte its old or its new version (or absent, where it is absent in one of them); every file
 * outside those folders must be its old or new version, or absent where one lacks it; an ownership record may
 * also be the one written ahead (listing old and new files). Leftovers may only be inside the staging area,
 * which git-ignores itself.
 */
export function problemsAfterCrash(now: Snapshot, a: Snapshot, b: Snapshot): string[] {
  const problems: string[] = [];
  const units = new Set([...unitsOf(a), ...unitsOf(b)]);
  for (const u of [...units].sort()) {
    const got = JSON.stringify(filesUnder(now, u));
    const old = JSON.stringify(filesUnder(a, u));
    const neu = JSON.stringify(filesUnder(b, u));
    if (got !== old && got !== neu) problems.push(`${u}: neither the old nor the new folder (${filesUnder(now, u).map(([f]) => f).join(', ') || 'empty'})`);
  }
  const inUnit = (f: string): boolean => [...units].some((u) => f.startsWith(`${u}/`));
  const loose = new Set([...now.files.keys(), ...a.files.keys(), ...b.files.keys()].filter((f) => !inUnit(f)));
  for (const f of [...loose].sort()) {
    const got = now.files.get(f);
    if (got === a.files.get(f) || got === b.files.get(f)) continue;
    if (f.endsWith(`/${RECORD}`) && got !== undefined && aheadRecordOk(got, f, a, b)) continue;
    problems.push(`${f}: neither its old nor its new content`);
  }
  if (now.staging.length > 0 && !now.staging.includes('.gitignore')) problems.push(`${WORK_DIR} has leftovers but no .gitignore`);
  return problems;
}

/** A record written ahead lists the union of the group's old and new files. */
function aheadRecordOk(text: string, path: string, a: Snapshot, b: Snapshot): boolean {
  const group = path.slice(0, path.lastIndexOf('/'));
  const files = (s: Snapshot): string[] => [...s.files.keys()].filter((f) => f.startsWith(`${group}/`) && !f.endsWith(RECORD)).map((f) => f.slice(group.length + 1));
  const union = [...new Set([...files(a), ...files(b)])].sort();
  try {
    return JSON.stringify((JSON.parse(text) as { files: string[] }).files.slice().sort()) === JSON.stringify(union);
  } catch {
    return false;
  }
}

/**
 * The two input states, changing only folders of test clusters (so few folders need a kustomize build): OLD has
 * clusters zz-old and ap-keep and a route only ap-keep serves; NEW drops zz-old and that route, adds cluster
 * ap-new and environment gamma to ap-keep. The example's own clusters are the same in both.
 */
export function makeProjects(base: string): { oldRoot: string; newRoot: string } {
  const oldRoot = join(base, 'old');
  const newRoot = join(base, 'new');
  for (const root of [oldRoot, newRoot]) {
    cpSync(join(REPO, 'routes'), join(root, 'routes'), { recursive: true });
    cpSync(join(REPO, 'clusters'), join(root, 'clusters'), { recursive: true });
  }
  const sgTest = readFileSync(join(REPO, 'clusters', 'sg-test.yaml'), 'utf8');
  const cluster = (name: string): string => sgTest.replace('name: sg-test', `name: ${name}`);
  writeFileSync(join(oldRoot, 'clusters', 'zz-old.yaml'), cluster('zz-old'));
  writeFileSync(join(oldRoot, 'clusters', 'ap-keep.yaml'), cluster('ap-keep'));
  writeFileSync(join(newRoot, 'clusters', 'ap-keep.yaml'), `${cluster('ap-keep')}    - name: gamma\n`);
  writeFileSync(join(newRoot, 'clusters', 'ap-new.yaml'), cluster('ap-new'));
  writeFileSync(
    join(oldRoot, 'routes', 'growth', 'crash-proof.yaml'),
    'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: growth-crash-proof\nspec:\n  match:\n    - prefix: /faas/api/growth/crash-proof/\n  clusters: [ap-keep]\n',
  );
  return { oldRoot, newRoot };
}

/** Renders a project in memory (no error allowed) and writes the tree as JSON for the driver. */
export function renderTreeFile(root: string, file: string): void {
  const result = runPipeline({ root, write: false });
  const errors = result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  if (errors.length > 0) throw new Error(errors.join('\n'));
  writeFileSync(file, JSON.stringify(Object.fromEntries(result.tree!)));
}

const DRIVER = `
const { readFileSync } = require('fs');
const { publishTree } = require(process.env.KFAAS_LIB + '/src/publish/publish.js');
const [treeFile, out, root, crash] = process.argv.slice(1); // node -e: no script path in argv
const tree = new Map(Object.entries(JSON.parse(readFileSync(treeFile, 'utf8'))));
try {
  publishTree(out, tree, { projectRoot: root, crashAtStep: crash === '' ? undefined : Number(crash), emulateExchange: process.env.EMULATE === '1' });
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
`;

/** Publishes `treeFile` into `out` in a process group of its own (setsid), so its SIGKILL of the group kills only it. */
export function publishInChild(treeFile: string, out: string, root: string, opts: { crashAt?: number; emulate?: boolean } = {}): SpawnSyncReturns<string> {
  return spawnSync('setsid', [process.execPath, '-e', DRIVER, treeFile, out, root, opts.crashAt === undefined ? '' : String(opts.crashAt)], {
    encoding: 'utf8',
    env: { ...process.env, KFAAS_LIB: join(REPO, 'lib'), EMULATE: opts.emulate ? '1' : '0' },
  });
}

/** Starts the driver (own process group) and kills its group with SIGKILL after `ms`; resolves with how it ended. */
export function publishKilledAfter(treeFile: string, out: string, root: string, ms: number): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', DRIVER, treeFile, out, root, ''], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, KFAAS_LIB: join(REPO, 'lib'), EMULATE: '0' },
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already exited
      }
    }, ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** A fresh copy of a published folder (the state before each crash). */
export function restore(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
}

export function tempBase(): string {
  return mkdtempSync(join(tmpdir(), 'kfaas-crash-'));
}

/** Whether a path exists without following a final symlink. */
export function present(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
