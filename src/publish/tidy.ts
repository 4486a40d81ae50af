import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { errnoOf } from './fs-errors';

/**
 * Folders of the output folder that publishing creates before its commit or empties by it, listed in the work
 * folder (`tidy.json`) before they are created or emptied: a run killed in between leaves an empty folder, which
 * git does not record but `ls` and a later diff of the folder show; the next run removes those still empty
 * (`tidyAfterKill`), whichever version it publishes. A folder with content is never removed.
 */
const TIDY_JOURNAL = 'tidy.json';

interface Tidy {
  /** Folders this run created, shallowest first (absolute). */
  created: string[];
  /** Folders whose content the commit removes (absolute): removed when empty, and their parents up to outDir. */
  emptied: string[];
  /** The output folder: emptied folders' parents are removed up to, not including, it. */
  out: string;
}

function read(work: string): Tidy | undefined {
  try {
    return JSON.parse(readFileSync(join(work, TIDY_JOURNAL), 'utf8')) as Tidy;
  } catch {
    return undefined;
  }
}

function write(work: string, tidy: Tidy): void {
  writeFileSync(join(work, TIDY_JOURNAL), JSON.stringify(tidy));
}

/** Creates the missing folders of `relDir` inside `out`, each noted in the journal before it is made. */
export function mkdirParents(out: string, work: string, relDir: string, created: string[]): void {
  if (relDir === '.' || relDir === '') return;
  let cur = out;
  for (const seg of relDir.split('/')) {
    cur = join(cur, seg);
    if (existsSync(cur)) continue;
    write(work, { created: [...created, cur], emptied: read(work)?.emptied ?? [], out });
    try {
      mkdirSync(cur);
      created.push(cur);
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw e;
    }
  }
}

/** Notes, before the commit, the folders it will empty. */
export function noteEmptied(work: string, out: string, folders: readonly string[]): void {
  if (folders.length === 0) return;
  write(work, { created: read(work)?.created ?? [], emptied: [...folders], out });
}

/** Removes what a killed run left empty (see the module comment), then the journal. */
export function tidyAfterKill(work: string): void {
  const tidy = read(work);
  if (!tidy) return;
  for (const dir of [...tidy.created].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      // not empty (the commit put something there), or gone already
    }
  }
  removeEmptyFolders(tidy.out, tidy.emptied);
  rmSync(join(work, TIDY_JOURNAL), { force: true });
}

/** Removes each of `folders` that is empty, then its parents while empty, up to (not including) `out`. */
export function removeEmptyFolders(out: string, folders: readonly string[]): void {
  for (let dir of folders) {
    while (dir !== out && dir.startsWith(`${out}/`)) {
      try {
        rmdirSync(dir);
      } catch {
        break;
      }
      dir = dirname(dir);
    }
  }
}
