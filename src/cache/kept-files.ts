import { lstatSync, Stats } from 'fs';
import { join } from 'path';
import { kindKeyOf, objectKindOf } from '../compile/delivery/rendered-folders';
import { KUSTOMIZATION_FILE } from '../emit/render';
import type { IncrementalCache } from './incremental-cache';
import type { TableRecord } from './incremental-record';
import { StatMemo, statKeyOf } from './stat-memo';

/**
 * A file of the rendered tree that the output folder already holds with the rendered bytes, so its text is neither
 * rendered nor read: publishing leaves it in place (src/publish: `kept`), as long as its stat is still the one seen
 * here.
 */
export interface KeptFile {
  /** SHA-256 of its bytes. */
  readonly hash: string;
  /** Its stat when it was checked (stat-memo.ts statKeyOf). */
  readonly stat: string;
  /** Size in bytes. */
  readonly size: number;
  /** The object it holds (rendered-folders.ts kindKeyOf); absent for kustomization.yaml. */
  readonly kind?: string;
}

/**
 * `rel` of outDir as a KeptFile when it is a regular file whose bytes have SHA-256 `hash`; else undefined. The file
 * is read (and hashed) only when its stat changed since it was last hashed (stat-memo.ts), so a hand edit, even one
 * that keeps size and modification time, is still caught: its change time moved.
 */
export function keptIfUnchanged(outDir: string, rel: string, hash: string, memo: StatMemo, kind?: string): KeptFile | undefined {
  const stat = regularFileStat(join(outDir, rel));
  if (!stat) return undefined;
  let now: string;
  try {
    now = memo.hash(join(outDir, rel), stat);
  } catch {
    return undefined;
  }
  return now === hash ? { hash, stat: statKeyOf(stat), size: stat.size, ...(kind !== undefined ? { kind } : {}) } : undefined;
}

/**
 * The files a record lists as kept files, when outDir holds every one with the recorded bytes (kept-files.ts: read
 * only when its stat changed since it was last hashed); else undefined.
 */
export function keptRecorded(outDir: string, record: TableRecord, cache: IncrementalCache): Map<string, KeptFile> | undefined {
  const files = new Map<string, KeptFile>();
  for (const [path, hash] of Object.entries(record.files)) {
    const kind = record.kinds?.[path];
    if (kind === undefined && !path.endsWith(`/${KUSTOMIZATION_FILE}`)) return undefined;
    const file = keptIfUnchanged(outDir, path, hash, cache.memo, kind);
    if (!file) return undefined;
    files.set(path, file);
  }
  return files;
}

/** The kind of the object a rendered file holds, as KeptFile.kind and TableRecord.kinds record it. */
export function renderedKindOf(path: string, text: string): string {
  return kindKeyOf(objectKindOf(text, path));
}

/** [path, kind] of each rendered file but the kustomization.yaml files (which hold no object). */
export function renderedKinds(files: Iterable<readonly [path: string, text: string]>): [string, string][] {
  const kinds: [string, string][] = [];
  for (const [path, text] of files) if (!path.endsWith(`/${KUSTOMIZATION_FILE}`)) kinds.push([path, renderedKindOf(path, text)]);
  return kinds;
}

function regularFileStat(abs: string): Stats | undefined {
  try {
    const stat = lstatSync(abs);
    return stat.isFile() ? stat : undefined;
  } catch {
    return undefined;
  }
}
