import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'fs';
import { spawnSync } from 'child_process';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../src/cli/main';
import { CliIo } from '../../src/cli/io';
import { listFiles } from '../../src/util/list-files';
import { reads } from '../support/recording-fs';

/**
 * Publishing replaces a folder by linking its unchanged files into a new copy: same bytes, a new ctime. The synth
 * that published tells the stat memo their new stat, so the next run (a check, an explain, the next edit) does not
 * read them all again; a hand edit afterwards, even one that keeps size and modification time, is still caught.
 */
jest.mock('fs', () => require('../support/recording-fs').recordingFs());

const EXAMPLE = join(__dirname, '..', '..');
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-learn-'));
  cpSync(join(EXAMPLE, 'clusters'), join(root, 'clusters'), { recursive: true });
  cpSync(join(EXAMPLE, 'routes'), join(root, 'routes'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function kfaas(...argv: string[]): Promise<{ code: number; out: string; err: string; distReads: string[] }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd: root };
  reads.length = 0;
  const code = await main([...argv, '--root', root], io);
  return { code, out, err, distReads: reads.filter((p) => p.startsWith(join(root, 'dist')) && !p.endsWith('.kfaas-published')) };
}

/** Every output file's modification time an hour back (ctime moves to now): as files written long ago. */
function age(): void {
  const then = new Date(Date.now() - 3_600_000);
  for (const f of listFiles(join(root, 'dist'))) utimesSync(join(root, 'dist', f), then, then);
}

const edit = (): void => writeFileSync(join(root, 'routes', 'growth', 'only-alpha.yaml'),
  'apiVersion: kfaas/v1\nkind: Route\nmetadata: { name: growth-only-alpha }\nspec:\n  match: [{ prefix: /faas/api/growth/only-alpha/ }]\n' +
    '  clusters: [cn-hz-test]\n  environments: [alpha]\n');

test('after a synth that re-linked a folder\'s unchanged files, the next check reads none of them', async () => {
  expect((await kfaas('synth')).code).toBe(0);
  age();
  // a run that hashes every output once (their ctime moved), so the memo knows them all
  expect((await kfaas('synth', '--check')).code).toBe(0);
  edit();
  const synth = await kfaas('synth');
  expect(synth.code).toBe(0);
  expect(synth.out).toMatch(/[1-9]\d* written/);
  // THEN a check right after it reads, of the cluster folders the cache keeps, only the files that synth wrote
  // (new bytes, within the racy interval); the delivery folders (_argocd, _flux-*) are rendered and compared anew
  const check = await kfaas('synth', '--check');
  expect(check.code).toBe(0);
  expect(check.distReads.length).toBeGreaterThan(0);
  check.distReads.splice(0, check.distReads.length, ...check.distReads.filter((p) => !p.startsWith(join(root, 'dist', '_'))));
  const written = new Set(listFiles(join(root, 'dist')).filter((f) => statSync(join(root, 'dist', f)).mtimeMs > Date.now() - 600_000).map((f) => join(root, 'dist', f)));
  expect(check.distReads.filter((p) => !written.has(p))).toEqual([]);
});

test('a hand edit of a learnt file that keeps its size and modification time is still caught', async () => {
  expect((await kfaas('synth')).code).toBe(0);
  age();
  expect((await kfaas('synth', '--check')).code).toBe(0);
  edit();
  expect((await kfaas('synth')).code).toBe(0);
  // a file of a re-linked folder that the synth did not write
  const file = join(root, 'dist', 'cn-hz-test', 'alpha', 'kustomization.yaml');
  const folderFiles = listFiles(join(root, 'dist', 'cn-hz-test', 'alpha')).map((f) => join(root, 'dist', 'cn-hz-test', 'alpha', f));
  const kept = folderFiles.find((f) => /service-.*\.yaml$/.test(f) && statSync(f).mtimeMs < Date.now() - 600_000) ?? file;
  const before = statSync(kept, { bigint: true });
  const ref = join(root, 'mtime-ref');
  writeFileSync(ref, '');
  expect(spawnSync('touch', ['-r', kept, ref]).status).toBe(0);
  const text = readFileSync(kept, 'utf8');
  const at = text.indexOf('kfaas');
  writeFileSync(kept, `${text.slice(0, at)}kfaaz${text.slice(at + 5)}`);
  expect(spawnSync('touch', ['-r', ref, kept]).status).toBe(0);
  const after = statSync(kept, { bigint: true });
  expect([after.size, after.mtimeNs]).toEqual([before.size, before.mtimeNs]);
  const check = await kfaas('synth', '--check');
  expect(check.code).toBe(2);
  expect(check.err).toContain(kept.slice(join(root, 'dist').length + 1));
});
