import { copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import { commit, CommitError, CommitOp, CommitOptions, recoverJournal } from './commit';
import { asUserFsError, errnoOf, userError } from './fs-errors';
import { acquireLock, removeDeadLockLeftovers } from './lock';
import { mkdirParents, noteEmptied, removeEmptyFolders, tidyAfterKill } from './tidy';
import { checkOutDir, realPathOf } from './out-dir';
import { groupOf } from './ownership';
import { KeptFiles, Plan, planPublish, UnitChange } from './plan';
import { scanOut, WORK_DIR } from './scan';

/** What `publishTree` did (paths relative to outDir, forward slashes, sorted; ownership records not listed). */
export interface PublishReport {
  /** Files created or replaced because their bytes changed. */
  readonly written: string[];
  /** Stale files kfaas had published, removed. */
  readonly deleted: string[];
  /** Manifest files in folders kfaas publishes into that it did not write: never deleted, only reported. */
  readonly foreign: string[];
  /** Files left alone because they already hold the rendered bytes. */
  readonly unchanged: number;
}

/** What `publishTree` would do, without doing it (for `kfaas synth --check` and CI). */
export interface TreeDiff {
  /** Files that would be created or replaced. */
  readonly write: string[];
  /** Stale files that would be removed. */
  readonly delete: string[];
  /** Manifest files not in the tree that kfaas did not write: left alone. */
  readonly foreign: string[];
  readonly unchanged: number;
  /** Ownership records (`.kfaas-published`) that would be written or removed. */
  readonly records: string[];
}

/** Options of `publishTree` and `diffTree`. */
export interface PublishOptions {
  /**
   * The project root: its place relative to outDir identifies this project in the ownership records, and
   * outDir may not be or contain it (nor its routes/, clusters/, schema/, test/, .git).
   *
   * @default - the folder containing outDir
   */
  readonly projectRoot?: string;
  /**
   * Publish into a non-empty folder kfaas did not write, replace files it did not write at rendered paths, and
   * take over groups another project published.
   *
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * outDir as the user wrote it, for messages.
   *
   * @default outDir
   */
  readonly shownOut?: string;
  /**
   * Told when another kfaas process holds the output folder's lock and this one waits.
   *
   * @default - nothing
   */
  readonly onWait?: (message: string) => void;
  /**
   * How long to wait for another kfaas process publishing into the same folder.
   *
   * @default 60000
   */
  readonly lockWaitMs?: number;
  /**
   * Test seam: called before each commit rename with the path it makes visible; with it, renames run one by one.
   *
   * @default - none
   */
  readonly beforeRename?: (relativePath: string) => void;
  /**
   * Test seam: `kill -9` this process group at publishing step N (staged writes, then commit renames, then
   * clean-up), to prove any interruption leaves every folder old or new. Set by KFAAS_TEST_CRASH_AT_STEP.
   *
   * @default - never
   */
  readonly crashAtStep?: number;
  /**
   * Test seam: emulate RENAME_EXCHANGE with three journalled renames.
   *
   * @default false
   */
  readonly emulateExchange?: boolean;
  /**
   * Test seam: kill only the exchange helper (Perl), not kfaas, before or after commit op `at`.
   *
   * @default - never
   */
  readonly killExchangeHelper?: CommitOptions['killHelper'];
  /**
   * Told as each phase ends, for the benchmark (src/bench/bench-publish.ts): `plan` (lock, scan, ownership
   * records read, plan), `stage`, `commit` (records ahead, exchanges, renames, final records), `clean-up`.
   *
   * @default - nothing
   */
  readonly onPhase?: (phase: PublishPhase) => void;
  /**
   * Files of the tree the caller found already in outDir with the rendered bytes and did not read (plan.ts
   * KeptFiles): published as they are. A kept file whose stat changed since throws KeptFileChanged.
   *
   * @default - none: every file of the tree is in `tree`
   */
  readonly kept?: KeptFiles;
}

/** The phases of a publish, in order (see `publishTree`). */
export type PublishPhase = 'plan' | 'stage' | 'commit' | 'clean-up';

/**
 * Makes outDir hold `tree` (relative path -> text), changing only what this project published there before.
 * Call it only after every check passed.
 *
 * 1. Refuses a dangerous outDir (see `checkOutDir`), then takes outDir's lock (`.kfaas-staging/lock`) so
 *    two runs never interleave, and clears what a killed run left in `.kfaas-staging/`.
 * 2. Reads whose each group folder is (ownership records), and plans; conflicts are refused before anything
 *    is written (`planPublish`). A non-empty folder holding no kfaas output is refused unless `adopt`.
 * 3. Stages every changed unit (a kustomize root such as `<cluster>/<env>`) complete in `.kfaas-staging/`,
 *    unchanged and foreign files hard-linked in, new bytes written: a full disk or a permission problem stops
 *    here, with outDir untouched.
 * 4. Commits with renames, each atomic: records listing old and new files first, then every unit exchanged with
 *    its staged copy (renameat2 RENAME_EXCHANGE), single files renamed, final records. A failing rename undoes
 *    the ones before it. A run killed at any point leaves each unit entirely old or entirely new.
 * 5. Deletes the old copies and `.kfaas-staging/` (it git-ignores itself meanwhile), and releases the lock.
 *
 * A no-change run writes nothing at all: same inodes, same modification times.
 */
export function publishTree(outDir: string, tree: ReadonlyMap<string, string>, opts: PublishOptions = {}): PublishReport {
  const out = resolve(outDir);
  const shownOut = opts.shownOut ?? outDir;
  const projectRoot = resolve(opts.projectRoot ?? dirname(out));
  checkOutDir(projectRoot, out, shownOut);
  const identity = projectIdentity(projectRoot, out);
  const work = join(out, WORK_DIR);
  const makeWork = (): void => {
    // Not recursive: Node's recursive mkdir reports ENOENT where the file system said EROFS (a read-only folder).
    mkdirIfMissing(work);
    writeFileSync(join(work, '.gitignore'), '# kfaas staging area: never commit\n*\n');
  };
  try {
    mkdirSync(out, { recursive: true });
    retryIfRemoved(makeWork);
  } catch (e) {
    throw asUserFsError(e, 'create the output folder', shownOut, '; nothing was written');
  }
  const lock = acquireLock(work, shownOut, { waitMs: opts.lockWaitMs, onWait: opts.onWait, recreate: () => retryIfRemoved(makeWork) });
  try {
    clearWork(work);
    const plan = planFor(out, tree, identity, opts.adopt === true, shownOut, opts.kept);
    opts.onPhase?.('plan');
    const ops = stage(out, work, plan, shownOut, opts.crashAtStep);
    noteEmptied(work, out, plan.emptied.map((rel) => dirname(join(out, rel))));
    opts.onPhase?.('stage');
    try {
      commit(work, ops, {
        emulate: opts.emulateExchange,
        killHelper: opts.killExchangeHelper,
        beforeOp: opts.beforeRename ? (_i, op) => opts.beforeRename!(relative(out, op.kind === 'exchange' ? op.b : op.to)) : undefined,
        crashAt: opts.crashAtStep === undefined ? undefined : opts.crashAtStep - plan.stagedSteps,
      });
    } catch (e) {
      if (!(e instanceof CommitError)) throw e;
      const path = relative(out, e.op.kind === 'exchange' ? e.op.b : e.op.to) || relative(out, e.op.kind === 'rename' ? e.op.from : '');
      throw asUserFsError(
        Object.assign(new Error(e.message), { code: e.code }),
        'replace it',
        `${shownOut}/${path}`,
        e.undone ? `; ${shownOut} was left as it was` : `; undoing failed too: run kfaas synth again to repair ${shownOut}`,
      );
    }
    opts.onPhase?.('commit');
    if (opts.crashAtStep !== undefined && opts.crashAtStep === plan.stagedSteps + ops.length) process.kill(0, 'SIGKILL');
    clearWork(work);
    removeEmptyFolders(out, plan.emptied.map((rel) => dirname(join(out, rel))));
    opts.onPhase?.('clean-up');
    return { written: plan.written, deleted: plan.deleted, foreign: plan.foreign, unchanged: plan.unchanged };
  } catch (e) {
    try {
      clearWork(work);
    } catch {
      // best effort: the next run clears it
    }
    throw e;
  } finally {
    lock.release();
    removeWork(work);
  }
}

/** Compares outDir with `tree` without changing anything (no lock: a publish in progress is atomic per unit). */
export function diffTree(outDir: string, tree: ReadonlyMap<string, string>, opts: PublishOptions = {}): TreeDiff {
  const out = resolve(outDir);
  const shownOut = opts.shownOut ?? outDir;
  const projectRoot = resolve(opts.projectRoot ?? dirname(out));
  checkOutDir(projectRoot, out, shownOut);
  const plan = planFor(out, tree, projectIdentity(projectRoot, out), opts.adopt === true, shownOut, opts.kept);
  return { write: plan.written, delete: plan.deleted, foreign: plan.foreign, unchanged: plan.unchanged, records: plan.records.map((r) => r.path).sort() };
}

/** The project's identity in ownership records: its root relative to the output folder. */
function projectIdentity(projectRoot: string, outDir: string): string {
  return relative(realPathOf(outDir), realPathOf(projectRoot)).split('\\').join('/') || '.';
}

type FullPlan = Plan & { readonly stagedSteps: number; readonly emptied: string[] };

function planFor(out: string, tree: ReadonlyMap<string, string>, identity: string, adopt: boolean, shownOut: string, kept?: KeptFiles): FullPlan {
  const groups = new Set([...tree.keys(), ...(kept?.keys() ?? [])].map(groupOf));
  const state = scanOut(out, groups, identity, adopt, shownOut);
  if (state.exists && state.noRecords && state.owned.size === 0 && !adopt && state.entries.size > 0) {
    throw userError(
      'out-dir-foreign',
      `--out ${shownOut}: this folder is not empty and holds no kfaas output; refusing to publish into it (pass --adopt to publish there anyway)`,
    );
  }
  const plan = planPublish(out, tree, state, identity, adopt, shownOut, kept);
  const stagedSteps = plan.units.reduce((n, u) => n + u.write.size + u.keep.length + u.carry.length + 1, 0) + plan.files.length + plan.records.length * 2;
  const emptied = [
    ...plan.units.filter((u) => u.write.size + u.keep.length + u.carry.length === 0).map((u) => u.unit),
    ...plan.files.filter((f) => f.text === undefined).map((f) => f.path),
    ...plan.records.filter((r) => r.text === undefined).map((r) => r.path),
  ];
  return { ...plan, stagedSteps, emptied };
}

/**
 * Writes every changed unit and file into the work folder and returns the renames that publish them. On a
 * failure, removes what it staged (and folders it created) and throws a UserError naming the path.
 */
function stage(out: string, work: string, plan: FullPlan, shownOut: string, crashAtStep?: number): CommitOp[] {
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
    for (const f of plan.files) {
      shown = `${shownOut}/${f.path}`;
      tick();
      const target = join(out, f.path);
      const staged = join(work, `file-${n++}`);
      if (f.text === undefined) {
        main.push({ kind: 'rename', from: target, to: staged });
        continue;
      }
      writeFileSync(staged, f.text);
      mkdirParents(out, work, dirname(f.path), created);
      main.push(f.exists ? { kind: 'exchange', a: staged, b: target } : { kind: 'rename', from: staged, to: target });
    }
    for (const r of plan.records) {
      shown = `${shownOut}/${r.path}`;
      tick();
      tick();
      const target = join(out, r.path);
      let existsNow = r.exists;
      if (r.ahead !== undefined) {
        const staged = join(work, `record-${n++}`);
        writeFileSync(staged, r.ahead);
        mkdirParents(out, work, dirname(r.path), created);
        ahead.push(existsNow ? { kind: 'exchange', a: staged, b: target } : { kind: 'rename', from: staged, to: target });
        existsNow = true;
      }
      if (r.ahead !== undefined && r.ahead === r.text) continue; // installed ahead already, final as it is
      const staged = join(work, `record-${n++}`);
      if (r.text === undefined) {
        final.push({ kind: 'rename', from: target, to: staged });
        continue;
      }
      writeFileSync(staged, r.text);
      mkdirParents(out, work, dirname(r.path), created);
      final.push(existsNow ? { kind: 'exchange', a: staged, b: target } : { kind: 'rename', from: staged, to: target });
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

function mkdirIfMissing(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    if (errnoOf(e) !== 'EEXIST') throw e;
  }
}

/** Empties the work folder but for its lock and .gitignore, first repairing a half-done emulated exchange. */
function clearWork(work: string): void {
  recoverJournal(work);
  tidyAfterKill(work);
  removeDeadLockLeftovers(work);
  for (const name of readdirSync(work)) {
    if (name === 'lock' || name === '.gitignore' || name.startsWith('lock.')) continue;
    rmSync(join(work, name), { recursive: true, force: true });
  }
}

/**
 * Runs `make` (which makes the work folder and writes into it) again while it fails with ENOENT: a run that just
 * finished removes the work folder when it finds no lock in it, which may fall between the two steps.
 */
function retryIfRemoved(make: () => void): void {
  for (let attempt = 0; ; attempt++) {
    try {
      make();
      return;
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT' || attempt >= 20) throw e;
    }
  }
}

/** Removes the work folder when no other run uses it. */
function removeWork(work: string): void {
  try {
    if (readdirSync(work).some((n) => n.startsWith('lock'))) return;
    rmSync(join(work, '.gitignore'), { force: true });
    rmdirSync(work);
  } catch {
    // another run took the lock meanwhile, or it is already gone
  }
}
