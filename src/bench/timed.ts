import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const HOOK = join(__dirname, 'rusage-hook.js');

/** Wall time, peak RSS and exit status of one child process. */
export interface RunFigures {
  readonly wallMs: number;
  readonly peakRssMiB: number;
  readonly exitCode: number;
  /** CPU time (user + system) of the process itself: comparable on a loaded machine, unlike wall time. */
  readonly cpuMs: number;
}

/** Runs `node <args>` as a separate process with the rusage hook; figures rounded to 0.1. */
export function timedNode(
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): RunFigures & { stdout: string; stderr: string } {
  const rusageFile = join(mkdtempSync(join(tmpdir(), 'kfaas-rusage-')), 'rusage.json');
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', HOOK, ...args], {
    env: { ...process.env, ...opts.env, KFAAS_RUSAGE_FILE: rusageFile },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  let peakRssMiB = NaN;
  let cpuMs = NaN;
  try {
    const usage = JSON.parse(readFileSync(rusageFile, 'utf8')) as { maxRssKiB: number; cpuMicros: number };
    peakRssMiB = usage.maxRssKiB / 1024;
    cpuMs = usage.cpuMicros / 1000;
  } catch {
    // the process died before its exit hook ran; reported as NaN
  }
  return { wallMs: round(wallMs), peakRssMiB: round(peakRssMiB), cpuMs: round(cpuMs), exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
