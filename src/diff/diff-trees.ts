import { compareText } from '../util/compare';
import { GatewayBindingChange, ObjectChange, diffGatewayBindings, diffObjects } from './object-diff';
import { isProduction } from './production';
import { RenderedFolder, RenderedObject, YamlCache, readRenderedTree } from './rendered-tree';
import { RouteChange, diffRoutes } from './route-diff';
import { RouteView, routeNamesOf, routeViews } from './route-view';
import { deepEqual } from './fields';
import { FolderImpact, routingImpact } from './routing-impact';

/**
 * The difference between two rendered trees (base: what is deployed, head: what will be), per
 * `<cluster>/<environment>` folder: objects, gateway bindings, routes field by field, and routing impact; with
 * guards for what removes production traffic. Pure: trees in, report out. Used by `kfaas diff` and
 * `kfaas upgrade-plan`.
 */

export interface FolderDiff {
  /** `cluster/environment`. */
  readonly folder: string;
  readonly cluster?: string;
  readonly environment?: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** See `production.ts`. */
  readonly production: boolean;
  readonly objects: readonly ObjectChange[];
  readonly gateways: readonly GatewayBindingChange[];
  readonly routes: readonly RouteChange[];
  readonly impact: FolderImpact;
}

/** Something a reviewer must not miss: it takes away what a cluster serves. */
export interface Guard {
  readonly kind: 'removed-cluster' | 'removed-environment' | 'removed-route';
  readonly cluster: string;
  readonly environment?: string;
  readonly route?: string;
  readonly production: boolean;
}

export interface TreeDiffSummary {
  readonly foldersChanged: number;
  readonly foldersUnchanged: number;
  readonly objects: Readonly<Record<ObjectChange['change'], number>>;
  readonly routes: Readonly<Record<RouteChange['change'], number>>;
  /** Impact entries over all folders (requests that go somewhere else). */
  readonly rerouted: number;
}

export interface TreeDiffReport {
  /** Guards first in every output: production ones first, then by place. */
  readonly guards: readonly Guard[];
  readonly summary: TreeDiffSummary;
  /** Folders with any change, sorted. */
  readonly folders: readonly FolderDiff[];
}

export interface DiffOptions {
  /** @default `isProduction` (names: see production.ts) */
  readonly isProduction?: (cluster: string | undefined, environment: string | undefined) => boolean;
  /** Share one across calls on the same trees to parse each distinct file once. */
  readonly cache?: YamlCache;
}

export function diffRenderedTrees(
  base: ReadonlyMap<string, string>,
  head: ReadonlyMap<string, string>,
  options: DiffOptions = {},
): TreeDiffReport {
  const cache = options.cache ?? new YamlCache();
  const production = options.isProduction ?? isProduction;
  const b = readRenderedTree(base, cache);
  const h = readRenderedTree(head, cache);
  const folders: FolderDiff[] = [];
  let unchanged = 0;
  for (const folder of [...new Set([...b.keys(), ...h.keys()])].sort(compareText)) {
    const diff = diffFolder(b.get(folder), h.get(folder), production);
    if (diff) folders.push(diff);
    else unchanged++;
  }
  return { guards: guards(b, h, folders), summary: summarize(folders, unchanged), folders };
}

function diffFolder(
  base: RenderedFolder | undefined,
  head: RenderedFolder | undefined,
  production: NonNullable<DiffOptions['isProduction']>,
): FolderDiff | undefined {
  const objects = diffObjects(base, head);
  if (objects.length === 0) return undefined;
  const any = (head ?? base)!;
  return {
    folder: any.folder,
    ...(any.cluster !== undefined ? { cluster: any.cluster } : {}),
    ...(any.environment !== undefined ? { environment: any.environment } : {}),
    status: !base ? 'added' : !head ? 'removed' : 'changed',
    production: production(any.cluster, any.environment),
    objects,
    gateways: diffGatewayBindings(base, head),
    routes: diffRoutes(...changedRouteViews(base, head)),
    impact: routingImpact(base, head),
  };
}

/**
 * Route views of both sides, for the routes that objects which differ between them hold: a route whose every
 * entry sits in objects that are equal on both sides has not changed, so it is never flattened.
 */
function changedRouteViews(base: RenderedFolder | undefined, head: RenderedFolder | undefined): [Map<string, RouteView>, Map<string, RouteView>] {
  const changedBase: RenderedObject[] = [];
  const changedHead: RenderedObject[] = [];
  for (const [key, b] of base?.objects ?? []) {
    const h = head?.objects.get(key);
    if (!h || !deepEqual(b.object, h.object)) changedBase.push(b);
  }
  for (const [key, h] of head?.objects ?? []) {
    const b = base?.objects.get(key);
    if (!b || !deepEqual(b.object, h.object)) changedHead.push(h);
  }
  const names = routeNamesOf(changedBase, base);
  for (const name of routeNamesOf(changedHead, head)) names.add(name);
  return [base ? routeViews(base, names) : new Map(), head ? routeViews(head, names) : new Map()];
}

function guards(base: Map<string, RenderedFolder>, head: Map<string, RenderedFolder>, folders: readonly FolderDiff[]): Guard[] {
  const clustersOf = (tree: Map<string, RenderedFolder>): Set<string> =>
    new Set([...tree.values()].map((f) => f.cluster).filter((c): c is string => c !== undefined));
  const headClusters = clustersOf(head);
  const out: Guard[] = [];
  for (const cluster of clustersOf(base)) {
    if (headClusters.has(cluster)) continue;
    const production = folders.some((f) => f.cluster === cluster && f.production);
    out.push({ kind: 'removed-cluster', cluster, production });
  }
  for (const f of folders) {
    if (f.cluster === undefined || !headClusters.has(f.cluster)) continue;
    if (f.status === 'removed' && f.environment !== undefined) {
      out.push({ kind: 'removed-environment', cluster: f.cluster, environment: f.environment, production: f.production });
    }
    if (f.status === 'changed' && f.production) {
      for (const r of f.routes) {
        if (r.change === 'removed') out.push({ kind: 'removed-route', cluster: f.cluster, environment: f.environment, route: r.name, production: true });
      }
    }
  }
  const rank = { 'removed-cluster': 0, 'removed-environment': 1, 'removed-route': 2 };
  return out.sort(
    (x, y) =>
      Number(y.production) - Number(x.production) ||
      rank[x.kind] - rank[y.kind] ||
      compareText(x.cluster, y.cluster) ||
      compareText(x.environment ?? '', y.environment ?? '') ||
      compareText(x.route ?? '', y.route ?? ''),
  );
}

function summarize(folders: readonly FolderDiff[], unchanged: number): TreeDiffSummary {
  const objects = { added: 0, removed: 0, changed: 0, renamed: 0 };
  const routes = { added: 0, removed: 0, changed: 0, moved: 0 };
  let rerouted = 0;
  for (const f of folders) {
    for (const o of f.objects) objects[o.change]++;
    for (const r of f.routes) routes[r.change]++;
    rerouted += f.impact.entries.length;
  }
  return { foldersChanged: folders.length, foldersUnchanged: unchanged, objects, routes, rerouted };
}
