import {
  compileClusterPlatform, compileSlot, CompileOptions, Compiled, mergeFindings, planProject,
} from '../compile/compile-project';
import { compileEnvironmentFromIndex, entryContext, FromIndex, sortedEntriesOf } from '../compile/compile-environment';
import { IndexedObject } from '../compile/incremental-table';
import { sameItems } from '../compile/table-memo';
import { rootUnitCounts } from '../compile/layout-merged';
import { changedFilesOf, IndexedRoute, ListRows, ListWithLandings, listWithLandings, rowsOf, updateRows } from '../compile/table-index';
import { EnvironmentSlot, Landing } from '../compile/expand';
import { FindingRecord } from '../compile/findings';
import { PlatformTable } from '../compile/platform/platform-table';
import { EnvironmentTable } from '../compile/route-table';
import { Diagnostic } from '../diagnostics/diagnostic';
import { httpRouteProfileKey, sizeOfHttpRoute } from '../emit/istio/http-route';
import { fileNameFor, folderOf, renderObjects } from '../emit/render';
import { groupBy } from '../util/group-by';
import { KeptObject, renderReusingObjects } from './object-reuse';
import { SourceFile } from '../load/read-tree';
import { PLATFORM_FOLDER } from '../model/defaults';
import { behaviourIn, Project, Route } from '../model/project';
import { compareText } from '../util/compare';
import { StageTimings } from '../util/stage-timings';
import { IncrementalCache, keyOf } from './incremental-cache';
import { fileKeyOf, isKeyOf } from './file-key';
import { sha256 } from '../util/sha256';
import { KeptFile, keptIfUnchanged, keptRecorded, renderedKinds } from './kept-files';
import { clusterInputsDigest, slotInputsDigest } from './slot-inputs';
import { TableIndexStore } from './table-index-store';

/** Options of {@link buildIncrementally}. */
export interface IncrementalOptions {
  readonly cache: IncrementalCache;
  /** Object budgets, as for compileProject. @default the defaults */
  readonly budgets?: Pick<CompileOptions, 'maxObjectBytes' | 'maxObjectsPerFolder'>;
  /**
   * The output folder whose files may stand in for tables (and objects) whose inputs did not change, when they
   * still hold exactly the bytes the cache recorded for them (kept-files.ts: hashed when their stat changed since
   * they were last hashed). Without it every table is compiled and rendered. Not used with `only`.
   *
   * @default - none
   */
  readonly outDir?: string;
  /**
   * Compile only this cluster's environment (every environment of it when absent) and, unless `platform: false`,
   * its platform table, and render their objects (`objects`, no files: `kfaas explain`); the project-wide checks
   * still run.
   *
   * @default - every table
   */
  readonly only?: OnlyOptions;
  /** Told when compiling and rendering end. @default - not timed */
  readonly timings?: StageTimings;
  /**
   * The model of a route stub (load-project.ts LoadResult.materialize): tables compiled from the table index make
   * entries of stubs' landings from it. A table compiled whole reads stubs' behaviours, which throw StubFieldRead.
   * @default - no stubs: each route itself
   */
  readonly materialize?: (route: Route) => Route;
}

/** Which part of the project to compile and render (see IncrementalOptions.only). */
export interface OnlyOptions {
  readonly cluster: string;
  /** @default - every environment of the cluster */
  readonly environment?: string;
  /** Compile and render the cluster's platform folder too. @default true */
  readonly platform?: boolean;
}

