import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { IncrementalCache } from '../../src/cache/incremental-cache';
import { generateProject } from '../../src/bench/generate';
import { runPipeline, stubRestarts } from '../../src/pipeline';
import { listFiles } from '../../src/util/list-files';

/**
 * Route stubs through the pipeline (pipeline.ts PipelineOptions.stubRoutes, load/route-stubs.ts, route-summaries.ts):
 * after a run that found nothing, a run whose changes are in route files loads the other files' routes as stubs,
 * and gives what a run without a cache gives. Every part of what the summaries are keyed by (each file's content, the
 * held files, the build), a damaged file and a delta over another base make the run load every file's model; a run
 * that finds anything, or reads what a stub does not hold, is done again without stubs before anything is written.
 */
const TOOL = 'test-build';
const SUMMARIES = ['.kfaas-cache', 'route-summaries.json'];
const DELTA = ['.kfaas-cache', 'route-summaries.delta.json'];

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-stubs-'));
  generateProject(root, 120);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function synth(tool = TOOL): { result: ReturnType<typeof runPipeline>; stubbed: number; restarts: number } {
  const before = { ...stubRestarts };
  const cache = IncrementalCache.open(root, tool);
  const result = runPipeline({ root, write: true, cache, stubRoutes: true });
  cache.save();
  return { result, stubbed: stubRestarts.stubbed - before.stubbed, restarts: stubRestarts.count - before.count };
}

/** What a synth without a cache gives for root's inputs: its messages and dist/. */
function scratch(): { messages: string[]; dist: Record<string, string> } {
  const copy = mkdtempSync(join(tmpdir(), 'kfaas-stubs-scratch-'));
  try {
    for (const dir of ['clusters', 'routes']) cpSync(join(root, dir), join(copy, dir), { recursive: true });
    const result = runPipeline({ root: copy, write: true });
    return { messages: result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.location?.file}:${d.location?.line}:${d.location?.col} ${d.message}`), dist: tree(join(copy, 'dist')) };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function tree(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(listFiles(dir).filter((f) => !f.endsWith('.kfaas-published')).map((f) => [f, readFileSync(join(dir, f), 'latin1')]));
}

const ROUTE = join('routes', 'team-01', 'r1.yaml');

/** Turns the prefix of routes/team-01/r1.yaml into another one (each call another). */
let edits = 0;
function editRoute(file = ROUTE): void {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, text.replace(/prefix: (\S+?)\/\n/, (_m, p: string) => `prefix: ${p}-e${++edits}/\n`));
}

function expectAsScratch(result: ReturnType<typeof runPipeline>): void {
  const fresh = scratch();
  expect(result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.location?.file}:${d.location?.line}:${d.location?.col} ${d.message}`)).toEqual(fresh.messages);
  if (fresh.messages.every((m) => !m.startsWith('error'))) expect(tree(join(root, 'dist'))).toEqual(fresh.dist);
}

test('a route edit after a clean synth loads the other files as stubs, writes a small delta, and gives a synth without a cache', () => {
  expect(synth().stubbed).toBe(0); // nothing kept yet
  expect(existsSync(join(root, ...SUMMARIES))).toBe(true);
  const base = readFileSync(join(root, ...SUMMARIES));
  for (let i = 0; i < 3; i++) {
    editRoute();
    const run = synth();
    expect(run).toMatchObject({ stubbed: 1, restarts: 0 });
    expectAsScratch(run.result);
  }
  // the edits wrote the delta, not the whole base again
  expect(readFileSync(join(root, ...SUMMARIES)).equals(base)).toBe(true);
  expect(readFileSync(join(root, ...DELTA)).length).toBeLessThan(base.length / 10);
});

