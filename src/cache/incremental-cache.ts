import { join } from 'path';
import type { DocumentStore, HeldFile } from '../load/load-project';
import { HeldDocuments } from './held-documents';
import { SharedEntries } from '../compile/entries';
import type { RegexFacts } from '../regex';
import { checkedBytes, readChecked, writeChecked } from './checked-json';
import { CachedObject, flatten, Loaded, Stored, TableRecord } from './incremental-record';
import { EntrySizeStore } from './entry-sizes';
import { LayeredStore, STORED } from './layered-store';
import { StatMemo } from './stat-memo';
import { fileKeyOf } from './file-key';
import { TableIndexStore } from './table-index-store';
import { RouteSummaryStore } from './route-summaries';
import { CACHE_DIR, FileHashes } from './synth-cache';
import type { SourceFile } from '../load/read-tree';
import { sha256 } from '../util/sha256';

/**
 * What an incremental `kfaas synth` (or `--check`, or `kfaas explain`) keeps between runs, next to the no-change
 * record of synth-cache.ts and on the same keys: everything is addressed by the content of what produced it.
 *
 * - `slots`: per (cluster, environment) table and per cluster's platform table, keyed by a hash of the kfaas
 *   build and of the content of every input file the table depends on (its cluster's file, the Team files, the
 *   route files landing there, the object budgets): what compiling it found and the SHA-256 of every file it
 *   rendered (and the kind of each object). A later run with the same key reuses them when the output folder still
 *   holds exactly those bytes: checked by SHA-256, read only when the file's stat changed since it was last hashed
 *   (stat-memo.ts), so unchanged files are neither read nor held in memory.
 * - `objects`: per rendered VirtualService, keyed by what its bytes depend on (object-reuse.ts), the SHA-256 of
 *   its file and its kind: a table whose inputs changed reuses the files of its unchanged objects from the output
 *   folder.
 * - `ownership`: the answers of the path-ownership check per (team, match), valid for one content of the Team
 *   files.
 * - `documents`: the loaded documents and text of each input file, keyed by its path and content (fileKeyOf), in
 *   `documents/` (layered-store.ts: read in one go, a run writes a small delta of what changed: the bulk of the cache).
 *
 * The rest is one JSON file, replaced atomically; each file has its own checksum (checked-json.ts: a damaged file is
 * empty). Entries not used by the last run are dropped, so the cache never grows past what the project needs. A missing, unreadable or foreign file, or another kfaas build, is an empty cache. Failing to
 * write it never fails a run. Only Node built-ins are imported.
 */
const FORMAT = 7;
/** See IncrementalCache.savePartial: a partial run saves when it learnt at least one input file in this many. */
export const PARTIAL_SAVE_RATIO = 64;
const FILE = 'incremental.json';
const DOCUMENTS = 'documents';
const ENTRY_SIZES = 'entry-sizes';
const TABLE_INDEX = 'table-index';

/** A key over several parts (no part can run into the next). */
export function keyOf(parts: readonly string[]): string {
  return sha256(JSON.stringify(parts));
}

/**
 * The kfaas build and runtime (the `tool:` hashes of synth-cache.ts, Node version and platform): what every
 * cached result depends on besides its inputs.
 */
export function toolKeyOf(tool: FileHashes): string {
  const files = Object.keys(tool).filter((k) => k.startsWith('tool:')).sort().map((k) => `${k}=${tool[k]}`);
  return keyOf([`format ${FORMAT}`, process.version, process.platform, process.arch, ...files]);
}

/** The incremental cache of one project root, for one kfaas build. */
export class IncrementalCache {
  /**
   * Opens `<root>/.kfaas-cache/incremental.json`; entries of another build or format are ignored. `memo`: the stat
   * memo output files are verified with, saved with the cache. @default the project's (`.kfaas-cache/file-stats/`)
   */
  public static open(root: string, tool: string, memo: StatMemo = StatMemo.open(join(root, CACHE_DIR))): IncrementalCache {
    let stored: Stored | undefined;
    try {
      const parsed = readChecked(join(root, CACHE_DIR, FILE))?.value as Stored | undefined;
      if (parsed?.format === FORMAT && parsed.tool === tool) stored = parsed;
    } catch {
      stored = undefined;
    }
    return new IncrementalCache(root, tool, stored && Loaded.of(stored), memo, new LayeredStore(join(root, CACHE_DIR, DOCUMENTS), `documents ${FORMAT} ${tool}`));
  }

