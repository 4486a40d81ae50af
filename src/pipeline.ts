import { join, resolve } from 'path';
import { compileProject, CompileOptions } from './compile/compile-project';
import { compileDelivery, renderedFolders } from './compile/delivery';
import { EnvironmentTable } from './compile/route-table';
import { Diagnostic, DiagnosticBag } from './diagnostics/diagnostic';
import { sizeOfHttpRoute } from './emit/istio/http-route';
import { renderDelivery } from './emit/delivery/render-delivery';
import { renderTables } from './emit/render';
import { loadProject } from './load/load-project';
import { Project } from './model/project';
import { diffTree, publishTree, PublishReport, TreeDiff } from './publish/publish';

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
}

/** What a run produced; later fields are absent when an earlier stage failed. */
export interface PipelineResult {
  /** Every diagnostic of every stage that ran, sorted and de-duplicated. */
  readonly diagnostics: Diagnostic[];
  /** The loaded model (absent when the cluster files failed to load). */
  readonly project?: Project;
  /** Compiled tables (only when there was no error). */
  readonly tables?: EnvironmentTable[];
  /** Rendered files, relative path to YAML (only when there was no error). */
  readonly tree?: Map<string, string>;
  /** What publishing did (only with `write`). */
  readonly report?: PublishReport;
  /** How outDir differs from the rendered tree (only with `check`). */
  readonly diff?: TreeDiff;
}

/**
 * load → compile → render → publish. Stops before writing at the first stage with an error, so dist/ only ever
 * changes to a fully valid tree. Warnings are collected and returned; they never stop the run.
 *
 * Load errors in `routes/` files still let the compiler run (the user sees its findings too, in one go);
 * errors in `clusters/` files or project-wide ones stop at once, since every table depends on them.
 */
export function runPipeline(opts: PipelineOptions): PipelineResult {
  const root = resolve(opts.root);
  const bag = new DiagnosticBag();

  const loaded = loadProject(root);
  bag.addAll(loaded.diagnostics);
  if (loaded.diagnostics.some((d: Diagnostic) => d.severity === 'error' && !isRouteFile(d))) {
    return { diagnostics: bag.all, project: loaded.project };
  }

  const compiled = compileProject(loaded.project, {
    ...opts.budgets,
    sizeOf: (http, table) => sizeOfHttpRoute(http, table.profile),
  });
  bag.addAll(compiled.diagnostics);
  if (bag.hasErrors) return { diagnostics: bag.all, project: loaded.project };

  const tables = compiled.tables;
  const tree = renderTables(tables, compiled.platforms);
  // Delivery objects point at the folders that were rendered, so they are planned from the tree itself.
  const delivery = compileDelivery(loaded.project, renderedFolders(tree));
  bag.addAll(delivery.diagnostics);
  if (bag.hasErrors) return { diagnostics: bag.all, project: loaded.project, tables };
  for (const [path, text] of renderDelivery(delivery.table)) tree.set(path, text);
  const outDir = resolve(opts.outDir ?? join(root, 'dist'));
  const base = { diagnostics: bag.all, project: loaded.project, tables, tree };
  if (opts.write) return { ...base, report: publishTree(outDir, tree) };
  if (opts.check) return { ...base, diff: diffTree(outDir, tree) };
  return base;
}

function isRouteFile(d: Diagnostic): boolean {
  return d.location !== undefined && d.location.file.startsWith('routes/');
}
