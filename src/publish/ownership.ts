import { closeSync, openSync, readFileSync, readSync } from 'fs';
import { GENERATED_MARK } from '../model/defaults';
import { errnoOf } from './fs-errors';
import { compareText } from '../util/compare';

/**
 * The ownership record: `<out>/<group>/.kfaas-published` (JSON, but without a `.json` extension: Argo CD's
 * directory source parses every `*.json`/`*.yaml` file of a folder as a manifest, hidden ones included, see
 * argo-cd reposerver/repository/repository.go `findManifests`; Flux's generated kustomization does the same)
 * lists the files (relative to the group folder) that one project published there, and which project that is. A group is the first path segment of the
 * rendered tree (a cluster folder); files directly in the output folder belong to the group '' with its record
 * at `<out>/.kfaas-published`. Publishing only ever replaces or deletes files a record of this project
 * lists (or, migrating from before records existed, files starting with GENERATED_MARK), so two projects can
 * publish into one GitOps folder without deleting each other's clusters.
 */
export const RECORD_FILE = '.kfaas-published';

/** Temporary files of kfaas <= 0.1's publisher: stale output, removed wherever found in a group kfaas owns. */
export const LEGACY_TEMP_FILE = /\.kfaas-\d+-\d+\.tmp\.yaml$/;

const FORMAT = 1;

/** What a record file holds. */
export interface PublishedRecord {
  /**
   * The publishing project: its root folder relative to the output folder (`..` for `<root>/dist`), the same on
   * every clone and machine as long as the two folders keep their places.
   */
  readonly projectRoot: string;
  /** Files published in the group folder, relative to it, sorted. */
  readonly files: readonly string[];
}

/** The group of a tree path: its first segment, or '' for a file directly in the output folder. */
export function groupOf(rel: string): string {
  const i = rel.indexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

/** The record's path (relative to the output folder) of a group. */
export function recordPathOf(group: string): string {
  return group === '' ? RECORD_FILE : `${group}/${RECORD_FILE}`;
}

/** A path relative to the output folder, made relative to its group folder. */
export function inGroup(group: string, rel: string): string {
  return group === '' ? rel : rel.slice(group.length + 1);
}

/** The record's bytes: canonical JSON, so the same ownership gives the same bytes on every machine. */
export function recordText(record: PublishedRecord): string {
  const files = [...record.files].sort(compareText);
  return `${JSON.stringify({ generatedBy: 'kfaas', format: FORMAT, projectRoot: record.projectRoot, files }, null, 2)}\n`;
}

/** The record at `path`: undefined when there is none, 'invalid' when the file is not a kfaas record. */
export function readRecord(path: string): PublishedRecord | 'invalid' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
  try {
    const data = JSON.parse(text) as Record<string, unknown>;
    if (
      data.generatedBy === 'kfaas' &&
      data.format === FORMAT &&
      typeof data.projectRoot === 'string' &&
      Array.isArray(data.files) &&
      data.files.every((f) => typeof f === 'string')
    ) {
      return { projectRoot: data.projectRoot, files: data.files as string[] };
    }
  } catch {
    // not JSON
  }
  return 'invalid';
}

/** True when the regular file at `path` starts with kfaas's generated mark (migration from before records). */
export function hasGeneratedMark(path: string): boolean {
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

