import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { dirname } from 'path';
import { sha256 } from '../util/sha256';

/**
 * JSON files of the cache with their own SHA-256 on the first line, so a file changed by anything but kfaas (a
 * truncated write, a flipped byte, a hand edit that keeps it valid JSON) reads as absent: a damaged cache is ignored,
 * never trusted. Written atomically (a temporary file renamed over). The SHA-256 is taken over the body's UTF-8
 * bytes as read (hashing a Buffer is several times cheaper than hashing the same text as a string). Only Node
 * built-ins and src/util are imported.
 */
const MARK = 'kfaas-sha256:';

/** The value stored at `path`; undefined when missing, unreadable or not what kfaas wrote. */
export function readChecked(path: string): { readonly value: unknown } | undefined {
  const body = readCheckedBody(path);
  if (body === undefined) return undefined;
  try {
    return { value: JSON.parse(body.toString('utf8')) };
  } catch {
    return undefined;
  }
}

/**
 * The body of a file written as `checkedFile(body)` (everything after its checksum line) when its SHA-256 matches;
 * undefined when missing, unreadable or changed.
 */
export function readCheckedBody(path: string): Buffer | undefined {
  return readCheckedFile(path)?.body;
}

/** {@link readCheckedBody}, with the body's SHA-256 (which names the content: a later file may refer to it). */
export function readCheckedFile(path: string): { readonly body: Buffer; readonly sum: string } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  const newline = bytes.indexOf(0x0a);
  if (newline < 0 || bytes.toString('latin1', 0, MARK.length) !== MARK) return undefined;
  const body = bytes.subarray(newline + 1);
  const sum = bytes.toString('latin1', MARK.length, newline);
  return sha256(body) === sum ? { body, sum } : undefined;
}

/** The SHA-256 of the body of `file` (from checkedFile or checkedBytes), as its checksum line holds it. */
export function sumOfChecked(file: Buffer): string {
  return file.toString('latin1', MARK.length, file.indexOf(0x0a));
}

/** The bytes {@link writeChecked} writes for `value`. */
export function checkedBytes(value: unknown): Buffer {
  return checkedFile(Buffer.from(JSON.stringify(value), 'utf8'));
}

/** `body` under its checksum line, as {@link readCheckedBody} reads it back. */
export function checkedFile(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${MARK}${sha256(body)}\n`, 'latin1'), body]);
}

/** Writes `bytes` (from checkedBytes) to `path` atomically. Throws as the file system does. */
export function writeChecked(path: string, bytes: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.${process.pid}.tmp`, bytes);
  renameSync(`${path}.${process.pid}.tmp`, path);
}
