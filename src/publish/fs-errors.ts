import { UserError } from '../diagnostics/diagnostic';

/**
 * errno codes that mean the user's machine or folder is the cause (permissions, a read-only or full disk, a file
 * where a folder should be, ...): reported as a diagnostic (exit 2), never as an internal error.
 */
const USER_CAUSED: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted (an immutable or append-only file or folder?)',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a path component is not a folder',
  EISDIR: 'is a folder, expected a file',
  ENOENT: 'no such file or folder',
  EEXIST: 'already exists',
  ENOTEMPTY: 'folder not empty',
  EXDEV: 'crosses a file system boundary (a mount point inside the output folder?)',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EBUSY: 'busy (a mount point?)',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EINVAL: 'invalid argument (does this file system support the operation?)',
  EINTR: 'interrupted (the rename helper, perl, was killed part-way)',
};

/** The errno code of a Node fs error, if any. */
export function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A user error (exit 2) with one project-wide diagnostic. */
export function userError(code: string, message: string): UserError {
  return new UserError([{ severity: 'error', code, message }]);
}

/**
 * Turns a file-system error caused by the user's environment into a UserError naming `path` and what kfaas was
 * doing; anything else (a bug) is returned unchanged. `shownPath` is the path as the user should read it.
 */
export function asUserFsError(e: unknown, action: string, shownPath: string, after = ''): unknown {
  if (e instanceof UserError) return e;
  const code = errnoOf(e);
  if (code === undefined || !(code in USER_CAUSED)) return e;
  return userError('file-system', `${shownPath}: cannot ${action}: ${USER_CAUSED[code]} (${code})${after}`);
}