  /** A cache that starts empty and is never saved. */
  public static none(): IncrementalCache {
    return new IncrementalCache(undefined, '', undefined, StatMemo.none(), new LayeredStore(undefined, ''));
  }

  private readonly usedTables = new Map<string, TableRecord>();
  /** Documents used in this run: STORED for those the store holds (not kept in memory: parsed when asked for). */
  private readonly usedDocuments = new Map<string, unknown>();
  private readonly usedObjects = new Map<string, CachedObject>();
  private facts: ReadonlyMap<string, RegexFacts> = new Map();
  private sizes: ReadonlyMap<string, number> = new Map();
  private answers: Map<string, string | null> = new Map();
  private teams = '';
  /** How many answers the ownership map held when the compiler was given it (it only adds to it). */
  private answersRead = 0;
  private entrySizeStore?: EntrySizeStore;
  private tableIndexStore?: TableIndexStore;
  private routeSummaryStore?: RouteSummaryStore;
  /** Model values of files loaded by earlier runs of this process (`kfaas watch`). @default none */
  private held?: HeldDocuments;
  /** Route entries made by earlier compiles of this process (`kfaas watch`; see holdDocuments). @default none */
  private entries?: SharedEntries;

  private constructor(
    private readonly root: string | undefined,
    private readonly tool: string,
    private readonly stored: Loaded | undefined,
    /** SHA-256 of files by their stat (stat-memo.ts): how output files are checked without reading them. */
    public readonly memo: StatMemo,
    private readonly documents: LayeredStore<unknown>,
  ) {}

  /**
   * The cache the next run of this process starts from (`kfaas watch`): what {@link save} with the same `keepUnused`
   * writes, without reading it back; the document store, entry sizes and stat memo are carried over (call after
   * saving: the stat memo starts a new run, nextRun there).
   */
  public nextRun(options: { readonly keepUnused?: boolean } = {}): IncrementalCache {
    this.memo.nextRun();
    const next = new IncrementalCache(this.root, this.tool, Loaded.of(this.snapshot(options.keepUnused === true)), this.memo, this.documents);
    next.entrySizeStore = this.entrySizeStore;
    next.tableIndexStore = this.tableIndexStore?.nextRun();
    this.held?.nextRun();
    next.held = this.held;
    next.entries = this.entries;
    return next;
  }

  /** incremental.json as a save with `keepUnused` writes it. */
  private snapshot(keepUnused: boolean): Stored {
    const tables = { ...(keepUnused ? this.stored?.tables : {}), ...Object.fromEntries(this.usedTables) };
    return {
      format: FORMAT,
      tool: this.tool,
      tables,
      objects: flatten(this.usedObjects, keepUnused ? this.stored?.objects : undefined),
      regexFacts: flatten(this.facts),
      regexSizes: flatten(this.sizes),
      ownership: { teams: this.teams, answers: flatten(this.answers) },
    };
  }

  /** The table compiled and rendered under `key` before, if any (and keeps it for the next run). */
  public table(key: string): TableRecord | undefined {
    const found = this.usedTables.get(key) ?? this.stored?.tables[key];
    if (found) this.usedTables.set(key, found);
    for (const k of found?.objects ?? []) this.object(k);
    return found;
  }

  /** The file rendered for the VirtualService of key `key` before, if any (and keeps it). */
  public object(key: string): CachedObject | undefined {
    const found = this.usedObjects.get(key) ?? this.stored?.objects.get(key);
    if (found !== undefined) this.usedObjects.set(key, found);
    return found;
  }

  /** Records the file rendered for the VirtualService of key `key`. */
  public setObject(key: string, file: CachedObject): void {
    this.usedObjects.set(key, file);
  }

  /** Records a table compiled and rendered under `key`. */
  public setTable(key: string, record: TableRecord): void {
    this.usedTables.set(key, record);
  }

