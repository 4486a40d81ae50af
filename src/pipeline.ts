import { existsSync } from 'fs';
import { join, resolve } from 'path';
import { compileProject, CompileOptions } from './compile/compile-project';
import { CODEOWNERS_PATH, compileDelivery, planCodeowners, renderedFolders } from './compile/delivery';
import { PlatformTable } from './compile/platform/platform-table';
import { EnvironmentTable } from './compile/route-table';
import { Diagnostic, DiagnosticBag } from './diagnostics/diagnostic';
import { httpRouteProfileKey, sizeOfHttpRoute } from './emit/istio/http-route';
import { renderCodeowners } from './emit/codeowners';
import { renderDelivery } from './emit/delivery/render-delivery';
import { renderTables } from './emit/render';
import { loadProject, SourceOverlay, SummaryEntry } from './load/load-project';
import { StubFieldRead } from './load/route-stubs';
import { DEFAULT_DELIVERY_PATH, REPO_FILE_PATHS } from './model/defaults';
import { Project } from './model/project';
import { diffTree, publishTree, PublishOptions, PublishReport, TreeDiff } from './publish/publish';
import { KeptFileChanged } from './publish/plan';
import type { KeptFile } from './cache/kept-files';
import { buildIncrementally, OnlyOptions } from './cache/incremental-build';
import { renderDeliveryReusing } from './cache/delivery-reuse';
import { StageTimings } from './util/stage-timings';
import { knownProgramSizes, knownRegexFacts, seedProgramSizes, seedRegexFacts } from './regex';
import { IncrementalCache } from './cache/incremental-cache';
import { diffRepoFiles, publishRepoFiles, RepoFilesDiff } from './publish/repo-files';

/** Options of `runPipeline`. */
export interface PipelineOptions {
  /** Project root: the folder holding `clusters/` and `routes/`. */
  readonly root: string;
  /**
   * Where the rendered tree is published (or compared, with `check`).
   *
   * @default `<root>/dist`
   */
  readonly outDir?: string;
  /** Publish into outDir when every check passed. */
  readonly write: boolean;
  /**
   * Compare outDir with the rendered tree instead of writing (`kfaas synth --check`). Ignored when `write`.
   *
   * @default false
   */
  readonly check?: boolean;
  /**
   * Object budgets for the compiler (tests use small ones to force splitting).
   *
   * @default MAX_OBJECT_BYTES and MAX_OBJECTS_PER_FOLDER
   */
  readonly budgets?: Pick<CompileOptions, 'maxObjectBytes' | 'maxObjectsPerFolder'>;
  /**
   * Input files that replace (or, as null, remove) what is on disk, for renders of a project as it would be
   * (`kfaas import`).
   *
   * @default - the files on disk only
   */
  readonly overlay?: SourceOverlay;
  /**
   * Publish (or check) a project without any Route: every route in outDir would be deleted, so it must be
   * asked for (like Argo CD's `allowEmpty`). Without it, no routes is an error.
   *
   * @default false
   */
  readonly allowEmpty?: boolean;
  /**
   * Refuse a project without any Route unless `allowEmpty`, even when nothing is written (`kfaas validate`, so CI
   * fails where the next synth would).
   *
   * @default - only when writing or checking
   */
  readonly requireRoutes?: boolean;
  /**
   * How to publish (adopting foreign folders, lock waiting, test seams). The project root is always `root`.
   *
   * @default {}
   */
  readonly publish?: Omit<PublishOptions, 'projectRoot'>;
  /**
   * Also return the object each rendered cluster file holds (`objects`), so a caller that compares objects
   * (`kfaas diff`) need not parse the YAML back.
   *
   * @default false
   */
  readonly keepObjects?: boolean;
  /**
   * Reuse what earlier runs cached (src/cache/incremental-cache.ts): documents of unchanged files, ownership
   * answers, and, with `write` or `check`, tables (and the delivery files) whose inputs are unchanged while outDir
   * still holds their rendered bytes. The output is the same as without it, byte for byte. The caller saves the cache.
   *
   * @default - none: everything is loaded, compiled and rendered
   */
  readonly cache?: IncrementalCache;
  /**
   * Compile only this cluster's environment (all of its environments when absent) and, unless `platform: false`, its
   * platform folder, besides the project-wide checks (`kfaas explain`), and render their objects (`objects`), not
   * files: neither written nor checked, nothing read from outDir; no delivery files.
   *
   * @default - every (cluster, environment)
   */
  readonly only?: OnlyOptions;
  /**
   * With `cache` (and `write` or `check`, without `only` or `overlay`): the routes of files unchanged since the last
   * run that found nothing are stubs (load/route-stubs.ts) made from the summaries that run kept, instead of models
   * decoded from each file; tables are compiled from the table index, decoding only the routes of the objects they
   * build. A run that asks a stub for what it does not hold, or finds anything at all, is done again from the files'
   * models, before anything is written: the result is always the one without stubs. @default false
   */
  readonly stubRoutes?: boolean;
}

