import { PathMatch, Route, RouteBehaviour } from '../model/project';
import { HttpRouteTable } from './route-table';
import { compareSpecificity, kindRank, matchLiteral, Ranked } from './specificity';
import { Conditions } from './conditions';
import { makeHttpRoute, makeMatchTables } from './table-builders';

/** One match of one route in one (cluster, environment): the unit the compiler orders, checks and packs. */
export interface RouteEntry extends Ranked {
  readonly route: Route;
  readonly match: PathMatch;
  /** The method, header and query conditions of this entry (one method: a match with several is several entries). */
  readonly conditions: Conditions;
  /** The entry as an HTTP route with this single match. */
  readonly http: HttpRouteTable;
  /** `sizeOf(http)`: serialized bytes as the emitter writes it. */
  readonly size: number;
}

/**
 * The serialized sizes of the HTTP routes of one match (one per method, in makeMatchTables order), as the emitter
 * writes them: `https.map(sizeOf)`, or sizes known for them (EntrySizeMemo).
 */
export type SizesOf = (https: readonly HttpRouteTable[]) => readonly number[];

/**
 * Sizes of route entries known from earlier runs (src/cache/entry-sizes.ts), so a run need not build and measure
 * the serialized form of every route of a table whose inputs changed (at the bench's tier L, 22,000 entries when
 * one route is edited).
 */
export interface EntrySizeMemo {
  /**
   * The sizes of the entries of `match` of `route` in `context` (the environment and everything else of the table
   * the sizes depend on: compile-environment.ts entryContext): those known for them, or `measure()`'s (then kept).
   * A memo must key its answers by everything of the route they depend on; the caller checks only their count.
   */
  sizes(route: Route, match: PathMatch, context: string, measure: () => readonly number[]): readonly number[];
}

/** Builds the entries of `match` (one per method), measuring each entry's serialized size with `sizesOf`. */
export function makeEntries(route: Route, match: PathMatch, action: HttpRouteTable['action'], sizesOf: SizesOf): RouteEntry[] {
  const https = makeMatchTables(match).map((table) => makeHttpRoute(route, [table], action));
  const sizes = sizesOf(https);
  return https.map((http, i) => entryOf(route, match, http, sizes[i]));
}

function entryOf(route: Route, match: PathMatch, http: HttpRouteTable, size: number): RouteEntry {
  const table = http.matches[0];
  const { kind, value } = match;
  const conditions: Conditions = {
    ...(table.method !== undefined ? { method: table.method } : {}),
    ...(table.headers ? { headers: table.headers } : {}),
    ...(table.query ? { query: table.query } : {}),
  };
  return {
    kind, value, literal: matchLiteral(kind, value), kindRank: kindRank(kind, value), routeName: route.name,
    originPath: match.origin.path, conditions, route, match, http, size,
  };
}

type Action = HttpRouteTable['action'];

/**
 * Route entries shared by the tables of one compile. The clusters hosting an environment mostly give a route the
 * same action (same namespace and cluster domain, and versions that render it alike), so each table would build
 * and measure the same entries again: 18 tables of 7,000 routes at the bench's tier L. Here the action of a behaviour
 * in one action context is made once (policy-tables.ts: a function of the two alone), and the entries of one match,
 * action and size are made once; their HTTP route tables then share one JSON object and one YAML text in the
 * emitter (sharedHttpRouteJson). A landing's entries are kept by its behaviour and a key of what else they depend on
 * ({@link landing}), so the next table of that key takes them without making or comparing anything. Entries and
 * their parts are never changed once made.
 */
export class SharedEntries {
  private readonly actions = new WeakMap<RouteBehaviour, Map<string, Action>>();
  private readonly landings = new WeakMap<RouteBehaviour, Map<string, { readonly route: Route; readonly entries: readonly RouteEntry[] }>>();
  private readonly made = new WeakMap<PathMatch, Map<Action, { readonly route: Route; readonly https: HttpRouteTable[]; readonly bySize: Map<number | string, RouteEntry[]> }>>();

  /**
   * The action of `behaviour` in the action context of key `contextKey` (policy-tables.ts actionContextKey) that an
   * earlier table made, else `make()`'s (kept for later tables): an action is a function of the two alone.
   */
  public action<T extends Action>(behaviour: RouteBehaviour, contextKey: string, make: () => T): T {
    let byContext = this.actions.get(behaviour);
    if (!byContext) this.actions.set(behaviour, (byContext = new Map()));
    let action = byContext.get(contextKey) as T | undefined;
    if (action === undefined) byContext.set(contextKey, (action = make()));
    return action;
  }

  /**
   * The entries of one landing made by an earlier table under the same `key`, else `make()`'s (kept for later
   * tables). `key` must cover everything of the table the entries depend on besides the route's behaviour (the
   * action context and what the sizes depend on: compile-environment.ts landingKey).
   */
  public landing(route: Route, behaviour: RouteBehaviour, key: string, make: () => readonly RouteEntry[]): readonly RouteEntry[] {
    let byKey = this.landings.get(behaviour);
    if (!byKey) this.landings.set(behaviour, (byKey = new Map()));
    const known = byKey.get(key);
    if (known && known.route === route) return known.entries;
    const entries = make();
    byKey.set(key, { route, entries });
    return entries;
  }

  /** `makeEntries(route, match, action, sizesOf)`, the same objects for the same match, action and sizes. */
  public entries(route: Route, match: PathMatch, action: Action, sizesOf: SizesOf): RouteEntry[] {
    let byAction = this.made.get(match);
    if (!byAction) this.made.set(match, (byAction = new Map()));
    let made = byAction.get(action);
    if (!made || made.route !== route) {
      made = { route, https: makeMatchTables(match).map((table) => makeHttpRoute(route, [table], action)), bySize: new Map() };
      byAction.set(action, made);
    }
    const sizes = sizesOf(made.https);
    const key = sizes.length === 1 ? sizes[0] : sizes.join(',');
    let entries = made.bySize.get(key);
    if (!entries) made.bySize.set(key, (entries = made.https.map((http, i) => entryOf(route, match, http, sizes[i]))));
    return entries;
  }
}

/** Sorts entries by specificity (most specific first) without touching the input. */
export function sortEntries<T extends Ranked>(entries: readonly T[]): T[] {
  return [...entries].sort(compareSpecificity);
}

/**
 * Merges runs of adjacent entries of the same route (same action) into one HTTP route with several matches.
 * A route whose matches rank apart yields several HTTP routes with the same name.
 */
export function mergeAdjacent(https: readonly HttpRouteTable[]): HttpRouteTable[] {
  const out: HttpRouteTable[] = [];
  for (const h of https) {
    const last = out[out.length - 1];
    if (last && last.route === h.route && last.action === h.action && h.action.type !== 'delegate') {
      out[out.length - 1] = { ...last, matches: [...last.matches, ...h.matches] };
    } else {
      out.push(h);
    }
  }
  return out;
}