/** What {@link buildIncrementally} produced. */
export interface IncrementalBuild {
  /** Diagnostics of the project-wide checks and of every table, as a full compile reports them. */
  readonly diagnostics: Diagnostic[];
  /** The tables compiled in this run (those whose inputs changed, or `only`), sorted. */
  readonly tables: EnvironmentTable[];
  /** The platform tables compiled in this run, sorted. */
  readonly platforms: PlatformTable[];
  /**
   * The rendered tree; absent when there is an error or with `only` (see `objects`). The files outDir already holds
   * (`kept`) are not in it.
   */
  readonly tree?: Map<string, string>;
  /**
   * With `only`: the objects of the asked folders by the tree's path (`renderObjects`), instead of `tree`.
   * @default - absent without `only`, or when there is an error
   */
  readonly objects?: Map<string, unknown>;
  /** Files of the tree outDir already holds with the right bytes, neither rendered nor read (not with `only`). */
  readonly kept?: ReadonlyMap<string, KeptFile>;
  /** How many tables (route tables and platform tables) were reused from the cache, not compiled. */
  readonly reused: number;
  /** How many VirtualServices of compiled tables were taken from the output folder instead of rendered. @default 0 */
  readonly reusedObjects?: number;
  /** SHA-256 of every file of `tree`, by path (known from the cache or computed for it). @default none */
  readonly hashes?: ReadonlyMap<string, string>;
  /**
   * How many of the compiled tables were compiled from the table index (only their changed objects built; see
   * compile-environment.ts compileEnvironmentFromIndex). @default 0
   */
  readonly fromIndex?: number;
}

/**
 * How many tables runs of this process compiled from the table index, and how many tried and were compiled whole:
 * for tests that must see the index-driven path taken (the CLI's result does not say).
 */
export const tableIndexCounts = { compiled: 0, fallback: 0 };

interface Part<T> {
  /** The cache key (computed on first use: `only` needs none, and a table's key hashes all its route files). */
  readonly key: () => string;
  /**
   * The content key of the input whose diagnostics the key does not cover (a slot's cluster file): a record with
   * findings is reused only when it matches. @default - the key covers the findings too
   */
  readonly exact?: string;
  /** Tree paths start with this (`<cluster>/<env>/`). */
  readonly folder: string;
  readonly compile: () => Compiled<T>;
}

/**
 * Compiles and renders a loaded project, reusing what an earlier run cached for tables whose inputs are unchanged
 * (see IncrementalCache). The result is the one a full compile and render gives, byte for byte: a table is
 * reused only under a key covering every input file it depends on and the kfaas build, and only when the output
 * folder holds the very bytes rendered for that key; the project-wide checks (where routes land, path ownership)
 * run every time, ownership from per-match answers cached by the Team files' content.
 */
