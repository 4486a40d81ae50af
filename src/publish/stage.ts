import { copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { CommitOp, recoverJournal } from './commit';
import { asUserFsError, errnoOf } from './fs-errors';
import { removeDeadLockLeftovers } from './lock';
import { mkdirParents, tidyAfterKill } from './tidy';
import { Plan, UnitChange } from './plan';

/**
 * Staging: each changed unit built complete in the work folder (unchanged files hard-linked, new bytes written,
 * hand-written files carried over), and the renames that publish it (src/publish/commit.ts runs them).
 */

/** A publish plan with what staging and the crash tests need: the number of staging steps, the paths it empties. */
export type FullPlan = Plan & { readonly stagedSteps: number; readonly emptied: string[] };

/**
 * Writes every changed unit and file into the work folder and returns the renames that publish them. On a
 * failure, removes what it staged (and folders it created) and throws a UserError naming the path.
 */
export function stage(out: string, work: string, plan: FullPlan, shownOut: string, crashAtStep?: number): CommitOp[] {
  let step = 0;
  const tick = (): void => {
    if (crashAtStep !== undefined && step++ === crashAtStep) process.kill(0, 'SIGKILL');
  };
  const created: string[] = [];
  const ahead: CommitOp[] = [];
  const main: CommitOp[] = [];
  const final: CommitOp[] = [];
  let shown = shownOut;
  try {
    let n = 0;
    const linkOk = canHardLink(work);
    for (const unit of plan.units) {
      shown = `${shownOut}/${unit.unit}`;
      const staged = join(work, `unit-${n++}`);
      stageUnit(out, staged, unit, linkOk, tick, (p) => {
        shown = `${shownOut}/${p}`;
      });
      tick();
      const target = join(out, unit.unit);
      const emptyNow = unit.write.size + unit.keep.length + unit.carry.length === 0;
      if (!unit.exists) {
        if (emptyNow) continue;
        mkdirParents(out, work, dirname(unit.unit), created);
        main.push({ kind: 'rename', from: staged, to: target });
      } else if (emptyNow) main.push({ kind: 'rename', from: target, to: join(work, `gone-${n}`) });
      else main.push({ kind: 'exchange', a: staged, b: target });
    }
    // New bytes for `path` written to a work file, and the rename that puts them in place (an exchange over a file there).
    const install = (prefix: string, path: string, text: string, exists: boolean): CommitOp => {
      const staged = join(work, `${prefix}-${n++}`);
      const target = join(out, path);
      writeFileSync(staged, text);
      mkdirParents(out, work, dirname(path), created);
      return exists ? { kind: 'exchange', a: staged, b: target } : { kind: 'rename', from: staged, to: target };
    };
    for (const f of plan.files) {
      shown = `${shownOut}/${f.path}`;
      tick();
      main.push(f.text === undefined
        ? { kind: 'rename', from: join(out, f.path), to: join(work, `file-${n++}`) }
        : install('file', f.path, f.text, f.exists));
    }
    for (const r of plan.records) {
      shown = `${shownOut}/${r.path}`;
      tick();
      tick();
      let existsNow = r.exists;
      if (r.ahead !== undefined) {
        ahead.push(install('record', r.path, r.ahead, existsNow));
        existsNow = true;
      }
      if (r.ahead !== undefined && r.ahead === r.text) continue; // installed ahead already, final as it is
      final.push(r.text === undefined
        ? { kind: 'rename', from: join(out, r.path), to: join(work, `record-${n++}`) }
        : install('record', r.path, r.text, existsNow));
    }
    return [...ahead, ...main, ...final];
  } catch (e) {
    clearWork(work);
    for (const dir of created.reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        // not empty after all
      }
    }
    throw asUserFsError(e, 'stage the new version', shown, `; ${shownOut} was left as it was`);
  }
}

/** Builds a unit's new folder at `staged`: foreign entries and unchanged files linked, new bytes written. */
function stageUnit(out: string, staged: string, unit: UnitChange, linkOk: boolean, tick: () => void, at: (p: string) => void): void {
  mkdirSync(staged);
  const into = (rel: string): string => join(staged, rel.slice(unit.unit.length + 1));
  const ensureParent = (rel: string): void => {
    mkdirSync(dirname(into(rel)), { recursive: true });
  };
  const link = (rel: string): void => {
    at(rel);
    ensureParent(rel);
    if (linkOk) linkSync(join(out, rel), into(rel));
    else copyFileSync(join(out, rel), into(rel));
  };
  for (const rel of unit.carry) {
    tick();
    const abs = join(out, rel);
    const kind = kindAt(abs);
    if (kind === 'dir') mkdirSync(into(rel), { recursive: true });
    else if (kind === 'symlink') {
      ensureParent(rel);
      symlinkSync(readlinkSync(abs), into(rel));
    } else if (kind === 'file') link(rel);
  }
  for (const rel of unit.keep) {
    tick();
    link(rel);
  }
  for (const [rel, text] of unit.write) {
    tick();
    at(rel);
    ensureParent(rel);
    writeFileSync(into(rel), text);
  }
  // A file kfaas replaces or deletes must be deletable: link(2) refuses immutable and append-only files.
  if (linkOk) {
    for (const rel of unit.discard) {
      at(rel);
      const probe = join(dirname(staged), `probe-${process.pid}`);
      linkSync(join(out, rel), probe);
      unlinkSync(probe);
    }
  }
}

function kindAt(abs: string): 'dir' | 'symlink' | 'file' | 'other' {
  const st = lstatSync(abs);
  return st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other';
}

/** Whether the work folder's file system supports hard links (not vfat, some FUSE file systems). */
function canHardLink(work: string): boolean {
  const a = join(work, `link-test-${process.pid}`);
  const b = `${a}-2`;
  try {
    writeFileSync(a, '');
    linkSync(a, b);
    return true;
  } catch (e) {
    if (['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'EXDEV'].includes(errnoOf(e) ?? '')) return false;
    throw e;
  } finally {
    rmSync(a, { force: true });
    rmSync(b, { force: true });
  }
}

/** Empties the work folder but for its lock and .gitignore, first repairing a half-done emulated exchange. */
export function clearWork(work: string): void {
  recoverJournal(work);
  tidyAfterKill(work);
  removeDeadLockLeftovers(work);
  for (const name of readdirSync(work)) {
    if (name === 'lock' || name === '.gitignore' || name.startsWith('lock.')) continue;
    rmSync(join(work, name), { recursive: true, force: true });
  }
}
