import { Dirent, existsSync, readdirSync } from 'fs';
import { join } from 'path';
import { asUserFsError, errnoOf } from './fs-errors';
import { hasGeneratedMark, LEGACY_TEMP_FILE, PublishedRecord, readRecord, RECORD_FILE, recordPathOf } from './ownership';

/** The folder inside the output folder where publishing stages, locks and journals (git-ignores itself). */
export const WORK_DIR = '.kfaas-staging';

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

/** How a group folder of the output relates to this project. */
export type GroupStatus =
  /** Its record names this project. */
  | 'mine'
  /** Its record names another project: never touched (unless adopted). */
  | 'theirs'
  /**
   * No record: files in it that start with kfaas's generated mark are adopted as this project's (output of kfaas
   * before records existed: the migration); nothing else in it is ever touched.
   */
  | 'legacy'
  /** Files directly in the output folder without a record of this project: left alone. */
  | 'foreign';

export interface GroupState {
  readonly status: GroupStatus;
  /** The record, for `mine` and `theirs`. */
  readonly record?: PublishedRecord;
}

/** The output folder as publishing found it. */
export interface OutState {
  readonly exists: boolean;
  /** Every group folder found (and '' for files directly in the output folder). */
  readonly groups: ReadonlyMap<string, GroupState>;
  /** Entries of the groups this run may touch (relative paths; group folders included), by kind (lstat). */
  readonly entries: ReadonlyMap<string, EntryKind>;
  /** Files this project published before: it may replace or delete them. */
  readonly owned: ReadonlySet<string>;
  /** No group has a record: the folder predates records (or is not kfaas's at all). */
  readonly noRecords: boolean;
}

/**
 * Reads the state of the output folder that publishing `groupsInTree` needs: which groups are whose, and every
 * entry (without following symlinks) of the groups this project may touch. Groups of other projects are not
 * walked.
 */
export function scanOut(outDir: string, groupsInTree: ReadonlySet<string>, projectRoot: string, adopt: boolean, shownOut: string): OutState {
  const groups = new Map<string, GroupState>();
  const entries = new Map<string, EntryKind>();
  const owned = new Set<string>();
  let top: Dirent[];
  try {
    top = readdirSync(outDir, { withFileTypes: true }).filter((e) => e.name !== WORK_DIR);
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return { exists: false, groups, entries, owned, noRecords: true };
    throw asUserFsError(e, 'read the output folder', shownOut);
  }
  const folders = top.filter((e) => e.isDirectory()).map((e) => e.name);
  const noRecords = !existsSync(join(outDir, RECORD_FILE)) && !folders.some((name) => existsSync(join(outDir, name, RECORD_FILE)));

  // Files directly in the output folder: group '', owned only through a record.
  const rootRecord = read(join(outDir, RECORD_FILE), shownOut);
  const rootStatus = statusOf(rootRecord, projectRoot, adopt && groupsInTree.has(''));
  groups.set('', { status: rootStatus ?? 'foreign', record: rootRecord });
  for (const e of top) {
    if (e.isDirectory()) continue;
    entries.set(e.name, kindOf(e));
    if (rootStatus === 'mine' && (rootRecord!.files.includes(e.name) || e.name === RECORD_FILE)) owned.add(e.name);
  }

  for (const e of top) {
    if (!e.isDirectory()) continue;
    const group = e.name;
    const record = read(join(outDir, group, RECORD_FILE), `${shownOut}/${group}`);
    const recorded = statusOf(record, projectRoot, adopt && groupsInTree.has(group));
    const status: GroupStatus = recorded ?? 'legacy';
    groups.set(group, { status, record });
    if (status === 'theirs' || status === 'foreign') continue;
    entries.set(group, 'dir');
    const found: string[] = [];
    walk(join(outDir, group), group, entries, found, shownOut);
    for (const rel of found) {
      if (entries.get(rel) !== 'file') continue;
      const inRecord = status === 'mine' && (rel === recordPathOf(group) || record!.files.includes(rel.slice(group.length + 1)));
      if (inRecord || LEGACY_TEMP_FILE.test(rel) || (status === 'legacy' && hasGeneratedMark(join(outDir, rel)))) owned.add(rel);
    }
  }
  for (const e of top) if (!e.isDirectory() && groupsInTree.has(e.name)) entries.set(e.name, kindOf(e));
  return { exists: true, groups, entries, owned, noRecords };
}

/** A record's status for this project: undefined when there is no valid record. */
function statusOf(record: PublishedRecord | undefined, projectRoot: string, adopting: boolean): GroupStatus | undefined {
  if (!record) return undefined;
  return record.projectRoot === projectRoot || adopting ? 'mine' : 'theirs';
}

function read(path: string, shown: string): PublishedRecord | undefined {
  try {
    const r = readRecord(path);
    return r === 'invalid' ? undefined : r;
  } catch (e) {
    throw asUserFsError(e, 'read the ownership record', `${shown}/${RECORD_FILE}`);
  }
}

function walk(abs: string, rel: string, entries: Map<string, EntryKind>, found: string[], shownOut: string): void {
  let list: Dirent[];
  try {
    list = readdirSync(abs, { withFileTypes: true });
  } catch (e) {
    throw asUserFsError(e, 'read this folder', `${shownOut}/${rel}`);
  }
  for (const e of list) {
    const childRel = `${rel}/${e.name}`;
    const kind = kindOf(e);
    entries.set(childRel, kind);
    found.push(childRel);
    if (kind === 'dir') walk(join(abs, e.name), childRel, entries, found, shownOut);
  }
}

function kindOf(e: Dirent): EntryKind {
  return e.isDirectory() ? 'dir' : e.isFile() ? 'file' : e.isSymbolicLink() ? 'symlink' : 'other';
}
