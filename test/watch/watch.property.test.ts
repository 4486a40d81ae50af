import * as fc from 'fast-check';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../src/cli/main';
import { runSynth } from '../../src/cli/synth-run';
import { CliIo } from '../../src/cli/io';
import { listFiles } from '../../src/util/list-files';
import { WatchSession } from '../../src/watch/watch-session';
import { Edit, editArb, INITIAL, Model, modelFiles, writeModel } from '../support/edit-model';

/** What a broken file holds: each a different kind of error (YAML syntax, a schema error, a semantic one). */
const BROKEN = [
  'apiVersion: kfaas/v1\nkind: Route\nmetadata: { name: broken-yaml\nspec: [\n',
  'apiVersion: kfaas/v1\nkind: Route\nmetadata: { name: broken-timeout }\nspec:\n  match: [{ prefix: /faas/api/web/broken/ }]\n  timeout: 3x\n',
  'apiVersion: kfaas/v1\nkind: Route\nmetadata: { name: shop-cart }\nspec:\n  match: [{ prefix: /faas/api/web/dup/ }]\n',
] as const;

/** A model and the error file it may carry (routes/web/broken.yaml), introduced and fixed by edits. */
interface State {
  readonly model: Model;
  readonly broken?: number;
}

type StateEdit = (s: State) => State;

const stateEditArb: fc.Arbitrary<StateEdit> = fc.oneof(
  { weight: 4, arbitrary: editArb.map((edit: Edit): StateEdit => (s) => ({ ...s, model: edit(s.model) })) },
  { weight: 1, arbitrary: fc.nat(BROKEN.length - 1).map((i): StateEdit => (s) => (s.broken === undefined ? { ...s, broken: i } : { model: s.model })) },
);

function filesOf(s: State): Map<string, string> {
  const files = modelFiles(s.model);
  if (s.broken !== undefined) files.set('routes/web/broken.yaml', BROKEN[s.broken]);
  return files;
}

/**
 * Writes only the files whose text changed and removes those that went (the way an editor changes a project), so
 * the files a step leaves alone keep their stat: the watch session takes them by stat and holds their documents.
 */
function syncFiles(root: string, files: ReadonlyMap<string, string>): void {
  for (const area of ['clusters', 'routes']) {
    if (!existsSync(join(root, area))) continue;
    for (const rel of listFiles(join(root, area))) if (!files.has(`${area}/${rel}`)) rmSync(join(root, area, rel));
  }
  for (const [path, text] of files) {
    const abs = join(root, path);
    if (existsSync(abs) && readFileSync(abs, 'utf8') === text) continue;
    mkdirSync(join(abs, '..'), { recursive: true });
    writeFileSync(abs, text);
  }
  for (const team of existsSync(join(root, 'routes')) ? readdirSync(join(root, 'routes')) : []) {
    if (readdirSync(join(root, 'routes', team)).length === 0) rmSync(join(root, 'routes', team), { recursive: true });
  }
}

function capture(root: string): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd: root }, out: () => out, err: () => err };
}

/** Every file under dir (ownership records and all) with its bytes. */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'latin1')]));
}

const masked = (text: string, root: string): string => text.split(root).join('<root>');
/** The racy interval of the session's stat memo, and how long a step waits after writing (so files are remembered). */
const RACY_MS = 20;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * kfaas watch equals kfaas synth from scratch after every step: random edit sequences of the incremental property test
 * (plus a file that breaks the project three ways and is fixed again) are applied to a project one WatchSession keeps
 * in memory from step to step; each step runs one cycle directly (no file system events), and `kfaas synth --no-cache`
 * of the same files in a fresh folder must give the same exit status, the same diagnostics and, when it published, the
 * same output tree; a step that fails leaves the output folder exactly as the step before left it.
 */
test('a watch session gives what a synth from scratch gives, after every edit of random edit sequences', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(stateEditArb, { minLength: 1, maxLength: 8 }), async (edits) => {
      const root = mkdtempSync(join(tmpdir(), 'kfaas-watch-'));
      try {
        let state: State = { model: INITIAL };
        syncFiles(root, filesOf(state));
        await sleep(RACY_MS + 5);
        const session = new WatchSession({ root, outDir: join(root, 'dist'), shown: 'dist', racyMs: RACY_MS, runSynth });
        expect(session.cycle(capture(root).io).code).toBe(0);
        for (const edit of edits) {
          const previous = filesOf(state);
          state = edit(state);
          const files = filesOf(state);
          const changed = files.size !== previous.size || [...files].some(([path, text]) => previous.get(path) !== text);
          syncFiles(root, files);
          await sleep(RACY_MS + 5);
          const before = snapshot(join(root, 'dist'));
          const watched = capture(root);
          const outcome = session.cycle(watched.io);
          const scratch = mkdtempSync(join(tmpdir(), 'kfaas-scratch-'));
          try {
            writeModel(scratch, state.model);
            syncFiles(scratch, filesOf(state));
            const fresh = capture(scratch);
            const code = await main(['synth', '--no-cache', '--root', scratch], fresh.io);
            // an edit that changes no file (a no-op of the model) runs nothing and prints nothing
            expect(outcome.kind).toBe(changed ? 'ran' : 'unchanged');
            if (!changed) continue;
            expect(outcome.code).toBe(code);
            expect(masked(watched.err(), root)).toBe(masked(fresh.err(), scratch));
            if (code === 0) {
              expect(snapshot(join(root, 'dist'))).toEqual(snapshot(join(scratch, 'dist')));
            } else {
              expect(snapshot(join(root, 'dist'))).toEqual(before);
            }
          } finally {
            rmSync(scratch, { recursive: true, force: true });
          }
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }),
    { numRuns: 8 },
  );
}, 180_000);

test('after a run that failed part way (a publish lock held too long), the next one sees the files as they are then', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kfaas-watch-throw-'));
  try {
    let state: State = { model: INITIAL };
    syncFiles(root, filesOf(state));
    let fail = false;
    const session = new WatchSession({
      root, outDir: join(root, 'dist'), shown: 'dist', racyMs: RACY_MS,
      runSynth: (run, io) => {
        if (fail) throw new Error('publish lock held too long');
        return runSynth(run, io);
      },
    });
    expect(session.cycle(capture(root).io).code).toBe(0);
    // GIVEN a run that hashed an edited file, then failed
    const edited = (timeout: number): State => ({ model: { ...state.model, routes: state.model.routes.map((r) => (r.name === 'shop-list' ? { ...r, timeout } : r)) } });
    syncFiles(root, filesOf(edited(7)));
    fail = true;
    expect(() => session.cycle(capture(root).io)).toThrow('publish lock held too long');
    fail = false;
    // WHEN the file changes again and the next run comes
    state = edited(8);
    syncFiles(root, filesOf(state));
    expect(session.cycle(capture(root).io).code).toBe(0);
    // THEN it published the file as it is now, as a synth from scratch does
    const scratch = mkdtempSync(join(tmpdir(), 'kfaas-scratch-'));
    try {
      syncFiles(scratch, filesOf(state));
      expect(await main(['synth', '--no-cache', '--root', scratch], capture(scratch).io)).toBe(0);
      expect(snapshot(join(root, 'dist'))).toEqual(snapshot(join(scratch, 'dist')));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
