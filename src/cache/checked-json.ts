import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { dirname } from 'path';
import { sha256 } from '../util/sha256';

/**
 * JSON files of the cache with their own SHA-256 on the first line, so a file changed by anything but kfaas (a
 * truncated write, a flipped byte, a hand edit that keeps it valid JSON) reads as absent: a damaged cache is ignored,
 * never trusted. Written atomically (a temporary file renamed over). Only Node built-ins and src/util are imported.
 */
const MARK = 'kfaas-sha256:';

/** The value stored at `path`, with the file's text; undefined when missing, unreadable or not what kfaas wrote. */
export function readChecked(path: string): { readonly value: unknown; readonly text: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  if (!text.startsWith(MARK) || newline < 0) return undefined;
  const body = text.slice(newline + 1);
  if (sha256(body) !== text.slice(MARK.length, newline)) return undefined;
  try {
    return { value: JSON.parse(body), text };
  } catch {
    return undefined;
  }
}

/** The text {@link writeChecked} writes for `value`. */
export function checkedText(value: unknown): string {
  const body = JSON.stringify(value);
  return `${MARK}${sha256(body)}\n${body}`;
}

/** Writes `text` (from checkedText) to `path` atomically. Throws as the file system does. */
export function writeChecked(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.${process.pid}.tmp`, text);
  renameSync(`${path}.${process.pid}.tmp`, path);
}
