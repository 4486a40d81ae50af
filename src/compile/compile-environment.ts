import { gatewayHost } from '../model/defaults';
import { findConflicts } from './conflicts';
import { EntrySizeMemo, makeEntries, RouteEntry, SharedEntries, SizesOf, sortEntries } from './entries';
import { EnvironmentSlot, Landing } from './expand';
import { Findings } from './findings';
import { LayoutContext } from './layout-context';
import { layoutMerged } from './layout-merged';
import { layoutPerRoute } from './layout-per-route';
import { OBJECT_OVERHEAD_BYTES } from './pack';
import { checkFallbacks, OwnershipIndex } from './ownership';
import { EnvironmentTable, HttpRouteTable } from './route-table';
import { actionContextKey, actionContextOf, makeAction } from './policy-tables';
import { OrderCheckMemo, sameItems, TableMemo } from './table-memo';
import { makeGateways, makeGatewayService } from './table-builders';
import { VersionProfile } from '../versions/profile';
import { warnDefaultRetries } from './version-checks';
import { placeLandings, PlacementMemo } from './landing-checks';
import { compileGatewayApi } from './gateway-api/compile-gateway-api';
import { compileSlotDomains, hostnameSightings } from './platform/compile-domains';
import { DomainTable } from './platform/domain-table';
import { IndexedRoot, IndexLayoutInput, layoutFromIndex } from './incremental-table';
import { ListRows, ListWithLandings } from './table-index';

/** Resolved compile options (see CompileOptions). */
export interface EnvironmentOptions {
  readonly sizeOf: (http: HttpRouteTable, table: { profile: VersionProfile }) => number;
  readonly maxObjectBytes: number;
  readonly maxObjectsPerFolder: number;
  /** Average object size the content-defined cuts aim at. */
  readonly preferredObjectBytes: number;
  /** Owned prefixes, for the fallback proof. */
  readonly ownership: OwnershipIndex;
  /**
   * Findings of the order checks (conflicts, fallbacks) by the ordered matches they ran on, shared by the tables of
   * one compile: clusters hosting the same environment mostly order the same matches, and the findings depend on
   * nothing else. @default - none: checked for every table
   */
  readonly orderChecks?: OrderCheckMemo;
  /**
   * Actions and route entries shared by the tables of one compile (see SharedEntries).
   * @default - none: every table makes its own
   */
  readonly sharedEntries?: SharedEntries;
  /**
   * Sorted entries and layouts shared by the tables of one compile (see TableMemo).
   * @default - none: every table sorts and lays out its own
   */
  readonly tableMemo?: TableMemo;
  /**
   * The landings the per-landing checks place, shared by the tables of one compile (see PlacementMemo).
   * @default - none: every table checks each of its landings
   */
  readonly placements?: PlacementMemo;
  /**
   * What the sizes `sizeOf` gives depend on in a profile, as text (see CompileOptions.sizeKeyOf): tables of
   * profiles with equal keys share entries and layouts.
   */
  readonly sizeKeyOf: (profile: VersionProfile) => string;
  /**
   * Sizes of route entries known from earlier runs (see EntrySizeMemo), by the context {@link entryContext} gives.
   * @default - none: every entry is measured
   */
  readonly entrySizes?: EntrySizeMemo;
}

/**
 * Everything of a table the entries of a landing depend on besides its route: the environment (which of the
 * route's behaviours lands), the action context and what the sizes depend on. Tables of one context give a route
 * the same entries of the same sizes.
 */
export function entryContext(slot: EnvironmentSlot, options: Pick<EnvironmentOptions, 'sizeKeyOf'>): string {
  const { cluster, environment, profile } = slot;
  const actions = actionContextOf(environment.namespace, cluster.clusterDomain, profile);
  return `${environment.name}\u0001${actionContextKey(actions)}\u0001${options.sizeKeyOf(profile)}`;
}

/**
 * Conflicts (duplicates, shadowing, unreachable routes) and fallbacks winning owned paths: what they find depends
 * only on the matches in order (their routes, kinds, values, conditions), so tables with the same ordered matches
 * (one per cluster hosting an environment, and environments whose routes match alike) share one check.
 */
function checkOrder(sorted: readonly RouteEntry[], scope: string, findings: Findings, options: EnvironmentOptions, crossRoute: boolean): void {
  const memo = options.orderChecks;
  if (!memo) {
    findConflicts(sorted, scope, findings, { crossRoute });
    checkFallbacks(options.ownership, sorted, scope, findings);
    return;
  }
  findings.addRecords(memo.findingsOf(sorted, scope, crossRoute, () => {
    const own = new Findings();
    findConflicts(sorted, scope, own, { crossRoute });
    checkFallbacks(options.ownership, sorted, scope, own);
    return own.records;
  }));
}

