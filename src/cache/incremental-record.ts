import type { Diagnostic } from '../diagnostics/diagnostic';
import type { RegexFacts } from '../regex';

/**
 * The JSON form of incremental.json (incremental-cache.ts) and its reading: tables, rendered objects, RE2 facts and
 * ownership answers, the large maps as flat arrays.
 */
/** One diagnostic with the environments it was found in (the compiler's FindingRecord, as plain data). */
export interface CachedFinding {
  readonly diagnostic: Diagnostic;
  readonly scopes: readonly string[];
}

/** A compiled and rendered table: what compiling it found and what it rendered (path in the tree -> SHA-256). */
export interface TableRecord {
  readonly findings: readonly CachedFinding[];
  readonly files: Readonly<Record<string, string>>;
  /** The object kind of each of those files but kustomization.yaml (rendered-folders.ts kindKeyOf). */
  readonly kinds: Readonly<Record<string, string>>;
  /** The keys of its VirtualServices (object-reuse.ts), kept in the cache while the table is. @default none */
  readonly objects?: readonly string[];
  /**
   * With findings: the content key of the cluster file they were found in (their messages quote its versions, their
   * locations its lines, neither of which the table's key covers); the record is reused only with that file.
   * @default - none: no findings, or a key that covers them
   */
  readonly exact?: string;
}

/**
 * The large maps of the file are flat arrays (key, value, key, value...): JSON.parse makes an object of thousands of
 * keys a dictionary and enters every key in V8's string table, several times the cost of reading the same text as
 * an array (the ownership answers: one per route).
 */
type Flat<V> = readonly (string | V)[];

export interface Stored {
  readonly format: number;
  readonly tool: string;
  readonly tables: Record<string, TableRecord>;
  /** Rendered VirtualServices: object key (object-reuse.ts) -> SHA-256 of the file and its kind. */
  readonly objects: Flat<CachedObject>;
  /** What src/regex found about each RE2 pattern of the project (a pure function of the pattern and the build). */
  readonly regexFacts: Flat<RegexFacts>;
  /** RE2 program sizes by pattern (src/regex re2ProgramSize: a pure function of the pattern and the build). */
  readonly regexSizes: Flat<number>;
  readonly ownership: { readonly teams: string; readonly answers: Flat<string | null> };
}

/** The entries of a flat array, as a Map. */
function unflatten<V>(flat: Flat<V> | undefined): Map<string, V> {
  const map = new Map<string, V>();
  if (!Array.isArray(flat)) return map;
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(flat[i] as string, flat[i + 1] as V);
  return map;
}

/** Entries as a flat array; `more` first (entries of `entries` win). */
export function flatten<V>(entries: ReadonlyMap<string, V>, more?: ReadonlyMap<string, V>): Flat<V> {
  const out: (string | V)[] = [];
  // forEach, not for-of: no entry array per item while the code is cold (thousands of objects, each save)
  more?.forEach((value, key) => {
    if (!entries.has(key)) out.push(key, value);
  });
  entries.forEach((value, key) => {
    out.push(key, value);
  });
  return out;
}

/** A rendered object file: SHA-256 of its bytes and its kind (rendered-folders.ts kindKeyOf). */
export type CachedObject = readonly [hash: string, kind: string];

/** incremental.json as read: its flat arrays as Maps. */
export class Loaded {
  public static of(stored: Stored): Loaded {
    return new Loaded(
      stored.tables,
      unflatten(stored.objects),
      unflatten(stored.regexFacts),
      unflatten(stored.regexSizes),
      stored.ownership?.teams,
      unflatten(stored.ownership?.answers),
    );
  }

  private constructor(
    public readonly tables: Record<string, TableRecord>,
    public readonly objects: ReadonlyMap<string, CachedObject>,
    public readonly regexFacts: ReadonlyMap<string, RegexFacts>,
    public readonly regexSizes: ReadonlyMap<string, number>,
    public readonly teams: string | undefined,
    public readonly answers: Map<string, string | null>,
  ) {}
}

