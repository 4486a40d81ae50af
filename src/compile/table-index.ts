import { RouteEntry } from './entries';
import { Landing } from './expand';
import { compareText } from '../util/compare';

/**
 * The light index of one list of route entries (the entries of a table's landings, shared by the tables of one
 * environment that give routes the same entries: compile-environment.ts entryContext): per entry only what
 * partitioning, sizes and change detection need. An incremental compile of a table (incremental-table.ts) reads it
 * instead of making every entry again. Rows are in compareText order of their literals (rows of one literal in any
 * order), so that partitioning them is one pass (partition.ts rootsOf) and a component's rows are contiguous.
 */
export interface ListRows {
  /** Per row: the entry's literal (specificity.ts matchLiteral), in compareText order. */
  readonly literals: readonly string[];
  /** Per row: the entry's serialized size (RouteEntry.size). */
  readonly sizes: readonly number[];
  /** Per row: the index of its route in `routes`. */
  readonly routeOf: readonly number[];
  readonly routes: readonly IndexedRoute[];
}

/** A route of a list: its name, its file and the file's content key (file-key.ts fileKeyOf). */
export interface IndexedRoute {
  readonly name: string;
  readonly file: string;
  readonly fileKey: string;
}

/** The rows of `entries` (any order), their routes' files keyed by `keyOfFile`. */
export function rowsOf(entries: readonly RouteEntry[], keyOfFile: (path: string) => string): ListRows {
  return withRows({ literals: [], sizes: [], routeOf: [], routes: [] }, entries, keyOfFile);
}

/**
 * The files whose rows of `previous` may not stand for the current `landings` (of the same table key but the route
 * files): files whose content key changed, files with rows no landing comes from any more, and files of landings
 * with no rows (new, or newly landing here). Rows of every other file are the entries their landings give now:
 * entries are made of the route, its behaviour in the environment and the list's context, all covered by the file's
 * content and the keys the index is stored under. `isCurrent(file, fileKey)`: whether `fileKey` is the file's content
 * key now (file-key.ts isKeyOf: compared without making the key, since this runs over every route file of each list).
 */
export function changedFilesOf(
  previous: ListRows, landings: readonly Landing[], isCurrent: (file: string, fileKey: string) => boolean,
): Set<string> {
  // Per file of the rows: its stored key until a landing comes from it, then SEEN.
  const before = new Map<string, string>();
  const routes = previous.routes;
  for (let i = 0; i < routes.length; i++) before.set(routes[i].file, routes[i].fileKey);
  const changed = new Set<string>();
  for (let i = 0; i < landings.length; i++) {
    const file = landings[i].route.origin.at.file;
    const key = before.get(file);
    if (key === SEEN) continue;
    if (key === undefined) changed.add(file);
    else {
      before.set(file, SEEN);
      if (!isCurrent(file, key)) changed.add(file);
    }
  }
  before.forEach((key, file) => {
    if (key !== SEEN) changed.add(file);
  });
  return changed;
}

/** In changedFilesOf: a file of the rows a landing comes from (a content key is never empty). */
const SEEN = '';

/** `previous` without the rows of `changed` files, with the rows of `entries` (the entries of their landings now). */
export function updateRows(previous: ListRows, changed: ReadonlySet<string>, entries: readonly RouteEntry[], keyOfFile: (path: string) => string): ListRows {
  const literals: string[] = [];
  const sizes: number[] = [];
  const routeOf: number[] = [];
  const routes: IndexedRoute[] = [];
  const renumbered = previous.routes.map((route) => {
    if (changed.has(route.file)) return -1;
    routes.push(route);
    return routes.length - 1;
  });
  for (let i = 0; i < previous.literals.length; i++) {
    const route = renumbered[previous.routeOf[i]];
    if (route < 0) continue;
    literals.push(previous.literals[i]);
    sizes.push(previous.sizes[i]);
    routeOf.push(route);
  }
  return withRows({ literals, sizes, routeOf, routes }, entries, keyOfFile);
}

/** Whether `literals` are in compareText order. */
export function inLiteralOrder(literals: readonly string[]): boolean {
  for (let i = 1; i < literals.length; i++) if (literals[i - 1] > literals[i]) return false;
  return true;
}

/**
 * A list's rows with the landings they stand for (`landings` sorted by route name, as a slot's are), when they hold as
 * many routes; else undefined. The rows hold exactly the routes of the landings by construction (updateRows: the
 * routes of unchanged files, which land where they landed, and those of the changed files' landings); a route of the
 * rows without a landing of its name and file is undefined for {@link ListWithLandings.landingOf}.
 */
export function listWithLandings(rows: ListRows, landings: readonly Landing[]): ListWithLandings | undefined {
  if (rows.routes.length !== landings.length) return undefined;
  return {
    rows,
    landingOf: (route) => {
      // Binary search by name: names are unique among the landings of a valid project.
      let lo = 0;
      let hi = landings.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareText(landings[mid].route.name, route.name) < 0) lo = mid + 1;
        else hi = mid;
      }
      const found = landings[lo];
      return found !== undefined && found.route.name === route.name && found.route.origin.at.file === route.file ? found : undefined;
    },
  };
}

/** See {@link listWithLandings}. */
export interface ListWithLandings {
  readonly rows: ListRows;
  /** The landing of a route of `rows`, or undefined when none lands here. */
  readonly landingOf: (route: IndexedRoute) => Landing | undefined;
}

/** `rows` (in literal order) with the rows of `entries` merged in, in literal order. */
function withRows(
  rows: { readonly literals: string[]; readonly sizes: number[]; readonly routeOf: number[]; readonly routes: IndexedRoute[] },
  entries: readonly RouteEntry[], keyOfFile: (path: string) => string,
): ListRows {
  const numbers = new Map<RouteEntry['route'], number>();
  const added = [...entries].sort((a, b) => compareText(a.literal, b.literal)).map((entry) => {
    let route = numbers.get(entry.route);
    if (route === undefined) {
      const file = entry.route.origin.at.file;
      rows.routes.push({ name: entry.route.name, file, fileKey: keyOfFile(file) });
      numbers.set(entry.route, (route = rows.routes.length - 1));
    }
    return { literal: entry.literal, size: entry.size, route };
  });
  if (added.length === 0) return rows;
  const literals: string[] = [];
  const sizes: number[] = [];
  const routeOf: number[] = [];
  let i = 0;
  for (const row of added) {
    for (; i < rows.literals.length && rows.literals[i] <= row.literal; i++) {
      literals.push(rows.literals[i]);
      sizes.push(rows.sizes[i]);
      routeOf.push(rows.routeOf[i]);
    }
    literals.push(row.literal);
    sizes.push(row.size);
    routeOf.push(row.route);
  }
  for (; i < rows.literals.length; i++) {
    literals.push(rows.literals[i]);
    sizes.push(rows.sizes[i]);
    routeOf.push(rows.routeOf[i]);
  }
  return { literals, sizes, routeOf, routes: rows.routes };
}
