import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import { listFiles } from '../util/list-files';
import { Churn, measureChurn } from './churn';
import { generateProject } from './generate';
import { timedNode } from './timed';

/**
 * Output churn of one-route changes at tier L (7,000 routes, 6 clusters x 3 environments): after a full synth,
 * one route is added, one removed, one edited (its timeout) and one moved (its prefix), each followed by a real
 * `kfaas synth`, and the rendered trees compared (churn.ts). Target: only the route's own objects are rewritten
 * (plus kustomization.yaml where an object appears or disappears), 0 renamed. Figures to bench-results/churn.json.
 */
const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');
const KFAAS = join(PROJECT_ROOT, 'bin', 'kfaas');

interface Step {
  readonly change: string;
  /** The changed route's name. */
  readonly route: string;
  readonly apply: (root: string) => void;
}

/** Route `i` of the generated project (see generate.ts: team `i % 50`, name `<team>-svc-<i>`). */
function routeFile(root: string, i: number): { path: string; name: string } {
  const team = `team-${String(i % 50).padStart(2, '0')}`;
  return { path: join(root, 'routes', team, `r${i}.yaml`), name: `${team}-svc-${i}` };
}

function replaceIn(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${path} has no ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

const STEPS: readonly Step[] = [
  {
    change: 'add /faas/api/team-00/aaa/ (team-00)',
    route: 'team-00-aaa',
    apply: (root) => writeFileSync(join(root, 'routes', 'team-00', 'aaa.yaml'),
      'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: team-00-aaa\nspec:\n  match:\n    - prefix: /faas/api/team-00/aaa/\n'),
  },
  { change: 'remove team-17-svc-3517', route: routeFile('', 3517).name, apply: (root) => unlinkSync(routeFile(root, 3517).path) },
  {
    change: 'edit the timeout of team-22-svc-2222',
    route: routeFile('', 2222).name,
    apply: (root) => replaceIn(routeFile(root, 2222).path, 'timeout: 4s', 'timeout: 9s'),
  },
  {
    change: 'move team-44-svc-4444 to another prefix',
    route: routeFile('', 4444).name,
    apply: (root) => replaceIn(routeFile(root, 4444).path, 'prefix: /faas/api/team-44/svc-4444/', 'prefix: /faas/api/team-44/svc-4444-v2/'),
  },
];

/** The rendered tree without kfaas's bookkeeping (dot files). */
function readTree(dist: string): Map<string, string> {
  return new Map(listFiles(dist).filter((f) => !f.split('/').some((s) => s.startsWith('.'))).map((f) => [f, readFileSync(join(dist, f), 'utf8')]));
}

function synth(root: string): void {
  const r = timedNode([KFAAS, 'synth', '--root', root, '--out', join(root, 'dist')]);
  if (r.exitCode !== 0) throw new Error(`kfaas synth failed (${r.exitCode}):\n${r.stderr.slice(0, 4000)}`);
}

function main(argv: readonly string[]): number {
  const routes = argv.includes('--routes') ? Number(argv[argv.indexOf('--routes') + 1]) : 7000;
  const root = mkdtempSync(join(tmpdir(), 'kfaas-bench-churn-'));
  generateProject(root, routes);
  synth(root);
  let tree = readTree(join(root, 'dist'));
  const folders = new Set([...tree.keys()].map((p) => p.split('/').slice(0, 2).join('/')).filter((f) => !f.startsWith('_') && !f.endsWith('/platform')));
  const results: (Churn & { change: string })[] = [];
  const lines = [`churn: ${routes} routes, ${folders.size} environment folders, ${tree.size} files; one change at a time`];
  for (const step of STEPS) {
    step.apply(root);
    synth(root);
    const next = readTree(join(root, 'dist'));
    const churn = measureChurn(tree, next, step.route);
    results.push({ change: step.change, ...churn });
    const ok = churn.objectsRenamed === 0 && churn.objectsWithoutTheRoute === 0;
    lines.push(
      `  ${step.change}: ${churn.filesRewritten} files rewritten (${churn.kustomizationsRewritten} kustomization.yaml), ` +
        `${churn.objectsCreated} created, ${churn.objectsDeleted} deleted, ${churn.objectsRenamed} renamed, ` +
        `${churn.objectsWithoutTheRoute} without the route`,
      `  ${ok ? 'ok  ' : 'MISS'} only the route's own objects, 0 renames`,
    );
    tree = next;
  }
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(lines.join('\n') + '\n');
  const outDir = join(PROJECT_ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'churn.json'), JSON.stringify({ node: process.version, routes, results }, null, 2) + '\n');
  process.stdout.write(`figures written to ${relative(process.cwd(), join(outDir, 'churn.json'))}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