export function buildIncrementally(project: Project, files: readonly SourceFile[], opts: IncrementalOptions): IncrementalBuild {
  // The content key of an input file by its path (fileKeyOf).
  const byPath = new Map(files.map((f) => [f.path, f]));
  // Asked for every route file by several keys and the table index: made once per path.
  const fileKeys = new Map<string, string>();
  const keyOfFile = (path: string): string => {
    let key = fileKeys.get(path);
    if (key === undefined) {
      const file = byPath.get(path);
      fileKeys.set(path, (key = file === undefined ? `missing:${path}` : fileKeyOf(file)));
    }
    return key;
  };
  const isCurrent = (path: string, fileKey: string): boolean => {
    const file = byPath.get(path);
    return file === undefined ? fileKey === `missing:${path}` : isKeyOf(fileKey, file);
  };
  const teams = keyOf(['teams', ...unique(project.teams.map((t) => keyOfFile(t.origin.at.file)))]);
  // Sizes of route entries by route content (entry-sizes.ts); the contexts of the plan's tables are asked for on saving.
  // Not with `only`: every object of the asked folders is rendered then, from the very JSON measuring builds
  // (http-route.ts sharedHttpRouteJson), so known sizes would save nothing.
  const entrySizes = opts.only ? undefined : opts.cache.entrySizes()?.forRun(keyOfFile, project.routes, () => plan.slots.map((slot) => entryContext(slot, plan.options)));
  const plan = planProject(project, {
    ...opts.budgets,
    sizeOf: (http, table) => sizeOfHttpRoute(http, table.profile),
    sizeKeyOf: httpRouteProfileKey,
    ownershipMemo: opts.cache.ownership(teams),
    // entries of earlier runs of this process (kfaas watch): sizeOf and sizeKeyOf are these two, always
    ...(opts.cache.sharedEntries() ? { sharedEntries: opts.cache.sharedEntries() } : {}),
    ...(entrySizes ? { entrySizes } : {}),
    // One environment asked for: one table compiled, nothing to share between tables.
    ...(opts.only?.environment !== undefined ? { shareBetweenTables: false } : {}),
  });
  const budgets = JSON.stringify([opts.budgets?.maxObjectBytes ?? null, opts.budgets?.maxObjectsPerFolder ?? null]);
  const landingsKey = landingsDigest(keyOfFile);

  // A table and its objects are keyed by what they take from the cluster file (slot-inputs.ts), not by the whole
  // file: a comment, another environment or a patch release of the same version class leaves them as they were.
  const slotParts = plan.slots.map((slot): SlotPart => {
    const inputs = slotInputsDigest(slot.cluster, slot.environment);
    return {
      slot,
      // The landings' digest (each route's file content key and name, in order) stands for the route files: the list
      // key needs it too, so a table's two keys make it once.
      key: once(() => keyOf(['slot', budgets, slot.cluster.name, slot.environment.name, inputs, teams, landingsKey(slot.landings)])),
      // Everything of the table key but the route files: the table index's key of this table.
      indexKey: keyOf(['table-index', budgets, slot.cluster.name, slot.environment.name, inputs, teams]),
      // What its list of entries is made of: the landings (route files' content and route names) in the entry context.
      listKey: once(() => keyOf(['list', entryContext(slot, plan.options), landingsKey(slot.landings)])),
      envelope: keyOf(['envelope', slot.cluster.name, slot.environment.name, inputs, teams]),
      exact: keyOfFile(slot.cluster.origin.at.file),
      folder: `${folderOf(slot.cluster.name, slot.environment.name)}/`,
      compile: () => compileSlot(plan, slot),
    };
  });
  // A cluster's Egress prefixes (compile-egress.ts) are made of the Egress documents and that cluster alone (which
  // Egresses land on it: its name and javaExport; their order and retries: its profile), all in its platform key;
  // what the other clusters decide (an Egress naming an unknown cluster, or one without javaExport) is the plan's
  // findings, derived every run.
  const egressFiles = unique((project.egresses ?? []).map((e) => keyOfFile(e.origin.at.file)));
  const platformParts = plan.clusters.map((cluster): Part<PlatformTable> & { cluster: string } => ({
    cluster: cluster.name,
    key: once(() => keyOf(['platform', budgets, cluster.name, clusterInputsDigest(cluster), ...egressFiles,
      ...slotParts.filter((p) => p.slot.cluster === cluster).map((p) => p.key())])),
    exact: keyOfFile(cluster.origin.at.file),
    folder: `${folderOf(cluster.name, PLATFORM_FOLDER)}/`,
    compile: () => compileClusterPlatform(plan, cluster),
  }));
  if (opts.only) {
    const { cluster, environment } = opts.only;
    const asked = slotParts.filter((p) => p.slot.cluster.name === cluster && (environment === undefined || p.slot.environment.name === environment));
    const slots = asked.map((p) => p.compile());
    // The platform folder is another folder: compiled (and its problems reported) only when it is asked for.
    const platforms = opts.only.platform === false ? [] : platformParts.filter((p) => p.cluster === cluster).map((p) => p.compile());
    const diagnostics = mergeFindings([plan.findings, ...slots.map((c) => c.findings), ...platforms.map((c) => c.findings)]);
    const tables = slots.map((c) => c.table);
    const platformTables = platforms.map((c) => c.table);
    opts.timings?.lap('compile');
    if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics, tables, platforms: platformTables, reused: 0 };
    // Objects, not files: what a caller simulating requests reads (the same objects parsing the files gives).
    const objects = renderObjects(tables, platformTables);
    opts.timings?.lap('render');
    return { diagnostics, tables, platforms: platformTables, objects, reused: 0 };
  }

  const kept = new Map<string, KeptFile>();
  const hashes = new Map<string, string>();
  const findings: (readonly FindingRecord[])[] = [plan.findings];
  const reuse = (part: Part<unknown>): boolean => {
    const found = opts.outDir === undefined ? undefined : opts.cache.table(part.key());
    // Findings quote what the key leaves out (a version's text, the cluster file's lines): kept only from that very file.
    const record = found && (found.exact === undefined || found.exact === part.exact) ? found : undefined;
    const files = record && keptRecorded(opts.outDir!, record, opts.cache);
    if (!record || !files) return false;
    for (const [path, file] of files) {
      kept.set(path, file);
      hashes.set(path, file.hash);
    }
    findings.push(record.findings as FindingRecord[]);
    return true;
  };
  // Tables whose inputs changed only in route files are compiled from the table index when it holds them (building
  // only their changed objects); the rest, and any the index cannot compile, are compiled whole.
  const index = opts.outDir === undefined ? undefined : opts.cache.tableIndex();
  const rowsByList = new Map<string, ListRows>();
  const changedByLists = new Map<string, Set<string>>();
  // changedFilesOf depends on the rows' routes (name, file, stored content key) and the landings' routes alone: the
  // lists of an environment's others (alpha, beta, prod at tier L) index the same route objects (table-index-layers.ts
  // keeps each route once) and land the same route objects, so they share one answer instead of a pass each.
  const changedByRoutes: { readonly routes: readonly IndexedRoute[]; readonly landings: readonly Landing[]; readonly changed: Set<string> }[] = [];
  const changedFiles = (rows: ListRows, landings: readonly Landing[]): Set<string> => {
    const same = changedByRoutes.find((c) => sameItems(c.routes, rows.routes) && sameRoutes(c.landings, landings));
    if (same) return same.changed;
    const changed = changedFilesOf(rows, landings, isCurrent);
    changedByRoutes.push({ routes: rows.routes, landings, changed });
    return changed;
  };
  // The rows of each list now with their landings (undefined: the index does not stand for them), by list key.
  const listsNow = new Map<string, ListWithLandings | undefined>();
  // Landings of stubs' models, made once per landing (the tables of an environment's clusters share landings).
  const realLandings = new WeakMap<Landing, Landing>();
  const materialize = opts.materialize && ((environment: string) => (landing: Landing): Landing => {
    let real = realLandings.get(landing);
    if (real === undefined) {
      const route = opts.materialize!(landing.route);
      real = route === landing.route ? landing : { route, behaviour: behaviourIn(route, environment) };
      realLandings.set(landing, real);
    }
    return real;
  });
  const fromIndex = (part: SlotPart): SlotCompile | undefined => {
    const previous = index?.table(part.indexKey);
    if (!previous) return undefined;
    const listKey = part.listKey();
    const pair = `${previous.listKey}\u0000${listKey}`;
    let changed = changedByLists.get(pair);
    if (!changed) changedByLists.set(pair, (changed = changedFiles(previous.rows, part.slot.landings)));
    // Objects kept as they are must be in the output folder with the bytes recorded for them; others are built.
    const keptFiles = new Map<string, KeptObject>();
    const result = compileEnvironmentFromIndex(part.slot, plan.options, {
      previous,
      changed,
      ...(materialize ? { materialize: materialize(part.slot.environment.name) } : {}),
      list: (changedEntries) => {
        if (!listsNow.has(listKey)) {
          const list = listWithLandings(updateRows(previous.rows, changed!, changedEntries(), keyOfFile), part.slot.landings);
          listsNow.set(listKey, list);
          if (list) rowsByList.set(listKey, list.rows);
        }
        return listsNow.get(listKey);
      },
      canKeep: (object) => {
        const path = `${part.folder}${fileNameFor('VirtualService', object.name)}`;
        const cached = opts.cache.object(object.key);
        const file = cached && keptIfUnchanged(opts.outDir!, path, cached[0], opts.cache.memo, cached[1] === '' ? undefined : cached[1]);
        if (file) keptFiles.set(object.key, { path, key: object.key, file });
        return file !== undefined;
      },
    });
    if ('fallback' in result) {
      tableIndexCounts.fallback++;
      return undefined;
    }
    const keptObjects = result.roots.flatMap((root) => ('kept' in root ? [keptFiles.get(root.kept.key)!] : []));
    tableIndexCounts.compiled++;
    return { part, compiled: { table: result.table, findings: [] }, indexed: { result, keptObjects } };
  };
  const compiledSlots = slotParts.filter((p) => {
    if (!reuse(p)) return true;
    index?.keepTable(p.indexKey);
    return false;
  }).map((p): SlotCompile => fromIndex(p) ?? { part: p, compiled: p.compile() });
  const compiledPlatforms = platformParts.filter((p) => !reuse(p)).map((p) => ({ part: p, compiled: p.compile() }));
  for (const { compiled } of [...compiledSlots, ...compiledPlatforms]) findings.push(compiled.findings);
  const diagnostics = mergeFindings(findings);
  const tables = compiledSlots.map((c) => c.compiled.table);
  const platforms = compiledPlatforms.map((c) => c.compiled.table);
  const reused = slotParts.length + platformParts.length - compiledSlots.length - compiledPlatforms.length;
  opts.timings?.lap('compile');
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics, tables, platforms, reused };

  const { tree: rendered, kept: keptObjects, knownHashes, renderedHashes, objectKeys } = renderReusingObjects(
    compiledSlots.map(({ part, compiled, indexed }) => ({
      table: compiled.table, envelope: part.envelope, ...(indexed ? { keptObjects: indexed.keptObjects } : {}),
    })),
    platforms,
    { cache: opts.cache, outDir: opts.outDir, fileKey: keyOfFile },
  );
  const folderOfPath = (path: string): string => path.slice(0, path.indexOf('/', path.indexOf('/') + 1) + 1);
  const byFolder = groupBy([...rendered], ([path]) => folderOfPath(path));
  const keptByFolder = groupBy([...keptObjects], ([path]) => folderOfPath(path));
  for (const { part, compiled } of [...compiledSlots, ...compiledPlatforms]) {
    const own = byFolder.get(part.folder) ?? [];
    const ownKept = keptByFolder.get(part.folder) ?? [];
    const objects = objectKeys.get(part.folder);
    for (const [path, text] of own) hashes.set(path, renderedHashes.get(path) ?? sha256(text));
    for (const [path, file] of ownKept) hashes.set(path, file.hash);
    const paths = [...own.map(([path]) => path), ...ownKept.map(([path]) => path)].sort(compareText);
    const kinds = [
      ...renderedKinds(own),
      ...ownKept.filter(([, file]) => file.kind !== undefined).map(([path, file]) => [path, file.kind!]),
    ];
    opts.cache.setTable(part.key(), {
      findings: compiled.findings.map((f) => ({ diagnostic: plainDiagnostic(f.diagnostic), scopes: f.scopes })),
      ...(compiled.findings.length > 0 && part.exact !== undefined ? { exact: part.exact } : {}),
      files: Object.fromEntries(paths.map((path) => [path, hashes.get(path)!])),
      kinds: Object.fromEntries(kinds.sort((a, b) => compareText(a[0], b[0]))),
      ...(objects && objects.length > 0 ? { objects } : {}),
    });
  }
  for (const [path, file] of keptObjects) kept.set(path, file);
  if (index) for (const slot of compiledSlots) recordIndex(index, slot, objectKeys.get(slot.part.folder) ?? [], rowsByList, keyOfFile);
  const tree = new Map([...rendered].sort((a, b) => compareText(a[0], b[0])));
  opts.timings?.lap('render');
  const indexed = compiledSlots.filter((c) => c.indexed).length;
  return { diagnostics, tables, platforms, tree, kept, reused, reusedObjects: knownHashes.size, hashes, fromIndex: indexed };
}

