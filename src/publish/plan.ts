import { lstatSync, readFileSync, realpathSync } from 'fs';
import { statKeyOf } from '../cache/stat-memo';
import { isAbsolute, join } from 'path';
import { Diagnostic, UserError } from '../diagnostics/diagnostic';
import { asUserFsError } from './fs-errors';
import { isWithin } from './out-dir';
import { groupOf, hasGeneratedMark, inGroup, recordPathOf, recordText, RECORD_FILE } from './ownership';
import { EntryKind, OutState } from './scan';
import { compareText } from '../util/compare';
import { unitFinder } from './units';

/** The file that makes a folder a kustomize root: such folders are published as a whole (see `Unit`). */

/** Files publish reports as foreign when they sit, unowned, in a folder it publishes into. */
const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/**
 * A folder replaced as a whole (staged complete beside the old one, then exchanged in one step), so kustomize,
 * Argo CD and Flux always read it entirely old or entirely new: the shallowest folder holding a
 * `kustomization.yaml` (rendered now or published before) above a path. Paths outside every unit are
 * replaced one file at a time, each atomically, and so is the one file of a unit whose change is that file's bytes
 * alone (see onlyFileReplaced).
 */
export interface UnitChange {
  /** The folder, relative to the output folder. */
  readonly unit: string;
  /** Whether the folder exists now. */
  readonly exists: boolean;
  /** Rendered files whose bytes differ from the folder's (relative to the output folder) -> text. */
  readonly write: ReadonlyMap<string, string>;
  /** Rendered files already holding the right bytes: linked into the staged folder, so their inode stays. */
  readonly keep: readonly string[];
  /** Entries that are not kfaas's (hand-written files, links, folders): carried over as they are. */
  readonly carry: readonly string[];
  /** Files of the old folder that go: replaced or stale. */
  readonly discard: readonly string[];
}

/** A file outside every unit that changes. */
export interface FileChange {
  readonly path: string;
  /** New text, or undefined to delete the file. */
  readonly text?: string;
  readonly exists: boolean;
}

/** A group's ownership record: written ahead (listing old and new files) when it would lose entries. */
export interface RecordChange {
  readonly path: string;
  readonly exists: boolean;
  /**
   * Installed before any other change of its group, listing old and new files, when the group gains or loses
   * files; when it equals the final record, that is all there is to install.
   */
  readonly ahead?: string;
  /** The final record, or undefined to delete it. */
  readonly text?: string;
}

export interface Plan {
  readonly units: readonly UnitChange[];
  readonly files: readonly FileChange[];
  readonly records: readonly RecordChange[];
  /** Rendered files (not records) that are new or change, sorted. */
  readonly written: string[];
  /** Owned files that go, sorted. */
  readonly deleted: string[];
  /** Unowned manifests in folders kfaas publishes into, left alone, sorted. */
  readonly foreign: string[];
  readonly unchanged: number;
}

/**
 * Files of the tree whose text the caller did not read because the output folder already holds their bytes
 * (src/cache/kept-files.ts), by path: the stat (src/cache/stat-memo.ts statKeyOf) they had when checked. They are
 * published as they are: left in place, or linked into a unit's new folder.
 */
export type KeptFiles = ReadonlyMap<string, { readonly stat: string }>;

/**
 * A kept file changed between the caller's check and the plan (another process wrote it): its bytes are unknown, so
 * the caller must render it (src/pipeline.ts does the run again without keeping files).
 */
export class KeptFileChanged extends Error {
  public constructor(public readonly path: string) {
    super(`${path} changed while kfaas was rendering`);
  }
}

/**
 * Decides what publishing `tree` (and the `kept` files) into the output folder changes, reading only the files it
 * compares. Refuses (UserError, every conflict at once) a tree path that is a folder, link or device on disk, that
 * runs through a file or a link, that holds a file kfaas did not write, or that lies in another project's group.
 * Throws KeptFileChanged when a kept file's stat is no longer the one the caller saw.
 */
