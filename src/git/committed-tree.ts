import { spawnSync } from 'child_process';
import { realpathSync } from 'fs';
import { isAbsolute, relative, resolve } from 'path';
import { GENERATED_MARK } from '../model/defaults';

/**
 * Reads the files of a folder as committed at a git revision, without touching the working tree or the index:
 * `git ls-tree` lists the folder's blobs, one `git cat-file --batch` process reads them all.
 */

/** The user's repository or revision is not usable (exit 2). */
export class GitInputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'GitInputError';
  }
}

export interface CommittedTree {
  /** The full commit id the revision resolved to. */
  readonly commit: string;
  /** The folder, relative to the repository's top level (`dist`, `deploy/dist`). */
  readonly folder: string;
  /** Path relative to the folder -> text, for files kfaas generated (first line: its generated mark). */
  readonly files: Map<string, string>;
  /** Files in the folder that kfaas did not generate (left out of `files`). */
  readonly foreign: readonly string[];
}

/** Files of `folder` (absolute, inside a git work tree) at revision `ref`. */
export function readCommittedTree(folder: string, ref: string): CommittedTree {
  const cwd = existingParent(folder);
  const top = git(cwd, ['rev-parse', '--show-toplevel'], `${cwd} is not inside a git repository`).trim();
  if (ref.startsWith('-')) throw new GitInputError(`'${ref}' is not a git revision`);
  const commit = git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], `'${ref}' is not a commit in ${top}`).trim();
  const rel = relative(realpathSync(top), realFolder(folder)).split('\\').join('/');
  if (rel.startsWith('..') || isAbsolute(rel)) throw new GitInputError(`${folder} is outside the git repository ${top}`);
  const listing = git(top, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', rel === '' ? '.' : rel], `cannot list ${rel} at ${ref}`);
  const blobs: { path: string; sha: string }[] = [];
  for (const entry of listing.split('\0')) {
    const m = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (!m || m[1] === '120000' || m[1] === '160000') continue; // symlinks and submodules are no manifests
    const path = rel === '' ? m[3] : m[3].slice(rel.length + 1);
    blobs.push({ path, sha: m[2] });
  }
  const texts = catFiles(top, blobs.map((b) => b.sha));
  const files = new Map<string, string>();
  const foreign: string[] = [];
  blobs.forEach((b, i) => {
    if (texts[i].startsWith(GENERATED_MARK)) files.set(b.path, texts[i]);
    else foreign.push(b.path);
  });
  return { commit, folder: rel, files, foreign };
}

/** Reads blobs with one `git cat-file --batch`. */
function catFiles(cwd: string, shas: readonly string[]): string[] {
  if (shas.length === 0) return [];
  const r = spawnSync('git', ['cat-file', '--batch'], { cwd, input: shas.join('\n') + '\n', maxBuffer: 2 ** 31 - 1 });
  if (r.error || r.status !== 0) throw new Error(`git cat-file failed: ${r.error?.message ?? r.stderr.toString()}`);
  const out = r.stdout as Buffer;
  const texts: string[] = [];
  let pos = 0;
  for (const sha of shas) {
    const eol = out.indexOf(10, pos);
    const header = out.toString('utf8', pos, eol).split(' ');
    if (header[0] !== sha || header[1] !== 'blob') throw new Error(`git cat-file: unexpected answer ${header.join(' ')} for ${sha}`);
    const size = Number(header[2]);
    texts.push(out.toString('utf8', eol + 1, eol + 1 + size));
    pos = eol + 1 + size + 1;
  }
  return texts;
}

function git(cwd: string, args: readonly string[], failure: string): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new GitInputError(`cannot run git: ${r.error.message}`);
  if (r.status !== 0) throw new GitInputError(failure);
  return r.stdout;
}

/** The folder itself, or the nearest existing folder above it (the output folder may not exist yet). */
function existingParent(folder: string): string {
  let dir = resolve(folder);
  for (;;) {
    try {
      realpathSync(dir);
      return dir;
    } catch {
      const up = resolve(dir, '..');
      if (up === dir) return dir;
      dir = up;
    }
  }
}

/** Real path of a folder that may not exist: its existing parent's real path plus the rest. */
function realFolder(folder: string): string {
  const abs = resolve(folder);
  const parent = existingParent(abs);
  return resolve(realpathSync(parent), relative(parent, abs));
}