/** A diagnostic as plain data (its location's line and column are computed on first read). */
function plainDiagnostic(d: Diagnostic): Diagnostic {
  const { location } = d;
  return { ...d, ...(location ? { location: { file: location.file, line: location.line, col: location.col } } : {}) };
}

/** A (cluster, environment) table's part, with the envelope of its objects (object-reuse.ts KeyedTable). */
interface SlotPart extends Part<EnvironmentTable> {
  readonly slot: EnvironmentSlot;
  readonly envelope: string;
  /** The key of its entry in the table index (table-index-store.ts). */
  readonly indexKey: string;
  /** The key of its list of entries in the table index. */
  readonly listKey: () => string;
}

/** A table compiled in this run; `indexed` when compiled from the table index. */
interface SlotCompile {
  readonly part: SlotPart;
  readonly compiled: Compiled<EnvironmentTable>;
  readonly indexed?: { readonly result: Extract<FromIndex, { table: unknown }>; readonly keptObjects: readonly KeptObject[] };
}

/**
 * Records a compiled table in the table index: its list's rows and its root objects (names, how many components
 * each holds, object keys). A table with findings, or one the index cannot stand for (not `merged` VirtualServices,
 * business domains, delegates), has no entry. `keys`: the object keys of its VirtualServices (those of
 * `table.virtualServices` first, in order: object-reuse.ts objectKeys).
 */
