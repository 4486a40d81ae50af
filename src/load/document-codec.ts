import { SourceLocation } from '../diagnostics/diagnostic';
import { Origin } from '../model/origin';
import { FieldPath, formatPath, parsePath } from './field-path';
import { LazyLocation } from './lazy-location';
import type { Target } from './yaml-locator';

/**
 * Turns the model values of a file's documents into plain JSON data and back, so a cache can keep what loading
 * a file produced and a later run can skip parsing and checking it while its content is unchanged.
 *
 * Two things JSON alone would lose are kept:
 * - where values were written: a lazy location (line and column computed on first read, lazy-location.ts)
 *   is stored as its field path and made lazy again on decoding, against the file's text, so a clean file is
 *   still never parsed with positions unless a diagnostic needs one;
 * - shared values: an object reached twice (an override sharing the base's match list) is stored once and
 *   comes back as one object.
 * An Origin (a lazy location with its formatted field path) is stored as that path alone (see originForm).
 * Values may hold plain objects, arrays, Maps with string keys (kept as `{ $map: [[key, value], ...] }`, in order),
 * strings, numbers, booleans and null only; anything else (a class instance, a function, an eager getter, undefined)
 * makes encoding give up (undefined): such a file is simply loaded again next time.
 */

type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

/** Encodes values (one per document of a file); undefined when they hold something it cannot keep. */
export function encodeValues(values: readonly unknown[]): Encoded | undefined {
  const seen = new Map<object, number>();
  const shared = new Set<object>();
  // First pass: which objects are reached more than once (they get an id), and can everything be kept?
  const scan = (v: unknown): boolean => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return true;
    if (typeof v !== 'object') return false;
    if (seen.has(v)) {
      shared.add(v);
      return true;
    }
    seen.set(v, seen.size);
    if (v instanceof LazyLocation) return true;
    if (Array.isArray(v)) return v.every(scan);
    if (v instanceof Map) {
      for (const [k, x] of v as Map<unknown, unknown>) if (typeof k !== 'string' || !scan(x)) return false;
      return Object.getPrototypeOf(v) === Map.prototype;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) return false;
    for (const key of Object.keys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key)!;
      if (d.get || d.value === undefined || !scan(d.value)) return false;
    }
    return true;
  };
  if (!values.every(scan)) return undefined;
  const ids = new Map<object, number>();
  const encode = (v: unknown): Encoded => {
    // a string of the user's that reads as an origin (it starts with ORIGIN) is wrapped
    if (typeof v === 'string') return v.charCodeAt(0) === ORIGIN ? { $s: v } : v;
    if (v === null || typeof v !== 'object') return v as Encoded;
    const id = ids.get(v);
    if (id !== undefined) return { $ref: id };
    let out: Encoded;
    const lazy = LazyLocation.fieldOf(v);
    const origin = lazy ? undefined : originForm(v, shared);
    if (origin) out = origin;
    else if (lazy) out = lazy.target === 'key' ? { $loc: [...lazy.path], $key: true } : { $loc: [...lazy.path] };
    else if (Array.isArray(v)) out = v.map(encode);
    else if (v instanceof Map) out = { $map: [...(v as Map<string, unknown>)].map(([k, x]) => [k, encode(x)]) };
    else {
      const entries: Record<string, Encoded> = {};
      let marked = false;
      for (const k of Object.keys(v)) {
        // JSON.parse gives `__proto__` back as an own key; an assignment here would set the prototype instead
        if (k === '__proto__') Object.defineProperty(entries, k, { value: encode((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
        else entries[k] = encode((v as Record<string, unknown>)[k]);
        marked ||= k.charCodeAt(0) === DOLLAR;
      }
      // A key of the user's (a header or query parameter name) could read as one of the markers: wrap such maps.
      out = marked ? { $object: entries } : entries;
    }
    if (!shared.has(v)) return out;
    ids.set(v, ids.size);
    return { $id: ids.size - 1, $value: out };
  };
  return values.map(encode);
}

/**
 * An Origin (`{ at, path }` made by DocumentContext.origin: a lazy location and its formatted path) as one string:
 * ORIGIN, `v` (its value) or `k` (its key), then the path (`"\u007fvspec.match[0].prefix"`): the path is written once,
 * and read back into segments only when the location's line is asked for; a string, so reading the cache makes no
 * object for it. Undefined for anything else, or when its location is shared (kept as such).
 */
function originForm(v: object, shared: ReadonlySet<object>): Encoded | undefined {
  const { at, path } = v as { at: unknown; path: unknown };
  // the cheap test first: most objects are not origins
  if (typeof path !== 'string' || at === null || typeof at !== 'object' || shared.has(at)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 2 || keys[0] !== 'at' || keys[1] !== 'path') return undefined;
  const lazy = LazyLocation.fieldOf(at);
  if (!lazy || formatPath(lazy.path) !== path || !samePath(parsePath(path), lazy.path)) return undefined;
  return `${String.fromCharCode(ORIGIN)}${lazy.target === 'key' ? 'k' : 'v'}${path}`;
}

/**
 * The first character of an encoded Origin: DEL, which JSON writes as it is (one byte, no escape) and no field of a
 * kfaas document starts with in practice (one that does is wrapped: `{ $s: text }`).
 */
const ORIGIN = 0x7f;

const DOLLAR = 0x24;
const KEY = 0x6b; // k

function samePath(a: FieldPath | undefined, b: FieldPath): boolean {
  return a !== undefined && a.length === b.length && a.every((s, i) => s === b[i]);
}

/** Makes the lazy location of a field of value `value` (its path as segments, or as formatPath wrote it). */
export type Locate = (value: number, path: FieldPath | string, target: Target) => SourceLocation;

/** Makes the Origin of a field of value `value` (its formatted path). */
export type MakeOrigin = (value: number, path: string, target: Target) => Origin;

/**
 * Decodes what {@link encodeValues} made, in place: the objects and arrays of `data` (fresh from JSON.parse, owned by
 * the caller from then on) become the values, so decoding makes only the locations and origins. `locate(i, path,
 * target)` makes the lazy location of a field of value i (`path` as segments, or as formatPath wrote it).
 */
export function decodeValues(
  data: Encoded,
  locate: Locate,
  /** The origin paths decoded so far, shared by the files of one load. @default - a fresh one */
  paths: DecodedPaths = new DecodedPaths(),
  /** Makes an origin (e.g. a LazyOrigin, whose location is made when read). @default - `{ at: locate(...), path }` */
  origin?: MakeOrigin,
): unknown[] {
  const values = data as unknown[];
  const decoder = new Decoder(locate, origin, paths.pathOf);
  for (let i = 0; i < values.length; i++) values[i] = decoder.value(values[i] as Encoded, i);
  return values;
}

/**
 * The formatted paths of encoded origins, each decoded once: the same few dozen paths recur in every document of a
 * project, one string each instead of one per origin (and the encoded strings die young).
 */
export class DecodedPaths {
  private readonly paths = new Map<string, string>();

  /** The path of an encoded origin (ORIGIN, `v` or `k`, the path). */
  public readonly pathOf = (encoded: string): string => {
    let path = this.paths.get(encoded);
    if (path === undefined) {
      path = encoded.slice(2);
      this.paths.set(encoded, path);
    }
    return path;
  };
}

/**
 * One decoding (of a file's values): methods, not closures made per file, since every cached document of a project
 * is decoded on every run. Loops, not Object.entries/fromEntries. A marker is told apart by its first key (an encoded
 * object's own keys never start with `$`: such maps are wrapped in $object), read by for-in, which walks a JSON
 * object's keys from its shape without making an array of them.
 */
class Decoder {
  /** Shared values by id: few files have any. */
  private byId?: Map<number, unknown>;

  public constructor(
    private readonly locate: Locate,
    private readonly origin: MakeOrigin | undefined,
    private readonly pathOf: (encoded: string) => string,
  ) {}

  public value(v: Encoded, doc: number): unknown {
    if (typeof v === 'string') {
      if (v.charCodeAt(0) !== ORIGIN) return v;
      const path = this.pathOf(v);
      const target = v.charCodeAt(1) === KEY ? 'key' : 'value';
      return this.origin !== undefined ? this.origin(doc, path, target) : { at: this.locate(doc, path, target), path };
    }
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = this.value(v[i], doc) as Encoded;
      return v;
    }
    for (const key in v) {
      if (key.charCodeAt(0) === DOLLAR) return this.marker(v as Record<string, Encoded | undefined>, key, doc);
      break;
    }
    return this.entries(v as Record<string, unknown>, doc);
  }

  private marker(marked: Record<string, Encoded | undefined>, key: string, doc: number): unknown {
    switch (key) {
      case '$s':
        return marked.$s;
      case '$loc':
        return this.locate(doc, marked.$loc as FieldPath, marked.$key === true ? 'key' : 'value');
      case '$ref':
        return this.byId?.get(marked.$ref as number);
      case '$id': {
        const value = this.value(marked.$value as Encoded, doc);
        (this.byId ??= new Map()).set(marked.$id as number, value);
        return value;
      }
      case '$object':
        return this.entries(marked.$object as Record<string, unknown>, doc);
      case '$map':
        return new Map((marked.$map as [string, Encoded][]).map(([k, x]) => [k, this.value(x, doc)]));
      default:
        throw new Error(`document cache: unknown marker ${key}`);
    }
  }

  /** Decodes the values of a map's entries in place. */
  private entries(map: Record<string, unknown>, doc: number): unknown {
    for (const key in map) {
      const item = map[key];
      if (item === null || (typeof item !== 'object' && typeof item !== 'string')) continue;
      const value = this.value(item as Encoded, doc);
      if (value === item) continue;
      // JSON.parse made `__proto__` an own property; an assignment would set the prototype instead
      if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
      else map[key] = value;
    }
    return map;
  }
}
