import { createHash } from 'crypto';
import { lstatSync, readFileSync } from 'fs';
import { isAbsolute, join, relative, resolve } from 'path';
import * as synthCache from '../cache/synth-cache';
import { StatMemo } from '../cache/stat-memo';
import { formatDiagnostic } from '../diagnostics/diagnostic';
import type * as Pipeline from '../pipeline';
import { checkOutDir } from '../publish/out-dir';
import type * as Summary from './summary';
import type * as Incremental from '../cache/incremental-cache';
import { parseCommandArgs } from './args';
import { CliIo, diagnosticsSummary, EXIT_OK, EXIT_USER, printDiagnostics } from './io';
import { REPO_FILE_PATHS } from '../model/defaults';
import { projectRootOf } from './project-root';
import { formatTimings, StageTimings } from '../util/stage-timings';

/** SHA-256 over the current bytes (or absence) of the files kfaas writes outside the output folder. */
function repoFilesStamp(root: string): string {
  const hash = createHash('sha256');
  for (const rel of REPO_FILE_PATHS) {
    let bytes: Buffer | undefined;
    try {
      bytes = readFileSync(join(root, rel));
    } catch {
      bytes = undefined;
    }
    hash.update(`${rel}\0${bytes === undefined ? 'absent' : 'file'}\0`);
    if (bytes) hash.update(bytes);
  }
  return `:${hash.digest('hex')}`;
}

/** Tells the stat memo the stat of each published file whose bytes the run knows (a file it cannot stat is skipped). */
function learnPublished(memo: StatMemo, outDir: string, hashes: ReadonlyMap<string, string>): void {
  for (const [rel, hash] of hashes) {
    const abs = join(outDir, rel);
    try {
      const stat = lstatSync(abs);
      if (stat.isFile()) memo.learn(abs, stat, hash);
    } catch {
      // gone meanwhile: nothing to learn
    }
  }
}

/**
 * `kfaas synth [--root .] [--out dist] [--check] [--no-cache] [--adopt] [--allow-empty]`: every check, then
 * publish (src/publish: atomic per folder, only what this project published before). With `--check`, writes
 * nothing and fails (exit 2) when the folder is not up to date. When inputs, kfaas and the output folder are
 * exactly as the last successful synth left them (src/cache/synth-cache.ts), nothing is loaded or rendered at
 * all; `--no-cache` always runs everything.
 */
