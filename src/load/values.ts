/** A YAML mapping as plain data. */
export type Mapping = Readonly<Record<string, unknown>>;

/** True for a mapping (not a list, not null). */
export function isMapping(v: unknown): v is Mapping {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** True when `m` has its own field `key` (even if the value is null). */
export function has(m: Mapping, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key);
}

/** The field if it is a string. */
export function str(m: Mapping, key: string): string | undefined {
  const v = has(m, key) ? m[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** The field if it is a mapping. */
export function mapping(m: Mapping, key: string): Mapping | undefined {
  const v = has(m, key) ? m[key] : undefined;
  return isMapping(v) ? v : undefined;
}

/** The field if it is a list. */
export function list(m: Mapping, key: string): readonly unknown[] | undefined {
  const v = has(m, key) ? m[key] : undefined;
  return Array.isArray(v) ? v : undefined;
}

/** How a value reads in a message: `a number (1.5)`, `a string ("x")`, `a list`, `an empty value`. */
export function describeValue(v: unknown, source?: string): string {
  if (v === null || v === undefined) return 'an empty value';
  if (typeof v === 'string') return `a string (${JSON.stringify(v)})`;
  if (typeof v === 'number') return `a number (${source ?? String(v)})`;
  if (typeof v === 'boolean') return `a boolean (${source ?? String(v)})`;
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}

/** Quotes a value for a message: strings in double quotes, everything else as written. */
export function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** `a`, `a or b`, `a, b or c`. */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
