import { build } from 'esbuild';
import { renameSync, statSync, writeFileSync } from 'fs';
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
 * an npm install without this step runs lib/src, never stale code.
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
  const checked = [
    ...Object.keys(result.metafile!.inputs).filter((p) => p.startsWith('lib/')),
    'lib/kfaas.js',
    'node_modules/.package-lock.json',
  ];
  const files = checked.sort().map((rel) => {
    const s = statSync(join(root, rel));
    return [rel, s.size, s.mtimeMs] as const;
  });
  writeFileSync(join(lib, 'kfaas.json.tmp'), JSON.stringify({ files }));
  renameSync(join(lib, 'kfaas.json.tmp'), join(lib, 'kfaas.json'));
  process.stdout.write(`kfaas: bundled ${Object.keys(result.metafile!.inputs).length} modules into ${relative(root, join(lib, 'kfaas.js'))}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`kfaas: bundling failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
