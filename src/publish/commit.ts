import { spawnSync } from 'child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { constants } from 'os';
import { isAbsolute, join } from 'path';
import { errnoOf } from './fs-errors';

/**
 * The commit step of publishing: renames that make staged folders and files visible, each atomic.
 *
 * `exchange` swaps two existing paths in one step with Linux renameat2(2) RENAME_EXCHANGE (the call behind
 * coreutils >= 9.5 `mv --exchange`): a reader, or a process killed at any instant, sees the old folder or the
 * new one, never neither. Node has no binding for renameat2, so it is made through Perl's `syscall` (perl-base
 * is part of every Debian/Ubuntu system, Node's official images included), all operations of a publish in one
 * Perl process. `rename` moves a path to a name that does not exist yet (rename(2) is atomic on its own).
 *
 * Where RENAME_EXCHANGE is unavailable (no Perl, not Linux, a file system without it such as NFS), an exchange
 * is emulated by three renames, with a journal in the work folder so that a run killed between them is repaired
 * by the next one (`recoverJournal`): only then can a killed run leave one folder missing until the next run.
 */
export type CommitOp =
  | { readonly kind: 'exchange'; readonly a: string; readonly b: string }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string };

/** How exchanges are made. */
export type ExchangeMode = 'renameat2' | 'emulated';

/** Why a commit failed part way: ops before `index` were done (and have been undone). */
export class CommitError extends Error {
  public constructor(
    public readonly op: CommitOp,
    public readonly code: string,
    public readonly undone: boolean,
  ) {
    super(`${code}: ${op.kind} ${op.kind === 'exchange' ? `${op.a} <-> ${op.b}` : `${op.from} -> ${op.to}`}`);
    this.name = 'CommitError';
  }
}

/** renameat2 syscall numbers: arch/x86/entry/syscalls/syscall_64.tbl (316), include/uapi/asm-generic/unistd.h (276). */
const RENAMEAT2: Readonly<Record<string, number>> = { x64: 316, arm64: 276, riscv64: 276 };

/**
 * Reads NUL-separated (op, path, path) triples from stdin; op `x` = renameat2(RENAME_EXCHANGE), `r` = rename.
 * The first triple is a probe exchange of two scratch folders: if it fails, nothing else is done ("noexchange").
 * Prints `p` once the probe is done and `d` after each op (unbuffered), so that a helper killed part-way (the
 * OOM killer, a stray `kill`) while kfaas lives tells exactly how far it got. Stops at the first failure
 * ("fail <index> <errno>"). Test seams: `$crash` SIGKILLs the process group before that op, like `kill -9` of the
 * whole command would; `$die` kills only the helper, before (`$when` 0) or after (1) that op.
 */
const HELPER = `
use strict; $| = 1; my ($nr, $crash, $die, $when) = @ARGV; local $/ = "\\0"; my $i = -1;
while (defined(my $op = <STDIN>)) {
  chomp $op; my $a = <STDIN>; chomp $a; my $b = <STDIN>; chomp $b;
  if ($i >= 0 && $i == $crash) { kill 'KILL', -getpgrp(); sleep 5; }
  if ($i >= 0 && $i == $die && $when == 0) { kill 'KILL', $$; }
  my $ok = $op eq 'x' ? syscall($nr, -100, $a, -100, $b, 2) == 0 : rename($a, $b);
  if (!$ok) { my $e = $! + 0; if ($i < 0) { print "noexchange $e\\n"; exit 0; } print "fail $i $e\\n"; exit 0; }
  if ($i >= 0 && $i == $die && $when == 1) { kill 'KILL', $$; }
  print $i < 0 ? "p\\n" : "d\\n";
  $i++;
}
print "ok $i\\n";
`;

