import { EnvironmentTable } from '../compile/route-table';
import { EnvironmentHost } from '../explain/environment-host';
import { mergeVirtualHost } from '../explain/merge';
import { Project } from '../model/project';
import { PackedHost, packHost } from './packed-host';
import { buildPrefixTree, PackedNode, packTree } from './prefix-tree';

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
  /**
   * How the environment publishes its routes, when not as VirtualServices (Gateway API).
   * @default - VirtualServices
   */
  readonly routing?: string;
  /** The Envoy routes in evaluation order, merged by the explain engine from the published objects. */
  readonly virtualHost: PackedHost;
  /** Istio route name -> [team, `file:line` of its Route document, the kfaas route when its name differs]. */
  readonly sources: Readonly<Record<string, readonly string[]>>;
  /**
   * Per Envoy route, the published object it comes from when that is not a VirtualService (`HTTPRoute ns/name
   * rules[r].matches[m]`).
   * @default - the VirtualService and `spec.http` index of each route
   */
  readonly origins?: readonly string[];
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

/**
 * The map of one environment: the routes in Envoy's evaluation order (the explain engine's merge of what the
 * environment publishes, exactly what `kfaas explain` simulates), with the team and source of each route from the
 * compiled table, and the prefix tree.
 */
export function environmentMap(
  table: EnvironmentTable,
  host: EnvironmentHost,
  project: Project,
  warnings: readonly string[],
): EnvironmentMap {
  const merged = mergeVirtualHost(host.objects, { host: table.host, gateway: host.gateway });
  const teams = teamColours([...project.teams.map((t) => t.name), ...project.routes.map((r) => r.team)]);
  const owned = Object.fromEntries(project.teams.map((t) => [t.name, t.owns.map((o) => o.prefix)]));
  const routes = merged.routes.map((r) => ({
    team: host.sources.get(r.routeName ?? '')?.team ?? '',
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
    ...(host.routing ? { routing: host.routing } : {}),
    virtualHost: packHost(merged),
    sources: Object.fromEntries([...host.sources].map(([name, s]) => [name, [s.team, s.source, ...(s.route !== name ? [s.route] : [])]])),
    ...(host.locate ? { origins: merged.routes.map((r) => host.locate!(r.origin.httpIndex) ?? '') } : {}),
    teams,
    owned,
    tree: packTree(buildPrefixTree(routes, owned)),
    warnings: [...warnings, ...merged.warnings],
  };
}
