import { isAscii } from 'buffer';
import { readdirSync, rmSync } from 'fs';
import { join } from 'path';
import { checkedFile, readCheckedBody, writeChecked } from './checked-json';

/** In the map given to {@link LayeredStore.save}: the value the store holds for this key, kept as it is. */
export const STORED: unique symbol = Symbol('stored');

/**
 * A large string-keyed map of the cache kept in two files, so a run reads it in one go and writes only what changed:
 * - `base.lines`: every entry as of the last compaction;
 * - `delta.lines`: the entries written since that `base.lines` lacks or holds otherwise (it wins over the base).
 * A run that changes a few entries rewrites the small delta; when the delta grows past an eighth of the store, or a
 * quarter of the base is no longer used, the next save compacts both into a new base.
 *
 * Each file is a checked file (checked-json.ts: a SHA-256 line over the rest), then a JSON header line
 * (`{"tag":...}`) and one line per entry: its key as a JSON string, a tab, its value as JSON. A file is kept as the
 * bytes read, with where each key's line starts: a value is decoded and parsed only when asked for, and the line of
 * an entry that did not change is written back as the very bytes read. A run that uses every entry of a large store
 * (the documents of 7,000 input files) neither builds one object graph of all of it nor serializes it again; an ASCII
 * file (all kfaas writes, nearly always) is also kept as one string, which keys and values are sliced from.
 * A missing, damaged (checksum) or foreign file (another tag: format, kfaas build) is empty.
 *
 * A save of stored entries only writes nothing (nothing is dropped then either). Entries a save drops may still be
 * returned until the next compaction: a value must stay right for its key
 * whenever it is returned (both users ensure it: document entries are keyed by content, and a stat memo entry is
 * checked against the file's stat). Only Node built-ins and src/util are imported.
 */
export class LayeredStore<V> {
  private layers?: { readonly base: Layer; readonly delta: Layer; readonly baseFound: boolean };
  /**
   * The bodies a save wrote (a base, and the delta or null for none), parsed on the next read: a process that saves
   * more than once (`kfaas watch`) reads and diffs against what is on disk, not what it read before its first save.
   * A one-shot command never reads again and never parses them.
   */
  private written?: { readonly base: Layer | Buffer; readonly delta: Buffer | null };

  /** `tag`: files written under another tag (format, kfaas build) are ignored. */
  public constructor(private readonly dir: string | undefined, private readonly tag: string) {}

  /** The value stored under `key`, if any (parsed on each call: each caller gets its own copy). */
  public get(key: string): V | undefined {
    const json = this.json(key);
    if (json === undefined) return undefined;
    try {
      return JSON.parse(json) as V;
    } catch {
      return undefined;
    }
  }

  /** The JSON text of the value stored under `key`, if any, unparsed (for a caller that needs part of it). */
  public json(key: string): string | undefined {
    // No StoredLine made: the stat memo and the document cache ask once per input file each.
    const { base, delta } = this.read();
    let at = delta.lines.get(key);
    if (at !== undefined) return valueAt(delta, at);
    at = base.lines.get(key);
    return at === undefined ? undefined : valueAt(base, at);
  }

