import { Dirent, readFileSync, rmSync, Stats } from 'fs';
import { join } from 'path';
import { LayeredStore, STORED } from './layered-store';
import { sha256 } from '../util/sha256';

/**
 * SHA-256 of files, remembered across runs by their stat (device, inode, size, modification and change time), so a
 * run hashes only the files that were written since (the approach of git's index). The hash stays the key; the
 * stat only decides whether the file must be read again:
 * - any write, rename over, chmod or `touch` changes ctime, which no user can set back, so a hand edit that keeps
 *   size and mtime is still read again;
 * - a file whose ctime is less than {@link RACY_MS} old when hashed is not remembered (a second write within the
 *   same timestamp tick of a coarse file system could keep every stat field);
 * - paths are the real paths (symlinks followed by the caller).
 * Kept in `<cache folder>/file-stats/` (layered-store.ts: read in one go, a run writes a small delta of what changed);
 * a missing, unreadable or damaged file is empty, and failing to write it never fails a run. Only Node built-ins are
 * imported.
 */
export class StatMemo {
  /**
   * Opens the memo kept in the cache folder `dir` (`<root>/.kfaas-cache`). `racyMs`: how old (by ctime) a file must
   * be to be remembered (tests shorten it). @default RACY_MS
   */
  public static open(dir: string, racyMs: number = RACY_MS): StatMemo {
    return new StatMemo(dir, new LayeredStore(join(dir, FOLDER), `stat-memo ${FORMAT}`), racyMs);
  }

  /** A memo that remembers nothing: every file is read and hashed. */
  public static none(): StatMemo {
    return new StatMemo(undefined, new LayeredStore(undefined, ''), RACY_MS);
  }

  /**
   * What this run knows of each file it hashed, read or learnt (one record per path: the memo is asked about each input
   * file by the input key, then by the loader): see FileNow.
   */
  private readonly files = new Map<string, FileNow>();
  /** The folders listed in this run, as first listed: their entries sorted by name, with their paths. */
  private readonly listings = new Map<string, Listing>();
  /** How many files were read and hashed (not taken from the memo). */
  public hashed = 0;

  private constructor(
    private readonly dir: string | undefined,
    private readonly stored: LayeredStore<readonly [string, string]>,
    private readonly racyMs: number,
  ) {}

  /**
   * Starts another run in this process (`kfaas watch`, after {@link save}): forgets this run's view of the files (what
   * it hashed, read, listed and used), so the next run takes a stat of each again; what was stored or saved stays.
   */
  public nextRun(): void {
    this.files.clear();
    this.listings.clear();
    this.hashed = 0;
  }

  /**
   * SHA-256 (hex) of the file at real path `abs`, whose stat the caller just took. Throws as readFileSync does.
   * `keep`: when the file is read, its bytes are kept until {@link bytes} takes them (the loader reads what synth's
   * input key hashed). @default false
   */
  public hash(abs: string, stat: Stats, keep = false): string {
    const known = this.known(abs, stat);
    if (known !== undefined) return known;
    const bytes = readFileSync(abs);
    const hash = sha256(bytes);
    this.hashed++;
    const now = this.record(abs, stat, hash);
    if (keep && now.hash === hash) now.bytes = bytes;
    return hash;
  }

  /**
   * The bytes of the file at real path `abs` as {@link hash} read them in this run (asked to keep them), once: they
   * are forgotten here. The bytes whose SHA-256 {@link seen} gives, so the loader need not read the file again.
   */
  public bytes(abs: string): Buffer | undefined {
    const now = this.files.get(abs);
    const bytes = now?.bytes;
    if (bytes !== undefined) now!.bytes = undefined;
    return bytes;
  }

  /**
   * The SHA-256 and size of the file at real path `abs` as this run first hashed it (through {@link hash},
   * {@link known} or {@link remember}), without a stat: a memo is one run's view, in which a file keeps the content
   * it had when the run first looked (later stages load what the first one hashed and keyed the run by).
   */
  public seen(abs: string): { readonly hash: string; readonly size: number } | undefined {
    const now = this.files.get(abs);
    return now?.hash === undefined ? undefined : (now as { readonly hash: string; readonly size: number });
  }

  /**
   * The entries of the real folder `abs`, sorted by name (util/compare compareText), and their paths, as this run first
   * listed it ({@link listed}), like {@link seen}: the loader walks the folders synth's input key walked just before.
   */
  public listing(abs: string): Listing | undefined {
    return this.listings.get(abs);
  }

  /**
   * Records the entries of the real folder `abs`, sorted by name, and their paths (`abs`, a separator, the name: the
   * strings this memo is then asked about, whose hashes are computed once), as this run listed them (the first
   * listing stays).
   */
  public listed(abs: string, listing: Listing): void {
    if (!this.listings.has(abs)) this.listings.set(abs, listing);
  }

  /**
   * SHA-256 (hex) of the file at real path `abs` when its stat (just taken by the caller) is the one it had when it
   * was hashed, without reading it; undefined when unknown (then the caller reads it and may {@link remember} it).
   */
  public known(abs: string, stat: Stats): string | undefined {
    const key = statKeyOf(stat);
    let now = this.files.get(abs);
    const entry = now?.entry;
    const hash = typeof entry === 'object' ? (entry[0] === key ? entry[1] : undefined) : storedHash(this.stored.json(abs), key);
    if (hash === undefined) return undefined;
    if (now === undefined) this.files.set(abs, (now = new FileNow()));
    now.entry ??= hash;
    now.see(hash, stat.size);
    return hash;
  }

