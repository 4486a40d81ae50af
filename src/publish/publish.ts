import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from 'fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'path';
import { GENERATED_MARK } from '../model/defaults';
import { compareText } from '../util/compare';

/** Temporary files of publishTree (see below): removed as stale output when a killed run left them. */
const TEMP_FILE = /\.kfaas-\d+-\d+\.tmp\.yaml$/;

/** Files publish may delete when no longer rendered: what kustomize, Argo CD and Flux read. Nothing else is ever removed. */
const MANAGED_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/** What `publishTree` did (paths relative to outDir, forward slashes, sorted). */
export interface PublishReport {
  /** Files created or replaced because their bytes changed. */
  readonly written: string[];
  /** Stale manifest files removed. */
  readonly deleted: string[];
  /** Manifest files in outDir that kfaas did not write (no generated mark): never deleted, only reported. */
  readonly foreign: string[];
  /** Files left alone because they already hold the rendered bytes. */
  readonly unchanged: number;
}

/** What `publishTree` would do, without doing it (for `kfaas synth --check` and CI). */
export interface TreeDiff {
  /** Files that would be created or replaced. */
  readonly write: string[];
  /** Stale manifest files that would be removed. */
  readonly delete: string[];
  /** Manifest files not in the tree that kfaas did not write: left alone. */
  readonly foreign: string[];
  readonly unchanged: number;
}

/** Options of `publishTree`. */
export interface PublishOptions {
  /**
   * Called before each rename, for tests that simulate a crash between files.
   *
   * @default - none
   */
  readonly beforeRename?: (relativePath: string) => void;
}

/**
 * Makes `outDir` hold exactly `tree`, touching as little as possible. Call it only after every check passed.
 *
 * - A file whose bytes already match is not written (its mtime and inode stay), so a no-change run rewrites
 *   nothing and Git, Argo CD and Flux see no change.
 * - A changed file is written to a temporary file in the same folder and renamed over the old one: readers see
 *   the old or the new file, never a partial one.
 * - Files under outDir that the tree no longer has are deleted if they are manifests (`*.yaml`, `*.yml`,
 *   `*.json`) that kfaas wrote (they start with GENERATED_MARK), then folders left empty; anything else
 *   (README, .gitkeep, a hand-written manifest: reported as `foreign`) is left alone. Symbolic links are
 *   never followed, written through or deleted, and nothing outside outDir is touched.
 */
export function publishTree(outDir: string, tree: ReadonlyMap<string, string>, opts: PublishOptions = {}): PublishReport {
  const root = resolve(outDir);
  const diff = diffTree(root, tree);
  mkdirSync(root, { recursive: true });
  const realRoot = realpathSync(root);
  const checkedFolders = new Set<string>();
  let counter = 0;
  for (const rel of diff.write) {
    const target = join(root, ...rel.split('/'));
    const folder = dirname(target);
    if (!checkedFolders.has(folder)) {
      ensureFolder(root, realRoot, rel.split('/').slice(0, -1), rel);
      checkedFolders.add(folder);
    }
    const base = target.slice(folder.length + 1);
    // Ends in .yaml, so a temporary file left by a killed run is stale output the next run removes.
    const temp = join(folder, `.${base}.kfaas-${process.pid}-${counter++}.tmp.yaml`);
    writeFileSync(temp, tree.get(rel)!);
    try {
      opts.beforeRename?.(rel);
      renameSync(temp, target);
    } catch (e) {
      try {
        unlinkSync(temp);
      } catch {
        // already gone
      }
      throw e;
    }
  }
  for (const rel of diff.delete) unlinkSync(join(root, ...rel.split('/')));
  removeEmptyFolders(root, true);
  return { written: diff.write, deleted: diff.delete, foreign: diff.foreign, unchanged: diff.unchanged };
}

/** Compares `outDir` with `tree` without changing anything. A missing outDir means every file is to be written. */
export function diffTree(outDir: string, tree: ReadonlyMap<string, string>): TreeDiff {
  const root = resolve(outDir);
  const write: string[] = [];
  let unchanged = 0;
  for (const rel of [...tree.keys()].sort(compareText)) {
    assertRelativePath(rel);
    const existing = readIfFile(join(root, ...rel.split('/')));
    if (existing !== undefined && existing.equals(Buffer.from(tree.get(rel)!, 'utf8'))) unchanged++;
    else write.push(rel);
  }
  const stale = listManagedFiles(root).filter((rel) => !tree.has(rel));
  const owned = stale.filter((rel) => isKfaasOutput(join(root, ...rel.split('/'))));
  const foreign = stale.filter((rel) => !owned.includes(rel));
  return { write, delete: owned, foreign, unchanged };
}

/** A temporary file of a killed run, or a file starting with kfaas's generated mark. */
function isKfaasOutput(path: string): boolean {
  if (TEMP_FILE.test(path)) return true;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(GENERATED_MARK.length);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).toString('utf8') === GENERATED_MARK;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readIfFile(path: string): Buffer | undefined {
  try {
    if (!lstatSync(path).isFile()) return undefined;
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Manifest files under root (relative, forward slashes, sorted); symlinks are neither followed nor listed. */
function listManagedFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), rel);
      else if (e.isFile() && MANAGED_EXTENSIONS.some((ext) => e.name.endsWith(ext))) out.push(rel);
    }
  };
  walk(root, '');
  return out.sort(compareText);
}

/** Removes folders below root that are empty (after their children were); returns whether `dir` is now gone. */
function removeEmptyFolders(dir: string, isRoot: boolean): boolean {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  let remaining = entries.length;
  for (const e of entries) {
    if (e.isDirectory() && removeEmptyFolders(join(dir, e.name), false)) remaining--;
  }
  if (isRoot || remaining > 0) return false;
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/** Tree paths are `<cluster>/<env>/<file>`-like: relative, forward slashes, no `.`/`..`/empty segments. */
function assertRelativePath(rel: string): void {
  const segments = rel.split('/');
  if (
    rel.length === 0 ||
    isAbsolute(rel) ||
    rel.includes('\\') ||
    rel.includes('\0') ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new Error(`refusing to publish '${rel}': tree paths must be relative paths inside the output folder`);
  }
}

/**
 * Creates the folders of `segments` below root one by one, refusing to go through anything that leads outside
 * root (a symlinked folder is followed only if it resolves inside) or through a file.
 */
function ensureFolder(root: string, realRoot: string, segments: readonly string[], rel: string): void {
  let dir = root;
  for (const segment of segments) {
    dir = join(dir, segment);
    let stat;
    try {
      stat = lstatSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(dir);
      continue;
    }
    if (stat.isSymbolicLink()) assertInside(realRoot, realpathSync(dir), rel);
    else if (!stat.isDirectory()) throw new Error(`cannot publish '${rel}': ${dir} exists and is not a folder`);
  }
}

function assertInside(realRoot: string, realPath: string, rel: string): void {
  const r = relative(realRoot, realPath);
  if (r !== '' && (r.startsWith('..') || isAbsolute(r) || r.split(sep)[0] === '..')) {
    throw new Error(`refusing to publish '${rel}': its folder resolves outside the output folder (${realPath})`);
  }
}

