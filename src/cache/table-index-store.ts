import { readChecked, checkedBytes, writeChecked } from './checked-json';
import { pathOfFileKey } from './file-key';
import type { IndexedObject } from '../compile/incremental-table';
import { IndexedRoute, inLiteralOrder, ListRows } from '../compile/table-index';

/**
 * The table index of the incremental cache (`.kfaas-cache/table-index.json`): per list of route entries its light
 * rows (compile/table-index.ts), per table the list it laid out and its root objects (compile/incremental-table.ts).
 * A table whose inputs changed only in route files is then compiled from it (compile-environment.ts
 * compileEnvironmentFromIndex) instead of from every entry.
 *
 * Keys: a table by everything of its table key but its route files (the build, the object budgets, the cluster and
 * environment, what the slot takes from the cluster file, the Team files: incremental-build.ts); a list by its entry
 * context and the content keys and names of the routes landing in it. The route files' content keys are stored with
 * the rows, so the files changed since are found by comparing keys. The file is tool-keyed (another build or format
 * reads as empty) and checksummed (checked-json.ts); a file of the wrong shape reads as empty, an entry of the wrong
 * shape as absent.
 *
 * Read on first use (a run whose tables are all reused never reads it); written only when a run set an entry, with the
 * entries of the run's tables only (so entries of tables that are gone are dropped).
 */
const FORMAT = 2;

/** A table's entry: the key of its list and its root objects, flat (name, units, key, name, ...). */
interface StoredTable {
  readonly list: string;
  readonly objects: readonly (string | number)[];
}

/**
 * A list's rows, columnar, by indexes into the file's shared tables (the lists of an environment's clusters, and of
 * the environments, mostly hold the same routes and literals).
 */
interface StoredList {
  /** Per row: its literal's index in `literals`. */
  readonly literals: readonly number[];
  readonly sizes: readonly number[];
  /** Per row: its route's index in the file's routes. */
  readonly routeOf: readonly number[];
}

interface StoredIndex {
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
  readonly lists: Readonly<Record<string, StoredList>>;
  readonly tables: Readonly<Record<string, StoredTable>>;
}

/** A table's entry as read. */
export interface IndexedTable {
  /** The key of the list the table laid out. */
  readonly listKey: string;
  /** That list's rows. */
  readonly rows: ListRows;
  /** The table's root objects, in order. */
  readonly objects: readonly IndexedObject[];
}

/** The table index of one project root and kfaas build (see above); IncrementalCache.tableIndex opens it. */
export class TableIndexStore {
  private loaded?: { readonly tables: Map<string, { readonly list: string; readonly objects: readonly IndexedObject[] }>; readonly lists: Map<string, ListRows> };
  /** Entries of this run's tables: set in this run, or read (kept as they are). */
  private readonly used = new Map<string, { readonly list: string; readonly objects: readonly IndexedObject[] }>();
  private readonly usedLists = new Map<string, ListRows>();
  private readonly keep = new Set<string>();
  private dirty = false;

  /** `path` undefined: an index that starts empty and is never saved. */
  public constructor(private readonly path: string | undefined, private readonly tool: string) {}

  /** The entry of the table of key `key`, if a valid one is stored (and keeps it). */
  public table(key: string): IndexedTable | undefined {
    const entry = this.used.get(key) ?? this.read().tables.get(key);
    if (!entry) return undefined;
    const rows = this.usedLists.get(entry.list) ?? this.read().lists.get(entry.list);
    if (!rows) return undefined;
    this.used.set(key, entry);
    this.usedLists.set(entry.list, rows);
    return { listKey: entry.list, rows, objects: entry.objects };
  }

  /** Keeps the stored entry of `key` (a table reused whole) when a save writes the index. */
  public keepTable(key: string): void {
    this.keep.add(key);
  }