  /**
   * The ownership answers for Team files of content key `teams` (empty for other Team files); the compiler adds
   * to the map it returns, and {@link save} stores it.
   */
  public ownership(teams: string): Map<string, string | null> {
    this.teams = teams;
    this.answers = this.stored?.teams === teams ? this.stored.answers : new Map();
    this.answersRead = this.answers.size;
    return this.answers;
  }

  /** The facts about RE2 patterns an earlier run of this build found (see src/regex seedRegexFacts). */
  public regexFacts(): [string, RegexFacts][] {
    return [...(this.stored?.regexFacts ?? [])];
  }

  /** The facts about RE2 patterns known at the end of this run (src/regex knownRegexFacts), saved with the rest. */
  public setRegexFacts(facts: ReadonlyMap<string, RegexFacts>): void {
    this.facts = facts;
  }

  /** RE2 program sizes an earlier run of this build computed (see src/regex seedProgramSizes). */
  public regexProgramSizes(): [string, number][] {
    return [...(this.stored?.regexSizes ?? [])];
  }

  /** The RE2 program sizes known at the end of this run (src/regex knownProgramSizes), saved with the rest. */
  public setRegexProgramSizes(sizes: ReadonlyMap<string, number>): void {
    this.sizes = sizes;
  }

  /** Sizes of route entries kept between runs (entry-sizes.ts, in `entry-sizes/`); none for a cache never saved. */
  public entrySizes(): EntrySizeStore | undefined {
    if (this.root === undefined) return undefined;
    return (this.entrySizeStore ??= new EntrySizeStore(join(this.root, CACHE_DIR, ENTRY_SIZES), `${FORMAT} ${this.tool}`));
  }

  /**
   * The table index (table-index-store.ts: light rows of route entries per list, root objects per table, in
   * `table-index/`), read on first use; for a cache never saved, one that starts empty.
   */
  public tableIndex(): TableIndexStore {
    return (this.tableIndexStore ??= new TableIndexStore(this.root === undefined ? undefined : join(this.root, CACHE_DIR, TABLE_INDEX), `${FORMAT} ${this.tool}`));
  }

  /**
   * The JSON text of a file's loaded documents stored under `key` (and keeps them for the next run): the loader parses
   * what it needs of it.
   */
  public document(key: string): string | undefined {
    const used = this.usedDocuments.get(key);
    if (used !== undefined && used !== STORED) return JSON.stringify(used); // set in this run (rare: a second load)
    const found = this.documents.json(key);
    if (found !== undefined) this.usedDocuments.set(key, STORED);
    return found;
  }

  public setDocument(key: string, value: unknown): void {
    this.usedDocuments.set(key, value);
  }

  /** Keeps the stored documents under `key` for the next run, unread (a file whose routes were stubs). */
  public keepDocument(key: string): void {
    if (!this.usedDocuments.has(key)) this.usedDocuments.set(key, STORED);
  }

  /**
   * The route summaries of the last run that found nothing (route-summaries.ts, `route-summaries.json`), read on
   * first use; {@link RouteSummaryStore.set} gives the next run's.
   */
  public routeSummaries(): RouteSummaryStore {
    return (this.routeSummaryStore ??= new RouteSummaryStore(this.root === undefined ? undefined : join(this.root, CACHE_DIR), `${FORMAT} ${this.tool}`));
  }

  /**
   * How many input files this run learnt about that a save would keep: files loaded from their text (documents the
   * store lacked) and files hashed again (the stat memo). Without a save, the next run parses and hashes them again.
   */
  public learnt(): number {
    let parsed = 0;
    for (const value of this.usedDocuments.values()) if (value !== STORED) parsed++;
    return parsed + this.memo.learnt();
  }

  /**
   * {@link save} with `keepUnused`, for a run that looked at part of the project (`kfaas explain`), when what it
   * learnt is worth the save: at least one input file in {@link PARTIAL_SAVE_RATIO} of those it loaded was parsed or
   * hashed again. A save walks every entry of the document store and of the stat memo and rewrites incremental.json
   * (about 45 ms at the bench's tier L, 7,000 files), which is more than parsing again the few files an edit changed
   * (well under a millisecond each). Not saving loses nothing but that time: every entry stays right for its key.
   * Returns whether it saved.
   */
  public savePartial(): boolean {
    if (this.learnt() * PARTIAL_SAVE_RATIO < this.usedDocuments.size) return false;
    this.save({ keepUnused: true });
    return true;
  }

