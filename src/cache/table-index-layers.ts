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

/**
 * The index as read: a base (checksum `sum`) and the delta written over it, if any. Lists are decoded when asked for;
 * anything of the wrong shape reads as absent (a list), or drops its layer (a delta) or the index (a base).
 */
export class IndexLayers {
  /** The layers of a base and a delta that are valid, else undefined. */
  public static of(base: StoredBase, sum: string, tool: string, delta?: StoredDelta): IndexLayers | undefined {
    if (base?.format !== FORMAT || base.tool !== tool || !isRecord(base.lists) || !isRecord(base.tables)) return undefined;
    const routes: IndexedRoute[] = [];
    if (!decodeRoutes(base.files, base.routes, [], routes) || !Array.isArray(base.literals)) return undefined;
    const baseRouteCount = routes.length;
    const baseTables = decodeTables(base.tables);
    const deltaValid = delta?.format === FORMAT && delta.tool === tool && delta.base === sum && isRecord(delta.lists) && isRecord(delta.tables) && Array.isArray(delta.literals);
    if (deltaValid && decodeRoutes(delta.files, delta.routes, base.files, routes)) {
      return new IndexLayers(base, sum, delta, routes, baseRouteCount, decodeTables(delta.tables, baseTables), baseTables);
    }
    routes.length = baseRouteCount;
    return new IndexLayers(base, sum, undefined, routes, baseRouteCount, baseTables, baseTables);
  }

  private readonly decoded = new Map<string, ListRows | null>();

  private constructor(
    public readonly base: StoredBase,
    /** The checksum of the base's file. */
    public readonly sum: string,
    public readonly delta: StoredDelta | undefined,
    /** The routes of both layers, by index. */
    public readonly routes: readonly IndexedRoute[],
    /** How many of them the base numbers. */
    private readonly baseRouteCount: number,
    /** Every table, as the last layer has them. */
    public readonly tables: ReadonlyMap<string, TableEntry>,
    /** The base's tables (a delta's table names the objects it shares with the base's table of its key). */
    public readonly baseTables: ReadonlyMap<string, TableEntry>,
  ) {}

  /** How many routes, files and literals the base numbers (a delta's own start there). */
  public get baseCounts(): { readonly routes: number; readonly files: number; readonly literals: number } {
    return { routes: this.baseRouteCount, files: this.base.files.length / 2, literals: this.base.literals.length };
  }

  /** The list of key `key` as ListRows (routes numbered in first-seen order), if stored and of the right shape. */
  public list(key: string): ListRows | undefined {
    let rows = this.decoded.get(key);
    if (rows === undefined) {
      const patch = this.delta && Object.prototype.hasOwnProperty.call(this.delta.lists, key) ? this.delta.lists[key] : undefined;
      const from = patch === undefined ? this.baseList(key) : typeof patch?.from === 'string' ? this.baseList(patch.from) : undefined;
      let built: ListRows | undefined;
      if (from !== undefined && patch === undefined) {
        // a base list names the base's routes and literals only
        const builder = new RowsBuilder(this.routes, from.literals.length);
        built = builder.copy(from, this.base.literals, this.baseRouteCount, 0, from.literals.length) ? builder.rows() : undefined;
      } else if (from !== undefined) {
        built = applyPatch(patch!, from, this.routes, this.base.literals, this.baseRouteCount, this.delta!.literals);
      }
      rows = built ?? null;
      this.decoded.set(key, rows);
    }
    return rows ?? undefined;
  }

  /** Whether the base holds the list of key `key` (in full). */
  public inBase(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.base.lists, key);
  }

  /**
   * A list of the base as stored, when its columns are arrays of one length (their values are checked as they are
   * read: a patch over it is read back through {@link list}).
   */
  public baseList(key: string): StoredList | undefined {
    const list = this.inBase(key) ? this.base.lists[key] : undefined;
    if (!list || !Array.isArray(list.literals) || !Array.isArray(list.sizes) || !Array.isArray(list.routeOf)) return undefined;
    const count = list.literals.length;
    return list.sizes.length === count && list.routeOf.length === count ? list : undefined;
  }

  /** The literal of a base row (`undefined` when not a string). */
  public baseLiteral(list: StoredList, row: number): unknown {
    return this.base.literals[list.literals[row]];
  }

  /** How many rows the base's lists hold. */
  public baseRowCount(): number {
    let count = 0;
    for (const key of Object.keys(this.base.lists)) count += this.base.lists[key]?.literals?.length ?? 0;
    return count;
  }
}

/** Builds a list's ListRows row by row, numbering its routes in first-seen order; rows of the wrong shape fail it. */
class RowsBuilder {
  private readonly literals: string[];
  private readonly sizes: number[];
  private readonly routeOf: number[];
  private readonly own: IndexedRoute[] = [];
  private readonly ownIds: Int32Array;
  private count = 0;

  /** `capacity`: how many rows the list has. */
  public constructor(private readonly routes: readonly IndexedRoute[], private readonly capacity: number) {
    this.ownIds = new Int32Array(routes.length).fill(-1);
    this.literals = new Array<string>(capacity);
    this.sizes = new Array<number>(capacity);
    this.routeOf = new Array<number>(capacity);
  }