  /** Records a table's entry: its list's rows (under `listKey`) and its root objects. */
  public setTable(key: string, listKey: string, rows: ListRows, objects: readonly IndexedObject[]): void {
    this.used.set(key, { list: listKey, objects });
    this.usedLists.set(listKey, rows);
    this.dirty = true;
  }

  /** Forgets a table's entry (its table was compiled with findings: the index stands for tables without). */
  public dropTable(key: string): void {
    if (this.used.delete(key) || this.read().tables.has(key)) this.dirty = true;
    this.keep.delete(key);
  }

  /**
   * The store the next run of this process starts from (`kfaas watch`): what {@link save} writes, without reading
   * it back.
   */
  public nextRun(): TableIndexStore {
    const next = new TableIndexStore(this.path, this.tool);
    const { tables, lists } = this.snapshot();
    next.loaded = { tables, lists };
    return next;
  }

  /** Writes the index when this run changed it. Never throws. */
  public save(): void {
    if (this.path === undefined || !this.dirty) return;
    const { tables, lists } = this.snapshot();
    try {
      writeChecked(this.path, checkedBytes(encode(this.tool, tables, lists)));
    } catch {
      // a read-only checkout: no index, just full compiles
    }
  }

  /** The entries a save keeps: those of this run's tables, with their lists. */
  private snapshot(): { tables: Map<string, { readonly list: string; readonly objects: readonly IndexedObject[] }>; lists: Map<string, ListRows> } {
    const tables = new Map(this.used);
    if (this.keep.size > 0) {
      const stored = this.read();
      for (const key of this.keep) {
        const entry = stored.tables.get(key);
        if (!tables.has(key) && entry && stored.lists.has(entry.list)) tables.set(key, entry);
      }
    }
    const lists = new Map<string, ListRows>();
    for (const { list } of tables.values()) lists.set(list, this.usedLists.get(list) ?? this.read().lists.get(list)!);
    return { tables, lists };
  }

  private read(): NonNullable<TableIndexStore['loaded']> {
    if (!this.loaded) {
      let decoded: TableIndexStore['loaded'];
      try {
        const stored = this.path === undefined ? undefined : readChecked(this.path)?.value as StoredIndex | undefined;
        if (stored?.format === FORMAT && stored.tool === this.tool) decoded = decode(stored);
      } catch {
        decoded = undefined;
      }
      this.loaded = decoded ?? { tables: new Map(), lists: new Map() };
    }
    return this.loaded;
  }
}

function encode(tool: string, tables: ReadonlyMap<string, { readonly list: string; readonly objects: readonly IndexedObject[] }>, lists: ReadonlyMap<string, ListRows>): StoredIndex {
  const files: string[] = [];
  const fileIds = new Map<string, number>();
  const routes: (string | number)[] = [];
  /** Route ids by file id, then name. */
  const routeIds = new Map<number, Map<string, number>>();
  const literals: string[] = [];
  const literalIds = new Map<string, number>();
  const routeId = (route: IndexedRoute): number => {
    // A content key names its path too (file-key.ts fileKeyOf)
    let file = fileIds.get(route.fileKey);
    if (file === undefined) {
      fileIds.set(route.fileKey, (file = files.length / 2));
      files.push(pathOfFileKey(route.fileKey) === route.file ? '' : route.file, route.fileKey);
    }
    let byName = routeIds.get(file);
    if (!byName) routeIds.set(file, (byName = new Map()));
    let id = byName.get(route.name);
    if (id === undefined) {
      byName.set(route.name, (id = routes.length / 2));
      routes.push(route.name, file);
    }
    return id;
  };
  const literalId = (literal: string): number => {
    let id = literalIds.get(literal);
    if (id === undefined) {
      literalIds.set(literal, (id = literals.length));
      literals.push(literal);
    }
    return id;
  };
  const storedLists: Record<string, StoredList> = {};
  for (const [key, rows] of lists) {
    const ids = rows.routes.map(routeId);
    storedLists[key] = { literals: rows.literals.map(literalId), sizes: rows.sizes, routeOf: rows.routeOf.map((r) => ids[r]) };
  }
  const storedTables: Record<string, StoredTable> = {};
  for (const [key, table] of tables) storedTables[key] = { list: table.list, objects: table.objects.flatMap((o) => [o.name, o.units, o.key]) };
  return { format: FORMAT, tool, files, routes, literals, lists: storedLists, tables: storedTables };
}

