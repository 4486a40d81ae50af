import { readdirSync, rmSync } from 'fs';
import { join } from 'path';
import { checkedBytes, readChecked, writeChecked } from './checked-json';

/**
 * A large string-keyed map of the cache kept in two checked-json.ts files, so a run reads it in one go and writes
 * only what changed:
 * - `base.json`: every entry as of the last compaction;
 * - `delta.json`: the entries written since that `base.json` lacks or holds otherwise (it wins over `base.json`).
 * A run that changes a few entries rewrites the small delta; when the delta grows past an eighth of the store, or
 * a quarter of the base is no longer used, the next save compacts both into a new base. A missing, damaged or
 * foreign file (another tag: format, kfaas build) is empty.
 *
 * Entries a save drops may still be returned until the next compaction: a value must stay right for its key
 * whenever it is returned (both users ensure it: document entries are keyed by content, and a stat memo entry is
 * checked against the file's stat). Only Node built-ins are imported.
 */
export class LayeredStore<V> {
  private layers?: { readonly base: Readonly<Record<string, V>>; readonly delta: Readonly<Record<string, V>>; readonly baseFound: boolean };

  /** `tag`: files written under another tag (format, kfaas build) are ignored. */
  public constructor(private readonly dir: string | undefined, private readonly tag: string) {}

  /** The value stored under `key`, if any. */
  public get(key: string): V | undefined {
    const { base, delta } = this.read();
    if (hasOwn(delta, key)) return delta[key];
    return hasOwn(base, key) ? base[key] : undefined;
  }

  /**
   * Stores `used` (this run's entries), plus the stored entries `used` does not replace when `keepStored` says so
   * (given how many entries the store held and how many this run used: a run that looked at part of the project
   * keeps the rest). Writes the delta only when it changes, and compacts (see the class) when it has grown. Never
   * throws.
   */
  public save(used: ReadonlyMap<string, V>, equal: (a: V, b: V) => boolean, keepStored: (stored: number, used: number) => boolean): void {
    if (this.dir === undefined) return;
    const { base, delta, baseFound } = this.read();
    const baseKeys = Object.keys(base);
    const stored = new Set([...baseKeys, ...Object.keys(delta)]);
    const keep = keepStored(stored.size, used.size);
    // What the store holds after this run: used, and with `keep`, every stored entry used does not replace.
    const want = new Map(used);
    if (keep) for (const key of stored) if (!want.has(key)) want.set(key, hasOwn(delta, key) ? delta[key] : base[key]);
    const nextDelta: Record<string, V> = {};
    let deltaSize = 0;
    for (const [key, value] of want) {
      if (hasOwn(base, key) && equal(base[key], value)) continue;
      nextDelta[key] = value;
      deltaSize++;
    }
    let unused = 0;
    for (const key of baseKeys) if (!want.has(key)) unused++;
    try {
      if (!baseFound || deltaSize > Math.max(COMPACT_MIN, want.size / 8) || unused > Math.max(COMPACT_MIN, want.size / 4)) {
        writeChecked(join(this.dir, BASE), checkedBytes({ tag: this.tag, entries: Object.fromEntries(want) }));
        rmSync(join(this.dir, DELTA), { force: true });
        removeShards(this.dir);
      } else if (!sameEntries(delta, nextDelta, deltaSize, equal)) {
        if (deltaSize === 0) rmSync(join(this.dir, DELTA), { force: true });
        else writeChecked(join(this.dir, DELTA), checkedBytes({ tag: this.tag, entries: nextDelta }));
      }
    } catch {
      // a read-only checkout: slower next time
    }
  }

  private read(): NonNullable<LayeredStore<V>['layers']> {
    if (this.layers === undefined) {
      const base = this.dir === undefined ? undefined : this.entries(join(this.dir, BASE));
      // A delta is relative to the base it was written over: without that base it is dropped too.
      const delta = base === undefined ? undefined : this.entries(join(this.dir!, DELTA));
      this.layers = { base: base ?? {}, delta: delta ?? {}, baseFound: base !== undefined };
    }
    return this.layers;
  }

  private entries(path: string): Record<string, V> | undefined {
    const read = readChecked(path)?.value as { tag?: unknown; entries?: unknown } | undefined;
    return read?.tag === this.tag && read.entries !== null && typeof read.entries === 'object' && !Array.isArray(read.entries)
      ? (read.entries as Record<string, V>)
      : undefined;
  }
}

const BASE = 'base.json';
const DELTA = 'delta.json';
/** Below this many changed or unused entries, a store is never compacted (a small project just rewrites its delta). */
const COMPACT_MIN = 64;

function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

function sameEntries<V>(a: Readonly<Record<string, V>>, b: Readonly<Record<string, V>>, sizeOfB: number, equal: (x: V, y: V) => boolean): boolean {
  const keys = Object.keys(a);
  return keys.length === sizeOfB && keys.every((k) => hasOwn(b, k) && equal(a[k], b[k]));
}

/** The 256 shard files (`<xx>.json`) of earlier kfaas builds, which kept these stores sharded. */
function removeShards(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (/^[0-9a-f]{2}\.json$/.test(name)) rmSync(join(dir, name), { force: true });
}
