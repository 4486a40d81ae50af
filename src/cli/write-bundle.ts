import { spawnSync } from 'child_process';
import { build } from 'esbuild';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';

/**
 * `npm run build` (after tsc): the command line as one file, `lib/kfaas.js` (esbuild), which bin/kfaas loads instead
 * of the ~300 modules of lib/src and node_modules it stands for: resolving, reading and wrapping each module cost a
 * command about as much as running them (0.2-0.3 s before `kfaas synth` did anything). Module bodies still run only
 * when first required (esbuild keeps CommonJS modules lazy), so a cached synth runs no more code than before.
 *
 * The route map command stays out (src/map finds its browser sources by __dirname, which a bundle does not keep per
 * module): the bundle requires lib/src/cli/map.js when it runs. `lib/kfaas.json` then lists every bundled file of
 * lib/ and the bundle itself with size and modification time, and npm's record of node_modules
 * (node_modules/.package-lock.json); bin/kfaas loads the bundle only while all of them still match, so a tsc run or
 * an npm install without this step runs lib/src, never stale code. Last, .kfaas-code-cache (writeCodeCache below) spares
 * V8 compiling the bundle's functions again at every start; the manifest lists it too.
 */
async function main(): Promise<void> {
  const lib = join(__dirname, '..', '..');
  const root = join(lib, '..');
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(lib, 'src', 'cli', 'main.js')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: join(lib, 'kfaas.js.tmp'),
    metafile: true,
    logLevel: 'error',
    legalComments: 'none',
    // Whitespace and comments only (names and syntax stay as written): a quarter less to read and parse at every start
    // (~30 ms), and an ASCII-only file, which V8 reads as a one-byte string (node_modules' comments have curly quotes).
    minifyWhitespace: true,
    plugins: [{
      name: 'kfaas-map-unbundled',
      setup(b) {
        b.onResolve({ filter: /^\.\/map$/ }, (args) =>
          args.importer === join(lib, 'src', 'cli', 'main.js') ? { path: './src/cli/map.js', external: true } : undefined);
      },
    }],
  });
  renameSync(join(lib, 'kfaas.js.tmp'), join(lib, 'kfaas.js'));
  rmSync(join(root, CODE_CACHE), { force: true });
  const checked = [
    ...Object.keys(result.metafile!.inputs).filter((p) => p.startsWith('lib/')),
    'lib/kfaas.js',
    'node_modules/.package-lock.json',
  ];
  writeManifest(root, checked);
  const cached = writeCodeCache(root);
  // Listed only once complete: bin/kfaas reads a code cache only while its size and modification time are these.
  if (cached) writeManifest(root, [...checked, CODE_CACHE]);
  process.stdout.write(
    `kfaas: bundled ${Object.keys(result.metafile!.inputs).length} modules into ${relative(root, join(lib, 'kfaas.js'))}` +
      `${cached ? `, code cache ${CODE_CACHE}` : ' (no code cache: no routes/ and clusters/ to warm it up with)'}\n`,
  );
}

/**
 * The V8 code cache of the bundle (bin/kfaas), relative to the package folder. Beside lib/, not in it: when the modules
 * run, the synth cache keys its records by the files of lib/ (synth-cache.ts ToolLayout), and this file changes
 * nothing kfaas does (V8 takes it or compiles as usual) while its bytes differ from build to build.
 */
const CODE_CACHE = '.kfaas-code-cache';

/** lib/kfaas.json: each listed file with its size and modification time, which bin/kfaas compares before loading. */
function writeManifest(root: string, checked: readonly string[]): void {
  const lib = join(root, 'lib');
  const files = [...checked].sort().map((rel) => {
    const s = statSync(join(root, rel));
    return [rel, s.size, s.mtimeMs] as const;
  });
  writeFileSync(join(lib, 'kfaas.json.tmp'), JSON.stringify({ files }));
  renameSync(join(lib, 'kfaas.json.tmp'), join(lib, 'kfaas.json'));
}

/**
 * .kfaas-code-cache: V8's code cache of the bundle (`vm.Script#createCachedData`) taken after a synth of a copy of the
 * project's own example (routes/, clusters/) into a scratch folder, so it holds the functions a synth compiles
 * (V8 compiles each function on its first call; a cold synth spent ~0.1 s doing that). bin/kfaas hands it to V8,
 * which checks it against the source, its own version and its flags and compiles as usual when it does not fit.
 * False when there is no example to run or the run failed: the bundle then runs without one.
 */
function writeCodeCache(root: string): boolean {
  if (!existsSync(join(root, 'routes')) || !existsSync(join(root, 'clusters'))) return false;
  const scratch = mkdtempSync(join(tmpdir(), 'kfaas-code-cache-'));
  try {
    for (const dir of ['routes', 'clusters']) cpSync(join(root, dir), join(scratch, 'project', dir), { recursive: true });
    const out = join(root, `${CODE_CACHE}.tmp`);
    const run = spawnSync(process.execPath, [join(root, 'bin', 'kfaas'), 'synth', '--root', join(scratch, 'project')], {
      encoding: 'utf8',
      env: { ...process.env, KFAAS_NO_BUNDLE: '', KFAAS_WRITE_CODE_CACHE: out },
    });
    if (run.status !== 0 || !existsSync(out)) {
      rmSync(out, { force: true });
      return false;
    }
    renameSync(out, join(root, CODE_CACHE));
    return true;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`kfaas: bundling failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
