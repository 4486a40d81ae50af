import { statSync } from 'fs';
import { resolve } from 'path';
import { errnoOf, userError } from '../publish/fs-errors';

/**
 * The project root of `--root` (default: the working folder), refused with the path it looked at when it is
 * missing or not a folder, so that a typo is never read as an empty project.
 */
export function projectRootOf(cwd: string, rootArg: string | undefined): string {
  const root = resolve(cwd, rootArg ?? '.');
  const shown = rootArg ?? '.';
  try {
    if (!statSync(root).isDirectory()) throw userError('root-not-a-folder', `--root ${shown}: ${root} is not a folder`);
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw userError('root-missing', `--root ${shown}: no such folder: ${root}`);
    if (code !== undefined) throw userError('root-unreadable', `--root ${shown}: cannot use ${root} (${code})`);
    throw e;
  }
  return root;
}