/** What a run produced; later fields are absent when an earlier stage failed. */
export interface PipelineResult {
  /** Every diagnostic of every stage that ran, sorted and de-duplicated. */
  readonly diagnostics: Diagnostic[];
  /** The loaded model (absent when the cluster files failed to load). */
  readonly project?: Project;
  /**
   * Compiled tables (only when there was no error). With `cache` or `only`: the tables compiled in this run
   * (tables reused from the cache are not compiled).
   */
  readonly tables?: EnvironmentTable[];
  /** Compiled platform folders, one per cluster (only when there was no error). */
  readonly platforms?: PlatformTable[];
  /**
   * Rendered files, relative path to YAML (only when there was no error, and not with `only`). With `cache` (and `write` or `check`),
   * the files outDir already held with the right bytes are not in it but in `kept`.
   */
  readonly tree?: Map<string, string>;
  /**
   * With `cache`: files of the rendered tree that outDir already holds with the right bytes (src/cache/kept-files.ts),
   * by path; neither rendered nor read, and published as they are.
   */
  readonly kept?: ReadonlyMap<string, KeptFile>;
  /** What publishing did (only with `write`). */
  readonly report?: PublishReport;
  /** How outDir differs from the rendered tree (only with `check`). */
  readonly diff?: TreeDiff;
  /**
   * Files rendered for fixed places in the project root (`.github/CODEOWNERS`), relative to the root. Only
   * published (or checked) when outDir is the project's delivered folder (`<root>/<Delivery spec.path>`).
   */
  readonly repoFiles?: Map<string, string>;
  /** What publishing (with `write`) did, or checking (with `check`) found, for repoFiles. */
  readonly repoDiff?: RepoFilesDiff;
  /**
   * With `keepObjects` (and neither `cache` nor `only`): the object of each rendered `<cluster>/<folder>` file (not
   * the delivery files), by the tree's path; equal to what parsing the file gives. With `only`: the objects of the
   * asked folders, by the same paths (there is no `tree` then).
   */
  readonly objects?: Map<string, unknown>;
  /** With `cache`: how many tables (route and platform) were reused instead of compiled and rendered. */
  readonly reused?: number;
  /** With `cache`: how many VirtualServices of compiled tables were reused (src/cache/object-reuse.ts). */
  readonly reusedObjects?: number;
  /** With `cache`: the SHA-256 of the tree's files it knew without hashing them again, by path. */
  readonly treeHashes?: ReadonlyMap<string, string>;
  /** Milliseconds spent per stage (load, compile, render, publish: writing or, with `check`, comparing). */
  readonly timings?: Readonly<Record<string, number>>;
}

/**
 * load → compile → render → publish. Stops before writing at the first stage with an error, so dist/ only ever
 * changes to a fully valid tree. Warnings are collected and returned; they never stop the run.
 *
 * Load errors in `routes/` files still let the compiler run (the user sees its findings too, in one go);
 * errors in `clusters/` files or project-wide ones stop at once, since every table depends on them.
 */
export function runPipeline(opts: PipelineOptions): PipelineResult {
  const stubs = opts.stubRoutes === true && opts.cache !== undefined && (opts.write === true || opts.check === true) &&
    opts.only === undefined && (opts.overlay === undefined || opts.overlay.size === 0);
  try {
    return runWithStubs(opts, true, stubs);
  } catch (e) {
    // Another process wrote a file of the output folder this run had found up to date: render everything.
    if (e instanceof KeptFileChanged) return runWithStubs(opts, false, stubs);
    throw e;
  }
}

/**
 * runOnce with route stubs when `stubs`; a run with stubs that reads what a stub does not hold, or finds anything, is
 * done again without them (and the summaries are refused for the project's held files: route-summaries.ts).
 */
