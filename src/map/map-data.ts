import { loadAll } from 'js-yaml';
import { EnvironmentTable } from '../compile/route-table';
import { mergeVirtualHost, MergedVirtualHost } from '../explain/merge';
import { Project } from '../model/project';
import { PackedHost, packHost } from './packed-host';
import { buildPrefixTree, PackedNode, packTree } from './prefix-tree';
import { RouteSources } from './route-row';

/**
 * Everything one environment's page shows, computed when the map is written so the page only draws: serialized
 * into `<cluster>/<env>.data.js`.
 */
export interface EnvironmentMap {
  readonly cluster: string;
  readonly environment: string;
  readonly namespace: string;
  readonly host: string;
  readonly gateway: string;
  /** The Envoy routes in evaluation order, merged by the explain engine from the published objects. */
  readonly routing: PackedHost;
  /** Route name -> [team, `file:line`] of its Route document. */
  readonly sources: Readonly<Record<string, readonly [string, string]>>;
  /** Team -> colour (stable across pages). */
  readonly teams: Readonly<Record<string, string>>;
  /** Team -> owned prefixes (Team documents). */
  readonly owned: Readonly<Record<string, readonly string[]>>;
  /** The prefix tree (`unpackTree` restores it). */
  readonly tree: PackedNode;
  /** Warnings kfaas raised for this environment (`file:line:col path: message`) and the simulator's notes. */
  readonly warnings: readonly string[];
}

/** Fills that keep white labels at 4.5:1 contrast or more (WCAG AA), in an order that separates neighbours. */
const PALETTE = ['#1f5fa0', '#b34700', '#137a5a', '#5b4fa0', '#b0186b', '#4d7a12', '#7a5412', '#555555', '#005a8c', '#9c3f7a', '#007a5a', '#8a6200'];

/** Stable colour per team: by sorted team name, so every page of the project uses the same colours. */
export function teamColours(teams: readonly string[]): Record<string, string> {
  const sorted = [...new Set(teams)].sort();
  return Object.fromEntries(sorted.map((t, i) => [t, PALETTE[i % PALETTE.length]]));
}

/** The published objects of one environment folder, parsed from the rendered tree (as `kfaas explain` reads them). */
export function publishedObjects(tree: ReadonlyMap<string, string>, cluster: string, environment: string, filePrefix: string): unknown[] {
  const folder = `${cluster}/${environment}/`;
  const objects: unknown[] = [];
  for (const [file, text] of tree) {
    if (file.startsWith(folder) && file.slice(folder.length).startsWith(filePrefix)) objects.push(...loadAll(text));
  }
  return objects;
}

/** Route name -> team and `file:line` of the Route document, from the compiled table. */
export function routeSources(table: EnvironmentTable): Map<string, { team: string; source: string }> {
  const sources = new Map<string, { team: string; source: string }>();
  for (const vs of table.virtualServices) {
    for (const http of vs.http) {
      if (!sources.has(http.name)) sources.set(http.name, { team: http.team, source: `${http.origin.at.file}:${http.origin.at.line}` });
    }
  }
  return sources;
}

/**
 * The map of one environment: the routes in Envoy's evaluation order (the explain engine's merge of the emitted
 * VirtualServices, exactly what `kfaas explain` simulates), with the team and source of each route from the
 * compiled table, and the prefix tree.
 */
export function environmentMap(
  table: EnvironmentTable,
  tree: ReadonlyMap<string, string>,
  project: Project,
  warnings: readonly string[],
): EnvironmentMap {
  const gateway = table.profile.localGateway;
  const objects = publishedObjects(tree, table.cluster, table.environment, 'virtualservice-');
  const merged = mergeVirtualHost(objects, { host: table.host, gateway });
  return assemble(table, project, merged, routeSources(table), warnings);
}

function assemble(
  table: EnvironmentTable,
  project: Project,
  merged: MergedVirtualHost,
  sources: RouteSources,
  warnings: readonly string[],
): EnvironmentMap {
  const teams = teamColours([...project.teams.map((t) => t.name), ...project.routes.map((r) => r.team)]);
  const owned = Object.fromEntries(project.teams.map((t) => [t.name, t.owns.map((o) => o.prefix)]));
  const routes = merged.routes.map((r) => ({
    team: sources.get(r.routeName ?? '')?.team ?? '',
    kind: r.condition.kind,
    value: r.condition.value,
    catchAll: r.catchAll,
  }));
  return {
    cluster: table.cluster,
    environment: table.environment,
    namespace: table.namespace,
    host: table.host,
    gateway: merged.gateway,
    routing: packHost(merged),
    sources: Object.fromEntries([...sources].map(([name, s]) => [name, [s.team, s.source] as const])),
    teams,
    owned,
    tree: packTree(buildPrefixTree(routes, owned)),
    warnings: [...warnings, ...merged.warnings],
  };
}
