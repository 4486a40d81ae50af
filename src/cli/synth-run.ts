import { createHash } from 'crypto';
import { lstatSync, readFileSync } from 'fs';
import { isAbsolute, join, relative, resolve } from 'path';
import * as synthCache from '../cache/synth-cache';
import type { IncrementalCache } from '../cache/incremental-cache';
import type { StatMemo } from '../cache/stat-memo';
import { formatDiagnostic } from '../diagnostics/diagnostic';
import { REPO_FILE_PATHS } from '../model/defaults';
import { checkOutDir } from '../publish/out-dir';
import { unitFinder } from '../publish/units';
import type { PipelineResult } from '../pipeline';
import { formatTimings, StageTimings } from '../util/stage-timings';
import { CliIo, EXIT_OK, EXIT_USER, printDiagnostics } from './io';

/**
 * The output folder of `kfaas synth` and `kfaas watch`: `--out` (relative to the working folder) or `<root>/dist`,
 * absolute, and as messages name it (relative to the working folder when inside it). Refused (a usage error) when it
 * is not a folder kfaas may publish into (publish/out-dir.ts checkOutDir).
 */
export function synthOutDir(cwd: string, root: string, outArg: string | undefined): { readonly outDir: string; readonly shown: string } {
  const outDir = resolve(cwd, outArg ?? resolve(root, 'dist'));
  const rel = relative(cwd, outDir);
  const shown = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? outDir : rel;
  checkOutDir(root, outDir, outArg ?? shown);
  return { outDir, shown };
}

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

/**
 * A synth-cache key with the bytes of the files written outside outDir (.github/CODEOWNERS) joined to its settings:
 * they are outputs the cache does not list, so a hand edit or deletion misses and the run restores them.
 */
export function withRepoFiles(root: string, key: synthCache.Fingerprint): synthCache.Fingerprint {
  return { ...key, settings: key.settings + repoFilesStamp(root) };
}

/**
 * Tells the stat memo the stat of each published file whose bytes the run knows (a file it cannot stat is skipped),
 * but files the memo holds in units publishing did not change: a unit (a folder holding a kustomization.yaml, as
 * src/publish plans them) with no file written or deleted was left as it was, with its files' stat (at tier L a
 * one-route edit in one environment changes one unit of 24, 30 files of 720).
 */
function learnPublished(memo: StatMemo, outDir: string, hashes: ReadonlyMap<string, string>, report: { readonly written: readonly string[]; readonly deleted: readonly string[] }): void {
  const unitOf = unitFinder(hashes.keys());
  const changed = new Set<string | undefined>([...report.written, ...report.deleted].map(unitOf));
  for (const [rel, hash] of hashes) {
    const unit = unitOf(rel);
    const abs = join(outDir, rel);
    if (unit !== undefined && !changed.has(unit) && memo.holds(abs)) continue;
    try {
      const stat = lstatSync(abs);
      if (stat.isFile()) memo.learn(abs, stat, hash);
    } catch {
      // gone meanwhile: nothing to learn
    }
  }
}

/** One synth past the no-change record (synth-cache.ts lookup): what `kfaas synth` and each `kfaas watch` cycle run. */
export interface SynthRun {
  readonly root: string;
  readonly outDir: string;
  /** outDir as the user named it, for messages. */
  readonly shown: string;
  readonly check: boolean;
  readonly adopt: boolean;
  readonly allowEmpty: boolean;
  /** The incremental cache (saved here, after the run); none with `--no-cache`. */
  readonly cache?: IncrementalCache;
  /** The stat memo the cache checks files with (it learns the published files' stat). */
  readonly memo?: StatMemo;
  /** The run's synth-cache key (not with `--check` or `--no-cache`): the no-change record is stored under it. */
  readonly cacheKey?: synthCache.Fingerprint;
  /** Stages timed before the pipeline (hash, modules, cache), printed with KFAAS_TIMINGS=1. */
  readonly stages: StageTimings;
  /** Appended to the summary line (`kfaas watch`: the time the cycle took). @default none */
  readonly summarySuffix?: () => string;
  /**
   * Save the cache after printing (`kfaas watch`: dist/ is published and said so before the cache is written for the
   * next process; the watch's own next run takes it from memory). @default false: saved before printing
   */
  readonly saveLast?: boolean;
}

/**
 * Runs the pipeline (src/pipeline.ts), saves the cache, prints diagnostics or the summary line, and stores the
 * no-change record. Returns the exit status and what the pipeline produced.
 */
export function runSynth(run: SynthRun, io: CliIo): { readonly code: number; readonly result: PipelineResult } {
  const { root, outDir, shown, check, adopt, allowEmpty, cache, memo, cacheKey, stages } = run;
  // Loaded only here: synth's hit path stays a hash and a directory listing.
  const { runPipeline } = require('../pipeline') as typeof import('../pipeline');
  const { treeCounts } = require('./summary') as typeof import('./summary');
  const crash = io.env.KFAAS_TEST_CRASH_AT_STEP;
  const result = runPipeline({
    root,
    outDir,
    write: !check,
    check,
    allowEmpty,
    cache,
    stubRoutes: true,
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
  if (memo && result.report && result.treeHashes) learnPublished(memo, outDir, result.treeHashes, result.report);
  // Cached results are keyed by content, so they stay valid whatever this run found; a run that stopped early
  // used only some of them and keeps the rest.
  const save = (): void => {
    cache?.save({ keepUnused: result.tree === undefined });
    stages.lap('cache');
  };
  if (!run.saveLast) save();
  // KFAAS_TIMINGS=1: where the time went (the benchmark reads it); process start and module loading not counted.
  const timed = (code: number): { code: number; result: PipelineResult } => {
    if (run.saveLast) save();
    const { pipeline: _pipeline, ...own } = stages.all;
    if (io.env.KFAAS_TIMINGS === '1') io.stderr(formatTimings({ ...own, ...result.timings }));
    return { code, result };
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
      `${report.written.length} written, ${report.deleted.length} deleted, ${report.unchanged} unchanged${run.summarySuffix?.() ?? ''}\n`,
  );
  for (const f of repo.write) io.stdout(`kfaas: wrote ${f}\n`);
  for (const f of repo.delete) io.stdout(`kfaas: deleted ${f}\n`);
  if (cacheKey !== undefined) {
    const warnings = result.diagnostics.map(formatDiagnostic);
    synthCache.store(root, outDir, withRepoFiles(root, cacheKey), warnings, `kfaas: ${folders} folder(s), ${objects} object(s) -> ${shown}: 0 written`, result.treeHashes);
  }
  stages.lap('record');
  return timed(EXIT_OK);
}
