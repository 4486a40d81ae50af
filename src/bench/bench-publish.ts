import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { generateProject } from './generate';
import { runPipeline } from '../pipeline';
import { PublishPhase, publishTree } from '../publish/publish';

/**
 * `node lib/src/bench/bench-publish.js [--routes N] [--runs N]`: what atomic publishing itself costs at tier L
 * (7,000 routes, 6 clusters x 3 environments), in process, by phase: plan (lock, scan, ownership records read),
 * stage (every changed unit written complete, unchanged files hard-linked, records written), commit (records
 * ahead, exchanges, renames, final records: one Perl process with renameat2, or three renames per unit in the
 * fallback), clean-up. CPU time is this process's user+system plus that of the children it waited for (the Perl
 * helper), from /proc/self/stat; wall time is reported beside it. Each scenario runs `--runs` times (default 3)
 * in each exchange mode, alternating the modes, and the median by CPU time is kept. Also measures the fallback's
 * window (one rename(2) of a unit folder: the time a unit is missing). Writes bench-results/bench-publish.json.
 */
const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');
const PHASES: readonly PublishPhase[] = ['plan', 'stage', 'commit', 'clean-up'];

interface Clock {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** This process's CPU time plus its waited-for children's (fields 14-17 of /proc/self/stat, in clock ticks). */
function clock(): Clock {
  const own = process.cpuUsage();
  let childrenMs = 0;
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // after "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at indexes 13 and 14; USER_HZ is 100
    childrenMs = (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    // not Linux: children's CPU time is left out
  }
  return { wallMs: Number(process.hrtime.bigint()) / 1e6, cpuMs: (own.user + own.system) / 1000 + childrenMs };
}

type PhaseFigures = Record<PublishPhase | 'total', Clock>;

function timedPublish(out: string, tree: ReadonlyMap<string, string>, emulate: boolean, root: string): PhaseFigures {
  const marks: [PublishPhase | 'start', Clock][] = [['start', clock()]];
  publishTree(out, tree, { projectRoot: root, emulateExchange: emulate, onPhase: (phase) => marks.push([phase, clock()]) });
  const figures = {} as Record<string, Clock>;
  for (let i = 1; i < marks.length; i++) {
    const [phase, at] = marks[i];
    const before = marks[i - 1][1];
    figures[phase] = { wallMs: round(at.wallMs - before.wallMs), cpuMs: round(at.cpuMs - before.cpuMs) };
  }
  const last = marks[marks.length - 1][1];
  figures.total = { wallMs: round(last.wallMs - marks[0][1].wallMs), cpuMs: round(last.cpuMs - marks[0][1].cpuMs) };
  for (const p of PHASES) figures[p] ??= { wallMs: 0, cpuMs: 0 };
  return figures as PhaseFigures;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function medianByCpu(runs: readonly PhaseFigures[]): PhaseFigures {
  return [...runs].sort((a, b) => a.total.cpuMs - b.total.cpuMs)[Math.floor(runs.length / 2)];
}

/** Every YAML file with one more comment line: every unit changes, as after a change that touches all folders. */
function revised(tree: ReadonlyMap<string, string>, revision: number): Map<string, string> {
  return new Map([...tree].map(([path, text]) => [path, /\.ya?ml$/.test(path) ? `${text}# revision ${revision}\n` : text]));
}

/** Median and largest time of one rename(2) of a unit folder, in microseconds: the fallback's missing-unit window. */
function renameWindow(out: string, units: readonly string[]): { medianMicros: number; maxMicros: number; samples: number } {
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const unit of units) {
      const from = join(out, unit);
      const aside = `${from}.aside`;
      const start = process.hrtime.bigint();
      renameSync(from, aside);
      times.push(Number(process.hrtime.bigint() - start) / 1000);
      renameSync(aside, from);
    }
  }
  times.sort((a, b) => a - b);
  return { medianMicros: round(times[Math.floor(times.length / 2)]), maxMicros: round(times[times.length - 1]), samples: times.length };
}

function main(argv: readonly string[]): number {
  const routes = argv.includes('--routes') ? Number(argv[argv.indexOf('--routes') + 1]) : 7000;
  const runs = argv.includes('--runs') ? Number(argv[argv.indexOf('--runs') + 1]) : 3;
  const root = mkdtempSync(join(tmpdir(), 'kfaas-bench-publish-'));
  try {
    generateProject(root, routes);
    const rendered = runPipeline({ root, write: false });
    if (!rendered.tree) throw new Error(`the generated project does not render: ${rendered.diagnostics.slice(0, 3).map((d) => d.message).join('; ')}`);
    const tree = rendered.tree;
    const units = [...new Set([...tree.keys()].filter((p) => p.endsWith('/kustomization.yaml')).map((p) => p.slice(0, -'/kustomization.yaml'.length)))];
    const bytes = [...tree.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);
    const names = ['new folder', 'every unit changed', 'no change'];
    const samples: Record<string, Record<string, PhaseFigures[]>> = Object.fromEntries(names.map((s) => [s, { renameat2: [], emulated: [] }]));
    let revision = 0;
    for (let i = 0; i < runs; i++) {
      for (const mode of (i % 2 === 0 ? ['renameat2', 'emulated'] : ['emulated', 'renameat2']) as ('renameat2' | 'emulated')[]) {
        const emulate = mode === 'emulated';
        const out = join(root, `dist-${mode}-${i}`);
        samples['new folder'][mode].push(timedPublish(out, tree, emulate, root));
        samples['every unit changed'][mode].push(timedPublish(out, revised(tree, ++revision), emulate, root));
        samples['no change'][mode].push(timedPublish(out, revised(tree, revision), emulate, root));
        rmSync(out, { recursive: true, force: true });
      }
    }
    const scenarios = Object.fromEntries(names.map((s) => [s, { renameat2: medianByCpu(samples[s].renameat2), emulated: medianByCpu(samples[s].emulated) }]));
    const windowOut = join(root, 'dist-window');
    publishTree(windowOut, tree, { projectRoot: root });
    const window = renameWindow(windowOut, units);
    const result = { routes, files: tree.size, megabytes: round(bytes / 1e6), units: units.length, runs, scenarios, fallbackWindow: window };
    console.log(`tier: ${routes} routes, ${tree.size} files (${result.megabytes} MB) in ${units.length} units; median of ${runs} by CPU time`);
    console.log('scenario | mode | plan | stage | commit | clean-up | total (CPU ms / wall ms)');
    for (const [s, byMode] of Object.entries(scenarios)) {
      for (const [mode, f] of Object.entries(byMode)) {
        console.log(`${s} | ${mode} | ${[...PHASES, 'total' as const].map((p) => `${f[p].cpuMs} / ${f[p].wallMs}`).join(' | ')}`);
      }
    }
    console.log(`fallback window (one rename(2) of a unit folder): median ${window.medianMicros} us, max ${window.maxMicros} us over ${window.samples}`);
    mkdirSync(join(PROJECT_ROOT, 'bench-results'), { recursive: true });
    writeFileSync(join(PROJECT_ROOT, 'bench-results', 'bench-publish.json'), `${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv.slice(2));