/** What compiling a table needs besides its landings: how entries are made, and its layout context. */
interface TableSetup {
  /** The entries of a landing in this table (shared with other tables of the compile where they agree). */
  readonly entriesOf: (landing: Landing) => readonly RouteEntry[];
  /** Everything of this table a landing's entries depend on besides its behaviour: the action and the sizes. */
  readonly landingKey: string;
  readonly sizeKey: string;
  readonly ctx: LayoutContext;
}

function tableSetup(slot: EnvironmentSlot, options: EnvironmentOptions, findings: Findings): TableSetup {
  const { cluster, environment, profile } = slot;
  const namespace = environment.namespace;
  const measured = { profile };
  const sizeOf = (http: HttpRouteTable): number => options.sizeOf(http, measured);
  const measure: SizesOf = (https) => https.map(sizeOf);

  const shared = options.sharedEntries;
  const actions = actionContextOf(namespace, cluster.clusterDomain, profile);
  const sizeKey = options.sizeKeyOf(profile);
  const actionKey = actionContextKey(actions);
  const landingKey = `${actionKey}\u0001${sizeKey}`;
  const sizeMemo = options.entrySizes;
  const context = sizeMemo ? entryContext(slot, options) : '';
  const makeLanding = (landing: Landing): RouteEntry[] => {
    const make = (): ReturnType<typeof makeAction> => makeAction(landing.behaviour, actions);
    const action = shared ? shared.action(landing.behaviour, actionKey, make) : make();
    return landing.behaviour.match.flatMap((match) => {
      // Known sizes stand for measuring only when there is one per entry (a memo keys them by what they depend on).
      const sizesOf: SizesOf = sizeMemo
        ? (https) => {
          const known = sizeMemo.sizes(landing.route, match, context, () => measure(https));
          return known.length === https.length ? known : measure(https);
        }
        : measure;
      return shared ? shared.entries(landing.route, match, action, sizesOf) : makeEntries(landing.route, match, action, sizesOf);
    });
  };
  const entriesOf = (landing: Landing): readonly RouteEntry[] =>
    shared ? shared.landing(landing.route, landing.behaviour, landingKey, () => makeLanding(landing)) : makeLanding(landing);
  const ctx: LayoutContext = {
    cluster, environment, profile, namespace, sizeOf, findings, scope: environment.name,
    maxObjectBytes: options.maxObjectBytes,
    budget: options.maxObjectBytes - OBJECT_OVERHEAD_BYTES,
    preferredBudget: Math.min(options.maxObjectBytes, options.preferredObjectBytes) - OBJECT_OVERHEAD_BYTES,
    maxObjectsPerFolder: options.maxObjectsPerFolder,
  };
  return { entriesOf, landingKey, sizeKey, ctx };
}

/** The sorted entries of each table compileEnvironment laid out `merged` as VirtualServices (see sortedEntriesOf). */
const sortedEntries = new WeakMap<EnvironmentTable, readonly RouteEntry[]>();

/**
 * The entries, in specificity order, compileEnvironment laid out into `table` when it is a `merged` table of
 * VirtualServices without business domains (what the table index records: src/compile/table-index.ts).
 */
export function sortedEntriesOf(table: EnvironmentTable): readonly RouteEntry[] | undefined {
  return sortedEntries.get(table);
}

