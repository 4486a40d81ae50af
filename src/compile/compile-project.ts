import { Diagnostic } from '../diagnostics/diagnostic';
import { MAX_OBJECT_BYTES, MAX_OBJECTS_PER_FOLDER, PREFERRED_OBJECT_BYTES } from '../model/defaults';
import { Project } from '../model/project';
import { VersionProfile } from '../versions/profile';
import { compileEnvironment } from './compile-environment';
import { expandProject } from './expand';
import { Findings } from './findings';
import { checkOwnership, makeOwnershipIndex } from './ownership';
import { compileEgress } from './platform/compile-egress';
import { compilePlatform } from './platform/compile-platform';
import { PlatformTable } from './platform/platform-table';
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
 * Compiles the project into route tables: pure (no fs, no clock, no randomness) and independent of the order of
 * `project.routes`, `project.teams` and `project.clusters`.
 */
export function compileProject(project: Project, options: CompileOptions): CompileResult {
  const findings = new Findings();
  const ownership = makeOwnershipIndex(project.teams);
  const resolved = {
    ownership,
    sizeOf: options.sizeOf,
    maxObjectBytes: options.maxObjectBytes ?? MAX_OBJECT_BYTES,
    maxObjectsPerFolder: options.maxObjectsPerFolder ?? MAX_OBJECTS_PER_FOLDER,
    preferredObjectBytes: options.preferredObjectBytes ?? PREFERRED_OBJECT_BYTES,
  };
  const slots = expandProject(project, findings);
  checkOwnership(ownership, slots.flatMap((s) => s.landings), findings);
  const tables = slots.map((slot) => compileEnvironment(slot, resolved, findings));
  const clusters = [...new Set(slots.map((s) => s.cluster))];
  const egress = compileEgress(project.egresses ?? [], project.clusters, findings);
  const platforms = clusters.map((cluster) =>
    compilePlatform(cluster, slots, { hostnames: [], egress: egress.get(cluster.name) ?? [] }, findings));
  return { tables, platforms, diagnostics: findings.diagnostics };
}
