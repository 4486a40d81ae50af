import { IndexedRoute, ListRows } from '../compile/table-index';
import { pathOfFileKey } from './file-key';
import { COPY, encodeTables, FORMAT, IndexLayers, ROW, StoredBase, StoredDelta, StoredList, StoredPatch, TableEntry } from './table-index-layers';

/**
 * Writing the table index (table-index-layers.ts): in full (a base), or as what differs from the base read (a delta).
 */

/** Below this many rows and routes of its own, a delta is never too large (a small project just rewrites it). */
const DELTA_MIN = 64;
/** A delta holding more rows and routes of its own than this share of the base's rows is written as a new base. */
const DELTA_SHARE = 1 / 8;

/** Numbers the routes, files and literals a layer names, after `start` of each (those of the layers under it). */
class Numbering {
  public readonly files: string[] = [];
  public readonly routes: (string | number)[] = [];
  public readonly literals: string[] = [];
  private readonly fileIds = new Map<string, number>();
  /** Route ids by file id, then name. */
  private readonly routeIds = new Map<number, Map<string, number>>();
  private readonly literalIds = new Map<string, number>();
  /** Lists share their route objects (decoded once per file, kept by the rows of later runs): most are found by identity. */
  private readonly idOfRoute = new Map<IndexedRoute, number>();

  public constructor(private readonly start = { routes: 0, files: 0, literals: 0 }) {}

  /** How many routes and literals this layer adds. */
  public get added(): number {
    return this.routes.length / 2 + this.literals.length;
  }

  public routeId(route: IndexedRoute): number {
    let id = this.idOfRoute.get(route);
    if (id === undefined) this.idOfRoute.set(route, (id = this.routeIdByName(route)));
    return id;
  }

  public literalId(literal: string): number {
    let id = this.literalIds.get(literal);
    if (id === undefined) {
      this.literalIds.set(literal, (id = this.start.literals + this.literals.length));
      this.literals.push(literal);
    }
    return id;
  }

  private routeIdByName(route: IndexedRoute): number {
    // A content key names its path too (file-key.ts fileKeyOf)
    let file = this.fileIds.get(route.fileKey);
    if (file === undefined) {
      this.fileIds.set(route.fileKey, (file = this.start.files + this.files.length / 2));
      this.files.push(pathOfFileKey(route.fileKey) === route.file ? '' : route.file, route.fileKey);
    }
    let byName = this.routeIds.get(file);
    if (!byName) this.routeIds.set(file, (byName = new Map()));
    let id = byName.get(route.name);
    if (id === undefined) {
      byName.set(route.name, (id = this.start.routes + this.routes.length / 2));
      this.routes.push(route.name, file);
    }
    return id;
  }
}

/** The whole index as one base: every table, and the lists they laid out (`rowsOf`; a table whose list is unknown is left out). */
export function encodeBase(tool: string, tables: ReadonlyMap<string, TableEntry>, rowsOf: (list: string) => ListRows | undefined): StoredBase {
  const numbering = new Numbering();
  const lists: Record<string, StoredList> = {};
  const kept = new Map<string, TableEntry>();
  for (const [key, table] of tables) {
    const rows = rowsOf(table.list);
    if (!rows) continue;
    kept.set(key, table);
    if (Object.prototype.hasOwnProperty.call(lists, table.list)) continue;
    const ids = rows.routes.map((route) => numbering.routeId(route));
    lists[table.list] = { literals: rows.literals.map((l) => numbering.literalId(l)), sizes: rows.sizes, routeOf: rows.routeOf.map((r) => ids[r]) };
  }
  return { format: FORMAT, tool, files: numbering.files, routes: numbering.routes, literals: numbering.literals, lists, tables: encodeTables(kept) };
}

/**
 * The index as a delta over the base of `layers`: each list the base lacks as a patch over the base's list of the same
 * table. Undefined when a new base is due: a list has no base list to patch (a new table), or the delta would hold more
 * rows and routes of its own than a share of the base's rows.
 */
