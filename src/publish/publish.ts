import { mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import { commit, CommitError, CommitOptions } from './commit';
import { asUserFsError, errnoOf, userError } from './fs-errors';
import { acquireLock } from './lock';
import { noteEmptied, removeEmptyFolders } from './tidy';
import { checkOutDir, realPathOf } from './out-dir';
import { groupOf } from './ownership';
import { KeptFiles, planPublish } from './plan';
import { scanOut, WORK_DIR } from './scan';
import { clearWork, FullPlan, stage } from './stage';

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

function mkdirIfMissing(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    if (errnoOf(e) !== 'EEXIST') throw e;
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
