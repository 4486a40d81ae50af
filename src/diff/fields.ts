/**
 * Field-level comparison of plain JSON values (parsed YAML objects): flattened to `a.b[2].c` leaf paths, so a
 * change reads `timeout 10s -> 30s` or `route[1].weight 10 -> 20`. A list of scalars is one field compared item
 * by item (`spec.gateways +knative-serving/knative-local-gateway`): its items have no identity of their own. A
 * string holding JSON (a ConfigMap's `forwarding-table.json`) is compared as the value it holds, and a
 * multi-line string line by line, so a one-line edit in a big embedded document reads as that line.
 */

/** One changed leaf. `before` absent: added; `after` absent: removed. */
export interface FieldChange {
  /** Field path inside the compared value, e.g. `retries.attempts`. */
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
}

/** A leaf's printed value, or the printed items of a list of scalars (or the lines of a multi-line string). */
export type FieldValue = string | readonly string[];

/** Leaf path to its value, in document order. Empty maps and lists are leaves too (`{}`, `[]`). */
export function flattenFields(value: unknown, prefix = ''): Map<string, FieldValue> {
  const out = new Map<string, FieldValue>();
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      if (v.length > 0 && v.every(isScalar)) out.set(path, v.map(formatScalar));
      else if (v.length === 0) out.set(path, '[]');
      else v.forEach((item, i) => walk(item, `${path}[${i}]`));
      return;
    }
    if (isMapping(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0) out.set(path, '{}');
      for (const k of keys) walk(v[k], path === '' ? k : `${path}.${k}`);
      return;
    }
    if (typeof v === 'string') {
      const embedded = parseEmbeddedJson(v);
      if (embedded !== undefined) return walk(embedded, path);
      if (v.includes('\n')) return void out.set(path, v.replace(/\n$/, '').split('\n').map((line) => JSON.stringify(line)));
    }
    out.set(path, formatScalar(v));
  };
  walk(value, prefix);
  return out;
}

/** Leaves that differ between two flattened values, in the order of `before` then the new ones of `after`. */
export function compareFields(before: ReadonlyMap<string, FieldValue>, after: ReadonlyMap<string, FieldValue>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [path, b] of before) {
    const a = after.get(path);
    if (a === undefined) changes.push({ path, before: formatFieldValue(b) });
    else changes.push(...compareValues(path, b, a));
  }
  for (const [path, a] of after) if (!before.has(path)) changes.push({ path, after: formatFieldValue(a) });
  return changes;
}

function compareValues(path: string, b: FieldValue, a: FieldValue): FieldChange[] {
  if (typeof b === 'string' || typeof a === 'string') {
    const fb = formatFieldValue(b);
    const fa = formatFieldValue(a);
    return fb === fa ? [] : [{ path, before: fb, after: fa }];
  }
  const inA = new Set(a);
  const inB = new Set(b);
  const removed = b.filter((x) => !inA.has(x)).map((x) => ({ path, before: x }));
  const added = a.filter((x) => !inB.has(x)).map((x) => ({ path, after: x }));
  if (removed.length + added.length > 0) return [...removed, ...added];
  return b.join('\n') === a.join('\n') ? [] : [{ path, before: formatFieldValue(b), after: formatFieldValue(a) }];
}

/** `[a, b]` for a list, the value itself otherwise. */
export function formatFieldValue(v: FieldValue): string {
  return typeof v === 'string' ? v : `[${v.join(', ')}]`;
}

/** Structural equality of plain JSON values (key order ignored); identical references short-cut. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** JSON with keys sorted at every level: equal for structurally equal values, whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isMapping(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `path before -> after`, `path +after`, `path -before`. */
export function formatFieldChange(c: FieldChange): string {
  if (c.before === undefined) return `${c.path} +${c.after}`;
  if (c.after === undefined) return `${c.path} -${c.before}`;
  return `${c.path} ${c.before} -> ${c.after}`;
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

/** A JSON object or array written as a string; undefined for anything else. */
function parseEmbeddedJson(s: string): unknown {
  const t = s.trim();
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']'))) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

function formatScalar(v: unknown): string {
  if (typeof v === 'string') return /^[\w./:@*+-][\w./:@*+ -]*$/.test(v) && v.trim() === v ? v : JSON.stringify(v);
  if (v === null) return 'null';
  return String(v);
}