/** Options of `commit`. */
export interface CommitOptions {
  /**
   * Force the emulated exchange (tests of the fallback).
   *
   * @default false
   */
  readonly emulate?: boolean;
  /**
   * Test seam: called before each op; with it, ops run one at a time.
   *
   * @default - ops run in one batch
   */
  readonly beforeOp?: (index: number, op: CommitOp) => void;
  /**
   * Test seam: SIGKILL this process group before op number `crashAt` (counted from 0).
   *
   * @default - never
   */
  readonly crashAt?: number;
  /**
   * Test seam: kill only the exchange helper (not kfaas) just before, or just after, op number `at`: what the OOM
   * killer or a stray `kill` of the Perl process does.
   *
   * @default - never
   */
  readonly killHelper?: { readonly at: number; readonly when: 'before' | 'after' };
}

const JOURNAL = 'journal.json';

/**
 * Runs `ops` in order. On a failure, the ops already done are undone in reverse (an exchange is its own
 * inverse) and a CommitError is thrown; the output folder is then as it was. Returns the mode used.
 */
export function commit(workDir: string, ops: readonly CommitOp[], opts: CommitOptions = {}): ExchangeMode {
  for (const op of ops) for (const p of op.kind === 'exchange' ? [op.a, op.b] : [op.from, op.to]) assertAbsolute(p);
  let mode: ExchangeMode = opts.emulate ? 'emulated' : 'renameat2';
  if (ops.length === 0) return mode;
  const doOps = (list: readonly CommitOp[], crashAt?: number, killHelper?: CommitOptions['killHelper']): { done: number; code?: string } => {
    // Renames alone (a first publish into an empty folder, units added or removed) need no renameat2: rename(2) is
    // atomic on its own, so Node makes them here and no helper is started (~50 ms a publish). `emulate` journals
    // exchanges only; a batch without one is the same renames the helper would make, crash seam included.
    if (mode === 'renameat2' && killHelper === undefined && list.every((op) => op.kind === 'rename')) return emulate(workDir, list, crashAt);
    if (mode === 'renameat2') {
      const r = runBatch(workDir, list, crashAt, killHelper);
      if (r !== 'noexchange') return r;
      mode = 'emulated'; // the probe failed before any op ran
    }
    return emulate(workDir, list, crashAt);
  };
  let result: { done: number; code?: string };
  if (opts.beforeOp) {
    result = { done: 0 };
    for (let i = 0; i < ops.length && result.code === undefined; i++) {
      opts.beforeOp(i, ops[i]);
      const one = doOps([ops[i]], opts.crashAt === i ? 0 : undefined);
      result = one.code === undefined ? { done: i + 1 } : { done: i, code: one.code };
    }
  } else {
    result = doOps(ops, opts.crashAt, opts.killHelper);
  }
  if (result.code === undefined) return mode;
  const undo = ops.slice(0, result.done).reverse().map(inverse);
  const undone = doOps(undo).code === undefined;
  throw new CommitError(ops[result.done], result.code, undone);
}

/** Undoes an emulated exchange that a killed run left half done (the old folder is put back). */
export function recoverJournal(workDir: string): void {
  const path = join(workDir, JOURNAL);
  if (!existsSync(path)) return;
  const pending = JSON.parse(readFileSync(path, 'utf8')) as { target: string; aside: string }[];
  for (const { target, aside } of pending) {
    if (!existsSync(target) && existsSync(aside)) renameSync(aside, target);
  }
  rmSync(path, { force: true });
}

function inverse(op: CommitOp): CommitOp {
  return op.kind === 'exchange' ? op : { kind: 'rename', from: op.to, to: op.from };
}

