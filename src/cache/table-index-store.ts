import { rmSync } from 'fs';
import { join } from 'path';
import { checkedBytes, readChecked, readCheckedFile, sumOfChecked, writeChecked } from './checked-json';
import type { IndexedObject } from '../compile/incremental-table';
import type { ListRows } from '../compile/table-index';
import { encodeBase, encodeDelta } from './table-index-encode';
import { IndexLayers, StoredBase, StoredDelta, TableEntry } from './table-index-layers';

/**
 * The table index of the incremental cache (`.kfaas-cache/table-index/`): per list of route entries its light
 * rows (compile/table-index.ts), per table the list it laid out and its root objects (compile/incremental-table.ts).
 * A table whose inputs changed only in route files is then compiled from it (compile-environment.ts
 * compileEnvironmentFromIndex) instead of from every entry.
 *
 * Keys: a table by everything of its table key but its route files (the build, the object budgets, the cluster and
 * environment, what the slot takes from the cluster file, the Team files: incremental-build.ts); a list by its entry
 * context and the content keys and names of the routes landing in it. The route files' content keys are stored with
 * the rows, so the files changed since are found by comparing keys. The files are tool-keyed (another build or format
 * reads as empty) and checksummed (checked-json.ts); a file of the wrong shape reads as empty, an entry of the wrong
 * shape as absent.
 *
 * Kept in two files (table-index-layers.ts): `base.json`, every list in full, and `delta.json`, what differs from that
 * base (named by its checksum: over another base it is not read), so a one-route edit writes the rows that changed, not
 * the whole index. Read on first use (a run whose tables are all reused never reads it); written only when a run set
 * an entry, with the entries of the run's tables only (so entries of tables that are gone are dropped; lists of the base
 * no table uses stay until the next base is written).
 */

/** The table index of one project root and kfaas build (see above); IncrementalCache.tableIndex opens it. */
export class TableIndexStore {
  /** The index as stored (null: none valid), read on first use. */
  private layers?: IndexLayers | null;
  /** Lists carried from the previous run of this process (`kfaas watch`), by key. */
  private carried: ReadonlyMap<string, ListRows> = new Map();
  /** Entries of this run's tables: set in this run, or read (kept as they are). */
  private readonly used = new Map<string, TableEntry>();
  private readonly usedLists = new Map<string, ListRows>();
  private readonly keep = new Set<string>();
  private dirty = false;
  /** What a save of this run writes (made once). */
  private written?: Written;

  /** `dir` undefined: an index that starts empty and is never saved. */
  public constructor(private readonly dir: string | undefined, private readonly tool: string) {}

  /** The entry of the table of key `key`, if a valid one is stored (and keeps it). */
  public table(key: string): IndexedTable | undefined {
    const entry = this.used.get(key) ?? this.read()?.tables.get(key);
    if (!entry) return undefined;
    const rows = this.rowsOf(entry.list);
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
    this.written = undefined;
  }

  /** Forgets a table's entry (its table was compiled with findings: the index stands for tables without). */
  public dropTable(key: string): void {
    if (this.used.delete(key) || this.read()?.tables.has(key)) {
      this.dirty = true;
      this.written = undefined;
    }
    this.keep.delete(key);
  }

  /**
   * The store the next run of this process starts from (`kfaas watch`): what {@link save} writes, without reading
   * it back.
   */
  public nextRun(): TableIndexStore {
    const next = new TableIndexStore(this.dir, this.tool);
    if (this.dirty) {
      const written = this.write();
      const layers = written.delta ? IndexLayers.of(written.over.base, written.over.sum, this.tool, written.delta) : IndexLayers.of(written.base, written.sum, this.tool);
      next.layers = layers ?? null;
    } else {
      next.layers = this.layers;
    }
    const lists = new Map(this.carried);
    for (const [key, rows] of this.usedLists) lists.set(key, rows);
    next.carried = lists;
    return next;
  }

  /** Writes the index when this run changed it: a delta over the base read, or a new base (see the class). Never throws. */
  public save(): void {
    if (this.dir === undefined || !this.dirty) return;
    const written = this.write();
    try {
      if (written.delta) {
        writeChecked(join(this.dir, DELTA), written.bytes);
      } else {
        writeChecked(join(this.dir, BASE), written.bytes);
        rmSync(join(this.dir, DELTA), { force: true });
        rmSync(`${this.dir}.json`, { force: true }); // the single file of earlier builds
      }
    } catch {
      // a read-only checkout: no index, just full compiles
    }
  }

  /** What a save writes (made once per change of the entries). */
  private write(): Written {
    if (this.written) return this.written;
    const tables = this.snapshot();
    const rowsOf = (list: string): ListRows | undefined => this.rowsOf(list);
    const layers = this.read();
    const delta = layers ? encodeDelta(layers, this.tool, tables, rowsOf) : undefined;
    if (delta) return (this.written = { delta, over: layers!, bytes: checkedBytes(delta) });
    const base = encodeBase(this.tool, tables, rowsOf);
    const bytes = checkedBytes(base);
    return (this.written = { base, sum: sumOfChecked(bytes), bytes });
  }

  /** The entries a save keeps: those of this run's tables. */
  private snapshot(): Map<string, TableEntry> {
    const tables = new Map(this.used);
    if (this.keep.size > 0) {
      const stored = this.read()?.tables;
      for (const key of this.keep) {
        const entry = stored?.get(key);
        if (!tables.has(key) && entry) tables.set(key, entry);
      }
    }
    return tables;
  }

  /** The rows of the list of key `list`: as this run or the previous one of the process had them, or as stored. */
  private rowsOf(list: string): ListRows | undefined {
    return this.usedLists.get(list) ?? this.carried.get(list) ?? this.read()?.list(list);
  }

  private read(): IndexLayers | undefined {
    if (this.layers === undefined) {
      let layers: IndexLayers | undefined;
      try {
        const base = this.dir === undefined ? undefined : readCheckedFile(join(this.dir, BASE));
        if (base) {
          const delta = readChecked(join(this.dir!, DELTA))?.value as StoredDelta | undefined;
          layers = IndexLayers.of(JSON.parse(base.body.toString('utf8')) as StoredBase, base.sum, this.tool, delta);
        }
      } catch {
        layers = undefined;
      }
      this.layers = layers ?? null;
    }
    return this.layers ?? undefined;
  }
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

/** What a save writes: a delta over the base read, or a new base (with its checksum), as checked-json bytes. */
type Written =
  | { readonly delta: StoredDelta; readonly over: IndexLayers; readonly bytes: Buffer; readonly base?: undefined }
  | { readonly delta?: undefined; readonly base: StoredBase; readonly sum: string; readonly bytes: Buffer; readonly over?: undefined };

const BASE = 'base.json';
const DELTA = 'delta.json';
