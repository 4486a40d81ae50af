import { isAscii } from 'buffer';
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
  // (routes/ and clusters/: the example the build's warm-up synth takes the bundle's code cache from)
  for (const f of ['lib', 'bin', 'package.json', 'routes', 'clusters']) cpSync(join(REPO, f), join(tool, f), { recursive: true });
  rmSync(join(tool, '.kfaas-code-cache'), { force: true });
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
    // (not ASCII: bin/kfaas reads such a bundle as UTF-8)
    writeFileSync(bundle, "exports.main = async () => { process.stdout.write('from the bündle\\n'); return 0; };\n");
    const manifest = JSON.parse(realManifest) as { files: [string, number, number][] };
    const s = statSync(bundle);
    manifest.files = manifest.files.map(([rel, size, mtime]) => (rel === 'lib/kfaas.js' ? [rel, s.size, s.mtimeMs] : [rel, size, mtime]));
    writeFileSync(manifestPath, JSON.stringify(manifest));
    expect(kfaas(['--version']).stdout).toBe('from the bündle\n');
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
    // The same bytes with new modification times (utimes keeps milliseconds only): listed again, so the tests after this
    // one run the bundle.
    writeFileSync(manifestPath, relist(realManifest, ['lib/kfaas.js', 'lib/src/cli/synth.js']));
  }
});

test('the caches are keyed by the bundle that runs: another bundle misses them, the source maps of lib/ do not count', () => {
  const bundle = join(tool, 'lib', 'kfaas.js');
  const manifestPath = join(tool, 'lib', 'kfaas.json');
  const real = readFileSync(bundle);
  const realManifest = readFileSync(manifestPath, 'utf8');
  const project = join(base, 'project-keyed');
  cpSync(join(base, 'project'), project, { recursive: true });
  const synth = (): { code: number | null; stdout: string } => kfaas(['synth', '--root', project]);
  // the build key incremental.json was saved under (checked-json.ts: a checksum line, then the JSON)
  const cachedTool = (): string => {
    const text = readFileSync(join(project, '.kfaas-cache', 'incremental.json'), 'utf8');
    return (JSON.parse(text.slice(text.indexOf('\n') + 1)) as { tool: string }).tool;
  };
  try {
    // GIVEN a synth by the bundle, and a second one that the no-change record answers
    expect(synth().code).toBe(0);
    expect(synth().stdout).toMatch(/nothing rendered/);
    const tool1 = cachedTool();
    // WHEN a source map of lib/ changes, THEN the record still answers (no code changed)
    const map = join(tool, 'lib', 'src', 'cli', 'synth.js.map');
    writeFileSync(map, readFileSync(map, 'utf8').replace('"version":3', '"version": 3'));
    expect(synth().stdout).toMatch(/nothing rendered/);
    // WHEN the bundle's code changes (listed as current: it runs), THEN neither the record nor the cache answer
    writeFileSync(bundle, Buffer.concat([real, Buffer.from('\n;void 0;\n')]));
    writeFileSync(manifestPath, relist(realManifest, ['lib/kfaas.js']));
    const changed = synth();
    expect(changed.code).toBe(0);
    expect(changed.stdout).not.toMatch(/nothing rendered/);
    expect(changed.stdout).toMatch(/0 written, 0 deleted/);
    expect(cachedTool()).not.toBe(tool1);
  } finally {
    writeFileSync(bundle, real);
    writeFileSync(manifestPath, relist(realManifest, ['lib/kfaas.js']));
  }
});

/**
 * The manifest with the files `rels` listed at their current size and modification time (a file written back with its
 * old bytes has a new one), and `drop` left out.
 */
function relist(manifestText: string, rels: readonly string[], drop?: string): string {
  const manifest = JSON.parse(manifestText) as { files: [string, number, number][] };
  manifest.files = manifest.files.filter(([r]) => r !== drop).map(([r, size, mtime]) => {
    if (!rels.includes(r)) return [r, size, mtime];
    const s = statSync(join(tool, r));
    return [r, s.size, s.mtimeMs];
  });
  return JSON.stringify(manifest);
}