test('each key part: another build, a changed held file (cluster, Team), a new file with a Team, a damaged base, a delta over another base load every model', () => {
  synth();
  editRoute();
  expect(synth('another-build').stubbed).toBe(0);
  synth();
  // a cluster file (held): where routes land may have changed
  appendFileSync(join(root, 'clusters', listFiles(join(root, 'clusters'))[0]), '# a comment\n');
  editRoute();
  expect(synth()).toMatchObject({ stubbed: 0, restarts: 0 });
  // a Team file (held): who owns which paths may have changed
  appendFileSync(join(root, 'routes', 'team-02', 'team.yaml'), '# a comment\n');
  synth();
  editRoute();
  expect(synth().stubbed).toBe(1); // the Team file unchanged since the last clean run
  appendFileSync(join(root, 'routes', 'team-02', 'team.yaml'), '# another comment\n');
  editRoute();
  const afterTeam = synth();
  expect(afterTeam.stubbed).toBe(0);
  expectAsScratch(afterTeam.result);
  // a new file holding a Team document (not held before)
  mkdirSync(join(root, 'routes', 'team-new'));
  writeFileSync(join(root, 'routes', 'team-new', 'team.yaml'), 'apiVersion: kfaas/v1\nkind: Team\nmetadata:\n  name: team-new\nspec:\n  owns:\n    - /faas/api/team-new/\n');
  editRoute();
  const newTeam = synth();
  expect(newTeam.stubbed).toBe(0);
  expectAsScratch(newTeam.result);
  // a damaged base: read as absent
  editRoute();
  synth();
  const basePath = join(root, ...SUMMARIES);
  const bytes = readFileSync(basePath);
  bytes[bytes.length - 10] ^= 1;
  writeFileSync(basePath, bytes);
  editRoute();
  expect(synth().stubbed).toBe(0);
  // a delta over another base: ignored, the base's entries stand alone (each names its file's content)
  editRoute();
  synth();
  editRoute(join('routes', 'team-03', 'r3.yaml'));
  synth();
  const deltaPath = join(root, ...DELTA);
  const delta = readFileSync(deltaPath, 'utf8');
  expect(delta).toContain('team-03/r3.yaml');
  writeFileSync(deltaPath, delta.replace(/"base":"[0-9a-f]+"/, `"base":"${'0'.repeat(64)}"`));
  // (the checksum line is over the body: write a valid one, so only the base it names is wrong)
  const { checkedBytes } = jest.requireActual<typeof import('../../src/cache/checked-json')>('../../src/cache/checked-json');
  writeFileSync(deltaPath, checkedBytes(JSON.parse(delta.slice(delta.indexOf('\n') + 1).replace(/"base":"[0-9a-f]+"/, `"base":"${'0'.repeat(64)}"`))));
  editRoute();
  const overOther = synth();
  expect(overOther.stubbed).toBe(1);
  expectAsScratch(overOther.result);
});

test('a run that finds something is done again without stubs (same messages as without a cache), and stubs come back once it is clean', () => {
  synth();
  const path = join(root, ROUTE);
  const good = readFileSync(path, 'utf8');
  // an error in the edited file: it is not clean, so no stub is made at all
  writeFileSync(path, good.replace('prefix:', 'prefx:'));
  const broken = synth();
  expect(broken.stubbed).toBe(0);
  expectAsScratch(broken.result);
  // a duplicate route name across files: the edited file is clean, but names a route a stub names
  const other = readFileSync(join(root, 'routes', 'team-02', 'r2.yaml'), 'utf8').match(/name: (\S+)/)![1];
  writeFileSync(path, good.replace(/name: \S+/, `name: ${other}`));
  const duplicate = synth();
  expect(duplicate.stubbed).toBe(0);
  expectAsScratch(duplicate.result);
  // a finding only the compile makes (a route matching inside another team's owned prefix): stubs, then done again
  writeFileSync(path, good);
  synth();
  writeFileSync(path, good.replace(/prefix: \/faas\/api\/team-01\//, 'prefix: /faas/api/team-02/'));
  const foreign = synth();
  expect(foreign).toMatchObject({ stubbed: 1, restarts: 1 });
  expect(foreign.result.diagnostics.length).toBeGreaterThan(0);
  expectAsScratch(foreign.result);
  writeFileSync(path, good);
  expect(synth()).toMatchObject({ restarts: 0 });
  editRoute();
  expect(synth()).toMatchObject({ stubbed: 1, restarts: 0 });
});

test('a project that asks stubs for what they do not hold (a table compiled whole) is done again once, then not tried while its held files stay', () => {
  // a cluster with per-route layout: its tables are compiled whole, which reads every route's behaviour (40 routes:
  // one object each, within the 50 a folder may take)
  for (let i = 40; i < 120; i++) rmSync(join(root, 'routes', `team-${String(i % 50).padStart(2, '0')}`, `r${i}.yaml`));
  const cluster = listFiles(join(root, 'clusters'))[0];
  const clusterPath = join(root, 'clusters', cluster);
  writeFileSync(clusterPath, readFileSync(clusterPath, 'utf8').replace(/\nspec:\n/, '\nspec:\n  layout: per-route\n'));
  const first = synth();
  expect(first.result.diagnostics).toEqual([]);
  editRoute();
  const tried = synth();
  expect(tried).toMatchObject({ stubbed: 1, restarts: 1 });
  expectAsScratch(tried.result);
  editRoute();
  expect(synth()).toMatchObject({ stubbed: 0, restarts: 0 });
  editRoute();
  const again = synth();
  expect(again).toMatchObject({ stubbed: 0, restarts: 0 });
  expectAsScratch(again.result);
});
