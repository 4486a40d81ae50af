import { loadAll } from 'js-yaml';
import { EnvironmentTable } from '../compile/route-table';
import { formatCondition } from '../explain/match';
import { mergeVirtualHost } from '../explain/merge';
import { formatRequestMatcher, readRequestMatcher } from '../explain/request-match';
import { headerAuthority } from '../explain/merge';
import { Project } from '../model/project';
import { buildPrefixTree, PrefixNode } from './prefix-tree';

/** One Envoy route of an environment, in evaluation order, as the page lists it. */
export interface MapRoute {
  /** 1-based position in Envoy's route list. */
  readonly position: number;
  readonly route: string;
  readonly team: string;
  /** `routes/<team>/<file>.yaml:<line>`. */
  readonly source: string;
  /** `prefix "/faas/api/shop/"`. */
  readonly match: string;
  readonly kind: 'exact' | 'prefix' | 'regex';
  readonly value: string;
  /** `method POST, header x-canary exact "true"` ('' when none). */
  readonly conditions: string;
  /** `authority (weight%)` per destination, or the action (redirect, direct response). */
  readonly destinations: readonly string[];
  readonly timeout?: string;
  readonly retries?: string;
  readonly catchAll: boolean;
  /** The VirtualService it comes from (`spec.http[i]`). */
  readonly object: string;
}

/** Everything one environment's page shows; serialized into `<cluster>/<env>.data.js`. */
export interface EnvironmentMap {
  readonly cluster: string;
  readonly environment: string;
  readonly namespace: string;
  readonly host: string;
  readonly gateway: string;
  /** The emitted VirtualServices, exactly as published: the browser's explain engine runs on them. */
  readonly objects: readonly unknown[];
  readonly routes: readonly MapRoute[];
  /** Team -> colour (stable across pages). */
  readonly teams: Readonly<Record<string, string>>;
  /** Team -> owned prefixes (Team documents). */
  readonly owned: Readonly<Record<string, readonly string[]>>;
  readonly tree: PrefixNode;
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
 * The map of one environment: the routes in Envoy's evaluation order (the same merge the explain engine does on
 * the emitted objects), with the team and source of each route from the compiled table.
 */
export function environmentMap(
  table: EnvironmentTable,
  tree: ReadonlyMap<string, string>,
  project: Project,
  warnings: readonly string[],
): EnvironmentMap {
  const folder = `${table.cluster}/${table.environment}/`;
  const objects: unknown[] = [];
  for (const [file, text] of tree) {
    if (file.startsWith(folder) && file.slice(folder.length).startsWith('virtualservice-')) objects.push(...loadAll(text));
  }
  const gateway = table.profile.localGateway;
  const merged = mergeVirtualHost(objects, { host: table.host, gateway });
  const sources = new Map<string, { team: string; source: string }>();
  for (const vs of table.virtualServices) {
    for (const http of vs.http) {
      if (!sources.has(http.route)) sources.set(http.route, { team: http.team, source: `${http.origin.at.file}:${http.origin.at.line}` });
    }
  }
  const routes: MapRoute[] = merged.routes.map((r) => {
    const http = r.http;
    const info = sources.get(r.routeName ?? '') ?? { team: '', source: '' };
    const match = r.matchIndex === undefined ? undefined : http.match?.[r.matchIndex];
    const routeAuthority = http.rewrite?.authority ?? headerAuthority(http.headers);
    const destinations = http.route && http.route.length > 0
      ? http.route.map((d) => `${routeAuthority ?? headerAuthority(d.headers) ?? table.host}${http.route!.length > 1 ? ` (${d.weight ?? 0}%)` : ''}`)
      : [http.redirect ? 'redirect' : http.directResponse ? 'direct response' : 'none'];
    const retries = http.retries as { attempts?: number; retryOn?: string } | undefined;
    return {
      position: r.position + 1,
      route: r.routeName ?? '',
      team: info.team,
      source: info.source,
      match: formatCondition(r.condition),
      kind: r.condition.kind === 'pathSeparatedPrefix' ? 'prefix' : r.condition.kind, // only Gateway API routes use the former
      value: r.condition.value,
      conditions: formatRequestMatcher(readRequestMatcher(match)),
      destinations,
      ...(http.timeout ? { timeout: http.timeout } : {}),
      ...(retries ? { retries: retries.attempts ? `${retries.attempts}x${retries.retryOn ? ` on ${retries.retryOn}` : ''}` : 'off' } : {}),
      catchAll: r.catchAll,
      object: `${r.origin.virtualService.name} spec.http[${r.origin.httpIndex}]`,
    };
  });
  const teams = teamColours([...project.teams.map((t) => t.name), ...project.routes.map((r) => r.team)]);
  const owned = Object.fromEntries(project.teams.map((t) => [t.name, t.owns.map((o) => o.prefix)]));
  return {
    cluster: table.cluster,
    environment: table.environment,
    namespace: table.namespace,
    host: table.host,
    gateway,
    objects,
    routes,
    teams,
    owned,
    tree: buildPrefixTree(routes, owned),
    warnings: [...warnings, ...merged.warnings],
  };
}