describe('the code caches (.kfaas-code-cache, V8 code of the bundle taken after a warm-up synth, and -explain)', () => {
  const cache = (): string => join(tool, '.kfaas-code-cache');
  const explainCache = (): string => join(tool, '.kfaas-code-cache-explain');
  const manifestPath = (): string => join(tool, 'lib', 'kfaas.json');
  const synthOut = (out: string, env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } =>
    kfaas(['synth', '--root', join(base, 'project'), '--out', join(base, out), '--no-cache'], env);
  const explain = (env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } =>
    kfaas(['explain', '--root', join(base, 'project'), '--cluster', 'us-west-prod', '--env', 'prod', '/faas/api/shop/cart/x'], env);

  test('the build writes one and lists it in the manifest; the bundle runs with it', () => {
    expect(statSync(cache()).size).toBeGreaterThan(0);
    // the bundle is ASCII (esbuild's default charset), which bin/kfaas reads without UTF-8 decoding
    expect(isAscii(readFileSync(join(tool, 'lib', 'kfaas.js')))).toBe(true);
    const listed = (JSON.parse(readFileSync(manifestPath(), 'utf8')) as { files: [string][] }).files.map(([rel]) => rel);
    expect(listed).toContain('.kfaas-code-cache');
    // every listed file as listed: bin/kfaas takes the bundle (and hands V8 the cache)
    const files = (JSON.parse(readFileSync(manifestPath(), 'utf8')) as { files: [string, number, number][] }).files;
    for (const [rel, size, mtimeMs] of files) expect([rel, statSync(join(tool, rel)).size, statSync(join(tool, rel)).mtimeMs]).toEqual([rel, size, mtimeMs]);
    expect(synthOut('out-cached').code).toBe(0);
    expect(kfaas(['synth', '--root', join(base, 'project'), '--out', join(base, 'out-cached'), '--check']).code).toBe(0);
  });

  test("explain's own cache: listed, taken from this bundle (V8 takes both caches); explain answers with it as the modules do", () => {
    const listed = (JSON.parse(readFileSync(manifestPath(), 'utf8')) as { files: [string][] }).files.map(([rel]) => rel);
    expect(listed).toContain('.kfaas-code-cache-explain');
    expect(readFileSync(explainCache()).equals(readFileSync(cache()))).toBe(false);
    // V8 takes each for the bundle as bin/kfaas compiles it (a fresh node: the same flags as a command's)
    const accepted = spawnSync(process.execPath, ['-e', `
      const { readFileSync } = require('fs'); const Module = require('module'); const { Script } = require('vm');
      const source = readFileSync(process.argv[1], 'latin1');
      for (const cache of process.argv.slice(2)) {
        const script = new Script(Module.wrap(source), { filename: process.argv[1], cachedData: readFileSync(cache) });
        process.stdout.write(String(!script.cachedDataRejected) + '\\n');
      }`, join(tool, 'lib', 'kfaas.js'), cache(), explainCache()], { encoding: 'utf8' });
    expect(accepted.stdout).toBe('true\ntrue\n');
    const fromModules = explain({ KFAAS_NO_BUNDLE: '1' });
    expect(fromModules.code).toBe(0);
    expect(fromModules.stdout).toMatch(/^Winner: /m);
    expect(explain()).toEqual(fromModules);
  });

  test('a command hands V8 the code cache, which V8 takes, and raises the tier-up budget only after that (bin/kfaas tuneTiering)', () => {
    // GIVEN a preload that sees what bin/kfaas does: each Script given a code cache (and whether V8 refused it), and
    // each V8 flag set (and how many such Scripts were made before it)
    const observe = join(base, 'observe.js');
    writeFileSync(observe, `
      const vm = require('vm'); const v8 = require('v8'); const seen = { refused: [], flags: [] };
      const Script = vm.Script;
      vm.Script = class extends Script {
        constructor(source, options) { super(source, options); if (options && options.cachedData) seen.refused.push(this.cachedDataRejected); }
      };
      const set = v8.setFlagsFromString;
      v8.setFlagsFromString = (flags) => { seen.flags.push([flags, seen.refused.length]); set(flags); };
      process.on('exit', () => require('fs').writeFileSync(process.env.KFAAS_OBSERVED, JSON.stringify(seen)));`);
    const run = (args: readonly string[], env: Record<string, string> = {}): { refused: boolean[]; flags: [string, number][] } => {
      const observed = join(base, `observed-${args[0]}.json`);
      const r = spawnSync(process.execPath, ['-r', observe, join(tool, 'bin', 'kfaas'), ...args], {
        encoding: 'utf8', env: { ...process.env, ...env, KFAAS_OBSERVED: observed }, cwd: base,
      });
      expect(r.status).toBe(0);
      return JSON.parse(readFileSync(observed, 'utf8')) as { refused: boolean[]; flags: [string, number][] };
    };
    // WHEN a synth and an explain run from the bundle THEN V8 took the cache, and the budget was raised after it
    for (const args of [['synth', '--root', join(base, 'project'), '--out', join(base, 'out-observed')], ['explain', '--root', join(base, 'project'), '--cluster', 'us-west-prod', '--env', 'prod', '/faas/api/shop/cart/x']]) {
      expect(run(args)).toEqual({ refused: [false], flags: [['--interrupt-budget=2000000', 1]] });
    }
    // a run that writes a cache (the build's warm-up) keeps V8's defaults, so the cache it writes fits a command's start
    const written = join(base, 'written-cache');
    expect(run(['synth', '--root', join(base, 'project'), '--out', join(base, 'out-written')], { KFAAS_WRITE_CODE_CACHE: written }).flags).toEqual([]);
    const accepted = spawnSync(process.execPath, ['-e', `
      const { readFileSync } = require('fs'); const Module = require('module'); const { Script } = require('vm');
      const script = new Script(Module.wrap(readFileSync(process.argv[1], 'latin1')), { filename: process.argv[1], cachedData: readFileSync(process.argv[2]) });
      process.stdout.write(String(!script.cachedDataRejected));`, join(tool, 'lib', 'kfaas.js'), written], { encoding: 'utf8' });
    expect(accepted.stdout).toBe('true');
  });

  test('a cache V8 refuses (damaged, or from another source or node) is compiled past: same output as the modules', () => {
    const real = readFileSync(cache());
    const realExplain = readFileSync(explainCache());
    const realManifest = readFileSync(manifestPath(), 'utf8');
    try {
      // GIVEN damaged caches that the manifest lists as current
      writeFileSync(cache(), Buffer.alloc(real.length, 0x5a));
      writeFileSync(explainCache(), Buffer.alloc(realExplain.length, 0x5a));
      writeFileSync(manifestPath(), relist(realManifest, ['.kfaas-code-cache', '.kfaas-code-cache-explain']));
      expect(explain()).toEqual(explain({ KFAAS_NO_BUNDLE: '1' }));
      // THEN the bundle still runs and renders what the modules render
      const fromModules = synthOut('out-refused-modules', { KFAAS_NO_BUNDLE: '1' });
      const fromBundle = synthOut('out-refused-bundle');
      expect(fromBundle.code).toBe(0);
      expect(fromBundle.stderr).toBe(fromModules.stderr);
      const strip = (t: Record<string, string>): Record<string, string> =>
        Object.fromEntries(Object.entries(t).filter(([f]) => !f.endsWith('.kfaas-published')));
      expect(strip(tree(join(base, 'out-refused-bundle')))).toEqual(strip(tree(join(base, 'out-refused-modules'))));
    } finally {
      writeFileSync(cache(), real);
      writeFileSync(explainCache(), realExplain);
      writeFileSync(manifestPath(), relist(realManifest, ['.kfaas-code-cache', '.kfaas-code-cache-explain']));
    }
  });

  test('a listed cache that is missing or changed since the build makes the bundle not current: lib/src runs', () => {
    const bundle = join(tool, 'lib', 'kfaas.js');
    const real = readFileSync(bundle);
    const realCache = readFileSync(cache());
    const realManifest = readFileSync(manifestPath(), 'utf8');
    try {
      // GIVEN a stand-in bundle listed as current, its code cache listed too (the stand-in has no use for it)
      writeFileSync(bundle, "exports.main = async () => { process.stdout.write('from the bundle\\n'); return 0; };\n");
      writeFileSync(manifestPath(), relist(realManifest, ['lib/kfaas.js']));
      expect(kfaas(['--version']).stdout).toBe('from the bundle\n');
      // WHEN the cache changes after the build (a new size), THEN the modules run
      writeFileSync(cache(), Buffer.concat([realCache, Buffer.from('x')]));
      expect(kfaas(['--version']).stdout).toMatch(/^kfaas \d+\.\d+\.\d+\n$/);
      // and so they do when it is gone
      rmSync(cache());
      expect(kfaas(['--version']).stdout).toMatch(/^kfaas \d+\.\d+\.\d+\n$/);
      // while a build that wrote none (no example to warm up with) lists none, and the bundle runs without it
      writeFileSync(manifestPath(), relist(relist(realManifest, ['lib/kfaas.js'], '.kfaas-code-cache'), [], '.kfaas-code-cache-explain'));
      expect(kfaas(['--version']).stdout).toBe('from the bundle\n');
    } finally {
      writeFileSync(bundle, real);
      writeFileSync(cache(), realCache);
      writeFileSync(manifestPath(), relist(realManifest, ['lib/kfaas.js', '.kfaas-code-cache']));
    }
  });
});
