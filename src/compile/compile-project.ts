import { Diagnostic } from '../diagnostics/diagnostic';
import { MAX_OBJECT_BYTES, MAX_OBJECTS_PER_FOLDER, PREFERRED_OBJECT_BYTES } from '../model/defaults';
import { Cluster, Project } from '../model/project';
import { compareText } from '../util/compare';
import { VersionProfile } from '../versions/profile';
import { compileEnvironment, EnvironmentOptions } from './compile-environment';
import { OrderCheckMemo, TableMemo } from './table-memo';
import { PlacementMemo } from './landing-checks';
import { EntrySizeMemo, SharedEntries } from './entries';
import { EnvironmentSlot, expandLandings } from './expand';
import { FindingRecord, Findings } from './findings';
import { checkOwnership, makeOwnershipIndex, OwnershipMemo } from './ownership';
import { compileEgress } from './platform/compile-egress';
import { compilePlatform } from './platform/compile-platform';
import { checkHostnames, HostnameSighting, projectSightings } from './platform/compile-domains';
import { EgressHttpTable, PlatformTable } from './platform/platform-table';
import { EnvironmentTable, HttpRouteTable } from './route-table';

export interface CompileOptions {
  /** Serialized size in bytes of one http route entry as the emitter will write it (caller supplies; tests may pass a simple estimate). */
  readonly sizeOf: (http: HttpRouteTable, table: { profile: VersionProfile }) => number;
  /** @default MAX_OBJECT_BYTES */
  readonly maxObjectBytes?: number;
  /** @default MAX_OBJECTS_PER_FOLDER */
  readonly maxObjectsPerFolder?: number;
  /**
   * Average serialized VirtualService the content-defined cuts aim at (never more than maxObjectBytes).
   *
   * @default PREFERRED_OBJECT_BYTES
   */
  readonly preferredObjectBytes?: number;
  /**
   * Ownership answers from earlier runs with the same Team documents (see {@link OwnershipMemo}); new answers are
   * added to it.
   *
   * @default - none: every match is checked
   */
  readonly ownershipMemo?: OwnershipMemo;
  /**
   * What of a profile the sizes `sizeOf` gives depend on, as text: profiles with equal keys must measure every
   * HTTP route alike. The tables of such clusters then share their route entries and layouts instead of making
   * them again (the emitter's httpRouteProfileKey, for its own sizeOfHttpRoute).
   *
   * @default - every profile its own key: nothing is shared between clusters
   */
  readonly sizeKeyOf?: (profile: VersionProfile) => string;
  /**
   * Sizes of route entries known from earlier runs (see EntrySizeMemo): entries of a known route, context and
   * match are not measured again.
   *
   * @default - none: every entry is measured
   */
  readonly entrySizes?: EntrySizeMemo;
  /**
   * Let the tables of this compile share what they make alike (entries, sorts, layouts, placements, order checks:
   * SharedEntries, TableMemo, PlacementMemo, OrderCheckMemo). A caller that compiles one table of the plan (`kfaas
   * explain --env`) gains nothing from it and pays its bookkeeping (about a quarter of compiling a table of 7,000
   * routes: a memo entry per route, behaviour and match). The tables are the same either way.
   *
   * @default true
   */
  readonly shareBetweenTables?: boolean;
  /**
   * Actions and route entries kept from earlier compiles of this process (`kfaas watch`) instead of a new
   * SharedEntries: the entries of routes whose model objects are the same are not made again. Only for compiles with
   * the same `sizeOf` and `sizeKeyOf` (entries carry their sizes); everything else an entry depends on is in its keys
   * (SharedEntries). Ignored with `shareBetweenTables: false`.
   *
   * @default - a new SharedEntries for this compile
   */
  readonly sharedEntries?: SharedEntries;
}

export interface CompileResult {
  /** One per (cluster, environment the cluster hosts), sorted by cluster then environment. */
  readonly tables: EnvironmentTable[];
  /** One per cluster (`dist/<cluster>/platform/`), sorted by cluster. */
  readonly platforms: PlatformTable[];
  /** Sorted and de-duplicated; the tables are only fit to publish when there is no error. */
  readonly diagnostics: Diagnostic[];
}

/**
 * A project expanded into its (cluster, environment) slots, with the project-wide checks done (where routes land,
 * path ownership). Each slot and each cluster's platform table can then be compiled on its own
 * ({@link compileSlot}, {@link compileClusterPlatform}): an incremental run compiles only those whose inputs
 * changed and takes the others' results from its cache.
 */
