import { spawnSync } from 'child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * The synth cache never answers wrong: each thing that decides the output is changed in turn, on a real `kfaas
 * synth` process running from its own copy of the built tool, and each change must make the next synth render
 * (and leave the output folder up to date) instead of printing the cached summary.
 */
const REPO = join(__dirname, '..', '..');
const CACHED = /nothing rendered/;

let base: string;
let tool: string;
let project: string;

function synth(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  return runWith([], ...args);
}

function runWith(nodeArgs: string[], ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...nodeArgs, join(tool, 'bin', 'kfaas'), 'synth', '--root', project, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KFAAS_DEBUG: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // GIVEN a copy of the built tool (lib/, bin/, package files; node_modules linked) ...
  base = mkdtempSync(join(tmpdir(), 'kfaas-cache-mut-'));
  tool = join(base, 'tool');
  mkdirSync(tool);
  for (const f of ['lib', 'bin', 'package.json', 'package-lock.json']) cpSync(join(REPO, f), join(tool, f), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(tool, 'node_modules'));
  // ... and a project whose routes/ and clusters/ are symlinks to folders elsewhere
  project = join(base, 'project');
  mkdirSync(project);
  cpSync(join(REPO, 'routes'), join(base, 'team-routes'), { recursive: true });
  cpSync(join(REPO, 'clusters'), join(base, 'platform-clusters'), { recursive: true });
  symlinkSync(join(base, 'team-routes'), join(project, 'routes'));
  symlinkSync(join(base, 'platform-clusters'), join(project, 'clusters'));
  const first = synth();
  expect(first).toEqual({ code: 0, stdout: expect.not.stringMatching(CACHED), stderr: expect.any(String) });
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Changes one byte of a file, keeping its size and modification time to the nanosecond (`touch -r`). */
function sameSizeSameMtime(file: string): void {
  const before = statSync(file, { bigint: true });
  const ref = join(base, 'mtime-ref');
  writeFileSync(ref, '');
  expect(spawnSync('touch', ['-r', file, ref]).status).toBe(0);
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('kfaas-system');
  expect(at).toBeGreaterThan(0);
  writeFileSync(file, `${text.slice(0, at)}kfaas-systen${text.slice(at + 'kfaas-system'.length)}`);
  expect(spawnSync('touch', ['-r', ref, file]).status).toBe(0);
  const after = statSync(file, { bigint: true });
  expect([after.size, after.mtimeNs]).toEqual([before.size, before.mtimeNs]);
}

const cases: [string, () => void][] = [
  ['a route edited through the symlinked routes/ folder', () => appendFileSync(join(base, 'team-routes', 'shop', 'cart.yaml'), '# edited\n')],
  ['a cluster file edited through the symlinked clusters/ folder', () => appendFileSync(join(base, 'platform-clusters', 'sg-test.yaml'), '# edited\n')],
  ['the JSON Schema the loader validates with (lib/schema)', () => appendFileSync(join(tool, 'lib', 'schema', 'kfaas.schema.json'), '\n')],
  ['the built code (lib/src)', () => appendFileSync(join(tool, 'lib', 'src', 'emit', 'render.js'), '\n// changed\n')],
  ['the compiled CRD imports (lib/imports)', () => appendFileSync(join(tool, 'lib', 'imports', 'istio-networking.istio.io.js'), '\n// changed\n')],
  ['the dependency lock file (package-lock.json)', () => appendFileSync(join(tool, 'package-lock.json'), '\n')],
  ['a hand edit of dist/ that keeps size and modification time', () => sameSizeSameMtime(join(project, 'dist', 'sg-test', 'alpha', 'service-faas-alpha-ksvc-gateway.yaml'))],
];

describe('a synth renders again when', () => {
  test.each(cases)('%s changes', (_what, change) => {
    // GIVEN the last synth is cached
    expect(synth().stdout).toMatch(CACHED);
    // WHEN
    change();
    // THEN the next synth renders, and leaves the output folder up to date
    const again = synth();
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(CACHED);
    expect(synth('--check').code).toBe(0);
  });

  test('the Node runtime changes (another process.version)', () => {
    expect(synth().stdout).toMatch(CACHED);
    const preload = join(base, 'other-node.js');
    writeFileSync(preload, "Object.defineProperty(process, 'version', { value: 'v20.99.0' });\n");
    const other = runWith(['--require', preload]);
    expect(other.code).toBe(0);
    expect(other.stdout).not.toMatch(CACHED);
    expect(runWith(['--require', preload]).stdout).toMatch(CACHED);
    // and back on the real runtime, that is a change again
    expect(synth().stdout).not.toMatch(CACHED);
  });
});
