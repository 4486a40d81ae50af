import { PathMatch, Route } from '../model/project';
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

/** Builds the entries of `match` (one per method), measuring each entry's serialized size with `sizeOf`. */
export function makeEntries(
  route: Route, match: PathMatch, action: HttpRouteTable['action'], sizeOf: (http: HttpRouteTable) => number,
): RouteEntry[] {
  return makeMatchTables(match).map((table) => {
    const http = makeHttpRoute(route, [table], action);
    const { kind, value } = match;
    const conditions: Conditions = {
      ...(table.method !== undefined ? { method: table.method } : {}),
      ...(table.headers ? { headers: table.headers } : {}),
      ...(table.query ? { query: table.query } : {}),
    };
    return {
      kind, value, literal: matchLiteral(kind, value), kindRank: kindRank(kind, value), routeName: route.name,
      originPath: match.origin.path, conditions, route, match, http, size: sizeOf(http),
    };
  });
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