  /**
   * Records that the file at real path `abs`, whose stat the caller took before reading it, has SHA-256 `hash` (of
   * the bytes read after that stat). Not remembered when its ctime is within the racy interval.
   */
  public remember(abs: string, stat: Stats, hash: string): void {
    this.record(abs, stat, hash);
  }

  /**
   * Records the SHA-256 of a file this run published with bytes it knows (`hash`) and left in place: publishing
   * replaces a folder by linking its unchanged files into a new copy, which moves their ctime (the link count
   * changed) but not their bytes, size or modification time; learning their new stat spares the next run reading
   * them all again. Only a file whose modification time is older than the racy interval is learnt: a write after
   * the publish moves the modification time to now (not learnt, or a different key next time), so only a write that
   * also sets the modification time back (`touch -r`) within the same timestamp tick as this stat could go unseen,
   * the case git's index accepts too.
   */
  public learn(abs: string, stat: Stats, hash: string): void {
    if (this.dir === undefined || stat.mtimeMs >= Date.now() - this.racyMs) return;
    // a stat the memo holds for these bytes already (a file publishing left in place) stays as stored
    if (this.known(abs, stat) !== hash) this.now(abs).entry = [statKeyOf(stat), hash];
  }

  /**
   * Whether a save keeps an entry for the file at real path `abs` as this run found it (known, hashed outside the racy
   * interval, or learnt).
   */
  public holds(abs: string): boolean {
    return this.files.get(abs)?.entry !== undefined;
  }

  /**
   * How many files this run hashed or learnt whose stat the memo did not hold: what {@link save} would add to the
   * memo (a run that saves nothing reads and hashes them again next time).
   */
  public learnt(): number {
    let count = 0;
    for (const now of this.files.values()) if (typeof now.entry === 'object') count++;
    return count;
  }

  /** {@link remember}, returning the file's record. */
  private record(abs: string, stat: Stats, hash: string): FileNow {
    const now = this.now(abs);
    now.see(hash, stat.size);
    if (this.dir !== undefined && stat.ctimeMs < Date.now() - this.racyMs) now.entry = [statKeyOf(stat), hash];
    return now;
  }

  /** The record of `abs` in this run, made when missing. */
  private now(abs: string): FileNow {
    let now = this.files.get(abs);
    if (now === undefined) this.files.set(abs, (now = new FileNow()));
    return now;
  }

  /**
   * Writes the files seen in this run, and, when this run saw fewer than half of the files remembered (a run that
   * looks at part of the project: `kfaas explain`), the others too. Never throws.
   */
  public save(): void {
    // A run that learnt nothing writes nothing (layered-store.ts: a save of stored entries only): no map of them is made.
    if (this.dir === undefined || this.learnt() === 0) return;
    const entries = new Map<string, readonly [string, string] | typeof STORED>();
    for (const [abs, { entry }] of this.files) if (entry !== undefined) entries.set(abs, typeof entry === 'string' ? STORED : entry);
    this.stored.save(entries, (stored, used) => used * 2 < stored);
    try {
      rmSync(join(this.dir, 'file-stats.json'), { force: true }); // the single file of earlier builds
    } catch {
      // read-only
    }
  }
}

/**
 * The SHA-256 of a stored entry's JSON text (`["<stat key>","<sha256>"]`, as JSON.stringify writes it: a stat key
 * and a hex hash need no escapes) when its stat key is `key`: read off the text, not parsed (one per input file).
 */
function storedHash(text: string | undefined, key: string): string | undefined {
  const end = key.length + 2;
  if (text === undefined || text.length !== end + 69 || !text.startsWith('["', 0) || !text.startsWith(key, 2)) return undefined;
  return text.startsWith('","', end) && text.endsWith('"]') ? text.slice(end + 3, end + 67) : undefined;
}

/** A folder's entries sorted by name, and the path of each (the folder's real path, a separator, its name). */
export interface Listing {
  readonly entries: readonly Dirent[];
  readonly paths: readonly string[];
}

/** What one run of the memo knows of one file. */
class FileNow {
  /** SHA-256 of the file as this run first hashed it (StatMemo.seen). @default - not hashed in this run (only learnt) */
  public hash?: string = undefined;
  /** Its size then. */
  public size = 0;
  /**
   * What a save writes for it: its stat key and SHA-256 (hashed or learnt in this run), or the SHA-256 of the stored
   * entry found unchanged (its stored text is written back). @default - nothing (seen within the racy interval)
   */
  public entry?: readonly [string, string] | string = undefined;
  /** The bytes StatMemo.hash read, until StatMemo.bytes takes them. @default - none kept */
  public bytes?: Buffer = undefined;

  /** Records the SHA-256 and size of the file as first seen in this run. */
  public see(hash: string, size: number): void {
    if (this.hash !== undefined) return;
    this.hash = hash;
    this.size = size;
  }
}

/** A file changed less than this long ago (by ctime) is hashed again next time, whatever its stat. */
const RACY_MS = 2000;
const FOLDER = 'file-stats';
const FORMAT = 3;

/**
 * What the memo compares: device, inode, size, modification and change time, mode. Equal keys mean no write, rename
 * over, chmod or touch happened in between (publishing re-checks files it did not read with it).
 */
export function statKeyOf(s: Stats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.mode}`;
}