export function planPublish(
  outDir: string, tree: ReadonlyMap<string, string>, state: OutState, projectRoot: string, adopt: boolean, shownOut: string,
  kept: KeptFiles = new Map(),
): Plan {
  const paths = [...tree.keys(), ...kept.keys()];
  for (const rel of paths) assertRelativePath(rel);
  const problems: string[] = [];
  const treeGroups = new Set(paths.map(groupOf));
  for (const g of [...treeGroups].sort(compareText)) {
    const status = state.groups.get(g)?.status;
    if (status === 'theirs') {
      const other = state.groups.get(g)!.record!.projectRoot;
      problems.push(
        `${shownOut}/${g || '.'}: was published by another kfaas project (its root is ${other} from here, this one's is ${projectRoot}); ` +
          `refusing to change it (pass --adopt to take it over)`,
      );
    }
  }

  // What the folder should hold: the tree plus one ownership record per group this project publishes to or owned.
  const want = new Map(tree);
  const records: RecordChange[] = [];
  const recordGroups = new Set(treeGroups);
  for (const [g, s] of state.groups) if (s.status === 'mine') recordGroups.add(g);
  for (const g of [...recordGroups].sort(compareText)) {
    const files = paths.filter((p) => groupOf(p) === g).map((p) => inGroup(g, p));
    const path = recordPathOf(g);
    const exists = state.entries.get(path) === 'file' && state.owned.has(path);
    const text = files.length > 0 ? recordText({ projectRoot, files }) : undefined;
    if (text !== undefined) want.set(path, text);
    const old = [...state.owned].filter((p) => groupOf(p) === g && p !== path).map((p) => inGroup(g, p));
    const union = [...new Set([...old, ...files])];
    // Written before any other change of the group whenever the group gains or loses files, so a run killed in
    // between leaves every file of either version recorded as this project's: the next run may then replace or
    // delete each of them, whichever version it publishes.
    const changes = union.length > files.length || union.length > old.length;
    const ahead = changes ? recordText({ projectRoot, files: union }) : undefined;
    records.push({ path, exists, ahead, text });
  }

  const owned = state.owned;
  const kinds = state.entries;
  const same = new Set<string>();
  const conflictAt = (rel: string): boolean => {
    const conflict = pathConflict(rel, kinds, owned, () => adopt || hasGeneratedMark(join(outDir, rel)), (folder) => linkTarget(outDir, folder));
    if (conflict) problems.push(`${shownOut}/${rel}: ${conflict}`);
    return conflict !== undefined;
  };
  for (const [rel, text] of want) {
    if (!conflictAt(rel) && kinds.get(rel) === 'file' && equalsFile(join(outDir, rel), text, `${shownOut}/${rel}`)) same.add(rel);
  }
  for (const [rel, file] of kept) {
    if (conflictAt(rel)) continue;
    if (kinds.get(rel) !== 'file' || statKeyAt(join(outDir, rel)) !== file.stat) throw new KeptFileChanged(rel);
    same.add(rel);
  }
  if (problems.length > 0) throw new UserError(problems.map((message): Diagnostic => ({ severity: 'error', code: 'output-conflict', message })));

  const wanted = (p: string): boolean => want.has(p) || kept.has(p);
  const stale = [...owned].filter((p) => !wanted(p) && kinds.has(p)).sort(compareText);
  const unitOf = unitFinder([...want.keys(), ...kept.keys(), ...owned]);

  const units = new Map<string, { write: Map<string, string>; keep: string[]; discard: string[] }>();
  const files: FileChange[] = [];
  const unitEntry = (u: string): { write: Map<string, string>; keep: string[]; discard: string[] } => {
    let e = units.get(u);
    if (!e) units.set(u, (e = { write: new Map(), keep: [], discard: [] }));
    return e;
  };
  const recordPaths = new Set(records.map((r) => r.path));
  for (const rel of [...want.keys(), ...kept.keys()].sort(compareText)) {
    const u = unitOf(rel);
    // Kept files are all `same`: only rendered files have a text to write.
    const text = (): string => want.get(rel)!;
    if (u !== undefined) {
      const e = unitEntry(u);
      if (same.has(rel)) e.keep.push(rel);
      else {
        e.write.set(rel, text());
        if (kinds.get(rel) === 'file') e.discard.push(rel);
      }
    } else if (!same.has(rel) && !recordPaths.has(rel)) files.push({ path: rel, text: text(), exists: kinds.get(rel) === 'file' });
  }
  for (const rel of stale) {
    const u = unitOf(rel);
    if (u !== undefined) unitEntry(u).discard.push(rel);
    else if (!recordPaths.has(rel)) files.push({ path: rel, exists: true });
  }

  const unitChanges: UnitChange[] = [];
  for (const [unit, e] of [...units].sort((a, b) => compareText(a[0], b[0]))) {
    if (e.write.size === 0 && e.discard.length === 0) continue;
    const replaced = onlyFileReplaced(e);
    if (replaced !== undefined) {
      files.push({ path: replaced, text: e.write.get(replaced)!, exists: true });
      continue;
    }
    const carry = [...kinds.keys()]
      .filter((p) => p.startsWith(`${unit}/`) && !wanted(p) && !owned.has(p))
      .sort(compareText);
    unitChanges.push({ unit, exists: kinds.get(unit) === 'dir', write: e.write, keep: e.keep, discard: e.discard, carry });
  }

  const isRecord = (p: string): boolean => p.endsWith(`/${RECORD_FILE}`) || p === RECORD_FILE;
  const written = [...want.keys()].filter((p) => !same.has(p) && !isRecord(p)).sort(compareText);
  const deleted = stale.filter((p) => !isRecord(p));
  const foreign = [...kinds.keys()]
    .filter(
      (p) =>
        kinds.get(p) === 'file' &&
        !wanted(p) &&
        !owned.has(p) &&
        treeGroups.has(groupOf(p)) &&
        MANIFEST_EXTENSIONS.some((ext) => p.endsWith(ext)),
    )
    .sort(compareText);
  const changedRecords = records.filter((r) => unitOf(r.path) === undefined && (r.text === undefined ? r.exists : !same.has(r.path)));
  return { units: unitChanges, files, records: changedRecords, written, deleted, foreign, unchanged: paths.filter((p) => same.has(p)).length };
}

