import { spawnSync } from 'child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { listFiles } from '../../src/util/list-files';

/**
 * bin/kfaas runs the command line from one bundled file (lib/kfaas.js, src/cli/write-bundle.ts) while every file it
 * was built from is unchanged, and from the lib/src modules otherwise: never stale code, and the same output either way.
 */
const REPO = join(__dirname, '..', '..');

let base: string;
let tool: string;
beforeAll(() => {
  // GIVEN a copy of the built tool (lib/, bin/, package files; node_modules linked), bundled in place
  base = mkdtempSync(join(tmpdir(), 'kfaas-bundle-'));
  tool = join(base, 'tool');
  mkdirSync(tool);
  for (const f of ['lib', 'bin', 'package.json']) cpSync(join(REPO, f), join(tool, f), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(tool, 'node_modules'));
  const bundled = spawnSync(process.execPath, [join(tool, 'lib', 'src', 'cli', 'write-bundle.js')], { encoding: 'utf8' });
  expect(bundled.status).toBe(0);
  cpSync(join(REPO, 'clusters'), join(base, 'project', 'clusters'), { recursive: true });
  cpSync(join(REPO, 'routes'), join(base, 'project', 'routes'), { recursive: true });
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function kfaas(args: readonly string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(tool, 'bin', 'kfaas'), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd: base });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under dir with its bytes. */
const tree = (dir: string): Record<string, string> => Object.fromEntries(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'latin1')]));

test('the bundle renders byte for byte what the lib/src modules render, and its map command runs', () => {
  const project = join(base, 'project');
  const fromModules = kfaas(['synth', '--root', project, '--out', join(base, 'out-modules'), '--no-cache'], { KFAAS_NO_BUNDLE: '1' });
  const fromBundle = kfaas(['synth', '--root', project, '--out', join(base, 'out-bundle'), '--no-cache']);
  expect(fromModules.code).toBe(0);
  expect(fromBundle).toEqual({ ...fromModules, stdout: fromModules.stdout.replace('out-modules', 'out-bundle') });
  const strip = (t: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(t).filter(([f]) => !f.endsWith('.kfaas-published')));
  expect(strip(tree(join(base, 'out-bundle')))).toEqual(strip(tree(join(base, 'out-modules'))));
  expect(kfaas(['--version']).stdout).toBe(kfaas(['--version'], { KFAAS_NO_BUNDLE: '1' }).stdout);
  const map = kfaas(['map', '--root', project, '--out', join(base, 'map')]);
  expect(map.code).toBe(0);
  expect(statSync(join(base, 'map', 'index.html')).size).toBeGreaterThan(0);
});

test('a bundle whose inputs changed since it was built is not used: lib/src runs', () => {
  // GIVEN a stand-in bundle, listed as current in the manifest
  const bundle = join(tool, 'lib', 'kfaas.js');
  const manifestPath = join(tool, 'lib', 'kfaas.json');
  const real = readFileSync(bundle);
  const realManifest = readFileSync(manifestPath, 'utf8');
  try {
    writeFileSync(bundle, "exports.main = async () => { process.stdout.write('from the bundle\\n'); return 0; };\n");
    const manifest = JSON.parse(realManifest) as { files: [string, number, number][] };
    const s = statSync(bundle);
    manifest.files = manifest.files.map(([rel, size, mtime]) => (rel === 'lib/kfaas.js' ? [rel, s.size, s.mtimeMs] : [rel, size, mtime]));
    writeFileSync(manifestPath, JSON.stringify(manifest));
    expect(kfaas(['--version']).stdout).toBe('from the bundle\n');
    // WHEN a bundled module of lib/src is rebuilt (a new modification time)
    const synth = join(tool, 'lib', 'src', 'cli', 'synth.js');
    const before = statSync(synth);
    utimesSync(synth, before.atime, new Date(before.mtimeMs + 5000));
    // THEN the modules run, not the bundle
    expect(kfaas(['--version']).stdout).toMatch(/^kfaas \d+\.\d+\.\d+\n$/);
    utimesSync(synth, before.atime, before.mtime);
    // and a missing or damaged manifest is no bundle either
    writeFileSync(manifestPath, '{ not json');
    expect(kfaas(['--version']).stdout).toMatch(/^kfaas /);
  } finally {
    writeFileSync(bundle, real);
    writeFileSync(manifestPath, realManifest);
  }
});