  /**
   * This cache as the loader's DocumentStore: documents (and text) by file path and content, and the stat memo, so
   * files unchanged since they were hashed are not read.
   */
  public documentStore(options: { readonly summaries?: boolean } = {}): DocumentStore {
    const held = this.held;
    const summaries = options.summaries && !held ? this.routeSummaries().summaries() : undefined;
    return {
      get: (file) => this.document(fileKeyOf(file)),
      set: (file, entry) => this.setDocument(fileKeyOf(file), entry),
      ...(this.root !== undefined ? { hashes: this.memo } : {}),
      ...(summaries ? { summaries, keep: (file: SourceFile) => this.keepDocument(fileKeyOf(file)) } : {}),
      ...(held ? {
        decoded: {
          get: (file: SourceFile) => {
            const key = fileKeyOf(file);
            const found = held.get(key);
            // still used: a save keeps the stored entry (a file first loaded in this run has its entry set already)
            if (found !== undefined && !this.usedDocuments.has(key)) this.usedDocuments.set(key, STORED);
            return found;
          },
          set: (file: SourceFile, value: HeldFile) => held.set(fileKeyOf(file), value),
        },
      } : {}),
    };
  }

  /**
   * Keeps the model values of the files each run loads in memory for the next run of this process ({@link nextRun}):
   * `kfaas watch`. @default not held
   */
  public holdDocuments(): void {
    this.held ??= new HeldDocuments();
    this.entries ??= new SharedEntries();
  }

  /**
   * The route entries (and actions) earlier compiles of this process made, kept by the model objects they were made
   * from (compile/entries.ts SharedEntries: WeakMaps by behaviour and match, so entries of files no longer held go
   * with them); only with {@link holdDocuments}, whose objects make them hit. @default none
   */
  public sharedEntries(): SharedEntries | undefined {
    return this.entries;
  }

  /**
   * Writes what this run used and nothing else, so entries of inputs that are gone are dropped; with
   * `keepUnused` (a run that looked at part of the project only), the tables of earlier runs too. Saves the stat
   * memo too. Never throws.
   */
  public save(options: { readonly keepUnused?: boolean } = {}): void {
    if (this.root === undefined) return;
    this.memo.save();
    const stored = this.snapshot(options.keepUnused === true);
    // keyed by content: an entry of a key never changes
    this.documents.save(this.usedDocuments, () => false);
    this.entrySizeStore?.save();
    this.tableIndexStore?.save();
    this.routeSummaryStore?.save();
    if (this.holdsStored(options.keepUnused === true)) return;
    const path = join(this.root, CACHE_DIR, FILE);
    try {
      writeChecked(path, checkedBytes(stored));
    } catch {
      // a read-only checkout: no cache, just slower runs
    }
  }

  /**
   * Whether a save would write incremental.json as it was read (a `synth --check` after a synth, a run whose tables
   * were all reused): every table and object used is the one read (the same object), nothing read is dropped (or
   * `keepUnused`), no ownership answer, RE2 fact or program size was added (the maps only grow from what was read:
   * src/regex seeds them from it).
   */
  private holdsStored(keepUnused: boolean): boolean {
    const stored = this.stored;
    if (stored === undefined || this.teams !== stored.teams || this.answers !== stored.answers || this.answers.size !== this.answersRead) return false;
    if (this.facts.size !== stored.regexFacts.size || this.sizes.size !== stored.regexSizes.size) return false;
    for (const key of this.facts.keys()) if (!stored.regexFacts.has(key)) return false;
    for (const key of this.sizes.keys()) if (!stored.regexSizes.has(key)) return false;
    for (const [key, table] of this.usedTables) if (stored.tables[key] !== table) return false;
    for (const [key, object] of this.usedObjects) if (stored.objects.get(key) !== object) return false;
    return keepUnused || (this.usedTables.size === Object.keys(stored.tables).length && this.usedObjects.size === stored.objects.size);
  }
}
