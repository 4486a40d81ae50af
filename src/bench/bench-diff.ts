import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import { generateProject } from './generate';
import { RunFigures, timedNode } from './timed';

/**
 * `kfaas diff` benchmark at tier L (7,000 routes, 6 clusters x 3 environments): a git repository whose committed
 * `dist/` is the base, and four pull requests on top of it: one route edited (timeout), one added, one removed,
 * and one cluster's Istio version bumped (every folder of that cluster re-rendered). Each `kfaas diff --base HEAD`
 * is timed against a full synth (`--no-cache`, into an empty folder) in the same round, alternating, median of
 * three. Target (issue 9): diff <= 2.5x one full synth. CPU time is reported beside wall time, since wall time
 * means little on a loaded machine. Options: `--routes N` (default 7000), `--rounds N` (default 3).
 */
const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');
const KFAAS = join(PROJECT_ROOT, 'bin', 'kfaas');
const TARGET_RATIO = 2.5;

interface Change {
  readonly name: string;
  /** Applies the change to the project's working tree. */
  readonly apply: (root: string) => void;
}

const CHANGES: readonly Change[] = [
  {
    name: 'edit one route (timeout)',
    apply: (root) => rewrite(join(root, 'routes', 'team-00', 'r0.yaml'), (t) => t.replace(/timeout: \S+/, 'timeout: 7s')),
  },
  {
    name: 'add one route',
    apply: (root) =>
      writeFileSync(
        join(root, 'routes', 'team-00', 'aaa.yaml'),
        'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: team-00-aaa\nspec:\n  match:\n    - prefix: /faas/api/team-00/aaa/\n  rewrite:\n    uri: /\n',
      ),
  },
  { name: 'remove one route', apply: (root) => unlinkSync(join(root, 'routes', 'team-00', 'r100.yaml')) },
  {
    name: 'bump one cluster (Istio 1.12 -> 1.22)',
    apply: (root) => rewrite(join(root, 'clusters', 'cn-hz-test.yaml'), (t) => t.replace('istio: "1.12.9"', 'istio: "1.22.6"')),
  },
];

function rewrite(file: string, edit: (text: string) => string): void {
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`bench-diff: the change did not apply to ${file}`);
  writeFileSync(file, after);
}

function git(root: string, args: readonly string[]): void {
  const r = spawnSync('git', ['-c', 'user.email=bench@kfaas', '-c', 'user.name=bench', ...args], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

function median(runs: readonly RunFigures[], key: 'wallMs' | 'cpuMs' | 'peakRssMiB'): number {
  return [...runs].map((r) => r[key]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
}

interface CaseFigures {
  readonly change: string;
  readonly summary: unknown;
  readonly diff: { wallMs: number; cpuMs: number; peakRssMiB: number; runsWallMs: number[] };
  readonly synth: { wallMs: number; cpuMs: number; peakRssMiB: number; runsWallMs: number[] };
  readonly ratioWall: number;
  readonly ratioCpu: number;
}

function main(argv: readonly string[]): number {
  const routes = argv.includes('--routes') ? Number(argv[argv.indexOf('--routes') + 1]) : 7000;
  const rounds = argv.includes('--rounds') ? Number(argv[argv.indexOf('--rounds') + 1]) : 3;
  const root = mkdtempSync(join(tmpdir(), 'kfaas-bench-diff-'));
  generateProject(root, routes);
  git(root, ['init', '-q']);
  const first = timedNode([KFAAS, 'synth', '--no-cache', '--root', root]);
  if (first.exitCode !== 0) throw new Error(`kfaas synth failed:\n${first.stderr.slice(0, 4000)}`);
  git(root, ['add', '-A']);
  git(root, ['commit', '-qm', 'base']);

  const cases: CaseFigures[] = [];
  for (const change of CHANGES) {
    change.apply(root);
    const synths: RunFigures[] = [];
    const diffs: (RunFigures & { stdout: string })[] = [];
    for (let i = 0; i < rounds; i++) {
      const out = mkdtempSync(join(tmpdir(), 'kfaas-bench-diff-out-'));
      synths.push(timedNode([KFAAS, 'synth', '--no-cache', '--root', root, '--out', join(out, 'dist')]));
      rmSync(out, { recursive: true, force: true });
      diffs.push(timedNode([KFAAS, 'diff', '--base', 'HEAD', '--format', 'json'], { cwd: root }));
    }
    const failed = [...synths, ...diffs].find((r) => r.exitCode !== 0);
    if (failed) throw new Error(`bench-diff: a run failed (exit ${failed.exitCode})`);
    const summary = (JSON.parse(diffs[0].stdout) as { summary: unknown }).summary;
    const fig = (runs: readonly RunFigures[]) => ({
      wallMs: median(runs, 'wallMs'),
      cpuMs: median(runs, 'cpuMs'),
      peakRssMiB: median(runs, 'peakRssMiB'),
      runsWallMs: runs.map((r) => r.wallMs),
    });
    const diff = fig(diffs);
    const synth = fig(synths);
    cases.push({
      change: change.name,
      summary,
      diff,
      synth,
      ratioWall: Math.round((diff.wallMs / synth.wallMs) * 100) / 100,
      ratioCpu: Math.round((diff.cpuMs / synth.cpuMs) * 100) / 100,
    });
    git(root, ['checkout', '-q', '--', '.']);
    git(root, ['clean', '-qfd', 'routes']);
  }

  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const lines = [`diff: ${routes} routes, 6 clusters x 3 environments, median of ${rounds} (load average at the end: ${load})`];
  for (const c of cases) {
    const flag = (ratio: number) => (ratio <= TARGET_RATIO ? 'ok  ' : 'MISS');
    lines.push(
      `  ${c.change}: diff ${c.diff.wallMs} ms (CPU ${c.diff.cpuMs} ms, peak RSS ${c.diff.peakRssMiB} MiB), ` +
        `full synth ${c.synth.wallMs} ms (CPU ${c.synth.cpuMs} ms, peak RSS ${c.synth.peakRssMiB} MiB)`,
      `    ${flag(c.ratioWall)} diff / synth wall ${c.ratioWall} <= ${TARGET_RATIO}; ${flag(c.ratioCpu)} CPU ${c.ratioCpu} <= ${TARGET_RATIO}`,
      `    ${JSON.stringify(c.summary)}`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  const outDir = join(PROJECT_ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'diff.json'), JSON.stringify({ node: process.version, routes, rounds, load, cases }, null, 2) + '\n');
  process.stdout.write(`figures written to ${relative(process.cwd(), join(outDir, 'diff.json'))}\n`);
  rmSync(root, { recursive: true, force: true });
  return 0;
}

process.exitCode = main(process.argv.slice(2));