function runWithStubs(opts: PipelineOptions, reuseOutputs: boolean, stubs: boolean): PipelineResult {
  let refused = false;
  if (stubs) {
    try {
      const seen = { stubbed: false };
      const result = runOnce(opts, reuseOutputs, true, seen);
      // Diagnostics are never given from a project with stubs (they could quote a stub's coarse location): a run that
      // found something stopped before writing (runOnce) and is done again; the summaries are not refused for it.
      if (!(seen.stubbed && result.diagnostics.length > 0)) return keepSummaries(opts, result, false);
      stubRestarts.count++;
    } catch (e) {
      if (!(e instanceof StubFieldRead)) throw e;
      stubRestarts.count++;
      refused = true;
    }
  }
  const result = runOnce(opts, reuseOutputs, false);
  return stubs ? keepSummaries(opts, result, refused) : result;
}

/** Gives the cache this run's route summaries when it found nothing (none otherwise), for the next run's stubs. */
function keepSummaries(opts: PipelineOptions, result: PipelineResult & { readonly summaryEntries?: () => readonly SummaryEntry[] | undefined }, refused: boolean): PipelineResult {
  const entries = result.diagnostics.length === 0 ? result.summaryEntries?.() : undefined;
  opts.cache!.routeSummaries().set(entries ?? [], entries !== undefined && refused);
  return result;
}

/** How many runs with route stubs were done again without them (for tests that must see the stub path taken or left). */
export const stubRestarts = { count: 0, stubbed: 0 };

/**
 * runPipeline; `reuseOutputs`: tables and objects may be taken from the files outDir holds (with `cache`); `stubs`:
 * see PipelineOptions.stubRoutes (throws StubFieldRead when the run must be done without them); `seen.stubbed` tells
 * whether the project held stubs.
 */