function recordIndex(
  index: TableIndexStore, { part, compiled, indexed }: SlotCompile, keys: readonly string[], rowsByList: Map<string, ListRows>,
  keyOfFile: (path: string) => string,
): void {
  const { table } = compiled;
  const keyByName = new Map(table.virtualServices.map((vs, i) => [vs.name, keys[i]]));
  if (compiled.findings.length > 0) {
    index.dropTable(part.indexKey);
    return;
  }
  const listKey = part.listKey();
  if (indexed) {
    const { roots, unitCounts, rows } = indexed.result;
    const objects = roots.map((r, i): IndexedObject => ('kept' in r ? r.kept : { name: r.built.name, units: unitCounts[i], key: keyByName.get(r.built.name)! }));
    index.setTable(part.indexKey, listKey, rows, objects);
    return;
  }
  const sorted = sortedEntriesOf(table);
  const units = rootUnitCounts(table.virtualServices);
  if (!sorted || !units || table.virtualServices.some((vs) => vs.role !== 'root')) {
    index.dropTable(part.indexKey);
    return;
  }
  let rows = rowsByList.get(listKey);
  if (!rows) rowsByList.set(listKey, (rows = rowsOf(sorted, keyOfFile)));
  index.setTable(part.indexKey, listKey, rows, units.map((n, i) => ({ name: table.virtualServices[i].name, units: n, key: keys[i] })));
}