  /**
   * Stores `used` (this run's entries; {@link STORED} for a key whose stored value stays), plus the stored entries
   * `used` does not name when `keepStored` says so (given how many entries the store held and how many this run
   * used: a run that looked at part of the project keeps the rest). Writes the delta only when it changes, and
   * compacts (see the class) when it has grown. Never throws.
   */
  public save(used: ReadonlyMap<string, V | typeof STORED>, keepStored: (stored: number, used: number) => boolean): void {
    if (this.dir === undefined) return;
    const { base, delta, baseFound } = this.read();
    // A run that only kept stored entries (a synth with nothing to learn, most runs of kfaas explain) writes nothing:
    // what it did not use stays stored (right for its key still) until a run that writes compacts it away.
    if (baseFound && onlyStored(used)) return;
    let storedCount = base.lines.size;
    for (const key of delta.lines.keys()) if (!base.lines.has(key)) storedCount++;
    const keep = keepStored(storedCount, used.size);
    // What differs from the base after this run (the next delta), how many entries the store holds after it, and how
    // many of the base's are dropped; the whole store is only listed when it is compacted.
    const nextDelta = new Map<string, Entry>();
    let size = 0;
    // How many keys of the base this run named: the base's others are unused (counted, not listed again).
    let usedOfBase = 0;
    for (const [key, value] of used) {
      const atBase = base.lines.get(key);
      if (atBase !== undefined) usedOfBase++;
      if (value === STORED) {
        const inDelta = delta.lines.get(key);
        if (inDelta !== undefined) nextDelta.set(key, { layer: delta, at: inDelta });
        else if (atBase === undefined) continue;
      } else {
        const raw = JSON.stringify(value) as string | undefined;
        if (raw === undefined) continue; // nothing JSON can hold: not stored
        if (atBase === undefined || valueAt(base, atBase) !== raw) nextDelta.set(key, raw);
      }
      size++;
    }
    let unused = 0;
    if (keep) {
      for (const [key, at] of delta.lines) if (!used.has(key)) nextDelta.set(key, { layer: delta, at });
      for (const key of delta.lines.keys()) if (!used.has(key) && !base.lines.has(key)) size++;
      size += base.lines.size - usedOfBase;
    } else {
      unused = base.lines.size - usedOfBase;
    }
    try {
      if (!baseFound || nextDelta.size > Math.max(COMPACT_MIN, size / 8) || unused > Math.max(COMPACT_MIN, size / 4)) {
        const body = this.body(this.want(used, keep));
        this.layers = undefined; // what was read is replaced on disk from here on: read again (below) if the next step fails
        writeChecked(join(this.dir, BASE), checkedFile(body));
        rmSync(join(this.dir, DELTA), { force: true });
        this.written = { base: body, delta: null };
        removeEarlierLayouts(this.dir);
      } else if (!sameEntries(delta, nextDelta)) {
        const body = nextDelta.size === 0 ? null : this.body(nextDelta);
        this.layers = undefined;
        if (body === null) rmSync(join(this.dir, DELTA), { force: true });
        else writeChecked(join(this.dir, DELTA), checkedFile(body));
        this.written = { base, delta: body };
      }
    } catch {
      // a read-only checkout: slower next time
    }
  }

  /** Every entry the store holds after a save of `used` (see save): each value's text, or the line a layer holds. */
  private want(used: ReadonlyMap<string, V | typeof STORED>, keep: boolean): Map<string, Entry> {
    const { base, delta } = this.read();
    const want = new Map<string, Entry>();
    for (const [key, value] of used) {
      const entry = value === STORED ? this.stored(key) : (JSON.stringify(value) as string | undefined);
      if (entry !== undefined) want.set(key, entry);
    }
    if (keep) {
      for (const [key, at] of delta.lines) if (!want.has(key)) want.set(key, { layer: delta, at });
      for (const [key, at] of base.lines) if (!want.has(key)) want.set(key, { layer: base, at });
    }
    return want;
  }

  /** Where the value of `key` is kept (the delta wins). */
  private stored(key: string): StoredLine | undefined {
    const { base, delta } = this.read();
    const inDelta = delta.lines.get(key);
    if (inDelta !== undefined) return { layer: delta, at: inDelta };
    const inBase = base.lines.get(key);
    return inBase === undefined ? undefined : { layer: base, at: inBase };
  }

  private read(): NonNullable<LayeredStore<V>['layers']> {
    const written = this.written;
    if (this.layers === undefined && written !== undefined) {
      // What this process's last save wrote: the same bodies reading the files back gives (checksums aside).
      const base = Buffer.isBuffer(written.base) ? this.parse(written.base) : written.base;
      const delta = base === undefined || written.delta === null ? undefined : this.parse(written.delta);
      if (base !== undefined) this.layers = { base, delta: delta ?? EMPTY, baseFound: true };
    }
    this.written = undefined;
    if (this.layers === undefined) {
      const base = this.dir === undefined ? undefined : this.layer(join(this.dir, BASE));
      // A delta is relative to the base it was written over: without that base it is dropped too.
      const delta = base === undefined ? undefined : this.layer(join(this.dir!, DELTA));
      this.layers = { base: base ?? EMPTY, delta: delta ?? EMPTY, baseFound: base !== undefined };
    }
    return this.layers;
  }

  /** The lines of one file by key; undefined when missing, damaged or foreign. */
  private layer(path: string): Layer | undefined {
    const bytes = readCheckedBody(path);
    return bytes === undefined ? undefined : this.parse(bytes);
  }