export function encodeDelta(
  layers: IndexLayers, tool: string, tables: ReadonlyMap<string, TableEntry>, rowsOf: (list: string) => ListRows | undefined,
): StoredDelta | undefined {
  const limit = Math.max(DELTA_MIN, layers.baseRowCount() * DELTA_SHARE);
  const numbering = new BaseNumbering(layers);
  const patches: Record<string, StoredPatch> = {};
  const kept = new Map<string, TableEntry>();
  let own = 0;
  for (const [key, table] of tables) {
    if (layers.inBase(table.list)) {
      kept.set(key, table);
      continue;
    }
    const rows = rowsOf(table.list);
    if (!rows) continue;
    kept.set(key, table);
    if (Object.prototype.hasOwnProperty.call(patches, table.list)) continue;
    const baseTable = Object.prototype.hasOwnProperty.call(layers.base.tables, key) ? layers.base.tables[key] : undefined;
    const from = typeof baseTable?.list === 'string' ? layers.baseList(baseTable.list) : undefined;
    if (!from) return undefined;
    const patch = diffRows(layers, from, rows, numbering);
    own += patch.rows;
    if (own + numbering.added > limit) return undefined;
    patches[table.list] = { from: baseTable!.list, ops: patch.ops };
  }
  const { files, routes, literals } = numbering.own;
  return { format: FORMAT, tool, base: layers.sum, files, routes, literals, lists: patches, tables: encodeTables(kept, layers.baseTables) };
}

/**
 * Ids of routes and literals for a delta: a route of a base row keeps the base's id (a list numbers its routes by id:
 * within a list, one route must have one), any other route and every literal is the delta's own.
 */
class BaseNumbering {
  public readonly own: Numbering;

  public constructor(layers: IndexLayers) {
    this.own = new Numbering(layers.baseCounts);
  }

  public get added(): number {
    return this.own.added;
  }

  /** A literal is numbered again when the base has it too (a list reads literals by value; only a route must be one). */
  public literalId(literal: string): number {
    return this.own.literalId(literal);
  }
}

/**
 * `rows` as the rows of `from` (a base list, both in literal order) it keeps and rows of its own: walking both in order,
 * a row equal to the next base row at or after its literal is copied from there, any other is a row of its own. Every row
 * of `rows` comes out once, in order, whatever the lists hold (a base row of the wrong shape is never equal, and a patch
 * is read back checked).
 *
 * A row of its own names its route by the base's id when a base row of its literal has that route: rows of one literal
 * in another order (ties) are rows of their own, yet their routes are the base rows' (a route of the list must have one
 * id). Any other route of a row of its own is not in the base list: its file changed (another content key), or it did not
 * land there.
 */
function diffRows(layers: IndexLayers, from: StoredList, rows: ListRows, numbering: BaseNumbering): { readonly ops: number[]; readonly rows: number } {
  const ops: number[] = [];
  const count = from.literals.length;
  const baseLiterals = layers.base.literals as readonly unknown[];
  const baseRoutes = layers.baseCounts.routes;
  const routes = layers.routes;
  const literalAt = (k: number): unknown => baseLiterals[from.literals[k]];
  const routeAt = (k: number): IndexedRoute | undefined => (from.routeOf[k] < baseRoutes ? routes[from.routeOf[k]] : undefined);
  /** The base id of `route` when a base row of `literal` (the rows of that literal around row `at`) has it. */
  const tieRouteId = (at: number, literal: string, route: IndexedRoute): number | undefined => {
    for (let k = at - 1; k >= 0 && literalAt(k) === literal; k--) if (routeAt(k) !== undefined && sameRoute(routeAt(k)!, route)) return from.routeOf[k];
    for (let k = at; k < count && literalAt(k) === literal; k++) if (routeAt(k) !== undefined && sameRoute(routeAt(k)!, route)) return from.routeOf[k];
    return undefined;
  };
  let own = 0;
  let i = 0;
  let runStart = 0;
  let runCount = 0;
  const flush = (): void => {
    if (runCount > 0) ops.push(COPY, runStart, runCount);
    runCount = 0;
  };
  for (let j = 0; j < rows.literals.length; j++) {
    const literal = rows.literals[j];
    const route = rows.routes[rows.routeOf[j]];
    let baseLiteral = i < count ? literalAt(i) : undefined;
    while (typeof baseLiteral === 'string' && baseLiteral < literal) baseLiteral = ++i < count ? literalAt(i) : undefined;
    const baseRoute = baseLiteral === literal ? routeAt(i) : undefined;
    if (baseRoute !== undefined && from.sizes[i] === rows.sizes[j] && sameRoute(baseRoute, route)) {
      if (runCount > 0 && runStart + runCount === i) runCount++;
      else {
        flush();
        runStart = i;
        runCount = 1;
      }
      i++;
    } else {
      flush();
      ops.push(ROW, numbering.literalId(literal), rows.sizes[j], tieRouteId(i, literal, route) ?? numbering.own.routeId(route));
      own++;
    }
  }
  flush();
  return { ops, rows: own };
}

function sameRoute(a: IndexedRoute, b: IndexedRoute): boolean {
  return a === b || (a.name === b.name && a.fileKey === b.fileKey && a.file === b.file);
}
