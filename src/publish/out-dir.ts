import { lstatSync, realpathSync, statSync } from 'fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'path';
import { asUserFsError, errnoOf, userError } from './fs-errors';

/** Folders of a project that `--out` may never equal or contain (the project root itself included). */
const PROTECTED_FOLDERS: readonly string[] = ['routes', 'clusters', 'schema', 'test', '.git'];

/** Folders of a project `--out` may not lie inside. */
const INPUT_FOLDERS: readonly string[] = ['routes', 'clusters', '.git'];

/**
 * The real path of `path`: symlinks of its existing part resolved, the missing rest appended. Nothing is
 * walked: at most one realpath per missing trailing segment.
 */
export function realPathOf(path: string): string {
  const abs = resolve(path);
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return join(realpathSync(cur), ...missing.reverse());
    } catch (e) {
      const code = errnoOf(e);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw asUserFsError(e, 'resolve the path', cur);
      const parent = dirname(cur);
      if (parent === cur) return abs;
      missing.push(basename(cur));
      cur = parent;
    }
  }
}

/** True when `inner` is `outer` or lies below it (both absolute, already resolved). */
export function isWithin(inner: string, outer: string): boolean {
  const r = relative(outer, inner);
  return r === '' || (!isAbsolute(r) && r !== '..' && !r.startsWith(`..${sep}`));
}

/**
 * Refuses an output folder that would put the project at risk, before anything is read or written below it:
 * the project root or any folder containing it (so `/` is refused at once, without walking it), `routes/`,
 * `clusters/`, `schema/`, `test/`, `.git` or a folder containing them, anything inside `routes/`, `clusters/`
 * or `.git`, and an existing path that is not a folder (a file, `/dev/null`). Symlinks are resolved first,
 * so a link to the project root is refused too. Throws a UserError (exit 2) naming the folder.
 */
export function checkOutDir(projectRoot: string, outDir: string, shown: string): void {
  const root = realPathOf(projectRoot);
  const out = realPathOf(outDir);
  if (isWithin(root, out)) {
    throw userError(
      'out-dir-contains-project',
      `--out ${shown}: refusing to publish into a folder that is or contains the project root (${root}); use a folder of its own, e.g. ${join(projectRoot, 'dist')}`,
    );
  }
  for (const name of PROTECTED_FOLDERS) {
    const protectedDir = join(root, name);
    if (out === protectedDir || (INPUT_FOLDERS.includes(name) && isWithin(out, protectedDir))) {
      throw userError(
        'out-dir-in-project-folder',
        `--out ${shown}: refusing to publish into the project's ${name}/ folder (${protectedDir}); use a folder of its own, e.g. ${join(projectRoot, 'dist')}`,
      );
    }
  }
  let st;
  try {
    st = statSync(outDir);
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw userError('out-dir-not-a-folder', `--out ${shown}: a part of this path is a file, not a folder`);
    throw asUserFsError(e, 'use it as the output folder', `--out ${shown}`);
  }
  if (!st.isDirectory()) {
    const what = lstatSync(outDir).isSymbolicLink() ? 'a symbolic link to something that is not a folder' : st.isFile() ? 'a file' : 'not a regular folder (a device?)';
    throw userError('out-dir-not-a-folder', `--out ${shown}: expected a folder to publish into, got ${what}`);
  }
}