/** Compiles one (cluster, environment): entries in specificity order, checks, layout. */
export function compileEnvironment(slot: EnvironmentSlot, options: EnvironmentOptions, findings: Findings): EnvironmentTable {
  const { cluster, environment } = slot;
  const scope = environment.name;
  const { entriesOf, landingKey, sizeKey, ctx } = tableSetup(slot, options, findings);
  // What the cluster's versions cannot express, or the environment does not allow, is reported and left out.
  const placed = options.placements ? options.placements.placed(slot, findings) : placeLandings(slot, findings);
  const memo = options.tableMemo;
  const entries = memo ? memo.entries(landingKey, placed, entriesOf) : placed.flatMap(entriesOf);
  const sorted = memo ? memo.sorted(scope, entries) : sortEntries(entries);
  warnDefaultRetries(slot, findings);

  const perRoute = cluster.layout === 'per-route';
  checkOrder(sorted, scope, findings, options, !perRoute);
  // Business domains are Istio VirtualServices on the east-west gateway whatever the environment's own output.
  const domains = compileSlotDomains(slot, hostnameSightings(slot), sorted, ctx.budget, findings);
  if (cluster.output === 'gateway-api') return gatewayApiTable(slot, sorted, domains, findings, options);
  const virtualServices = perRoute
    ? layoutPerRoute(sorted, new Map(placed.map((l) => [l.route, l.behaviour])), ctx)
    : memo ? memo.layout(sorted, ctx, sizeKey, layoutMerged) : layoutMerged(sorted, ctx);

  const objects = virtualServices.length + domains.length + 1; // + the gateway Service
  if (objects > options.maxObjectsPerFolder) {
    findings.error('too-many-objects', environment.origin,
      `dist/${cluster.name}/${environment.name} would hold ${objects} objects (${virtualServices.length} VirtualServices` +
        (domains.length > 0 ? `, ${domains.length} business-domain VirtualServices` : '') +
        ` and the gateway Service), more than ${options.maxObjectsPerFolder}, the most kfaas puts in one folder ` +
        '(a fixed limit, MAX_OBJECTS_PER_FOLDER in src/model/defaults.ts: kustomize and Argo CD slow down with every object); ' +
        (perRoute
          ? `set layout: merged on cluster ${cluster.name} (routes share objects there)`
          : `its routes fill that many VirtualServices of up to ${options.maxObjectBytes} bytes: ` +
            'merge matches (one prefix instead of many exact paths), or limit some routes to other environments (spec.environments)'));
  }

  const table = virtualServiceTable(slot, virtualServices, domains);
  if (!perRoute && domains.length === 0) sortedEntries.set(table, sorted);
  return table;
}

function virtualServiceTable(slot: EnvironmentSlot, virtualServices: EnvironmentTable['virtualServices'], domains: readonly DomainTable[]): EnvironmentTable {
  const { cluster, environment, profile } = slot;
  const namespace = environment.namespace;
  return {
    cluster: cluster.name,
    environment: environment.name,
    namespace,
    clusterDomain: cluster.clusterDomain,
    profile,
    gatewayService: makeGatewayService(namespace, profile),
    host: gatewayHost(namespace, cluster.clusterDomain),
    gateways: makeGateways(profile),
    virtualServices,
    ...(domains.length > 0 ? { domains: [...domains] } : {}),
  };
}

/**
 * A gateway-api environment: HTTPRoutes routing exactly as the VirtualService order `sorted` would, the backend
 * Service, and the entry ExternalName pointing at the cluster's Gateway instead of Knative's local gateway.
 */
function gatewayApiTable(
  slot: EnvironmentSlot, sorted: readonly RouteEntry[], domains: readonly DomainTable[], findings: Findings, options: EnvironmentOptions,
): EnvironmentTable {
  const { cluster, environment, profile } = slot;
  const namespace = environment.namespace;
  const gatewayApi = compileGatewayApi(slot, sorted, findings, profile);
  const objects = gatewayApi.httpRoutes.length + domains.length + 2; // + the entry and backend Services
  if (objects > options.maxObjectsPerFolder) {
    findings.error('too-many-objects', environment.origin,
      `dist/${cluster.name}/${environment.name} would hold ${objects} objects (${gatewayApi.httpRoutes.length} HTTPRoutes, one per route, ` +
        `${domains.length > 0 ? `${domains.length} business domains ` : ''}and two Services), more than ${options.maxObjectsPerFolder}; use output: virtualservice, which merges routes`);
  }
  return {
    cluster: cluster.name,
    environment: environment.name,
    namespace,
    clusterDomain: cluster.clusterDomain,
    profile,
    gatewayService: { ...makeGatewayService(namespace, profile), externalName: gatewayApi.profile.address },
    host: gatewayHost(namespace, cluster.clusterDomain),
    gateways: [],
    virtualServices: [],
    gatewayApi,
    ...(domains.length > 0 ? { domains } : {}),
  };
}

/** landingsOfFiles by files, then by the landings (the clusters hosting an environment share its landing objects). */
const landingsOfFilesMemo = new WeakMap<ReadonlySet<string>, { readonly landings: readonly Landing[]; readonly found: readonly Landing[] }[]>();

/** The landings of routes in `files`, in order. */
function landingsOfFiles(landings: readonly Landing[], files: ReadonlySet<string>): readonly Landing[] {
  let known = landingsOfFilesMemo.get(files);
  if (!known) landingsOfFilesMemo.set(files, (known = []));
  const same = known.find((k) => sameItems(k.landings, landings));
  if (same) return same.found;
  const found = landings.filter((l) => files.has(l.route.origin.at.file));
  known.push({ landings, found });
  return found;
}

