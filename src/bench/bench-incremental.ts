import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import { loadAll } from 'js-yaml';
import { generateProject } from './generate';
import { RunFigures, timedNode } from './timed';
import { ClusterEdit, clusterEditRuns } from './cluster-edits';
import { listFiles } from '../util/list-files';
import { benchWatch, WatchFigures } from './bench-watch';

/**
 * `npm run bench` (part 2): what a one-route edit costs at tier L (7,000 routes, 6 clusters x 3 environments),
 * with the cache an earlier synth left (src/cache), against a full synth and the js-yaml floor.
 *
 * - full synth (no output folder, no cache) and the floor, alternated, median of three; peak RSS of the synths;
 * - `kfaas synth` after editing one route's prefix (the route lands in all 18 environments), median of three;
 * - `kfaas synth --check` and `kfaas explain` after such an edit (then a synth brings dist/ up to date again);
 * - `kfaas synth` after editing a route that lands in one environment only;
 * - `kfaas synth` after cluster-file edits (cluster-edits.ts): an Istio patch release of the same profile, a comment,
 *   an environment dropped and added back, median of three each, with the files written;
 * - `kfaas watch` (one process for the whole run): the same one-route edit, timed from the write to the summary line,
 *   median of the `--runs` edits after two warm-up ones; with `--watch-cycles N`, N edits in all (default runs + 2),
 *   and its RSS after them (bench-watch.ts);
 * - tier S: full synth, median of three.
 * Each kfaas run is a separate process with `KFAAS_TIMINGS=1`, which prints where its time went. Writes
 * bench-results/bench-incremental.json. Options: `--tier S|L|all` (default all), `--runs N` (default 3; the
 * median of N: on a machine too loaded for three, 1 gives one of each, CPU times stay telling).
 */
const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');
const KFAAS = join(PROJECT_ROOT, 'bin', 'kfaas');
const FLOOR = join(__dirname, 'floor.js');

interface Timed extends RunFigures {
  /** Stage timings the run printed (KFAAS_TIMINGS=1). */
  readonly stages: Record<string, number>;
  /** Files the run wrote (`N written`), for a synth. @default - not a synth */
  readonly written?: number;
}

function kfaas(root: string, args: readonly string[], expectCode = 0): Timed {
  const r = timedNode([KFAAS, ...args, '--root', root], { env: { KFAAS_TIMINGS: '1' } });
  if (r.exitCode !== expectCode) throw new Error(`kfaas ${args.join(' ')}: exit ${r.exitCode}, expected ${expectCode}\n${r.stderr.slice(0, 4000)}`);
  const line = r.stderr.split('\n').find((l) => l.startsWith('kfaas timings: ')) ?? '';
  const stages = Object.fromEntries([...line.matchAll(/(\w+) (\d+) ms/g)].map((m) => [m[1], Number(m[2])]));
  const written = /(\d+) written/.exec(r.stdout)?.[1];
  return { wallMs: r.wallMs, peakRssMiB: r.peakRssMiB, cpuMs: r.cpuMs, exitCode: r.exitCode, stages, ...(written !== undefined ? { written: Number(written) } : {}) };
}

function median<T extends RunFigures>(runs: readonly T[]): T {
  return [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)];
}

const EDITED = 'routes/team-05/r5.yaml';
const NARROW = 'routes/team-00/narrow.yaml';

/** Toggles one route's prefix: a real change on every call. */
function editRoute(root: string, file: string): void {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  const edited = text.includes('-edited/') ? text.replace('-edited/', '/') : text.replace(/(prefix: [^\n]*)\/\n/, '$1-edited/\n');
  if (edited === text) throw new Error(`${file}: no prefix to edit`);
  writeFileSync(path, edited);
}

function fullSynth(root: string): Timed {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  rmSync(join(root, '.kfaas-cache'), { recursive: true, force: true });
  return kfaas(root, ['synth']);
}

