import type { EntrySizeMemo } from '../compile/entries';
import type { PathMatch, Route } from '../model/project';
import { sha256 } from '../util/sha256';
import { LayeredStore, STORED } from './layered-store';

/**
 * The serialized sizes of route entries, kept between runs (`.kfaas-cache/entry-sizes/`), so that a run compiling
 * a table whose inputs changed measures only the entries of routes that changed: at the bench's tier L a one-route
 * edit recompiles every environment (the route lands in all of them), 22,000 entries, each built into the emitter's
 * JSON and measured (sizeOfHttpRoute) only to learn a number an earlier run already knew.
 *
 * An entry's size is a function of its Route document, the match, the environment (which behaviour lands), the
 * action context and the size profile of the table (compile-environment.ts entryContext), and the kfaas build.
 * So sizes are stored per route, under the content key of the route's file (its path and the SHA-256 of its bytes,
 * or file-key.ts fileKeyOf) and the route's name, then per context (a hash of the entryContext text) and match (its field
 * path in the document, `spec.match[1].prefix`); the store's tag names the format and the kfaas build, whose
 * other stores are ignored. Two routes of one name in one file (an error the loader reports) have no key: they are
 * measured every time.
 *
 * Each run keeps the entries of the project's routes (a route edited gets a new key, and the old one is dropped)
 * and, in an entry it changes, the contexts of the project's tables; a stored entry is written again only when a
 * context or match was added to it (layered-store.ts: the rest stays as read).
 */
export class EntrySizeStore {
  private readonly store: LayeredStore<StoredSizes>;
  /** Entries of this run by route key: their sizes as read or added to, and whether anything was added. */
  private readonly entries = new Map<string, { readonly sizes: StoredSizes; changed: boolean }>();
  /** Keys of the project's routes whose stored entries are kept though this run did not look at them. */
  private readonly kept = new Set<string>();
  private contexts: (() => ReadonlySet<string>) | undefined;

  public constructor(dir: string | undefined, tag: string) {
    this.store = new LayeredStore(dir, `entry-sizes 1 ${tag}`);
  }

  /**
   * The memo for one run's compile: `fileKeyOf(path)` is the content key of an input file (its path and bytes, or
   * text), `routes` the project's routes (their entries are kept), `contexts` the entryContext of every table of the
   * project, asked for when saving (other contexts are dropped from entries written again).
   */
  public forRun(fileKeyOf: (path: string) => string, routes: readonly Route[], contexts: () => readonly string[]): EntrySizeMemo {
    const keys = routeKeys(routes, fileKeyOf);
    // A process runs more than once (`kfaas watch`): only this run's routes are kept, in memory too.
    this.kept.clear();
    for (const key of keys.values()) if (key !== undefined) this.kept.add(key);
    for (const key of [...this.entries.keys()]) if (!this.kept.has(key)) this.entries.delete(key);
    const ids = new Map<string, string>();
    const idOf = (context: string): string => {
      let id = ids.get(context);
      if (id === undefined) ids.set(context, (id = sha256(context).slice(0, 16)));
      return id;
    };
    this.contexts = () => new Set(contexts().map(idOf));
    return {
      sizes: (route: Route, match: PathMatch, context: string, measure: () => readonly number[]): readonly number[] => {
        let key = keys.get(route);
        // a route decoded in this run for a stub of the project's routes (load-project.ts materialize): the stub's key
        if (key === undefined && !keys.has(route)) {
          const own = routeKeyOf(route, fileKeyOf);
          if (this.kept.has(own)) key = own;
        }
        if (key === undefined) return measure();
        const entry = this.entry(key);
        const id = idOf(context);
        const byMatch = isPlainObject(entry.sizes[id]) ? entry.sizes[id] : (entry.sizes[id] = {});
        const known = byMatch[match.origin.path];
        if (isSizes(known)) return known;
        const sizes = measure();
        byMatch[match.origin.path] = [...sizes];
        entry.changed = true;
        return sizes;
      },
    };
  }

  /** Stores the entries of the project's routes (see the class). Never throws. */
  public save(): void {
    const used = new Map<string, StoredSizes | typeof STORED>();
    for (const key of this.kept) used.set(key, STORED);
    const contexts = this.entries.size > 0 ? this.contexts?.() : undefined;
    for (const [key, entry] of this.entries) {
      if (!entry.changed) continue;
      used.set(key, Object.fromEntries(Object.entries(entry.sizes).filter(([id]) => contexts === undefined || contexts.has(id))));
    }
    this.store.save(used, () => false);
    for (const entry of this.entries.values()) entry.changed = false;
  }

  private entry(key: string): { readonly sizes: StoredSizes; changed: boolean } {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const stored = this.store.get(key);
      entry = { sizes: isPlainObject(stored) ? (stored as StoredSizes) : {}, changed: false };
      this.entries.set(key, entry);
    }
    return entry;
  }
}

/** Sizes of one route: by context id, by match field path, one size per entry of the match. */
type StoredSizes = Record<string, Record<string, number[]>>;

/** A route's key: its file's content key and its name. */
function routeKeyOf(route: Route, fileKeyOf: (path: string) => string): string {
  return `${fileKeyOf(route.origin.at.file)}:${route.name}`;
}

/** The key of each route (routeKeyOf); none for routes sharing both. */
function routeKeys(routes: readonly Route[], fileKeyOf: (path: string) => string): Map<Route, string | undefined> {
  const keys = new Map<Route, string | undefined>();
  const taken = new Map<string, Route>();
  for (const route of routes) {
    const key = routeKeyOf(route, fileKeyOf);
    const other = taken.get(key);
    if (other !== undefined) {
      keys.set(other, undefined);
      keys.set(route, undefined);
    } else {
      taken.set(key, route);
      keys.set(route, key);
    }
  }
  return keys;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What stored sizes must be to be used (anything else is measured again). */
function isSizes(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((n) => Number.isInteger(n) && n >= 0);
}