export interface ProjectPlan {
  /** Every slot, sorted by cluster then environment. */
  readonly slots: readonly EnvironmentSlot[];
  /** Clusters with at least one slot, in slot order. */
  readonly clusters: readonly Cluster[];
  /** Allowed Java export prefixes per cluster name (Egress documents, compiled project-wide). */
  readonly egress: ReadonlyMap<string, readonly EgressHttpTable[]>;
  /**
   * Business-domain hostnames each cluster serves (sorted, unique), by cluster name. Computed here, not from the
   * compiled tables, so a cluster's platform table can be compiled (or reused) without compiling its environments.
   */
  readonly hostnames: ReadonlyMap<string, readonly string[]>;
  /** Findings of the project-wide checks. */
  readonly findings: readonly FindingRecord[];
  readonly options: EnvironmentOptions;
}

/** A compiled table (or platform table) with what compiling it found. */
export interface Compiled<T> {
  readonly table: T;
  readonly findings: readonly FindingRecord[];
}

/** Expands the project and runs the project-wide checks. Pure. */
export function planProject(project: Project, options: CompileOptions): ProjectPlan {
  const findings = new Findings();
  const ownership = makeOwnershipIndex(project.teams);
  const resolved: EnvironmentOptions = {
    ownership,
    sizeOf: options.sizeOf,
    maxObjectBytes: options.maxObjectBytes ?? MAX_OBJECT_BYTES,
    maxObjectsPerFolder: options.maxObjectsPerFolder ?? MAX_OBJECTS_PER_FOLDER,
    preferredObjectBytes: options.preferredObjectBytes ?? PREFERRED_OBJECT_BYTES,
    ...(options.shareBetweenTables === false ? {} : {
      orderChecks: new OrderCheckMemo(),
      sharedEntries: options.sharedEntries ?? new SharedEntries(),
      tableMemo: new TableMemo(),
      placements: new PlacementMemo(),
    }),
    sizeKeyOf: options.sizeKeyOf ?? profileIdentity(),
    ...(options.entrySizes ? { entrySizes: options.entrySizes } : {}),
  };
  const { slots, landings } = expandLandings(project, findings);
  checkOwnership(ownership, landings, findings, options.ownershipMemo);
  const sightings = projectSightings(slots, landings);
  checkHostnames(slots, sightings, findings);
  const clusters = [...new Set(slots.map((s) => s.cluster))];
  const egress = compileEgress(project.egresses ?? [], project.clusters, findings);
  const hostnames = new Map(clusters.map((c) => [c.name, servedHostnames(sightings, c.name)]));
  return { slots, clusters, egress, hostnames, findings: findings.records, options: resolved };
}

/** Compiles one (cluster, environment) of a plan. Pure. */
export function compileSlot(plan: ProjectPlan, slot: EnvironmentSlot): Compiled<EnvironmentTable> {
  const findings = new Findings();
  const table = compileEnvironment(slot, plan.options, findings);
  return { table, findings: findings.records };
}

/** Compiles one cluster's platform table (it lists the paths of every slot of the cluster and its Egress prefixes). Pure. */
export function compileClusterPlatform(plan: ProjectPlan, cluster: Cluster): Compiled<PlatformTable> {
  const findings = new Findings();
  const table = compilePlatform(cluster, plan.slots, {
    ownership: plan.options.ownership,
    hostnames: plan.hostnames.get(cluster.name) ?? [], egress: plan.egress.get(cluster.name) ?? [],
  }, findings);
  return { table, findings: findings.records };
}

/** A key per profile object (CompileOptions.sizeKeyOf's default). */
function profileIdentity(): (profile: VersionProfile) => string {
  const ids = new WeakMap<VersionProfile, string>();
  let next = 0;
  return (profile) => {
    let id = ids.get(profile);
    if (id === undefined) ids.set(profile, (id = `profile ${++next}`));
    return id;
  };
}

/** The hostnames `cluster` serves: those of its slots' sightings inside its domain suffixes (sorted, unique). */
function servedHostnames(sightings: readonly HostnameSighting[], cluster: string): string[] {
  return [...new Set(sightings.filter((s) => s.cluster === cluster && s.outcome === 'served').map((s) => s.hostname.value))].sort(compareText);
}

/** The diagnostics of a plan and of compiled parts, as one Findings would report them. */
export function mergeFindings(parts: Iterable<readonly FindingRecord[]>): Diagnostic[] {
  const findings = new Findings();
  for (const records of parts) findings.addRecords(records);
  return findings.diagnostics;
}

/**
 * Compiles the project into route tables: pure (no fs, no clock, no randomness) and independent of the order of
 * `project.routes`, `project.teams` and `project.clusters`.
 */
export function compileProject(project: Project, options: CompileOptions): CompileResult {
  const plan = planProject(project, options);
  const tables = plan.slots.map((slot) => compileSlot(plan, slot));
  const platforms = plan.clusters.map((cluster) => compileClusterPlatform(plan, cluster));
  return {
    tables: tables.map((t) => t.table),
    platforms: platforms.map((p) => p.table),
    diagnostics: mergeFindings([plan.findings, ...tables.map((t) => t.findings), ...platforms.map((p) => p.findings)]),
  };
}
