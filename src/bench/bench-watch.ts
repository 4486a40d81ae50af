import { spawn } from 'child_process';
import { readFileSync } from 'fs';
import { performance } from 'perf_hooks';

/** One edit as `kfaas watch` took it. */
export interface WatchEdit {
  /** From the write of the file to the summary line (the debounce included). */
  readonly wallMs: number;
  /** The cycle's own time, as its summary line gives it (from the wake-up to the end of publishing). */
  readonly cycleMs: number;
  /** CPU time (user + system) of the watch process from the write to the summary line (10 ms ticks: /proc). */
  readonly cpuMs: number;
}

/** What {@link benchWatch} measured. */
export interface WatchFigures {
  /** The first edit after the start (the compiler's entries not made yet: every table of the edit compiled fresh). */
  readonly first: WatchEdit;
  /** The median (by wall time) of the edits after the warm-up ones. */
  readonly edit: WatchEdit;
  /** Every edit, in order. */
  readonly edits: readonly WatchEdit[];
  /** RSS of the watch process after every edit, and its peak (VmHWM). */
  readonly rssMiB: number;
  readonly peakRssMiB: number;
  /** How many edits it took. */
  readonly cycles: number;
}

/** CPU ticks (user + system) of a process, from /proc (Linux; NaN elsewhere). */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

function statusMiB(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * `kfaas watch` on `root` (already synthed) as a real process: `cycles` edits by `edit` (each a real change, written
 * once the previous cycle's summary line was printed), each timed from its write to its summary line. The
 * median is over the edits after `warmUp` (the first compiles every table of the edit with no entries kept yet).
 */
export async function benchWatch(kfaas: string, root: string, edit: () => void, cycles: number, warmUp = 2): Promise<WatchFigures> {
  const child = spawn(process.execPath, [kfaas, 'watch', '--root', root], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let wake: (() => void) | undefined;
  child.stdout.setEncoding('utf8').on('data', (d: string) => ((out += d), wake?.()));
  child.stderr.setEncoding('utf8').on('data', (d: string) => ((err += d), wake?.()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const until = (test: () => boolean): Promise<void> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kfaas: no progress within 60 s\n${out}\n${err}`)), 60_000);
    wake = () => {
      if (!test()) return;
      clearTimeout(timer);
      wake = undefined;
      resolve();
    };
    wake();
  });
  const summaries = (): RegExpMatchArray[] => [...out.matchAll(/ in (\d+) ms\n/g)];
  try {
    await until(() => err.includes('kfaas: watching'));
    const edits: WatchEdit[] = [];
    for (let i = 0; i < cycles; i++) {
      const before = summaries().length;
      const cpu = cpuMsOf(child.pid!);
      const start = performance.now();
      edit();
      await until(() => summaries().length > before);
      const wallMs = Math.round(performance.now() - start);
      edits.push({ wallMs, cycleMs: Number(summaries()[before][1]), cpuMs: cpuMsOf(child.pid!) - cpu });
    }
    const rssMiB = statusMiB(child.pid!, 'VmRSS');
    const peakRssMiB = statusMiB(child.pid!, 'VmHWM');
    const warm = edits.slice(Math.min(warmUp, edits.length - 1));
    const edit50 = [...warm].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(warm.length / 2)];
    return { first: edits[0], edit: edit50, edits, rssMiB, peakRssMiB, cycles };
  } finally {
    child.kill('SIGINT');
    const code = await exited;
    if (code !== 0) throw new Error(`kfaas watch ended with ${code}\n${err}`);
  }
}