/** The floor's input: every rendered object as JSON, with each file's header. */
function floorInput(root: string): string {
  const dist = join(root, 'dist');
  const files = listFiles(dist)
    .filter((f) => !f.split('/').some((s) => s.startsWith('.')))
    .map((f) => {
      const text = readFileSync(join(dist, f), 'utf8');
      return { path: f, header: text.match(/^(#[^\n]*\n)*/)?.[0] ?? '', objects: loadAll(text) };
    });
  const path = join(root, 'floor-objects.json');
  writeFileSync(path, JSON.stringify(files));
  return path;
}

interface TierL {
  readonly full: Timed;
  readonly floor: RunFigures;
  readonly fullOverFloor: number;
  readonly peakRssMiB: number;
  readonly edit: Timed;
  readonly editOverFull: number;
  readonly check: Timed;
  readonly explain: Timed;
  readonly narrowEdit: Timed;
  /** Synth after each cluster-file edit (cluster-edits.ts). */
  readonly clusterEdits: Record<ClusterEdit, Timed>;
  readonly watch: WatchFigures;
  readonly runs: Record<string, readonly number[]>;
}

async function tierL(runs: number, watchCycles: number): Promise<TierL> {
  const root = mkdtempSync(join(tmpdir(), 'kfaas-bench-incr-L-'));
  try {
    generateProject(root, 7000);
    mkdirSync(join(root, 'routes', 'team-00'), { recursive: true });
    writeFileSync(join(root, NARROW),
      'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: team-00-narrow\nspec:\n  match:\n    - prefix: /faas/api/team-00/narrow/\n' +
        '  clusters: [cn-hz-test]\n  environments: [alpha]\n');
    const first = fullSynth(root);
    const objects = floorInput(root);
    const fulls: Timed[] = [first];
    const floors: RunFigures[] = [];
    for (let i = 0; i < runs; i++) {
      const floorOut = join(root, `floor-out-${i}`);
      floors.push(timedNode([FLOOR, root, objects, floorOut]));
      rmSync(floorOut, { recursive: true, force: true });
      if (i < runs - 1) fulls.push(fullSynth(root));
    }
    const edits: Timed[] = [];
    const checks: Timed[] = [];
    const explains: Timed[] = [];
    const narrow: Timed[] = [];
    for (let i = 0; i < runs; i++) {
      editRoute(root, EDITED);
      edits.push(kfaas(root, ['synth']));
      editRoute(root, EDITED);
      checks.push(kfaas(root, ['synth', '--check'], 2));
      kfaas(root, ['synth']);
      editRoute(root, EDITED);
      const edited = readFileSync(join(root, EDITED), 'utf8').includes('-edited/');
      explains.push(kfaas(root, ['explain', '--cluster', 'us-west-prod', '--env', 'prod', `/faas/api/team-05/svc-5${edited ? '-edited' : ''}/x`]));
      kfaas(root, ['synth']);
      editRoute(root, NARROW);
      narrow.push(kfaas(root, ['synth']));
    }
    const clusterEdits = clusterEditRuns(root, runs, () => kfaas(root, ['synth']));
    kfaas(root, ['synth']);
    const watch = await benchWatch(KFAAS, root, () => editRoute(root, EDITED), Math.max(watchCycles, runs + 2));
    const full = median(fulls);
    const floor = median(floors);
    const edit = median(edits);
    return {
      full,
      floor,
      fullOverFloor: Number((full.wallMs / floor.wallMs).toFixed(2)),
      peakRssMiB: Math.max(...[...fulls, ...edits, ...checks, ...explains, ...narrow, ...Object.values(clusterEdits).flat()].map((r) => r.peakRssMiB)),
      edit,
      editOverFull: Number((edit.wallMs / full.wallMs).toFixed(3)),
      check: median(checks),
      explain: median(explains),
      narrowEdit: median(narrow),
      clusterEdits: Object.fromEntries(Object.entries(clusterEdits).map(([k, v]) => [k, median(v)])) as Record<ClusterEdit, Timed>,
      watch,
      runs: {
        ...Object.fromEntries(Object.entries(clusterEdits).map(([k, v]) => [k, v.map((r) => r.wallMs)])),
        full: fulls.map((r) => r.wallMs), floor: floors.map((r) => r.wallMs), edit: edits.map((r) => r.wallMs),
        check: checks.map((r) => r.wallMs), explain: explains.map((r) => r.wallMs), narrowEdit: narrow.map((r) => r.wallMs),
      },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function tierS(runs: number): Timed {
  const root = mkdtempSync(join(tmpdir(), 'kfaas-bench-incr-S-'));
  try {
    generateProject(root, 700);
    return median(Array.from({ length: runs }, () => fullSynth(root)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const stages = (t: Timed): string => `cpu ${t.cpuMs} ms; ` + Object.entries(t.stages).map(([k, v]) => `${k} ${v}`).join(', ');

async function main(argv: readonly string[]): Promise<number> {
  const tierArg = argv.includes('--tier') ? argv[argv.indexOf('--tier') + 1] : 'all';
  const runs = argv.includes('--runs') ? Number(argv[argv.indexOf('--runs') + 1]) : 3;
  const watchCycles = argv.includes('--watch-cycles') ? Number(argv[argv.indexOf('--watch-cycles') + 1]) : 0;
  const results: Record<string, unknown> = { node: process.version };
  const lines: string[] = [];
  const verdict = (ok: boolean, what: string): void => {
    lines.push(`  ${ok ? 'ok  ' : 'MISS'} ${what}`);
  };
  if (tierArg === 'all' || tierArg === 'L') {
    const l = await tierL(runs, watchCycles);
    const w = l.watch;
    results.L = l;
    lines.push(
      `incremental, tier L: 7,000 routes, 6 clusters x 3 environments (median of ${runs}; CPU time and ms by stage in brackets)`,
      `  full synth      ${l.full.wallMs} ms [${stages(l.full)}], floor ${l.floor.wallMs} ms: ${l.fullOverFloor}x`,
      `  one-route edit  ${l.edit.wallMs} ms (${l.editOverFull} of full) [${stages(l.edit)}]`,
      `  check after it  ${l.check.wallMs} ms [${stages(l.check)}]`,
      `  explain after   ${l.explain.wallMs} ms [${stages(l.explain)}]`,
      `  narrow edit     ${l.narrowEdit.wallMs} ms (a route in one environment) [${stages(l.narrowEdit)}]`,
      ...Object.entries(l.clusterEdits).map(([k, t]) => `  cluster: ${k.padEnd(16)} ${t.wallMs} ms, ${t.written} written [${stages(t)}]`),
      `  peak RSS        ${l.peakRssMiB} MiB`,
      `  kfaas watch     edit ${w.edit.wallMs} ms from the write (cycle ${w.edit.cycleMs} ms, cpu ${w.edit.cpuMs} ms); ` +
        `first edit ${w.first.wallMs} ms; RSS ${w.rssMiB} MiB after ${w.cycles} edits (peak ${w.peakRssMiB} MiB)`,
    );
    verdict(l.edit.wallMs <= 1000, `one-route edit ${l.edit.wallMs} ms <= 1000 ms`);
    verdict(l.editOverFull <= 0.25, `one-route edit ${l.editOverFull} of full synth <= 0.25`);
    verdict(l.check.wallMs <= 1000, `synth --check after an edit ${l.check.wallMs} ms <= 1000 ms`);
    verdict(l.explain.wallMs <= 1000, `explain after an edit ${l.explain.wallMs} ms <= 1000 ms`);
    verdict(l.fullOverFloor <= 1.5, `full synth / floor ${l.fullOverFloor} <= 1.5`);
    verdict(l.peakRssMiB <= 1024, `peak RSS ${l.peakRssMiB} MiB <= 1024 MiB`);
  }
  if (tierArg === 'all' || tierArg === 'S') {
    const s = tierS(runs);
    results.S = s;
    lines.push(`incremental, tier S: full synth ${s.wallMs} ms [${stages(s)}]`);
    verdict(s.wallMs <= 1000, `tier S full synth ${s.wallMs} ms <= 1000 ms`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  const outDir = join(PROJECT_ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'bench-incremental.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(`figures written to ${relative(process.cwd(), join(outDir, 'bench-incremental.json'))}\n`);
  return 0;
}

main(process.argv.slice(2)).then((code) => (process.exitCode = code), (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
