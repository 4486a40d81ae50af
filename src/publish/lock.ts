import { linkSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'fs';
import { hostname } from 'os';
import { join } from 'path';
import { asUserFsError, errnoOf, userError } from './fs-errors';

/** The lock file inside the work folder of an output folder. */
const LOCK_FILE = 'lock';

/** Who holds a lock. */
interface Holder {
  readonly pid: number;
  readonly host: string;
  /** Start time of the process in clock ticks since boot (Linux /proc), to tell a reused pid apart. */
  readonly startTicks?: string;
  readonly since: string;
}

/** Options of `acquireLock`. */
export interface LockOptions {
  /**
   * How long to wait for a live holder before giving up.
   *
   * @default 60000
   */
  readonly waitMs?: number;
  /**
   * Told once when the lock is busy and this process starts waiting.
   *
   * @default - nothing
   */
  readonly onWait?: (message: string) => void;
  /**
   * Makes the work folder again. Another run that finishes removes the folder when it holds no lock, which can
   * happen between this run making it and writing its lock file there; then this is called and the write retried.
   *
   * @default - none: a missing work folder is an error
   */
  readonly recreate?: () => void;
}

/** A held lock. */
export interface Lock {
  /** Gives the lock up (idempotent). */
  release(): void;
}

/**
 * Takes the publishing lock of an output folder: `<workDir>/lock`, created with link(2) from a fully written
 * file so it is never seen half-written. A live holder on this machine is waited for (up to `waitMs`, then exit 2
 * naming its pid); a lock whose holder is gone (killed: its pid no longer runs, or runs another program started
 * later) is taken over. Holders on another machine (a shared network folder) are always treated as live.
 */
export function acquireLock(workDir: string, shownOut: string, opts: LockOptions = {}): Lock {
  const lockPath = join(workDir, LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname(), startTicks: startTicksOf(process.pid), since: new Date().toISOString() };
  const temp = join(workDir, `${LOCK_FILE}.${process.pid}.tmp`);
  const deadline = Date.now() + (opts.waitMs ?? 60_000);
  let told = false;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        writeFileSync(temp, JSON.stringify(me));
        break;
      } catch (e) {
        // Once written, the temporary file (`lock.*`) keeps other runs from removing the folder.
        if (errnoOf(e) !== 'ENOENT' || !opts.recreate || attempt >= RECREATE_ATTEMPTS) throw e;
        opts.recreate();
      }
    }
    for (;;) {
      try {
        linkSync(temp, lockPath);
        unlinkSync(temp);
        let released = false;
        return {
          release: () => {
            if (released) return;
            released = true;
            try {
              unlinkSync(lockPath);
            } catch {
              // already gone: nothing to release
            }
          },
        };
      } catch (e) {
        if (errnoOf(e) !== 'EEXIST') throw e;
      }
      const holder = readHolder(lockPath);
      if (holder === undefined) continue; // released between our link and our read
      if (!isAlive(holder)) {
        takeOver(lockPath, holder);
        continue;
      }
      const message =
        `${shownOut} is being published by another kfaas process (pid ${holder.pid} on ${holder.host}, since ${holder.since}); ` +
        `if no such process runs, delete ${lockPath}`;
      if (Date.now() >= deadline) throw userError('output-locked', message);
      if (!told) opts.onWait?.(`kfaas: waiting: ${message}`);
      told = true;
      sleep(100);
    }
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // never written, or linked and removed already
    }
    throw asUserFsError(e, 'take the publishing lock', lockPath);
  }
}

/** How often a work folder removed by another run is made again before giving up. */
const RECREATE_ATTEMPTS = 20;

/**
 * Removes the lock's own temporary files (`lock.<pid>.tmp`, `lock.stale-<pid>`) that processes on this machine
 * left when they were killed between writing and removing them. Files of processes that still run (waiters) are
 * kept. Call it while holding the lock: without it such a file kept the work folder alive for good.
 */
export function removeDeadLockLeftovers(workDir: string): void {
  for (const name of readdirSync(workDir)) {
    const m = /^lock\.(?:(\d+)\.tmp|stale-(\d+))$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1] ?? m[2]);
    if (pid === process.pid || pidRuns(pid)) continue;
    try {
      unlinkSync(join(workDir, name));
    } catch {
      // removed meanwhile
    }
  }
}

/** Whether a process with this pid exists on this machine (EPERM: it exists, owned by someone else). */
function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) !== 'ESRCH';
  }
}

function readHolder(lockPath: string): Holder | undefined {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const h = JSON.parse(text) as Holder;
    if (typeof h.pid === 'number' && typeof h.host === 'string') return h;
  } catch {
    // not ours or damaged: treated as a dead holder below
  }
  return { pid: -1, host: hostname(), since: 'unknown' };
}

/** A holder on this machine is alive when its pid runs and (on Linux) started when the lock says. */
function isAlive(h: Holder): boolean {
  if (h.host !== hostname()) return true;
  if (h.pid <= 0) return false;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if (errnoOf(e) === 'ESRCH') return false;
  }
  const now = startTicksOf(h.pid);
  return h.startTicks === undefined || now === undefined || now === h.startTicks;
}

/**
 * Moves a dead holder's lock aside under a name of our own, and deletes it only if it is still that holder's
 * (another waiter may have taken over and locked in between: its lock is put back).
 */
function takeOver(lockPath: string, dead: Holder): void {
  const aside = `${lockPath}.stale-${process.pid}`;
  try {
    renameSync(lockPath, aside);
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return;
    throw e;
  }
  const moved = readHolder(aside);
  if (moved && moved.pid === dead.pid && moved.host === dead.host && moved.since === dead.since) {
    unlinkSync(aside);
    return;
  }
  try {
    linkSync(aside, lockPath);
  } catch {
    // a third process locked meanwhile; the moved lock's holder will find its lock gone at release only
  }
  unlinkSync(aside);
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), or undefined off Linux. */
function startTicksOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

function sleep(ms: number): void {
  Atomics.wait(SLEEPER, 0, 0, ms);
}