  /** The lines of a file's body (after its checksum line) by key; undefined when foreign or malformed. */
  private parse(bytes: Buffer): Layer | undefined {
    let headerEnd = bytes.indexOf(NEWLINE);
    if (headerEnd < 0) headerEnd = bytes.length;
    try {
      if ((JSON.parse(bytes.toString('utf8', 0, headerEnd)) as { tag?: unknown }).tag !== this.tag) return undefined;
    } catch {
      return undefined;
    }
    // An ASCII body (nearly always: kfaas writes ASCII paths and YAML, and JSON keeps any other text as it is) is read
    // as one string: finding lines and slicing keys and values out of it is plain string work, where decoding each of
    // them from the bytes is a call into the runtime per line (two per entry of 7,000). Its offsets are the bytes' own.
    const ascii = isAscii(bytes) ? bytes.toString('latin1') : undefined;
    const find = ascii !== undefined ? (c: string, from: number): number => ascii.indexOf(c, from) : (c: string, from: number): number => bytes.indexOf(c, from, 'latin1');
    const slice = ascii !== undefined ? (from: number, to: number): string => ascii.slice(from, to) : (from: number, to: number): string => bytes.toString('utf8', from, to);
    const lines = new Map<string, number>();
    for (let at = headerEnd + 1; at < bytes.length;) {
      let end = find('\n', at);
      if (end < 0) end = bytes.length;
      const tab = find('\t', at);
      if (tab < 0 || tab > end) return undefined;
      // A key without escapes (paths, hex) is its text between the quotes; others are JSON-decoded.
      let key = slice(at + 1, tab - 1);
      if (key.includes('\\')) {
        try {
          key = JSON.parse(slice(at, tab)) as string;
        } catch {
          return undefined;
        }
      }
      lines.set(key, at);
      at = end + 1;
    }
    return { bytes, ascii, lines };
  }

  /** A file's body (checkedFile adds the checksum line). */
  private body(entries: ReadonlyMap<string, Entry>): Buffer {
    const parts: Buffer[] = [Buffer.from(JSON.stringify({ tag: this.tag }), 'utf8')];
    for (const [key, entry] of entries) {
      parts.push(NEWLINE_BYTES);
      // a line read from a layer is written back as its bytes (its key is the same JSON text)
      parts.push(typeof entry === 'string' ? Buffer.from(`${JSON.stringify(key)}\t${entry}`, 'utf8') : lineOf(entry));
    }
    return Buffer.concat(parts);
  }
}

/** One file of a store: its body, and where the line of each key starts in it. */
interface Layer {
  readonly bytes: Buffer;
  /** The body as a string when it is ASCII (then an offset in it is one in the bytes). @default - not ASCII */
  readonly ascii?: string;
  readonly lines: ReadonlyMap<string, number>;
}

/** A value kept where a layer holds it. */
interface StoredLine {
  readonly layer: Layer;
  /** Where its line (key, tab, value) starts in the layer's bytes. */
  readonly at: number;
}

/** A value's JSON text, or where a layer holds it. */
type Entry = string | StoredLine;

const EMPTY: Layer = { bytes: Buffer.alloc(0), lines: new Map() };
const NEWLINE = 0x0a;
const TAB = 0x09;
const NEWLINE_BYTES = Buffer.from('\n', 'latin1');

/** The bytes of a stored line, without its newline. */
function lineOf({ layer, at }: StoredLine): Buffer {
  const end = layer.bytes.indexOf(NEWLINE, at);
  return layer.bytes.subarray(at, end < 0 ? layer.bytes.length : end);
}

/** The JSON text of the value whose line starts at `at`. */
function valueAt(layer: Layer, at: number): string {
  const { bytes, ascii } = layer;
  if (ascii !== undefined) {
    const end = ascii.indexOf('\n', at);
    return ascii.slice(ascii.indexOf('\t', at) + 1, end < 0 ? ascii.length : end);
  }
  const end = bytes.indexOf(NEWLINE, at);
  return bytes.toString('utf8', bytes.indexOf(TAB, at) + 1, end < 0 ? bytes.length : end);
}

/** The value's JSON text. */
function rawOf(entry: Entry): string {
  return typeof entry === 'string' ? entry : valueAt(entry.layer, entry.at);
}

const BASE = 'base.lines';
const DELTA = 'delta.lines';
/** Below this many changed or unused entries, a store is never compacted (a small project just rewrites its delta). */
const COMPACT_MIN = 64;

/** Whether every value of `used` is STORED. */
function onlyStored(used: ReadonlyMap<string, unknown>): boolean {
  for (const value of used.values()) if (value !== STORED) return false;
  return true;
}

function sameEntries(delta: Layer, next: ReadonlyMap<string, Entry>): boolean {
  if (delta.lines.size !== next.size) return false;
  for (const [key, entry] of next) {
    const at = delta.lines.get(key);
    if (at === undefined) return false;
    if (typeof entry !== 'string' && entry.layer === delta ? entry.at !== at : rawOf({ layer: delta, at }) !== rawOf(entry)) return false;
  }
  return true;
}

/** The files of earlier kfaas builds' layouts of these stores: 256 shards (`<xx>.json`), `base.json`, `delta.json`. */
function removeEarlierLayouts(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (/^([0-9a-f]{2}|base|delta)\.json$/.test(name)) rmSync(join(dir, name), { force: true });
}