/** What {@link compileEnvironmentFromIndex} needs besides the slot. */
export interface TableIndexInput {
  /** The rows of the table's list and its root objects when it was last compiled (without findings). */
  readonly previous: IndexLayoutInput['previous'];
  /** The route files whose rows may have changed since (table-index.ts changedFilesOf). */
  readonly changed: ReadonlySet<string>;
  /**
   * The rows of the list now with the landings they stand for (table-index.ts updateRows, listWithLandings), given
   * the entries of the landings of `changed` files; undefined when they do not stand for the slot's landings. A
   * caller may share them between the tables of one list.
   */
  readonly list: (changedEntries: () => readonly RouteEntry[]) => ListWithLandings | undefined;
  /** See IndexLayoutInput.canKeep. @default every one can */
  readonly canKeep?: IndexLayoutInput['canKeep'];
  /**
   * The landing whose entries are made for `landing`: the same, or the landing of the route's model when the slot's
   * landing is of a route stub (load/route-stubs.ts). @default - each landing itself
   */
  readonly materialize?: (landing: Landing) => Landing;
}

/** What {@link compileEnvironmentFromIndex} gives: the table with the objects built now, or why it must be compiled whole. */
export type FromIndex =
  | {
    /** The table, holding the root objects built now only; `roots` lists every root object in order. */
    readonly table: EnvironmentTable;
    readonly roots: readonly IndexedRoot[];
    readonly unitCounts: readonly number[];
    readonly rows: ListRows;
    /** How many components were made from real entries (a measure of the work done). */
    readonly builtComponents: number;
  }
  | { readonly fallback: string };

/**
 * Compiles a `merged` VirtualService table without business domains whose inputs changed only in route files, from
 * the index of its previous compile (incremental-table.ts layoutFromIndex): the landings of changed files are
 * placed and made into entries, and only the root objects holding a changed component are built. Gives the table a
 * full compile gives when nothing is found; otherwise (or for any other kind of table) a `fallback` reason, and the
 * caller compiles the table whole (its findings are then reported as always).
 */
export function compileEnvironmentFromIndex(slot: EnvironmentSlot, options: EnvironmentOptions, input: TableIndexInput): FromIndex {
  const { cluster, environment } = slot;
  if (cluster.layout === 'per-route' || cluster.output === 'gateway-api') return { fallback: 'not a merged VirtualService table' };
  if (hostnameSightings(slot).length > 0) return { fallback: 'business domains' };
  // A fallback route is checked against every earlier entry of the owning team overlapping the owned prefix, in any
  // component (checkFallbacks): whether its proof is too complex to decide may depend on entries of other components.
  if (options.ownership.teams.size > 0 && slot.landings.some((l) => l.route.fallback)) return { fallback: 'fallback routes' };
  const findings = new Findings();
  const { entriesOf, ctx } = tableSetup(slot, options, findings);
  const scope = environment.name;
  const real = input.materialize ?? ((landing: Landing): Landing => landing);
  const changedLandings = input.materialize ? landingsOfFiles(slot.landings, input.changed).map(input.materialize) : landingsOfFiles(slot.landings, input.changed);
  placeLandings({ ...slot, landings: changedLandings }, findings);
  warnDefaultRetries(slot, findings);
  if (findings.records.length > 0) return { fallback: 'a landing or slot check found something' };
  const list = input.list(() => changedLandings.flatMap(entriesOf));
  if (!list) return { fallback: 'the index does not hold the routes landing here' };
  const { rows } = list;
  const layout = layoutFromIndex({
    previous: input.previous,
    rows,
    changed: input.changed,
    entriesOf: (routes) => {
      const entries: RouteEntry[] = [];
      for (const route of routes) {
        const landing = list.landingOf(route);
        // none: its rows stand for no entry here, and layoutFromIndex finds too few entries
        if (landing) entries.push(...entriesOf(real(landing)));
      }
      return entries;
    },
    checkOrder: (sorted) => {
      const own = new Findings();
      findConflicts(sorted, scope, own, { crossRoute: true });
      checkFallbacks(options.ownership, sorted, scope, own);
      return own.records;
    },
    ...(input.canKeep ? { canKeep: input.canKeep } : {}),
    ctx,
  });
  if ('fallback' in layout) return layout;
  const built = layout.roots.flatMap((r) => ('built' in r ? [r.built] : []));
  return { table: virtualServiceTable(slot, built, []), roots: layout.roots, unitCounts: layout.unitCounts, rows, builtComponents: layout.builtComponents };
}
