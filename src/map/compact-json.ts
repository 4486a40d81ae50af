/**
 * A compact form for many JSON values of few shapes (the route map's per-environment data: thousands of Istio
 * routes that differ in a few strings): each value becomes a record `[shape, ...scalars]`, where the shape is
 * the value with its strings and numbers taken out (written once per distinct shape) and every string is an
 * index into one table of distinct strings. A route's name, path and authority are then written once however
 * many objects repeat them, and a destination, retry policy or timeout shared by thousands of routes costs a
 * few digits per route. `CompactReader.read` restores the value (equal to the original under JSON), so a
 * page can keep records as they are and restore only the ones it shows.
 */

/** A shape: `0` where a string was, `1` where a number was; booleans and null stay; objects and arrays recurse. */
export type Shape = 0 | 1 | boolean | null | readonly Shape[] | { readonly [key: string]: Shape };

/** A value as one record: the shape's index, then its strings (as table indexes) and numbers in document order. */
export type CompactRecord = readonly number[];

/** Shapes and strings shared by every record of one data file. */
export interface CompactTables {
  readonly shapes: readonly Shape[];
  readonly strings: readonly string[];
}

const STRING = 0;
const NUMBER = 1;

/** Collects records, sharing one shape and string table between all of them. */
export class CompactWriter {
  private readonly shapes: Shape[] = [];
  private readonly shapeIds = new Map<string, number>();
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();

  /** The record of a JSON value (`undefined` members are left out, as `JSON.stringify` does). */
  public record(value: unknown): CompactRecord {
    const record: number[] = [0];
    // The shape is found by its JSON text, written while the scalars are collected; the shape itself is built
    // (parsed from that text) only the first time it is seen: most records repeat a shape seen before.
    const key = this.shapeText(value, record);
    let id = this.shapeIds.get(key);
    if (id === undefined) {
      id = this.shapes.push(JSON.parse(key) as Shape) - 1;
      this.shapeIds.set(key, id);
    }
    record[0] = id;
    return record;
  }

  /** The index of a string in the table (for data that keeps strings outside records). */
  public string(text: string): number {
    let id = this.stringIds.get(text);
    if (id === undefined) {
      id = this.strings.push(text) - 1;
      this.stringIds.set(text, id);
    }
    return id;
  }

  public tables(): CompactTables {
    return { shapes: this.shapes, strings: this.strings };
  }

  /** `JSON.stringify` of the value's shape; its scalars are appended to `scalars` in document order. */
  private shapeText(value: unknown, scalars: number[]): string {
    if (typeof value === 'string') {
      scalars.push(this.string(value));
      return '0';
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Error(`compact-json: ${value} is not JSON`);
      scalars.push(value);
      return '1';
    }
    if (value === true) return 'true';
    if (value === false) return 'false';
    if (value === null) return 'null';
    if (Array.isArray(value)) {
      let text = '[';
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        text += (i > 0 ? ',' : '') + this.shapeText(item === undefined ? null : item, scalars);
      }
      return text + ']';
    }
    if (typeof value === 'object') {
      let text = '{';
      for (const k in value) {
        if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        text += (text.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + this.shapeText(v, scalars);
      }
      return text + '}';
    }
    throw new Error(`compact-json: a ${typeof value} is not JSON`);
  }
}

/** Restores records written by {@link CompactWriter}. */
export class CompactReader {
  public constructor(private readonly tables: CompactTables) {}

  public read(record: CompactRecord): unknown {
    let at = 1;
    const { strings } = this.tables;
    const build = (shape: Shape): unknown => {
      if (shape === STRING) return strings[record[at++]];
      if (shape === NUMBER) return record[at++];
      if (typeof shape === 'boolean' || shape === null) return shape;
      if (Array.isArray(shape)) return shape.map(build);
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(shape)) out[k] = build((shape as Record<string, Shape>)[k]);
      return out;
    };
    const shape = this.tables.shapes[record[0]];
    if (shape === undefined) throw new Error(`compact-json: no shape ${record[0]}`);
    return build(shape);
  }

  public string(id: number): string {
    return this.tables.strings[id];
  }
}
