import { compareText } from '../util/compare';
import { App } from 'cdk8s';
import { Chart } from 'cdk8s';
import { PlatformTable } from '../compile/platform/platform-table';
import { EnvironmentTable } from '../compile/route-table';
import { PLATFORM_FOLDER } from '../model/defaults';
import { EnvironmentChart } from './environment-chart';
import { PlatformChart } from './platform/platform-chart';
import { documentYaml, GENERATED_HEADER, pruneEmpty, YamlWriter } from './yaml';

/** The file every dist/<cluster>/<env> folder gets: Argo CD then builds it with kustomize, Flux uses it as is. */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';

/** The folder of an environment, relative to dist/. */
export function folderOf(cluster: string, environment: string): string {
  return `${cluster}/${environment}`;
}

/** `service-<name>.yaml`, `virtualservice-<name>.yaml`: named after what the file holds. */
export function fileNameFor(kind: string, name: string): string {
  return `${kind.toLowerCase()}-${name}.yaml`;
}

/**
 * Renders compiled tables to a file tree: relative path (`<cluster>/<env>/<file>`) to YAML text.
 *
 * One cdk8s App with one `EnvironmentChart` per (cluster, environment); each chart's objects come from
 * `chart.toJson()` (no `app.synth()`: nothing is written here, publishing is a separate, atomic step). Each object
 * goes to its own file, pruned of empty values and serialized with js-yaml, after a one-line header. Paths are
 * inserted sorted and the output depends on nothing but the tables, so the same tables give the same bytes.
 *
 * `objects`, when given, receives each file's object as serialized (pruned), by the same path: what parsing the
 * file back gives, without parsing it (`kfaas diff` compares objects).
 */
export function renderTables(
  tables: readonly EnvironmentTable[],
  platforms: readonly PlatformTable[] = [],
  objects?: Map<string, unknown>,
  options: RenderOptions = {},
): Map<string, string> {
  const writer = new YamlWriter();
  const tree = new Map<string, string>();
  for (const [folder, chart] of chartsOf(tables, platforms, options)) {
    for (const [file, text] of renderFolder(folder, chart, writer, objects && ((name, obj) => objects.set(`${folder}/${name}`, obj)))) {
      tree.set(`${folder}/${file}`, text);
    }
  }
  return tree;
}

/** Options of {@link renderTables}. */
export interface RenderOptions {
  /**
   * Folders (`<cluster>/<env>`) rendered without their gateway Service (EnvironmentChartProps.gatewayService), for a
   * caller that holds its file already. The folder's kustomization.yaml then lists only what was rendered.
   *
   * @default - every folder with its gateway Service
   */
  readonly withoutGatewayService?: ReadonlySet<string>;
}

/**
 * The objects `renderTables` would write, by the same paths and in the same order (each pruned as serialized, so
 * equal to what parsing its file gives), without serializing them: for a caller that reads objects, not files
 * (`kfaas explain`). No kustomization.yaml.
 */
export function renderObjects(tables: readonly EnvironmentTable[], platforms: readonly PlatformTable[] = []): Map<string, unknown> {
  const objects = new Map<string, unknown>();
  for (const [folder, chart] of chartsOf(tables, platforms)) {
    const files = new Map<string, unknown>();
    for (const obj of chart.toJson() as Record<string, any>[]) {
      const file = objectFileOf(folder, obj, files);
      files.set(file, pruneEmpty(obj));
    }
    for (const file of [...files.keys()].sort(compareText)) objects.set(`${folder}/${file}`, files.get(file));
  }
  return objects;
}

/**
 * One `EnvironmentChart` per (cluster, environment) and one `PlatformChart` per platform table, by folder, sorted by
 * folder; each chart in a cdk8s App of its own.
 *
 * Why an App each: `chart.toJson()` first resolves dependencies and validates across the chart's whole App
 * (cdk8s@2.70 lib/app.js `_synthChart`: `resolveDependencies(app)`, `validate(app)`), so with every chart in one App
 * each folder walked every construct of every folder. No object depends on another folder's, so a chart's objects
 * are the same either way.
 */
function chartsOf(tables: readonly EnvironmentTable[], platforms: readonly PlatformTable[], options: RenderOptions = {}): [string, Chart][] {
  const sorted = [...tables].sort((a, b) => compareText(folderOf(a.cluster, a.environment), folderOf(b.cluster, b.environment)));
  // Nothing is synthesized to disk: no outdir use, no construct metadata file, whatever CDK8S_* says.
  const app = (): App => new App({ recordConstructMetadata: false });
  const folders: [string, Chart][] = [];
  const seen = new Set<string>();
  for (const table of sorted) {
    const folder = folderOf(table.cluster, table.environment);
    if (seen.has(folder)) throw new Error(`two tables for ${folder}`);
    seen.add(folder);
    // '_' never occurs in a DNS label, so ids of different (cluster, env) pairs never collide.
    folders.push([folder, new EnvironmentChart(app(), `${table.cluster}_${table.environment}`, {
      table, ...(options.withoutGatewayService?.has(folder) ? { gatewayService: false } : {}),
    })]);
  }
  for (const table of [...platforms].sort((a, b) => compareText(a.cluster, b.cluster))) {
    const folder = folderOf(table.cluster, PLATFORM_FOLDER);
    if (seen.has(folder)) throw new Error(`two tables for ${folder}`);
    seen.add(folder);
    folders.push([folder, new PlatformChart(app(), `${table.cluster}_${PLATFORM_FOLDER}`, { table })]);
  }
  return folders.sort((a, b) => compareText(a[0], b[0]));
}

/** The file an object of `folder` goes to; two objects of a folder never share one. */
function objectFileOf(folder: string, obj: Record<string, any>, files: ReadonlyMap<string, unknown>): string {
  const file = fileNameFor(String(obj.kind), String(obj.metadata?.name));
  if (files.has(file)) throw new Error(`${folder}: two objects render to ${file}`);
  return file;
}

/** One object per file (`<kind>-<name>.yaml`) plus the kustomization listing them, sorted by file name. */
function renderFolder(
  folder: string,
  chart: Chart,
  writer: YamlWriter,
  keep?: (file: string, obj: Record<string, unknown>) => void,
): Map<string, string> {
  const files = new Map<string, string>();
  for (const obj of chart.toJson() as Record<string, any>[]) {
    const file = objectFileOf(folder, obj, files);
    const object = pruneEmpty(obj) as Record<string, unknown>;
    files.set(file, writer.write(object, GENERATED_HEADER));
    keep?.(file, object);
  }
  files.set(KUSTOMIZATION_FILE, kustomizationText([...files.keys()]));
  return new Map([...files.keys()].sort(compareText).map((name) => [name, files.get(name)!]));
}

/** The `kustomization.yaml` of a folder holding the object files `names` (in any order), as rendered. */
export function kustomizationText(names: readonly string[]): string {
  // File names are plain scalars: written directly, not ~1 ms per folder of 40 files by js-yaml (18 folders in a
  // one-route edit at tier L).
  return GENERATED_HEADER + documentYaml(kustomizationOf([...names].sort(compareText)));
}

/** A kustomize Kustomization listing the folder's files. */
export function kustomizationOf(resources: readonly string[]): Record<string, unknown> {
  return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources] };
}
