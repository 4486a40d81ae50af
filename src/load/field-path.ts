/** A field path inside a document, as segments: map keys are strings, list indexes are numbers. */
export type Segment = string | number;
export type FieldPath = readonly Segment[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Formats `['spec', 'match', 1, 'prefix']` as `spec.match[1].prefix`; odd keys are quoted: `labels["a.b/c"]`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (PLAIN_KEY.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/**
 * Turns an ajv `instancePath` (JSON pointer such as `/spec/match/1`) into segments, using the data to tell a
 * list index from a map key that happens to be numeric.
 */
export function pointerToPath(pointer: string, data: unknown): Segment[] {
  if (pointer === '') return [];
  const out: Segment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      out.push(index);
      node = node[index];
    } else {
      out.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

/**
 * The segments {@link formatPath} formatted: `spec.match[1].prefix` -> `['spec', 'match', 1, 'prefix']`;
 * undefined for a text formatPath never writes.
 */
export function parsePath(text: string): Segment[] | undefined {
  const out: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '[') {
      const number = /^\[(0|[1-9][0-9]*)\]/.exec(text.slice(i));
      if (number) {
        out.push(Number(number[1]));
        i += number[0].length;
        continue;
      }
      const quoted = /^\[("(?:[^"\\]|\\.)*")\]/.exec(text.slice(i));
      if (!quoted) return undefined;
      out.push(JSON.parse(quoted[1]) as string);
      i += quoted[0].length;
      continue;
    }
    if (out.length > 0) {
      if (text[i] !== '.') return undefined;
      i++;
    }
    const plain = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i));
    if (!plain) return undefined;
    out.push(plain[0]);
    i += plain[0].length;
  }
  return out;
}