/**
 * The digest of the routes landing in a table (content key of each route's file and its name, in order): what of the
 * route files a table's key takes, and with the entry context, what its list of entries is made of. Landings of the
 * same routes (the clusters hosting an environment) have the same digest: computed once.
 */
function landingsDigest(keyOfFile: (path: string) => string): (landings: readonly Landing[]) => string {
  return perLandings((landings) => sha256(landings.map((l) => `${keyOfFile(l.route.origin.at.file)}\u0001${l.route.name}`).join('\u0002')));
}

/**
 * `digest`, computed once per list of landings of the same routes in the same order (the clusters hosting an
 * environment land the same routes: a digest of 7,000 route files is made once, not once per cluster).
 */
function perLandings(digest: (landings: readonly Landing[]) => string): (landings: readonly Landing[]) => string {
  const done: { readonly landings: readonly Landing[]; readonly digest: string }[] = [];
  return (landings) => {
    const same = done.find((d) => sameRoutes(d.landings, landings));
    if (same) return same.digest;
    const made = digest(landings);
    done.push({ landings, digest: made });
    return made;
  };
}

/** Whether two lists of landings hold the same routes in the same order (a shared landing object is not read). */
function sameRoutes(a: readonly Landing[], b: readonly Landing[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && a[i].route !== b[i].route) return false;
  return true;
}

/** `compute`, called once, on first use. */
function once<T>(compute: () => T): () => T {
  let value: { readonly v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

function unique(keys: readonly string[]): string[] {
  return [...new Set(keys)].sort(compareText);
}