/** The stored index as maps; lists and tables of the wrong shape are left out. */
function decode(stored: StoredIndex): NonNullable<TableIndexStore['loaded']> {
  const routes = decodeRoutes(stored);
  const literals = Array.isArray(stored.literals) ? stored.literals : [];
  const lists = new Map<string, ListRows>();
  for (const [key, list] of Object.entries(stored.lists ?? {})) {
    const rows = routes && decodeList(list, routes, literals);
    if (rows) lists.set(key, rows);
  }
  const tables = new Map<string, { readonly list: string; readonly objects: readonly IndexedObject[] }>();
  for (const [key, table] of Object.entries(stored.tables ?? {})) {
    const flat = table?.objects;
    if (typeof table?.list !== 'string' || !Array.isArray(flat) || flat.length % 3 !== 0) continue;
    const objects: IndexedObject[] = [];
    for (let i = 0; i < flat.length; i += 3) {
      const [name, units, objectKey] = [flat[i], flat[i + 1], flat[i + 2]];
      if (typeof name !== 'string' || !Number.isInteger(units) || typeof objectKey !== 'string') break;
      objects.push({ name, units: units as number, key: objectKey });
    }
    if (objects.length * 3 === flat.length) tables.set(key, { list: table.list, objects });
  }
  return { tables, lists };
}

/** The file's routes, or undefined when they are not of the right shape. */
function decodeRoutes(stored: StoredIndex): IndexedRoute[] | undefined {
  const { files, routes } = stored;
  if (!Array.isArray(files) || !Array.isArray(routes) || files.length % 2 !== 0 || routes.length % 2 !== 0) return undefined;
  const decoded: IndexedRoute[] = [];
  for (let i = 0; i < routes.length; i += 2) {
    const name = routes[i];
    const file = routes[i + 1];
    if (typeof name !== 'string' || !Number.isInteger(file) || (file as number) < 0 || 2 * (file as number) + 1 >= files.length) return undefined;
    const [path, fileKey] = [files[2 * (file as number)], files[2 * (file as number) + 1]];
    if (typeof path !== 'string' || typeof fileKey !== 'string') return undefined;
    const at = path === '' ? pathOfFileKey(fileKey) : path;
    if (at === undefined) return undefined;
    decoded.push({ name, file: at, fileKey });
  }
  return decoded;
}

/** A list's rows, with routes of its own (numbered in first-seen order); undefined when not of the right shape. */
function decodeList(list: StoredList | undefined, routes: readonly IndexedRoute[], literals: readonly unknown[]): ListRows | undefined {
  if (!list || !Array.isArray(list.literals) || !Array.isArray(list.sizes) || !Array.isArray(list.routeOf)) return undefined;
  const count = list.literals.length;
  if (list.sizes.length !== count || list.routeOf.length !== count) return undefined;
  const own: IndexedRoute[] = [];
  const ownIds = new Int32Array(routes.length).fill(-1);
  const rowLiterals = new Array<string>(count);
  const routeOf = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const literal = literals[list.literals[i]];
    const route = list.routeOf[i];
    if (typeof literal !== 'string' || typeof list.sizes[i] !== 'number' || !Number.isInteger(route) || route < 0 || route >= routes.length) return undefined;
    rowLiterals[i] = literal;
    if (ownIds[route] < 0) {
      ownIds[route] = own.length;
      own.push(routes[route]);
    }
    routeOf[i] = ownIds[route];
  }
  return inLiteralOrder(rowLiterals) ? { literals: rowLiterals, sizes: list.sizes, routeOf, routes: own } : undefined;
}
