import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { loadavg, tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import { loadAll } from 'js-yaml';
import { generateProject } from './generate';
import { listFiles } from '../util/list-files';
import { CACHE_DIR } from '../cache/synth-cache';

/**
 * `npm run bench`: measures the real `kfaas synth` (a separate process) on synthetic projects of 700 (S) and
 * 7,000 (L) routes against a floor program that only reads the inputs and writes the same bytes with js-yaml.
 * Prints a table and writes bench-results/bench.json. Not part of the test suite.
 *
 * Options: `--tier S|L|all` (default all), `--keep` (keep the temporary projects).
 */
const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');
const KFAAS = join(PROJECT_ROOT, 'bin', 'kfaas');
const HOOK = join(__dirname, 'rusage-hook.js');
const FLOOR = join(__dirname, 'floor.js');

interface RunFigures {
  readonly wallMs: number;
  /** CPU time, user + system (what a shared machine's load does not inflate). */
  readonly cpuMs: number;
  readonly peakRssMiB: number;
  readonly exitCode: number;
}

/** Full synths and floors alternated in the same run: each run's figures, and the medians. */
interface Rounds {
  readonly synthCpuMs: readonly number[];
  readonly floorCpuMs: readonly number[];
  readonly synthWallMs: readonly number[];
  readonly floorWallMs: readonly number[];
  /** Median synth CPU time over median floor CPU time. */
  readonly cpuRatio: number;
  /** The same for wall time. */
  readonly wallRatio: number;
  /** Load average (1 minute) before and after the rounds. */
  readonly load: readonly [number, number];
}

interface TierFigures {
  readonly tier: string;
  readonly routes: number;
  readonly inputFiles: number;
  readonly synth: RunFigures;
  readonly floor: RunFigures;
  /** Median synth CPU time over median floor CPU time (rounds). */
  readonly synthOverFloor: number;
  readonly rounds: Rounds;
  readonly rerun: RunFigures & { readonly filesRewritten: number; readonly fractionOfFullSynth: number };
  readonly outputFiles: number;
  readonly folders: number;
  readonly maxObjectsPerFolder: number;
  readonly largestObjectBytes: number;
  readonly largestObjectFile: string;
  readonly floorOutputIdentical: boolean;
  readonly kustomize: { readonly folder: string; readonly wallMs: number; readonly runsMs: readonly number[]; readonly skipped?: string };
}

function timed(args: readonly string[], env: NodeJS.ProcessEnv = {}): RunFigures & { stdout: string; stderr: string } {
  const rusageFile = join(mkdtempSync(join(tmpdir(), 'kfaas-rusage-')), 'rusage.json');
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', HOOK, ...args], {
    env: { ...process.env, ...env, KFAAS_RUSAGE_FILE: rusageFile },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  let peakRssMiB = NaN;
  let cpuMs = NaN;
  try {
    const usage = JSON.parse(readFileSync(rusageFile, 'utf8'));
    peakRssMiB = usage.maxRssKiB / 1024;
    cpuMs = usage.cpuMicros / 1000;
  } catch {
    // the process died before its exit hook ran; reported as NaN
  }
  return { wallMs: round(wallMs), cpuMs: round(cpuMs), peakRssMiB: round(peakRssMiB), exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * `runs` full synths (no dist/, no cache) and floors, alternated so that both sides see the same machine load;
 * the first pair is the one already run.
 */
function alternate(root: string, dist: string, floorArgs: readonly string[], floorOut: string, first: [RunFigures, RunFigures], runs: number): Rounds {
  const synths = [first[0]];
  const floors = [first[1]];
  const load0 = loadavg()[0];
  for (let i = 1; i < runs; i++) {
    rmSync(dist, { recursive: true, force: true });
    rmSync(join(root, CACHE_DIR), { recursive: true, force: true });
    const s = timed([KFAAS, 'synth', '--root', root, '--out', dist]);
    if (s.exitCode !== 0) throw new Error(`kfaas synth failed (${s.exitCode}):\n${s.stderr.slice(0, 4000)}`);
    synths.push(s);
    rmSync(floorOut, { recursive: true, force: true });
    floors.push(timed(floorArgs));
  }
  const cpu = (r: RunFigures[]) => r.map((x) => x.cpuMs);
  const wall = (r: RunFigures[]) => r.map((x) => x.wallMs);
  return {
    synthCpuMs: cpu(synths), floorCpuMs: cpu(floors), synthWallMs: wall(synths), floorWallMs: wall(floors),
    cpuRatio: Number((median(cpu(synths)) / median(cpu(floors))).toFixed(2)),
    wallRatio: Number((median(wall(synths)) / median(wall(floors))).toFixed(2)),
    load: [round(load0), round(loadavg()[0])],
  };
}

function runTier(tier: string, routes: number, keep: boolean, pairs: number): TierFigures {
  const root = mkdtempSync(join(tmpdir(), `kfaas-bench-${tier}-`));
  const generated = generateProject(root, routes);
  const dist = join(root, 'dist');

  const synth = timed([KFAAS, 'synth', '--root', root, '--out', dist]);
  if (synth.exitCode !== 0) throw new Error(`kfaas synth failed (${synth.exitCode}):\n${synth.stderr.slice(0, 4000)}`);

  // Ownership records (dot files) are kfaas's bookkeeping, not rendered objects.
  const files = listFiles(dist)
    .filter((f) => !f.split('/').some((s) => s.startsWith('.')))
    .map((f) => join(dist, f));
  const mtimes = new Map(files.map((f) => [f, statSync(f).mtimeMs]));
  const rerun = timed([KFAAS, 'synth', '--root', root, '--out', dist]);
  // The same files as before the re-run (a record missing from `mtimes` would count as rewritten).
  const filesRewritten = files.filter((f) => statSync(f).mtimeMs !== mtimes.get(f)).length;

  // Objects per folder, largest object, and the floor's input (output objects as JSON).
  const perFolder = new Map<string, number>();
  let largestObjectBytes = 0;
  let largestObjectFile = '';
  const floorFiles: { path: string; header: string; objects: unknown[] }[] = [];
  for (const f of files) {
    const rel = relative(dist, f);
    const text = readFileSync(f, 'utf8');
    const headerLines = text.match(/^(#[^\n]*\n)*/)?.[0] ?? '';
    const objects = loadAll(text) as unknown[];
    floorFiles.push({ path: rel, header: headerLines, objects });
    const folder = rel.split('/').slice(0, 2).join('/');
    if (!rel.endsWith('kustomization.yaml')) {
      perFolder.set(folder, (perFolder.get(folder) ?? 0) + objects.length);
      const bytes = Buffer.byteLength(text);
      if (objects.length === 1 && bytes > largestObjectBytes) {
        largestObjectBytes = bytes;
        largestObjectFile = rel;
      }
    }
  }
  const objectsJson = join(root, 'floor-objects.json');
  writeFileSync(objectsJson, JSON.stringify(floorFiles));
  const floorOut = join(root, 'floor-out');
  const floorArgs = [FLOOR, root, objectsJson, floorOut];
  const floor = timed(floorArgs);
  const floorOutputIdentical = files.every((f) => {
    const rel = relative(dist, f);
    try {
      return readFileSync(join(floorOut, rel)).equals(readFileSync(f));
    } catch {
      return false;
    }
  });

  const rounds = alternate(root, dist, floorArgs, floorOut, [synth, floor], pairs);

  // kubectl kustomize on the folder with the most bytes.
  const bytesPerFolder = new Map<string, number>();
  for (const f of files) {
    const folder = relative(dist, f).split('/').slice(0, 2).join('/');
    bytesPerFolder.set(folder, (bytesPerFolder.get(folder) ?? 0) + statSync(f).size);
  }
  const largestFolder = [...bytesPerFolder.entries()].sort((a, b) => b[1] - a[1])[0][0];
  // Median of three builds: one process start each, as Argo CD and Flux pay it.
  let kustomize: TierFigures['kustomize'];
  const runs: number[] = [];
  let failure: string | undefined;
  for (let i = 0; i < 3 && failure === undefined; i++) {
    const kStart = process.hrtime.bigint();
    const k = spawnSync('kubectl', ['kustomize', join(dist, largestFolder)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    runs.push(Number(process.hrtime.bigint() - kStart) / 1e6);
    if (k.error) failure = `kubectl not runnable: ${k.error.message}`;
    else if (k.status !== 0) throw new Error(`kubectl kustomize ${largestFolder} failed: ${k.stderr}`);
  }
  if (failure) kustomize = { folder: largestFolder, wallMs: NaN, runsMs: [], skipped: failure };
  else kustomize = { folder: largestFolder, wallMs: round([...runs].sort((a, b) => a - b)[1]), runsMs: runs.map(round) };

  if (!keep) rmSync(root, { recursive: true, force: true });
  return {
    tier,
    routes,
    inputFiles: generated.files,
    synth: { wallMs: median(rounds.synthWallMs), cpuMs: median(rounds.synthCpuMs), peakRssMiB: synth.peakRssMiB, exitCode: synth.exitCode },
    floor: { wallMs: median(rounds.floorWallMs), cpuMs: median(rounds.floorCpuMs), peakRssMiB: floor.peakRssMiB, exitCode: floor.exitCode },
    synthOverFloor: rounds.cpuRatio,
    rounds,
    rerun: {
      wallMs: rerun.wallMs,
      cpuMs: rerun.cpuMs,
      peakRssMiB: rerun.peakRssMiB,
      exitCode: rerun.exitCode,
      filesRewritten,
      fractionOfFullSynth: Number((rerun.wallMs / synth.wallMs).toFixed(3)),
    },
    outputFiles: files.length,
    folders: perFolder.size,
    maxObjectsPerFolder: Math.max(...perFolder.values()),
    largestObjectBytes,
    largestObjectFile,
    floorOutputIdentical,
    kustomize,
  };
}

/** The targets of issue 4, checked against the figures. */
function verdicts(t: TierFigures): string[] {
  const checks: [string, boolean][] = [
    [`synth ${t.synth.wallMs} ms <= ${t.tier === 'L' ? '15000' : '3000'} ms`, t.synth.wallMs <= (t.tier === 'L' ? 15000 : 3000)],
    [`peak RSS ${t.synth.peakRssMiB} MiB <= 1024 MiB`, t.synth.peakRssMiB <= 1024],
    [`no-change re-run rewrote ${t.rerun.filesRewritten} files (0)`, t.rerun.filesRewritten === 0],
    [`every object ${t.largestObjectBytes} B <= 262144 B`, t.largestObjectBytes <= 262144],
    [`objects per folder ${t.maxObjectsPerFolder} <= 50`, t.maxObjectsPerFolder <= 50],
  ];
  if (t.tier === 'L') {
    checks.push([`synth/floor ${t.synthOverFloor} <= 1.5`, t.synthOverFloor <= 1.5]);
    checks.push([`re-run ${t.rerun.fractionOfFullSynth} of full synth <= 0.25`, t.rerun.fractionOfFullSynth <= 0.25]);
    if (!t.kustomize.skipped) checks.push([`kubectl kustomize ${t.kustomize.wallMs} ms <= 2000 ms`, t.kustomize.wallMs <= 2000]);
  }
  return checks.map(([what, ok]) => `${ok ? 'ok  ' : 'MISS'} ${what}`);
}

function main(argv: readonly string[]): number {
  const tierArg = argv.includes('--tier') ? argv[argv.indexOf('--tier') + 1] : 'all';
  const keep = argv.includes('--keep');
  const runs = argv.includes('--runs') ? Number(argv[argv.indexOf('--runs') + 1]) : 3;
  const tiers: [string, number][] = [
    ['S', 700],
    ['L', 7000],
  ];
  const results: TierFigures[] = [];
  for (const [tier, routes] of tiers) {
    if (tierArg !== 'all' && tierArg !== tier) continue;
    const r = runTier(tier, routes, keep, runs);
    results.push(r);
    process.stdout.write(
      [
        `tier ${r.tier}: ${r.routes} routes, ${r.inputFiles} input files -> ${r.folders} folders, ${r.outputFiles} files`,
        `  synth         ${r.synth.wallMs} ms wall, ${r.synth.cpuMs} ms CPU (median of ${r.rounds.synthCpuMs.join(', ')}), peak RSS ${r.synth.peakRssMiB} MiB`,
        `  floor         ${r.floor.wallMs} ms wall, ${r.floor.cpuMs} ms CPU (median of ${r.rounds.floorCpuMs.join(', ')}), peak RSS ${r.floor.peakRssMiB} MiB (same bytes: ${r.floorOutputIdentical})`,
        `  synth/floor   ${r.synthOverFloor} by CPU time, ${r.rounds.wallRatio} by wall time (alternated, load ${r.rounds.load.join(' -> ')})`,
        `  re-run        ${r.rerun.wallMs} ms (${r.rerun.fractionOfFullSynth} of full), ${r.rerun.filesRewritten} files rewritten`,
        `  objects       max ${r.maxObjectsPerFolder} per folder, largest ${r.largestObjectBytes} B (${r.largestObjectFile})`,
        `  kustomize     ${r.kustomize.skipped ?? `${r.kustomize.wallMs} ms median of ${r.kustomize.runsMs.join(', ')}`} (${r.kustomize.folder})`,
        ...verdicts(r).map((v) => `  ${v}`),
        '',
      ].join('\n'),
    );
  }
  const outDir = join(PROJECT_ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'bench.json'), JSON.stringify({ node: process.version, results }, null, 2) + '\n');
  process.stdout.write(`figures written to ${relative(process.cwd(), join(outDir, 'bench.json'))}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
