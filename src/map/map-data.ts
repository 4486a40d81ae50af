import { EnvironmentHost } from '../explain/environment-host';
import { mergeVirtualHost } from '../explain/merge';
import { Project } from '../model/project';
import { CompactReader, CompactTables, CompactWriter } from './compact-json';
import { PackedHost, packHost } from './packed-host';
import { RouteSources } from './route-row';

/**
 * Everything one environment's page shows, computed when the map is written so the page only draws: serialized
 * into `<cluster>/<env>.data.js`. Bulky parts are records of `compact-json.ts` over the shared `tables`. The
 * prefix tree is not in it: the page builds it (`buildPrefixTree`) after its first frame.
 */
export interface EnvironmentMap {
  readonly cluster: string;
  /** The environment, or `platform` for the cluster's Java export host. */
  readonly environment: string;
  /**
   * The name of the page's files under the cluster's folder (`<page>.html`, `<page>.data.js`), when not the
   * environment's: `<environment>.<domain VirtualService>` for a business domain (environment names have no dot).
   * @default - the environment's name
   */
  readonly page?: string;
  /**
   * What the page and the index call it instead of the environment's name.
   * @default - the environment's name
   */
  readonly label?: string;
  readonly namespace: string;
  readonly host: string;
  readonly gateway: string;
  /**
   * How the environment publishes its routes, when not as VirtualServices (Gateway API).
   * @default - VirtualServices
   */
  readonly routing?: string;
  /** Shapes and strings of every record below. */
  readonly tables: CompactTables;
  /** The Envoy routes in evaluation order, merged by the explain engine from the published objects. */
  readonly virtualHost: PackedHost;
  /** Team, `file:line` of its Route document and kfaas route of each Istio route name (`unpackSources`). */
  readonly sources: PackedSources;
  /**
   * Per Envoy route, the published object it comes from when that is not a VirtualService (`HTTPRoute ns/name
   * rules[r].matches[m]`), as indexes into the string table.
   * @default - the VirtualService and `spec.http` index of each route
   */
  readonly origins?: readonly number[];
  /** Team -> colour (stable across pages), for the teams this page shows (route owners and prefix owners). */
  readonly teams: Readonly<Record<string, string>>;
  /** Team -> owned prefixes (Team documents). */
  readonly owned: Readonly<Record<string, readonly string[]>>;
  /** Warnings kfaas raised for this environment (`file:line:col path: message`) and the simulator's notes. */
  readonly warnings: readonly string[];
}

/** The sources as columns of string-table indexes (entry `i` of each for one Istio route name). */
export interface PackedSources {
  readonly name: readonly number[];
  readonly team: readonly number[];
  readonly source: readonly number[];
  /** The kfaas route, `-1` when it is the Istio route name. */
  readonly route: readonly number[];
}

/** Fills that keep white labels at 4.5:1 contrast or more (WCAG AA), in an order that separates neighbours. */
const PALETTE = ['#1f5fa0', '#b34700', '#137a5a', '#5b4fa0', '#b0186b', '#4d7a12', '#7a5412', '#555555', '#005a8c', '#9c3f7a', '#007a5a', '#8a6200'];

/** Stable colour per team: by sorted team name, so every page of the project uses the same colours. */
function teamColours(teams: readonly string[]): Record<string, string> {
  const sorted = [...new Set(teams)].sort();
  return Object.fromEntries(sorted.map((t, i) => [t, PALETTE[i % PALETTE.length]]));
}

/**
 * The virtual host a page shows: an environment's gateway host (an `EnvironmentTable`), one of its business
 * domains, or the Java export host.
 */
export interface MapSubject {
  readonly cluster: string;
  /** The environment, or `platform`. */
  readonly environment: string;
  /** @default - the environment's name */
  readonly page?: string;
  /** @default - the environment's name */
  readonly label?: string;
  readonly namespace: string;
  /** The request host. */
  readonly host: string;
}

/**
 * The map of one environment: the routes in Envoy's evaluation order (the explain engine's merge of what the
 * environment publishes, exactly what `kfaas explain` simulates), with the team and source of each route from the
 * compiled table.
 */
export function environmentMap(
  table: MapSubject,
  host: EnvironmentHost,
  project: Project,
  warnings: readonly string[],
  { teamPrefixes = true }: {
    /** Show the prefixes Team documents own (under `/faas/api/`; not on the Java export host). @default true */
    readonly teamPrefixes?: boolean;
  } = {},
): EnvironmentMap {
  const merged = mergeVirtualHost(host.objects, { host: table.host, gateway: host.gateway });
  const colours = teamColours([...project.teams.map((t) => t.name), ...project.routes.map((r) => r.team)]);
  const owned = teamPrefixes ? Object.fromEntries(project.teams.map((t) => [t.name, t.owns.map((o) => o.prefix)])) : {};
  const shown = new Set([...[...host.sources.values()].map((s) => s.team), ...Object.keys(owned)]);
  const writer = new CompactWriter();
  const virtualHost = packHost(merged, writer);
  const sources: PackedSources = { name: [], team: [], source: [], route: [] };
  for (const [name, s] of host.sources) {
    (sources.name as number[]).push(writer.string(name));
    (sources.team as number[]).push(writer.string(s.team));
    (sources.source as number[]).push(writer.string(s.source));
    (sources.route as number[]).push(s.route !== undefined && s.route !== name ? writer.string(s.route) : -1);
  }
  const origins = host.locate ? merged.routes.map((r) => writer.string(host.locate!(r.origin.httpIndex) ?? '')) : undefined;
  return {
    cluster: table.cluster,
    environment: table.environment,
    ...(table.page !== undefined ? { page: table.page } : {}),
    ...(table.label !== undefined ? { label: table.label } : {}),
    namespace: table.namespace,
    host: table.host,
    gateway: merged.gateway,
    ...(host.routing ? { routing: host.routing } : {}),
    tables: writer.tables(),
    virtualHost,
    sources,
    ...(origins ? { origins } : {}),
    teams: Object.fromEntries(Object.entries(colours).filter(([t]) => shown.has(t))),
    owned,
    warnings: [...warnings, ...merged.warnings],
  };
}

/** Team, source and kfaas route of each Istio route name, from the map's records. */
export function unpackSources(sources: PackedSources, reader: CompactReader): RouteSources {
  const out = new Map<string, { team: string; source: string; route?: string }>();
  sources.name.forEach((name, i) => {
    // No spread: the page does this for thousands of routes while it loads.
    const info: { team: string; source: string; route?: string } = { team: reader.string(sources.team[i]), source: reader.string(sources.source[i]) };
    if (sources.route[i] >= 0) info.route = reader.string(sources.route[i]);
    out.set(reader.string(name), info);
  });
  return out;
}