function runOnce(
  opts: PipelineOptions, reuseOutputs: boolean, stubs: boolean, seen: { stubbed: boolean } = { stubbed: false },
): PipelineResult & { readonly summaryEntries?: () => readonly SummaryEntry[] | undefined } {
  const root = resolve(opts.root);
  const bag = new DiagnosticBag();

  const timings = new StageTimings();
  // What RE2 patterns' analysis found in earlier runs of this build (pure per pattern); handed back at the end.
  if (opts.cache) {
    seedRegexFacts(opts.cache.regexFacts());
    opts.cache.setRegexFacts(knownRegexFacts());
    seedProgramSizes(opts.cache.regexProgramSizes());
    opts.cache.setRegexProgramSizes(knownProgramSizes());
  }
  const loaded = loadProject(root, opts.overlay, opts.cache?.documentStore({ summaries: stubs }));
  timings.lap('load');
  if (loaded.stubs > 0) {
    stubRestarts.stubbed++;
    seen.stubbed = true;
  }
  bag.addAll(loaded.diagnostics);
  if (loaded.diagnostics.some((d: Diagnostic) => d.severity === 'error' && !isRouteFile(d))) {
    return { diagnostics: bag.all, project: loaded.project };
  }

  // keepObjects (kfaas diff) renders everything: reused tables have their files, not their objects.
  const objects = opts.keepObjects && !opts.cache && !opts.only ? new Map<string, unknown>() : undefined;
  // Where files of the tree may be found already rendered (with `cache`).
  const reusableOut = (opts.write || opts.check) && !opts.only && reuseOutputs ? resolve(opts.outDir ?? join(root, 'dist')) : undefined;
  const built = opts.cache || opts.only
    ? buildIncrementally(loaded.project, loaded.files, {
      cache: opts.cache ?? IncrementalCache.none(),
      budgets: opts.budgets,
      outDir: reusableOut,
      only: opts.only,
      timings,
      ...(loaded.stubs > 0 ? { materialize: loaded.materialize } : {}),
    })
    : buildFully(loaded.project, opts.budgets, timings, objects);
  bag.addAll(built.diagnostics);
  if (bag.hasErrors) return { diagnostics: bag.all, project: loaded.project };

  if ((opts.requireRoutes ?? (opts.write || opts.check)) && !opts.allowEmpty && loaded.project.routes.length === 0) {
    bag.error(
      'no-routes',
      undefined,
      undefined,
      `${existsSync(join(root, 'routes')) ? 'no Route documents under' : 'no routes/ folder:'} ${join(root, 'routes')}: ` +
        `publishing would delete every route in the output folder; check --root, or pass --allow-empty if the project has no routes on purpose`,
    );
    return { diagnostics: bag.all, project: loaded.project };
  }

  const tables = built.tables;
  if (opts.only) {
    const only = 'objects' in built ? built.objects : undefined;
    return { diagnostics: bag.all, project: loaded.project, tables, platforms: built.platforms, objects: only, timings: timings.all };
  }
  const tree = built.tree!;
  // Delivery objects point at the folders that were rendered, so they are planned from the tree itself.
  let kept = 'kept' in built ? built.kept : undefined;
  let treeHashes = 'hashes' in built ? built.hashes : undefined;
  const delivery = compileDelivery(loaded.project, renderedFolders(tree, kept));
  bag.addAll(delivery.diagnostics);
  if (bag.hasErrors) return { diagnostics: bag.all, project: loaded.project, tables };
  if (opts.cache) {
    // Rendered again only when the plan changed or the output folder does not hold the files recorded for it.
    const rendered = renderDeliveryReusing(delivery.table, { cache: opts.cache, outDir: reusableOut });
    for (const [path, text] of rendered.tree) tree.set(path, text);
    if (rendered.kept.size > 0) kept = new Map([...(kept ?? []), ...rendered.kept]);
    treeHashes = new Map([...(treeHashes ?? []), ...rendered.hashes]);
  } else {
    for (const [path, text] of renderDelivery(delivery.table)) tree.set(path, text);
  }
  timings.lap('render');
  const codeowners = planCodeowners(loaded.project);
  const repoFiles = new Map<string, string>();
  if (codeowners) repoFiles.set(CODEOWNERS_PATH, renderCodeowners(codeowners, loaded.project.delivery!.origin.at.file));

  const outDir = resolve(opts.outDir ?? join(root, 'dist'));
  const base = {
    diagnostics: bag.all, project: loaded.project, tables, platforms: built.platforms, tree, repoFiles,
    ...('reused' in built ? { reused: built.reused, reusedObjects: built.reusedObjects ?? 0, treeHashes, kept } : {}),
    ...(objects ? { objects } : {}), timings: timings.all, summaryEntries: loaded.summaryEntries,
  };
  if (!opts.write && !opts.check) return base;
  const publish: PublishOptions = { ...opts.publish, projectRoot: root, kept };
  // Files outside outDir belong to the repository that delivers outDir: left alone when rendering elsewhere.
  const delivered = outDir === resolve(root, loaded.project.delivery?.path ?? DEFAULT_DELIVERY_PATH);
  const repoPaths = delivered ? REPO_FILE_PATHS : [];
  const repoDiff = diffRepoFiles(root, repoPaths, repoFiles);
  for (const rel of repoDiff.refused) {
    const at = loaded.project.delivery?.origin;
    bag.error(
      'foreign-file',
      at?.at,
      at?.path,
      `kfaas generates ${rel} from the reviewers of this document and of the Team documents, but ${rel} exists and was not written by kfaas; move its rules into spec.reviewers and delete it`,
    );
  }
  // With stubs in the project, a run that found anything (warnings too) writes and compares nothing: runWithStubs
  // does it again without them.
  if (bag.hasErrors || (seen.stubbed && bag.all.length > 0)) return { diagnostics: bag.all, project: loaded.project, tables };
  if (opts.write) {
    const report = publishTree(outDir, tree, publish);
    const published = publishRepoFiles(root, repoPaths, repoFiles);
    timings.lap('publish');
    return { ...base, report, repoDiff: published, timings: timings.all };
  }
  const diff = diffTree(outDir, tree, publish);
  timings.lap('publish');
  return { ...base, diff, repoDiff, timings: timings.all };
}

/** Compiles and renders everything. */
function buildFully(
  project: Project, budgets: PipelineOptions['budgets'], timings: StageTimings, objects?: Map<string, unknown>,
): { diagnostics: Diagnostic[]; tables: EnvironmentTable[]; platforms: PlatformTable[]; tree?: Map<string, string> } {
  const compiled = compileProject(project, {
    ...budgets,
    sizeOf: (http, table) => sizeOfHttpRoute(http, table.profile),
    sizeKeyOf: httpRouteProfileKey,
  });
  timings.lap('compile');
  const { diagnostics, tables, platforms } = compiled;
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics, tables, platforms };
  const tree = renderTables(tables, platforms, objects);
  timings.lap('render');
  return { diagnostics, tables, platforms, tree };
}

function isRouteFile(d: Diagnostic): boolean {
  return d.location !== undefined && d.location.file.startsWith('routes/');
}
