import { readChecked, checkedBytes, writeChecked } from './checked-json';
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
const FORMAT = 1;

/** A table's entry: the key of its list and its root objects, flat (name, units, key, name, ...). */
interface StoredTable {
  readonly list: string;
  readonly objects: readonly (string | number)[];
}

/** A list's rows, columnar; routes as (name, index of its file in the file table) pairs. */
interface StoredList {
  readonly literals: readonly string[];
  readonly sizes: readonly number[];
  readonly routeOf: readonly number[];
  readonly routes: readonly (string | number)[];
}

interface StoredIndex {
  readonly format: number;
  readonly tool: string;
  /** (path, content key) pairs, flat: the route files the lists name, once. */
  readonly files: readonly string[];
  readonly lists: Readonly<Record<string, StoredList>>;
  readonly tables: Readonly<Record<string, StoredTable>>;
}

/** A table's entry as read. */
export interface IndexedTable {
  readonly listKey: string;
  readonly rows: ListRows;
  readonly objects: readonly IndexedObject[];
}

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
  const fileId = (route: IndexedRoute): number => {
    // A content key names its path too (incremental-cache.ts fileKeyOf)
    let n = fileIds.get(route.fileKey);
    if (n === undefined) {
      fileIds.set(route.fileKey, (n = files.length / 2));
      files.push(route.file, route.fileKey);
    }
    return n;
  };
  const storedLists: Record<string, StoredList> = {};
  for (const [key, rows] of lists) {
    storedLists[key] = {
      literals: rows.literals, sizes: rows.sizes, routeOf: rows.routeOf,
      routes: rows.routes.flatMap((r) => [r.name, fileId(r)]),
    };
  }
  const storedTables: Record<string, StoredTable> = {};
  for (const [key, table] of tables) storedTables[key] = { list: table.list, objects: table.objects.flatMap((o) => [o.name, o.units, o.key]) };
  return { format: FORMAT, tool, files, lists: storedLists, tables: storedTables };
}

/** The stored index as maps; lists and tables of the wrong shape are left out. */
function decode(stored: StoredIndex): NonNullable<TableIndexStore['loaded']> {
  const files = Array.isArray(stored.files) ? stored.files : [];
  const lists = new Map<string, ListRows>();
  for (const [key, list] of Object.entries(stored.lists ?? {})) {
    const rows = decodeList(list, files);
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
      objects.push({ name, units, key: objectKey });
    }
    if (objects.length * 3 === flat.length) tables.set(key, { list: table.list, objects });
  }
  return { tables, lists };
}

function decodeList(list: StoredList | undefined, files: readonly string[]): ListRows | undefined {
  if (!list || !Array.isArray(list.literals) || !Array.isArray(list.sizes) || !Array.isArray(list.routeOf) || !Array.isArray(list.routes)) return undefined;
  const { literals, sizes, routeOf } = list;
  if (sizes.length !== literals.length || routeOf.length !== literals.length || list.routes.length % 2 !== 0) return undefined;
  const routes: IndexedRoute[] = [];
  for (let i = 0; i < list.routes.length; i += 2) {
    const name = list.routes[i];
    const file = list.routes[i + 1];
    if (typeof name !== 'string' || typeof file !== 'number' || !(Number.isInteger(file) && file >= 0 && 2 * file + 1 < files.length)) return undefined;
    routes.push({ name, file: files[2 * file], fileKey: files[2 * file + 1] });
  }
  for (let i = 0; i < literals.length; i++) {
    const route = routeOf[i];
    if (typeof literals[i] !== 'string' || typeof sizes[i] !== 'number' || typeof route !== 'number' || !(Number.isInteger(route) && route >= 0 && route < routes.length)) return undefined;
  }
  return inLiteralOrder(literals) ? { literals, sizes, routeOf, routes } : undefined;
}
