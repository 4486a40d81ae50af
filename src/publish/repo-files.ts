import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { GENERATED_MARK } from '../model/defaults';

/**
 * Files kfaas writes outside the output folder, at fixed places in the project (repository) root. Only these
 * paths are ever touched there: publishing never walks, deletes or writes anything else under the root.
 */
export interface RepoFilesDiff {
  /** Paths whose bytes would change (created or replaced). */
  readonly write: string[];
  /** kfaas-written files no longer rendered (deleted). */
  readonly delete: string[];
  /** Paths kfaas would write but that hold a file kfaas did not write (or a symlink, or a folder): never touched. */
  readonly refused: string[];
}

/**
 * Compares the fixed `paths` under `root` with `files` (a subset of `paths`; a path not in `files` should not
 * exist, or only as a kfaas-written file that is then deleted).
 */
export function diffRepoFiles(root: string, paths: readonly string[], files: ReadonlyMap<string, string>): RepoFilesDiff {
  const diff: RepoFilesDiff = { write: [], delete: [], refused: [] };
  for (const rel of [...paths].sort()) {
    const abs = join(root, ...rel.split('/'));
    const existing = throughRealFolders(root, rel) ? inspect(abs) : 'other';
    const wanted = files.get(rel);
    if (existing === 'other') {
      if (wanted !== undefined) diff.refused.push(rel);
      continue;
    }
    if (wanted === undefined) {
      if (existing !== undefined) diff.delete.push(rel);
    } else if (existing === undefined || !existing.equals(Buffer.from(wanted, 'utf8'))) {
      diff.write.push(rel);
    }
  }
  return diff;
}

/**
 * Makes the fixed `paths` under `root` match `files`: changed files are written to a temporary file beside them
 * and renamed over (readers see the old or the new file), stale kfaas-written ones deleted. Refuses (throws,
 * before touching anything) when a path holds something kfaas did not write: call diffRepoFiles first and report.
 */
export function publishRepoFiles(root: string, paths: readonly string[], files: ReadonlyMap<string, string>): RepoFilesDiff {
  const diff = diffRepoFiles(root, paths, files);
  if (diff.refused.length > 0) throw new Error(`refusing to overwrite files kfaas did not write: ${diff.refused.join(', ')}`);
  for (const rel of diff.write) {
    const abs = join(root, ...rel.split('/'));
    const folder = dirname(abs);
    mkdirSync(folder, { recursive: true });
    if (!lstatSync(folder).isDirectory()) throw new Error(`cannot publish '${rel}': ${folder} is not a folder`);
    const temp = join(folder, `.${rel.split('/').pop()}.kfaas-${process.pid}.tmp`);
    writeFileSync(temp, files.get(rel)!);
    try {
      renameSync(temp, abs);
    } catch (e) {
      unlinkSync(temp);
      throw e;
    }
  }
  for (const rel of diff.delete) unlinkSync(join(root, ...rel.split('/')));
  return diff;
}

/** True when every folder between root and the file is a real folder or absent (no symlink leading elsewhere). */
function throughRealFolders(root: string, rel: string): boolean {
  let dir = root;
  for (const segment of rel.split('/').slice(0, -1)) {
    dir = join(dir, segment);
    try {
      if (!lstatSync(dir).isDirectory()) return false;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw e;
    }
  }
  return true;
}

/** The bytes of a kfaas-written regular file, undefined when absent, 'other' for anything else. */
function inspect(abs: string): Buffer | undefined | 'other' {
  let stat;
  try {
    stat = lstatSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
  if (!stat.isFile() || !startsWithMark(abs)) return 'other';
  return readFileSync(abs);
}

function startsWithMark(abs: string): boolean {
  const fd = openSync(abs, 'r');
  try {
    const head = Buffer.alloc(GENERATED_MARK.length);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n).toString('utf8') === GENERATED_MARK;
  } finally {
    closeSync(fd);
  }
}