  /** Adds a row; false when it is not of the right shape (`routeCount`: how many routes its layer may name). */
  public add(literal: unknown, size: unknown, route: unknown, routeCount: number): boolean {
    if (typeof literal !== 'string' || typeof size !== 'number' || !Number.isInteger(route) || (route as number) < 0 || (route as number) >= routeCount) return false;
    if (this.count >= this.capacity) return false;
    let local = this.ownIds[route as number];
    if (local < 0) {
      this.ownIds[route as number] = local = this.own.length;
      this.own.push(this.routes[route as number]);
    }
    this.literals[this.count] = literal;
    this.sizes[this.count] = size;
    this.routeOf[this.count++] = local;
    return true;
  }

  /**
   * Adds rows start..end-1 of a stored list (of a layer of `literals` and `routeCount` routes): {@link add} written out
   * in one loop (a list is 7,000 rows at tier L, read once per process: a call per row costs more than the row).
   */
  public copy(list: StoredList, literals: readonly unknown[], routeCount: number, start: number, end: number): boolean {
    if (end - start > this.capacity - this.count) return false;
    const [rowLiterals, rowSizes, rowRoutes] = [list.literals, list.sizes, list.routeOf];
    const { ownIds, own, routes, literals: outLiterals, sizes: outSizes, routeOf: outRouteOf } = this;
    let count = this.count;
    for (let i = start; i < end; i++) {
      const literal = literals[rowLiterals[i]];
      const size = rowSizes[i];
      const route = rowRoutes[i];
      if (typeof literal !== 'string' || typeof size !== 'number' || !Number.isInteger(route) || route < 0 || route >= routeCount) return false;
      let local = ownIds[route];
      if (local < 0) {
        ownIds[route] = local = own.length;
        own.push(routes[route]);
      }
      outLiterals[count] = literal;
      outSizes[count] = size;
      outRouteOf[count++] = local;
    }
    this.count = count;
    return true;
  }

  /** The rows, when as many as announced and in literal order. */
  public rows(): ListRows | undefined {
    if (this.count !== this.capacity || !inLiteralOrder(this.literals)) return undefined;
    return { literals: this.literals, sizes: this.sizes, routeOf: this.routeOf, routes: this.own };
  }
}

/**
 * A patch's rows over its base list `from` (of the base's literals and routes; a row of its own names the literals of
 * both layers: the delta's after the base's); undefined when not of the right shape.
 */
function applyPatch(
  patch: StoredPatch, from: StoredList, routes: readonly IndexedRoute[], baseLiterals: readonly unknown[], baseRouteCount: number, ownLiterals: readonly unknown[],
): ListRows | undefined {
  const ops = patch.ops;
  if (!Array.isArray(ops)) return undefined;
  // First the ops' shape and the rows they make (so the rows are allocated once), then the rows.
  // Runs of base rows come in order (a patch copies each base row once at most).
  let capacity = 0;
  let copied = 0;
  for (let at = 0; at < ops.length;) {
    if (ops[at] === COPY) {
      const [start, count] = [ops[at + 1], ops[at + 2]];
      if (!Number.isInteger(start) || !Number.isInteger(count) || start < copied || count < 1 || start + count > from.literals.length) return undefined;
      copied = start + count;
      capacity += count;
      at += 3;
    } else if (ops[at] === ROW) {
      capacity++;
      at += 4;
    } else {
      return undefined;
    }
  }
  const builder = new RowsBuilder(routes, capacity);
  for (let at = 0; at < ops.length;) {
    if (ops[at] === COPY) {
      if (!builder.copy(from, baseLiterals, baseRouteCount, ops[at + 1], ops[at + 1] + ops[at + 2])) return undefined;
      at += 3;
    } else {
      const id = ops[at + 1];
      const literal = id < baseLiterals.length ? baseLiterals[id] : ownLiterals[id - baseLiterals.length];
      if (!builder.add(literal, ops[at + 2], ops[at + 3], routes.length)) return undefined;
      at += 4;
    }
  }
  return builder.rows();
}

/**
 * Adds the routes of a layer to `into` (those of the layers under it, whose files are `filesBefore`); false when not
 * of the right shape.
 */
function decodeRoutes(files: unknown, routes: unknown, filesBefore: readonly string[], into: IndexedRoute[]): boolean {
  if (!Array.isArray(files) || !Array.isArray(routes) || files.length % 2 !== 0 || routes.length % 2 !== 0) return false;
  const before = filesBefore.length / 2;
  const fileCount = before + files.length / 2;
  for (let i = 0; i < routes.length; i += 2) {
    const name = routes[i];
    const file = routes[i + 1];
    if (typeof name !== 'string' || !Number.isInteger(file) || file < 0 || file >= fileCount) return false;
    const path: unknown = file < before ? filesBefore[2 * file] : files[2 * (file - before)];
    const fileKey: unknown = file < before ? filesBefore[2 * file + 1] : files[2 * (file - before) + 1];
    if (typeof path !== 'string' || typeof fileKey !== 'string') return false;
    const at = path === '' ? pathOfFileKey(fileKey) : path;
    if (at === undefined) return false;
    into.push({ name, file: at, fileKey });
  }
  return true;
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
