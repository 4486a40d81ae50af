import { SourceLocation } from '../diagnostics/diagnostic';
import { FieldPath } from './field-path';
import type { Target } from './yaml-locator';

/**
 * Turns the model values of a file's documents into plain JSON data and back, so a cache can keep what loading
 * a file produced and a later run can skip parsing and checking it while its content is unchanged.
 *
 * Two things JSON alone would lose are kept:
 * - where values were written: a lazy location (line and column computed on first read, see DocumentContext)
 *   is stored as its field path and made lazy again on decoding, against the file's text, so a clean file is
 *   still never parsed with positions unless a diagnostic needs one;
 * - shared values: an object reached twice (an override sharing the base's match list) is stored once and
 *   comes back as one object.
 * Values may hold plain objects, arrays, strings, numbers, booleans and null only; anything else (a Map, a
 * class instance, a function, an eager getter, undefined) makes encoding give up (undefined): such a file is
 * simply loaded again next time.
 */

/** Field paths (and whether the key or the value is pointed at) of lazy locations, registered by DocumentContext. */
const LAZY_LOCATIONS = new WeakMap<object, { readonly path: FieldPath; readonly target: Target }>();

/** Registers `location` as computed lazily for the field at `path` (its key or value) of its document. */
export function registerLazyLocation(location: SourceLocation, path: FieldPath, target: Target = 'value'): void {
  LAZY_LOCATIONS.set(location, { path, target });
}

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
    if (LAZY_LOCATIONS.has(v)) return true;
    if (Array.isArray(v)) return v.every(scan);
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
    if (v === null || typeof v !== 'object') return v as Encoded;
    const id = ids.get(v);
    if (id !== undefined) return { $ref: id };
    let out: Encoded;
    const lazy = LAZY_LOCATIONS.get(v);
    if (lazy) out = lazy.target === 'key' ? { $loc: [...lazy.path], $key: true } : { $loc: [...lazy.path] };
    else if (Array.isArray(v)) out = { $array: v.map(encode) };
    else {
      const entries: Record<string, Encoded> = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
      // A key of the user's (a header or query parameter name) could read as one of the markers: wrap such maps.
      out = Object.keys(entries).some((k) => k.startsWith('$')) ? { $object: entries } : entries;
    }
    if (!shared.has(v)) return out;
    ids.set(v, ids.size);
    return { $id: ids.size - 1, $value: out };
  };
  return values.map(encode);
}

/**
 * Decodes what {@link encodeValues} made. `locate(documentIndex, path)` makes the lazy location of a field;
 * `documentIndexes[i]` is the document index of value i.
 */
export function decodeValues(
  data: Encoded, documentIndexes: readonly number[], locate: (documentIndex: number, path: FieldPath, target: Target) => SourceLocation,
): unknown[] {
  const byId = new Map<number, unknown>();
  const decode = (v: Encoded, doc: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) throw new Error('document cache: a bare array cannot occur');
    if ('$ref' in v) return byId.get(v.$ref as number);
    if ('$id' in v) {
      const value = decode(v.$value, doc);
      byId.set(v.$id as number, value);
      return value;
    }
    if ('$loc' in v) return locate(doc, v.$loc as FieldPath, v.$key === true ? 'key' : 'value');
    if ('$array' in v) return (v.$array as Encoded[]).map((x) => decode(x, doc));
    const entries = '$object' in v ? (v.$object as Record<string, Encoded>) : v;
    return Object.fromEntries(Object.entries(entries).map(([k, x]) => [k, decode(x, doc)]));
  };
  return (data as Encoded[]).map((v, i) => decode(v, documentIndexes[i]));
}
