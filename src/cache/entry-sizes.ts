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
 * So sizes are stored per route file, under its content key (its path and the SHA-256 of its bytes, or file-key.ts
 * fileKeyOf: the string the run already made for the file, so a run makes no key per route), then per route name,
 * context (a hash of the entryContext text) and match (its field path in the document, `spec.match[1].prefix`); the
 * store's tag names the format and the kfaas build, whose other stores are ignored. Two routes of one name in one file
 * (an error the loader reports) cannot be told apart by these keys: they are measured every time.
 *
 * Each run keeps the entries of the project's route files (a file edited gets a new key, and the old one is dropped)
 * and, in an entry it changes, the contexts of the project's tables; a stored entry is written again only when a
 * context or match was added to it (layered-store.ts: the rest stays as read).
 */
export class EntrySizeStore {
  private readonly store: LayeredStore<StoredSizes>;
  /** Entries of this run by file key: their sizes as read or added to, and whether anything was added. */
  private readonly entries = new Map<string, { readonly sizes: StoredSizes; changed: boolean }>();
  /** Keys of the project's route files, whose stored entries are kept though this run did not look at them. */
  private kept: ReadonlyMap<string, unknown> = new Map();
  private contexts: (() => ReadonlySet<string>) | undefined;

  public constructor(dir: string | undefined, tag: string) {
    this.store = new LayeredStore(dir, `entry-sizes 2 ${tag}`);
  }

  /**
   * The memo for one run's compile: `fileKeyOf(path)` is the content key of an input file (its path and bytes, or
   * text), `routes` the project's routes (the entries of their files are kept), `contexts` the entryContext of every
   * table of the project, asked for when saving (other contexts are dropped from entries written again).
   */
  public forRun(fileKeyOf: (path: string) => string, routes: readonly Route[], contexts: () => readonly string[]): EntrySizeMemo {
    const { files, twins } = routeFiles(routes, fileKeyOf);
    // A process runs more than once (`kfaas watch`): only this run's files are kept, in memory too.
    this.kept = files;
    for (const key of [...this.entries.keys()]) if (!files.has(key)) this.entries.delete(key);
    const ids = new Map<string, string>();
    const idOf = (context: string): string => {
      let id = ids.get(context);
      if (id === undefined) ids.set(context, (id = sha256(context).slice(0, 16)));
      return id;
    };
    this.contexts = () => new Set(contexts().map(idOf));
    return {
      sizes: (route: Route, match: PathMatch, context: string, measure: () => readonly number[]): readonly number[] => {
        const key = fileKeyOf(route.origin.at.file);
        if (twins.has(route) || !files.has(key)) return measure();
        const entry = this.entry(key);
        const byMatch = child(child(entry.sizes, route.name), idOf(context));
        const known = byMatch[match.origin.path];
        if (isSizes(known)) return known;
        const sizes = measure();
        byMatch[match.origin.path] = [...sizes];
        entry.changed = true;
        return sizes;
      },
    };
  }

  /** Stores the entries of the project's route files (see the class). Never throws. */
  public save(): void {
    const used = new Map<string, StoredSizes | typeof STORED>();
    for (const key of this.kept.keys()) used.set(key, STORED);
    const contexts = this.entries.size > 0 ? this.contexts?.() : undefined;
    for (const [key, entry] of this.entries) {
      if (!entry.changed) continue;
      const kept: StoredSizes = {};
      for (const [name, byContext] of Object.entries(entry.sizes)) {
        if (!isPlainObject(byContext)) continue;
        kept[name] = Object.fromEntries(Object.entries(byContext).filter(([id]) => contexts === undefined || contexts.has(id)));
      }
      used.set(key, kept);
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

/** Sizes of the routes of one file: by route name, by context id, by match field path, one size per entry of the match. */
type StoredSizes = Record<string, Record<string, Record<string, number[]>>>;

/**
 * The content keys of the routes' files, and the routes sharing their name with another of their file (no key tells
 * them apart). A file key is one string per file (fileKeyOf's), so most routes cost one lookup of a string already
 * hashed: only a second route of a file takes the names of its file.
 */
function routeFiles(routes: readonly Route[], fileKeyOf: (path: string) => string): { readonly files: ReadonlyMap<string, Route>; readonly twins: ReadonlySet<Route> } {
  const first = new Map<string, Route>();
  /** Route by name, for files holding more than one route. */
  const byName = new Map<string, Map<string, Route>>();
  const twins = new Set<Route>();
  for (const route of routes) {
    const key = fileKeyOf(route.origin.at.file);
    const other = first.get(key);
    if (other === undefined) {
      first.set(key, route);
      continue;
    }
    let names = byName.get(key);
    if (names === undefined) byName.set(key, (names = new Map([[other.name, other]])));
    const twin = names.get(route.name);
    if (twin !== undefined) {
      twins.add(twin);
      twins.add(route);
    } else {
      names.set(route.name, route);
    }
  }
  return { files: first, twins };
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object under `key` of `parent` (made, or made again when stored otherwise). */
function child<T>(parent: Record<string, Record<string, T>>, key: string): Record<string, T> {
  const found = parent[key];
  return isPlainObject(found) ? found : (parent[key] = {});
}

/** What stored sizes must be to be used (anything else is measured again). */
function isSizes(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((n) => Number.isInteger(n) && n >= 0);
}
