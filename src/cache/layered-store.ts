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
 * (`{"tag":...}`) and one line per entry: its key as a JSON string, a tab, its value as JSON. A value is parsed only when asked for, and the text
 * of an entry that did not change is written back as it was read: a run that uses every entry of a large store
 * (the documents of 7,000 input files) neither builds one object graph of all of them nor serializes it again.
 * A missing, damaged (checksum) or foreign file (another tag: format, kfaas build) is empty.
 *
 * Entries a save drops may still be returned until the next compaction: a value must stay right for its key
 * whenever it is returned (both users ensure it: document entries are keyed by content, and a stat memo entry is
 * checked against the file's stat). Only Node built-ins and src/util are imported.
 */
export class LayeredStore<V> {
  private layers?: { readonly base: ReadonlyMap<string, string>; readonly delta: ReadonlyMap<string, string>; readonly baseFound: boolean };

  /** `tag`: files written under another tag (format, kfaas build) are ignored. */
  public constructor(private readonly dir: string | undefined, private readonly tag: string) {}

  /** The value stored under `key`, if any (parsed on each call: a caller keeps what it needs). */
  public get(key: string): V | undefined {
    const raw = this.raw(key);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as V;
    } catch {
      return undefined;
    }
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
    const stored = new Set([...base.keys(), ...delta.keys()]);
    const keep = keepStored(stored.size, used.size);
    // What the store holds after this run, as the text of each value.
    const want = new Map<string, string>();
    for (const [key, value] of used) {
      const raw = value === STORED ? this.raw(key) : JSON.stringify(value);
      if (raw !== undefined) want.set(key, raw);
    }
    if (keep) for (const key of stored) if (!want.has(key)) want.set(key, this.raw(key)!);
    const nextDelta = new Map<string, string>();
    for (const [key, raw] of want) if (base.get(key) !== raw) nextDelta.set(key, raw);
    let unused = 0;
    for (const key of base.keys()) if (!want.has(key)) unused++;
    try {
      if (!baseFound || nextDelta.size > Math.max(COMPACT_MIN, want.size / 8) || unused > Math.max(COMPACT_MIN, want.size / 4)) {
        writeChecked(join(this.dir, BASE), this.text(want));
        rmSync(join(this.dir, DELTA), { force: true });
        removeEarlierLayouts(this.dir);
      } else if (!sameEntries(delta, nextDelta)) {
        if (nextDelta.size === 0) rmSync(join(this.dir, DELTA), { force: true });
        else writeChecked(join(this.dir, DELTA), this.text(nextDelta));
      }
    } catch {
      // a read-only checkout: slower next time
    }
  }

  private raw(key: string): string | undefined {
    const { base, delta } = this.read();
    return delta.get(key) ?? base.get(key);
  }

  private read(): NonNullable<LayeredStore<V>['layers']> {
    if (this.layers === undefined) {
      const base = this.dir === undefined ? undefined : this.entries(join(this.dir, BASE));
      // A delta is relative to the base it was written over: without that base it is dropped too.
      const delta = base === undefined ? undefined : this.entries(join(this.dir!, DELTA));
      this.layers = { base: base ?? new Map(), delta: delta ?? new Map(), baseFound: base !== undefined };
    }
    return this.layers;
  }

  /** The entries of one file (key -> value text); undefined when missing, damaged or foreign. */
  private entries(path: string): Map<string, string> | undefined {
    const body = readCheckedBody(path);
    if (body === undefined) return undefined;
    const text = body.toString('utf8');
    const headerEnd = text.indexOf('\n');
    try {
      if ((JSON.parse(text.slice(0, headerEnd)) as { tag?: unknown }).tag !== this.tag) return undefined;
    } catch {
      return undefined;
    }
    const entries = new Map<string, string>();
    for (let at = headerEnd + 1; at < text.length;) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      const tab = text.indexOf('\t', at);
      if (tab < 0 || tab > end) return undefined;
      const quoted = text.slice(at, tab);
      // A key without escapes (paths, hex) is its text between the quotes; others are JSON-decoded.
      const key = quoted.includes('\\') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
      entries.set(key, text.slice(tab + 1, end));
      at = end + 1;
    }
    return entries;
  }

  private text(entries: ReadonlyMap<string, string>): Buffer {
    const lines = [JSON.stringify({ tag: this.tag })];
    for (const [key, raw] of entries) lines.push(`${JSON.stringify(key)}\t${raw}`);
    return checkedFile(Buffer.from(lines.join('\n'), 'utf8'));
  }
}

const BASE = 'base.lines';
const DELTA = 'delta.lines';
/** Below this many changed or unused entries, a store is never compacted (a small project just rewrites its delta). */
const COMPACT_MIN = 64;

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, raw] of a) if (b.get(key) !== raw) return false;
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