export function synthCommand(argv: readonly string[], io: CliIo): number {
  const { values } = parseCommandArgs(
    'synth',
    argv,
    {
      root: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      adopt: { type: 'boolean' },
      'allow-empty': { type: 'boolean' },
    },
    false,
  );
  const root = projectRootOf(io.cwd, values.root as string | undefined);
  const outArg = values.out as string | undefined;
  const outDir = resolve(io.cwd, outArg ?? resolve(root, 'dist'));
  const rel = relative(io.cwd, outDir);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? outDir : rel;
  checkOutDir(root, outDir, outArg ?? shown);
  const check = values.check === true;
  const adopt = values.adopt === true;
  const allowEmpty = values['allow-empty'] === true;
  const options = { outDir, adopt, allowEmpty };
  const noCache = values['no-cache'] === true;
  const stages = new StageTimings();
  // Files unchanged by stat since they were last hashed are not read again (src/cache/stat-memo.ts).
  const memo = noCache ? undefined : StatMemo.open(join(root, synthCache.CACHE_DIR));
  const cacheKey = check || noCache ? undefined : synthCache.inputKey(root, options, memo);
  stages.lap('hash');
  // Files written outside outDir (.github/CODEOWNERS) are outputs the cache does not list: their bytes join the
  // settings, so a hand edit or deletion misses and the run restores them.
  const withRepoFiles = (key: synthCache.Fingerprint): synthCache.Fingerprint => ({ ...key, settings: key.settings + repoFilesStamp(root) });
  const hit = cacheKey === undefined ? undefined : synthCache.lookup(root, outDir, withRepoFiles(cacheKey), memo);
  if (hit) {
    memo?.save();
    // The warnings of the last synth, as it printed them (a run that renders prints the same).
    if (hit.warnings.length > 0) io.stderr(hit.warnings.map((w) => `${w}\n`).join('') + diagnosticsSummary(0, hit.warnings.length));
    io.stdout(`${hit.summary} (inputs unchanged since the last synth: nothing rendered)\n`);
    return EXIT_OK;
  }

  // Loaded only on a cache miss: the hit path above stays a hash and a directory listing.
  const { runPipeline } = require('../pipeline') as typeof Pipeline;
  const { treeCounts } = require('./summary') as typeof Summary;
  const { IncrementalCache, toolKeyOf } = require('../cache/incremental-cache') as typeof Incremental;
  stages.lap('modules');
  // Tables whose inputs did not change since they were last rendered into outDir are reused (same bytes).
  // The stat memo is saved with the cache: it also spares reading output files that did not change.
  const cache = memo && IncrementalCache.open(root, toolKeyOf(cacheKey?.files ?? synthCache.toolHashes(undefined, memo)), memo);
  stages.lap('cache');
  const crash = io.env.KFAAS_TEST_CRASH_AT_STEP;
  const result = runPipeline({
    root,
    outDir,
    write: !check,
    check,
    allowEmpty,
    cache,
    publish: {
      adopt,
      shownOut: shown,
      onWait: (message) => io.stderr(`${message}\n`),
      crashAtStep: crash === undefined || crash === '' ? undefined : Number(crash),
      emulateExchange: io.env.KFAAS_TEST_EMULATE_EXCHANGE === '1',
    },
  });
  stages.lap('pipeline');
  // Publishing re-linked the unchanged files of each folder it replaced (same bytes, a new ctime): the memo learns
  // their stat now, so the next run does not read them again (stat-memo.ts learn).
  if (memo && result.report && result.treeHashes) learnPublished(memo, outDir, result.treeHashes);
  // Cached results are keyed by content, so they stay valid whatever this run found; a run that stopped early
  // used only some of them and keeps the rest.
  cache?.save({ keepUnused: result.tree === undefined });
  stages.lap('cache');
  // KFAAS_TIMINGS=1: where the time went (the benchmark reads it); process start and module loading not counted.
  const timed = (code: number): number => {
    const { pipeline: _pipeline, ...own } = stages.all;
    if (io.env.KFAAS_TIMINGS === '1') io.stderr(formatTimings({ ...own, ...result.timings }));
    return code;
  };
  if (printDiagnostics(io, result.diagnostics) > 0) return timed(EXIT_USER);

  const { folders, objects } = treeCounts(result.tree!, result.kept);
  const foreign = check ? result.diff!.foreign : result.report!.foreign;
  for (const f of foreign) io.stderr(`warning: ${shown}/${f} was not written by kfaas; left in place\n`);
  if (check) {
    const diff = result.diff!;
    const repo = result.repoDiff ?? { write: [], delete: [], refused: [] };
    for (const f of diff.write) io.stderr(`out of date: ${shown}/${f}\n`);
    for (const f of diff.delete) io.stderr(`stale: ${shown}/${f}\n`);
    for (const f of repo.write) io.stderr(`out of date: ${f}\n`);
    for (const f of repo.delete) io.stderr(`stale: ${f}\n`);
    for (const f of diff.records) io.stderr(`ownership record out of date: ${shown}/${f}\n`);
    const toWrite = diff.write.length + repo.write.length + diff.records.length;
    const toDelete = diff.delete.length + repo.delete.length;
    if (toWrite + toDelete > 0) {
      io.stderr(`kfaas: ${shown} is out of date: ${toWrite} file(s) to write, ${toDelete} to delete; run kfaas synth\n`);
      return timed(EXIT_USER);
    }
    io.stdout(`kfaas: ${shown} is up to date (${folders} folder(s), ${objects} object(s))\n`);
    return timed(EXIT_OK);
  }
  const report = result.report!;
  const repo = result.repoDiff ?? { write: [], delete: [], refused: [] };
  io.stdout(
    `kfaas: ${folders} folder(s), ${objects} object(s) -> ${shown}: ` +
      `${report.written.length} written, ${report.deleted.length} deleted, ${report.unchanged} unchanged\n`,
  );
  for (const f of repo.write) io.stdout(`kfaas: wrote ${f}\n`);
  for (const f of repo.delete) io.stdout(`kfaas: deleted ${f}\n`);
  if (cacheKey !== undefined) {
    const warnings = result.diagnostics.map(formatDiagnostic);
    synthCache.store(root, outDir, withRepoFiles(cacheKey), warnings, `kfaas: ${folders} folder(s), ${objects} object(s) -> ${shown}: 0 written`, result.treeHashes);
  }
  stages.lap('record');
  return timed(EXIT_OK);
}