function runBatch(
  workDir: string, ops: readonly CommitOp[], crashAt?: number, killHelper?: CommitOptions['killHelper'],
): 'noexchange' | { done: number; code?: string } {
  const nr = RENAMEAT2[process.arch];
  if (nr === undefined || process.platform !== 'linux') return 'noexchange';
  const probeA = join(workDir, 'probe-a');
  const probeB = join(workDir, 'probe-b');
  mkdirSync(probeA, { recursive: true });
  mkdirSync(probeB, { recursive: true });
  const input = [['x', probeA, probeB], ...ops.map((op) => (op.kind === 'exchange' ? ['x', op.a, op.b] : ['r', op.from, op.to]))]
    .flat()
    .map((s) => `${s}\0`)
    .join('');
  // Who is where before the batch: if the helper dies, the op it was on is read off the file system.
  const before = ops.map(identities);
  const args = [String(nr), String(crashAt ?? -1), String(killHelper?.at ?? -1), killHelper?.when === 'after' ? '1' : '0'];
  const r = spawnSync('perl', ['-e', HELPER, ...args], { input, encoding: 'utf8' });
  rmSync(probeA, { recursive: true, force: true });
  rmSync(probeB, { recursive: true, force: true });
  const lines = (r.stdout ?? '').split('\n');
  const last = lines.find((l) => l.startsWith('ok ') || l.startsWith('fail ') || l.startsWith('noexchange'));
  if (!r.error && r.status === 0 && last !== undefined) {
    const [word, a, b] = last.split(' ');
    if (word === 'ok') return { done: ops.length };
    if (word === 'fail') return { done: Number(a), code: errnoName(Number(b)) };
    return 'noexchange';
  }
  // The helper did not finish: not started (no Perl) or killed before its probe, nothing was done; else `d` marks
  // the ops done, and the one it was on may have happened between its syscall and its mark.
  if (!lines.includes('p')) return 'noexchange';
  const marked = lines.filter((l) => l === 'd').length;
  const done = marked < ops.length && applied(ops[marked], before[marked]) ? marked + 1 : marked;
  // Killed after its last op: everything happened.
  return done === ops.length ? { done } : { done, code: 'EINTR' };
}

/** Device and inode of each path an op names (undefined for a path that does not exist). */
function identities(op: CommitOp): (string | undefined)[] {
  return (op.kind === 'exchange' ? [op.a, op.b] : [op.from, op.to]).map((p) => {
    try {
      const st = lstatSync(p, { bigint: true });
      return `${st.dev}:${st.ino}`;
    } catch {
      return undefined;
    }
  });
}

/** Whether `op` has happened, judged by where the inodes it moves are now. */
function applied(op: CommitOp, before: readonly (string | undefined)[]): boolean {
  const now = identities(op);
  return op.kind === 'exchange'
    ? before[0] !== undefined && now[0] === before[1] && now[1] === before[0]
    : before[0] !== undefined && now[0] === undefined && now[1] === before[0];
}

/** Exchanges as three renames, journalled so that `recoverJournal` can put a half-exchanged folder back. */
function emulate(workDir: string, ops: readonly CommitOp[], crashAt?: number): { done: number; code?: string } {
  for (let i = 0; i < ops.length; i++) {
    if (i === crashAt) process.kill(0, 'SIGKILL');
    const op = ops[i];
    try {
      if (op.kind === 'rename') {
        renameSync(op.from, op.to);
        continue;
      }
      const aside = join(workDir, `aside-${process.pid}-${i}`);
      writeFileSync(join(workDir, JOURNAL), JSON.stringify([{ target: op.b, aside }]));
      renameSync(op.b, aside);
      try {
        renameSync(op.a, op.b);
      } catch (e) {
        renameSync(aside, op.b);
        throw e;
      }
      renameSync(aside, op.a);
      rmSync(join(workDir, JOURNAL), { force: true });
    } catch (e) {
      return { done: i, code: errnoOf(e) ?? 'EIO' };
    }
  }
  return { done: ops.length };
}

function errnoName(n: number): string {
  for (const [name, value] of Object.entries(constants.errno)) if (value === n) return name;
  return `errno ${n}`;
}

function assertAbsolute(p: string): void {
  // Perl's syscall passes a numeric-looking argument as an integer: only absolute paths are ever given.
  if (!isAbsolute(p) || p.includes('\0')) throw new Error(`commit: expected an absolute path, got ${JSON.stringify(p)}`);
}
