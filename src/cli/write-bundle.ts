import { spawnSync } from 'child_process';
import { build } from 'esbuild';
import { appendFileSync, cpSync, existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { listFiles } from '../util/list-files';

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
 * an npm install without this step runs lib/src, never stale code. Last, the code caches (CODE_CACHES below) spare V8
 * compiling the bundle's functions again at every start; the manifest lists them too.
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
  for (const { file } of CODE_CACHES) rmSync(join(root, file), { force: true });
  const checked = [
    ...Object.keys(result.metafile!.inputs).filter((p) => p.startsWith('lib/')),
    'lib/kfaas.js',
    'node_modules/.package-lock.json',
  ];
  writeManifest(root, checked);
  const cached = writeCodeCaches(root);
  // Listed only once complete: bin/kfaas reads a code cache only while its size and modification time are these.
  if (cached.length > 0) writeManifest(root, [...checked, ...cached]);
  process.stdout.write(
    `kfaas: bundled ${Object.keys(result.metafile!.inputs).length} modules into ${relative(root, join(lib, 'kfaas.js'))}` +
      `${cached.length > 0 ? `, code caches ${cached.join(', ')}` : ' (no code cache: no routes/ and clusters/ to warm it up with)'}\n`,
  );
}

/**
 * The V8 code caches of the bundle (bin/kfaas codeCacheOf picks one by the command), relative to the package folder,
 * each taken after a warm-up command on a copy of the example (`--root` added). Beside lib/, not in it: when the
 * modules run, the synth cache keys its records by the files of lib/ (synth-cache.ts ToolLayout), and these files change
 * nothing kfaas does (V8 takes one or compiles as usual) while their bytes differ from build to build.
 * - `.kfaas-code-cache`: after a synth, for every command but explain;
 * - `.kfaas-code-cache-explain`: after an explain of one of the example's environments with one route file changed
 *   since a synth (the synth before it is not recorded): what `kfaas explain` runs after an edit (the cached documents,
 *   one file parsed, one table compiled and rendered in memory, the explain engine), and not the synth's rendering to
 *   files and publishing. At the bench's tier L, ~70 ms of CPU compiling functions a synth never calls; its own file,
 *   so the synth's cache (every other command, tier S's full synth among them) does not grow with code they never run
 *   (V8 reads a whole cache at start).
 */
const CODE_CACHES: readonly CodeCacheWarmUp[] = [
  { file: '.kfaas-code-cache', run: ['synth'] },
  {
    file: '.kfaas-code-cache-explain',
    before: [['synth']],
    edit: true,
    run: ['explain', '--cluster', 'us-west-prod', '--env', 'prod', '/faas/api/shop/cart/x'],
  },
];

/** How one code cache is taken (see CODE_CACHES). */
interface CodeCacheWarmUp {
  /** Where it is written, relative to the package folder. */
  readonly file: string;
  /** Commands run first on the copy, not recorded. @default none */
  readonly before?: readonly (readonly string[])[];
  /** Change one route file of the copy (a comment line appended) after them. @default false */
  readonly edit?: boolean;
  /** The recorded command. */
  readonly run: readonly string[];
}

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
 * Writes each of CODE_CACHES: V8's code cache of the bundle (`vm.Script#createCachedData`) taken after its warm-up
 * command ran on a copy of the project's own example (routes/, clusters/) in a scratch folder, so it holds the functions
 * that command compiles (V8 compiles each function on its first call; a cold synth spent ~0.1 s doing that): a run of
 * bin/kfaas with KFAAS_WRITE_CODE_CACHE. bin/kfaas hands a cache to V8, which checks it against the source, its own
 * version and its flags and compiles as usual when it does not fit. Returns the caches written (none when there is no
 * example to run; a cache whose runs failed is left out, and bin/kfaas then runs without it).
 */
function writeCodeCaches(root: string): string[] {
  if (!existsSync(join(root, 'routes')) || !existsSync(join(root, 'clusters'))) return [];
  const written: string[] = [];
  for (const { file, before = [], edit = false, run } of CODE_CACHES) {
    const scratch = mkdtempSync(join(tmpdir(), 'kfaas-code-cache-'));
    const project = join(scratch, 'project');
    const out = join(root, `${file}.tmp`);
    const kfaas = ([command, ...args]: readonly string[], env: Record<string, string> = {}): boolean =>
      spawnSync(process.execPath, [join(root, 'bin', 'kfaas'), command, '--root', project, ...args], {
        encoding: 'utf8',
        env: { ...process.env, KFAAS_NO_BUNDLE: '', ...env },
      }).status === 0;
    try {
      rmSync(out, { force: true });
      for (const dir of ['routes', 'clusters']) cpSync(join(root, dir), join(project, dir), { recursive: true });
      if (!before.every((command) => kfaas(command))) continue;
      if (edit) {
        const changed = listFiles(join(project, 'routes')).find((f) => f.endsWith('.yaml'));
        if (changed === undefined) continue;
        appendFileSync(join(project, 'routes', changed), '\n# changed since the synth\n');
      }
      if (!kfaas(run, { KFAAS_WRITE_CODE_CACHE: out }) || !existsSync(out)) continue;
      renameSync(out, join(root, file));
      written.push(file);
    } finally {
      rmSync(out, { force: true });
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return written;
}

main().catch((e: unknown) => {
  process.stderr.write(`kfaas: bundling failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
