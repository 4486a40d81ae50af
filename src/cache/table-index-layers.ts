import type { IndexedObject } from '../compile/incremental-table';
import { IndexedRoute, inLiteralOrder, ListRows } from '../compile/table-index';
import { pathOfFileKey } from './file-key';

/**
 * The stored forms of the table index (table-index-store.ts) and their reading: a base holding every list in full, and
 * a delta holding what differs from that base (a list as a patch over one of the base's lists), so a one-route edit
 * writes the few rows that changed rather than the whole index (at the bench's tier L, 1.5 MB). Routes, files and
 * literals are numbered across both: the delta's continue the base's.
 */
export const FORMAT = 3;

/** A table's entry: the key of the list it laid out, and its root objects. */
export interface TableEntry {
  readonly list: string;
  readonly objects: readonly IndexedObject[];
}

/**
 * A table's entry as stored: its list's key and its root objects, flat (name, units, key, name, ...; in a delta, an
 * object of the base's table of the same key as its index there).
 */
export interface StoredTable {
  readonly list: string;
  readonly objects: readonly (string | number)[];
}

/**
 * A list's rows, columnar, by indexes into the shared tables (the lists of an environment's clusters, and of the
 * environments, mostly hold the same routes and literals).
 */
export interface StoredList {
  /** Per row: its literal's index in `literals`. */
  readonly literals: readonly number[];
  readonly sizes: readonly number[];
  /** Per row: its route's index in the routes. */
  readonly routeOf: readonly number[];
}

/**
 * A list as the rows of a base list (`from`) it keeps and the rows it has of its own, in order: `ops` is flat,
 * `COPY, start, count` (rows start..start+count-1 of the base list) or `ROW, literal, size, route` (indexes as in
 * StoredList).
 */
export interface StoredPatch {
  readonly from: string;
  readonly ops: readonly number[];
}
export const COPY = 0;
export const ROW = 1;

/** The shared tables of a layer (a delta's continue its base's). */
interface SharedTables {
  readonly format: number;
  readonly tool: string;
  /**
   * (path, content key) pairs, flat: the route files the lists name, once. The path is '' when the key names it
   * (`b:<sha256>:<path>`: file-key.ts fileKeyOf).
   */
  readonly files: readonly string[];
  /** (name, index of its file) pairs, flat: the routes the lists name, once. */
  readonly routes: readonly (string | number)[];
  readonly literals: readonly string[];
  /** Every table of the index (a delta's replace its base's). */
  readonly tables: Readonly<Record<string, StoredTable>>;
}

export interface StoredBase extends SharedTables {
  readonly lists: Readonly<Record<string, StoredList>>;
}

export interface StoredDelta extends SharedTables {
  /** The checksum of the base it was written over (checked-json.ts): with another base it is not read. */
  readonly base: string;
  readonly lists: Readonly<Record<string, StoredPatch>>;
}

/** A list's rows by global indexes (before the routes are numbered per list, as ListRows has them). */
export interface GlobalRows {
  readonly literals: readonly string[];
  readonly sizes: readonly number[];
  readonly routeIds: readonly number[];
}

/**
 * The index as read: a base (checksum `sum`) and the delta written over it, if any. Lists are decoded when asked for;
 * anything of the wrong shape reads as absent (a list), or drops its layer (a delta) or the index (a base).
 */
export class IndexLayers {
  /** The layers of a base and a delta that are valid, else undefined. */
  public static of(base: StoredBase, sum: string, tool: string, delta?: StoredDelta): IndexLayers | undefined {
    if (base?.format !== FORMAT || base.tool !== tool || !isRecord(base.lists) || !isRecord(base.tables)) return undefined;
    const baseRoutes = decodeRoutes(base.files, base.routes, [], []);
    if (!baseRoutes || !Array.isArray(base.literals)) return undefined;
    const baseTables = decodeTables(base.tables);
    const baseLayer = new IndexLayers(base, sum, undefined, baseRoutes, base.literals, baseTables, baseTables);
    const deltaValid = delta?.format === FORMAT && delta.tool === tool && delta.base === sum && isRecord(delta.lists) && isRecord(delta.tables) && Array.isArray(delta.literals);
    if (!deltaValid) return baseLayer;
    const routes = decodeRoutes(delta.files, delta.routes, base.files, baseRoutes);
    return routes ? new IndexLayers(base, sum, delta, routes, [...base.literals, ...delta.literals], decodeTables(delta.tables, baseTables), baseTables) : baseLayer;
  }

