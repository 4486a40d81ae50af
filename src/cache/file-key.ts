import type { SourceFile } from '../load/read-tree';
import { sha256 } from '../util/sha256';

/** The content key of an input file, and the path read back from one: the one place that knows its form. */

const fileKeys = new WeakMap<SourceFile, string>();

/**
 * The content key of an input file: its path and the SHA-256 of its bytes when known (read-tree.ts SourceFile.hash:
 * such a file may not have been read at all), written out as `b:<sha256>:<path>` (nothing to hash again: tables,
 * objects, documents and entry sizes name thousands of route files), else the SHA-256 of its path and text (an
 * overlay; computed once per loaded file). The `b:` prefix keeps the two kinds apart (a SHA-256 is hex).
 */
export function fileKeyOf(file: SourceFile): string {
  if (file.hash !== undefined) return `b:${file.hash}:${file.path}`;
  let key = fileKeys.get(file);
  if (key === undefined) {
    key = sha256(`t\u0000${file.path}\u0000${file.text}`);
    fileKeys.set(file, key);
  }
  return key;
}

/**
 * Whether `key` is the content key of `file` ({@link fileKeyOf}), compared without making the key: the form of a file
 * whose hash is known is compared in place.
 */
export function isKeyOf(key: string, file: SourceFile): boolean {
  if (file.hash === undefined) return key === fileKeyOf(file);
  const { hash, path } = file;
  return key.length === 3 + hash.length + path.length && key.startsWith('b:') && key.startsWith(hash, 2) &&
    key.charCodeAt(2 + hash.length) === 58 /* : */ && key.endsWith(path);
}

/**
 * The path a content key of the `b:<sha256>:<path>` form names (the table index stores such paths once, in the key);
 * undefined for the other form, which names no path.
 */
export function pathOfFileKey(fileKey: string): string | undefined {
  return fileKey.startsWith('b:') && fileKey[66] === ':' ? fileKey.slice(67) : undefined;
}