/**
 * The one file of a unit that changes, when the change is that file's bytes alone (it exists, nothing is added to the
 * unit or removed from it): replacing that file with one rename is as atomic for the folder as exchanging the whole
 * folder (a reader sees the folder entirely old before the rename and entirely new after it), without staging a copy
 * of every other file and deleting the old copy afterwards. The usual one-route edit changes one VirtualService per
 * folder, so this is most units of most runs. Undefined when the unit must be exchanged whole.
 */
function onlyFileReplaced(e: { readonly write: ReadonlyMap<string, string>; readonly discard: readonly string[] }): string | undefined {
  if (e.write.size !== 1 || e.discard.length !== 1) return undefined;
  const [path] = e.write.keys();
  return e.discard[0] === path ? path : undefined;
}

/** Where a link in the output folder leads, for messages. */
function linkTarget(outDir: string, rel: string): string {
  try {
    const target = realpathSync(join(outDir, rel));
    return isWithin(target, realpathSync(outDir)) ? `to ${target}` : `to ${target}, outside the output folder`;
  } catch {
    return 'that leads nowhere';
  }
}

/**
 * Why `rel` cannot be written, or undefined. `replaceable`: an unowned file there may be replaced (--adopt, or it
 * carries kfaas's generated header, e.g. rendered by a kfaas version that did not record it yet).
 */
function pathConflict(
  rel: string,
  kinds: ReadonlyMap<string, EntryKind>,
  owned: ReadonlySet<string>,
  replaceable: () => boolean,
  describeLink: (rel: string) => string,
): string | undefined {
  const segs = rel.split('/');
  for (let i = 1; i < segs.length; i++) {
    const folder = segs.slice(0, i).join('/');
    const kind = kinds.get(folder);
    if (kind === 'symlink') return `${folder} is a symbolic link ${describeLink(folder)}; kfaas publishes into real folders only: replace the link by a folder`;
    if (kind === 'file' || kind === 'other') return `${folder} is a file, not a folder; remove it to publish here`;
  }
  const kind = kinds.get(rel);
  if (kind === 'dir') return `is a folder, but kfaas writes a file here; remove the folder`;
  if (kind === 'symlink') return `is a symbolic link; kfaas never writes through links: remove it`;
  if (kind === 'other') return `is not a regular file; remove it`;
  if (kind === 'file' && !owned.has(rel) && !replaceable()) return `exists and was not written by kfaas; move it away, or pass --adopt to let kfaas replace it`;
  return undefined;
}

function statKeyAt(path: string): string | undefined {
  try {
    return statKeyOf(lstatSync(path));
  } catch {
    return undefined;
  }
}

function equalsFile(path: string, text: string, shown: string): boolean {
  try {
    return readFileSync(path).equals(Buffer.from(text, 'utf8'));
  } catch (e) {
    throw asUserFsError(e, 'read this file', shown);
  }
}

/** Tree paths are `<cluster>/<env>/<file>`-like: relative, forward slashes, no `.`/`..`/empty segments. */
function assertRelativePath(rel: string): void {
  const segments = rel.split('/');
  if (
    rel.length === 0 ||
    isAbsolute(rel) ||
    rel.includes('\\') ||
    rel.includes('\0') ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new Error(`refusing to publish '${rel}': tree paths must be relative paths inside the output folder`);
  }
}