  private readonly decoded = new Map<string, GlobalRows | null>();

  private constructor(
    public readonly base: StoredBase,
    /** The checksum of the base's file. */
    public readonly sum: string,
    public readonly delta: StoredDelta | undefined,
    /** The routes of both layers, by index. */
    public readonly routes: readonly IndexedRoute[],
    /** The literals of both layers, by index. */
    public readonly literals: readonly unknown[],
    /** Every table, as the last layer has them. */
    public readonly tables: ReadonlyMap<string, TableEntry>,
    /** The base's tables (a delta's table names the objects it shares with the base's table of its key). */
    public readonly baseTables: ReadonlyMap<string, TableEntry>,
  ) {}

  /** How many routes, files and literals the base numbers (a delta's own start there). */
  public get baseCounts(): { readonly routes: number; readonly files: number; readonly literals: number } {
    return { routes: this.base.routes.length / 2, files: this.base.files.length / 2, literals: this.base.literals.length };
  }

  /** The list of key `key` as ListRows (routes numbered in first-seen order), if stored and of the right shape. */
  public list(key: string): ListRows | undefined {
    const rows = this.globalRows(key);
    return rows && localRows(rows, this.routes);
  }

  /** Whether the base holds the list of key `key` (in full). */
  public inBase(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.base.lists, key);
  }

  /** The rows of a list of the base (not a patch: the base of a patch), if of the right shape. */
  public baseRows(key: string): GlobalRows | undefined {
    return this.inBase(key) ? this.globalRows(key) : undefined;
  }

  /** How many rows the base's lists hold. */
  public baseRowCount(): number {
    let count = 0;
    for (const key of Object.keys(this.base.lists)) count += this.base.lists[key]?.literals?.length ?? 0;
    return count;
  }

  private globalRows(key: string): GlobalRows | undefined {
    let rows = this.decoded.get(key);
    if (rows === undefined) {
      const patch = this.delta && Object.prototype.hasOwnProperty.call(this.delta.lists, key) ? this.delta.lists[key] : undefined;
      if (patch !== undefined) {
        const from = typeof patch?.from === 'string' ? this.baseRows(patch.from) : undefined;
        rows = (from && applyPatch(patch, from, this.literals, this.routes.length)) ?? null;
      } else {
        // a base list names the base's routes and literals only
        rows = (this.inBase(key) && decodeList(this.base.lists[key], this.base.literals, this.baseCounts.routes)) || null;
      }
      this.decoded.set(key, rows);
    }
    return rows ?? undefined;
  }
}

/** Numbers a list's routes in first-seen order (ListRows' form). */
function localRows(rows: GlobalRows, routes: readonly IndexedRoute[]): ListRows {
  const own: IndexedRoute[] = [];
  const ownIds = new Int32Array(routes.length).fill(-1);
  const routeOf = new Array<number>(rows.routeIds.length);
  for (let i = 0; i < rows.routeIds.length; i++) {
    const id = rows.routeIds[i];
    let local = ownIds[id];
    if (local < 0) {
      ownIds[id] = local = own.length;
      own.push(routes[id]);
    }
    routeOf[i] = local;
  }
  return { literals: rows.literals, sizes: rows.sizes, routeOf, routes: own };
}

/** A stored list's rows; undefined when not of the right shape. */
function decodeList(list: StoredList | undefined, literals: readonly unknown[], routeCount: number): GlobalRows | undefined {
  if (!list || !Array.isArray(list.literals) || !Array.isArray(list.sizes) || !Array.isArray(list.routeOf)) return undefined;
  const count = list.literals.length;
  if (list.sizes.length !== count || list.routeOf.length !== count) return undefined;
  const rowLiterals = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const literal = literals[list.literals[i]];
    const route = list.routeOf[i];
    if (typeof literal !== 'string' || typeof list.sizes[i] !== 'number' || !Number.isInteger(route) || route < 0 || route >= routeCount) return undefined;
    rowLiterals[i] = literal;
  }
  return inLiteralOrder(rowLiterals) ? { literals: rowLiterals, sizes: list.sizes, routeIds: list.routeOf } : undefined;
}

/** A patch's rows over the rows of its base list; undefined when not of the right shape. */
function applyPatch(patch: StoredPatch, from: GlobalRows, literals: readonly unknown[], routeCount: number): GlobalRows | undefined {
  const ops = patch.ops;
  if (!Array.isArray(ops)) return undefined;
  const rowLiterals: string[] = [];
  const sizes: number[] = [];
  const routeIds: number[] = [];
  for (let at = 0; at < ops.length;) {
    if (ops[at] === COPY) {
      const [start, count] = [ops[at + 1], ops[at + 2]];
      if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > from.literals.length) return undefined;
      for (let i = start; i < start + count; i++) {
        rowLiterals.push(from.literals[i]);
        sizes.push(from.sizes[i]);
        routeIds.push(from.routeIds[i]);
      }
      at += 3;
    } else if (ops[at] === ROW) {
      const [literal, size, route] = [literals[ops[at + 1]], ops[at + 2], ops[at + 3]];
      if (typeof literal !== 'string' || typeof size !== 'number' || !Number.isInteger(route) || route < 0 || route >= routeCount) return undefined;
      rowLiterals.push(literal);
      sizes.push(size);
      routeIds.push(route);
      at += 4;
    } else {
      return undefined;
    }
  }
  return inLiteralOrder(rowLiterals) ? { literals: rowLiterals, sizes, routeIds } : undefined;
}

/** The routes of a layer after `before` (those of the layers under it), or undefined when not of the right shape. */
function decodeRoutes(files: unknown, routes: unknown, filesBefore: readonly string[], before: readonly IndexedRoute[]): IndexedRoute[] | undefined {
  if (!Array.isArray(files) || !Array.isArray(routes) || files.length % 2 !== 0 || routes.length % 2 !== 0) return undefined;
  const fileAt = (id: number): [unknown, unknown] => (2 * id < filesBefore.length ? [filesBefore[2 * id], filesBefore[2 * id + 1]] : [files[2 * id - filesBefore.length], files[2 * id + 1 - filesBefore.length]]);
  const fileCount = (filesBefore.length + files.length) / 2;
  const decoded: IndexedRoute[] = [...before];
  for (let i = 0; i < routes.length; i += 2) {
    const name = routes[i];
    const file = routes[i + 1];
    if (typeof name !== 'string' || !Number.isInteger(file) || file < 0 || file >= fileCount) return undefined;
    const [path, fileKey] = fileAt(file);
    if (typeof path !== 'string' || typeof fileKey !== 'string') return undefined;
    const at = path === '' ? pathOfFileKey(fileKey) : path;
    if (at === undefined) return undefined;
    decoded.push({ name, file: at, fileKey });
  }
  return decoded;
}

/**
 * The stored tables as entries; those of the wrong shape are left out. An object is stored as its name, units and key,
 * or, in a delta, as a number: the index of an object of `base`'s table of the same key (most objects of a table stay).
 */
function decodeTables(stored: Readonly<Record<string, StoredTable>>, base?: ReadonlyMap<string, TableEntry>): Map<string, TableEntry> {
  const tables = new Map<string, TableEntry>();
  for (const [key, table] of Object.entries(stored)) {
    const flat = table?.objects;
    if (typeof table?.list !== 'string' || !Array.isArray(flat)) continue;
    const shared = base?.get(key)?.objects;
    const objects: IndexedObject[] = [];
    let i = 0;
    while (i < flat.length) {
      const first = flat[i];
      if (typeof first === 'number') {
        const object = shared?.[first];
        if (!Number.isInteger(first) || first < 0 || object === undefined) break;
        objects.push(object);
        i += 1;
      } else {
        const [units, objectKey] = [flat[i + 1], flat[i + 2]];
        if (typeof first !== 'string' || !Number.isInteger(units) || typeof objectKey !== 'string') break;
        objects.push({ name: first, units: units as number, key: objectKey });
        i += 3;
      }
    }
    if (i === flat.length) tables.set(key, { list: table.list, objects });
  }
  return tables;
}

/** The tables as stored; with `base` (a delta's), an object the base's table of its key holds as its index there. */
export function encodeTables(tables: ReadonlyMap<string, TableEntry>, base?: ReadonlyMap<string, TableEntry>): Record<string, StoredTable> {
  const stored: Record<string, StoredTable> = {};
  for (const [key, table] of tables) {
    const shared = new Map<string, number>();
    base?.get(key)?.objects.forEach((o, i) => shared.set(o.key, i));
    const flat: (string | number)[] = [];
    for (const o of table.objects) {
      const at = shared.get(o.key);
      const same = at === undefined ? undefined : base!.get(key)!.objects[at];
      if (same !== undefined && same.name === o.name && same.units === o.units) flat.push(at!);
      else flat.push(o.name, o.units, o.key);
    }
    stored[key] = { list: table.list, objects: flat };
  }
  return stored;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
