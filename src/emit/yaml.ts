import { GENERATED_MARK } from '../model/defaults';
import { toYaml } from '../util/yaml-text';
import { BlockYaml } from './block-yaml';

/** First line of every file kfaas writes. */
export const GENERATED_HEADER = `${GENERATED_MARK} from routes/ and clusters/. Do not edit.\n`;

export { toYaml };

/**
 * Drops undefined, null, empty maps and empty arrays, recursively (Argo CD shows them as perpetual diffs).
 * Returns undefined when nothing is left. Keeps key order. Copy-on-write: a value that needs no pruning is
 * returned as is (no allocation), which keeps this cheap on the already canonical route lists; a value marked
 * {@link rememberPruned} is returned at once, unvisited.
 */
export function pruneEmpty(value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') return value;
  return PRUNED.has(value) ? value : pruneObject(value);
}

/** Values pruneEmpty returns as they are, checked once (see rememberPruned). */
const PRUNED = new WeakSet<object>();

/**
 * When pruneEmpty leaves `value` as it is, lets it return `value` unvisited from then on: for values that never
 * change and are pruned many times (an HTTP route entry is rendered once per cluster hosting its environment).
 * Returns `value`.
 */
export function rememberPruned<T extends object>(value: T): T {
  if (pruneObject(value) === value) PRUNED.add(value);
  return value;
}

function pruneObject(value: object): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const v = pruneEmpty(item);
      if (v !== item && !out) out = value.slice(0, i);
      if (out && v !== undefined) out.push(v);
    }
    const result = out ?? value;
    return result.length > 0 ? result : undefined;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const item = obj[keys[i]];
    const v = pruneEmpty(item);
    if (v !== item && !out) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]] = obj[keys[j]];
    }
    if (out && v !== undefined) out[keys[i]] = v;
  }
  // Unchanged: its own keys (no second array for the object every canonical value is).
  return (out ? Object.keys(out).length : keys.length) > 0 ? out ?? obj : undefined;
}

/**
 * `toYaml(value)` as a whole document, written directly by `block` when block-yaml.ts can (its bytes are js-yaml's),
 * else by js-yaml: js-yaml decides each scalar's style from scratch, the most of writing plain objects.
 */
export function documentYaml(value: unknown, block: BlockYaml = new BlockYaml('')): string {
  return block.document(value) ?? toYaml(value);
}

/** Extra indentation of a `spec.http` item (`spec:` → `  http:` → `    - name:`) over a top-level `- name:`. */
const HTTP_ITEM_INDENT = '    ';

/**
 * Serializes objects exactly as `toYaml` does, but writes each `spec.http` item object only once.
 *
 * Why: YAML is most of a render's time (58 MB for 126k routes), and the same route entry object recurs in every
 * cluster that hosts the environment (same authority, same local gateway). js-yaml renders a block-sequence item
 * identically at any depth apart from the indentation of its lines (lineWidth -1 means nothing depends on the
 * column), so `dump(obj)` equals the dump of `obj` without `http` followed by `  http:` and each item's
 * top-level dump indented by four spaces. Items are written at that depth directly (block-yaml.ts), or by js-yaml
 * and indented; the one depth-dependent exception, empty lines inside a literal block (js-yaml does not indent
 * them), makes the writer fall back to a plain `dump(obj)`. Tests check byte equality against `toYaml` over
 * generated values.
 */
export class YamlWriter {
  /**
   * Items met before as the same object (route JSON shared by the tables of an environment's clusters). A Map, not a
   * WeakMap: a writer lives for one render, whose tables hold the items anyway, and weak tables cost the collector.
   */
  private readonly seen = new Map<object, string | null>();
  /** Writes the plain items directly at their depth (block-yaml.ts); js-yaml writes the others. */
  private readonly block = new BlockYaml(HTTP_ITEM_INDENT);
  /** Writes whole objects (and a VirtualService's part before its items) the same way when it can. */
  private readonly whole = new BlockYaml('');

  /**
   * `header` followed by the same bytes as `toYaml(obj)`, as one flat string (a file's text is copied whole
   * when it is hashed and written: one allocation, not a concatenation flattened later).
   */
  public write(obj: Record<string, unknown>, header = ''): string {
    const keys = Object.keys(obj);
    const spec = obj.spec as Record<string, unknown> | undefined;
    if (keys[keys.length - 1] !== 'spec' || spec === null || typeof spec !== 'object' || Array.isArray(spec)) return header + this.dump(obj);
    const specKeys = Object.keys(spec);
    const http = spec.http;
    if (specKeys[specKeys.length - 1] !== 'http' || !Array.isArray(http) || http.length === 0) return header + this.dump(obj);

    const parts: string[] = [header, '', '  http:\n'];
    for (const item of http) {
      const text = this.item(item);
      if (text === null) return header + this.dump(obj);
      parts.push(text);
    }
    const head: Record<string, unknown> = {};
    for (const k of keys) if (k !== 'spec') head[k] = obj[k];
    const rest: Record<string, unknown> = {};
    for (const k of specKeys) if (k !== 'http') rest[k] = spec[k];
    parts[1] = specKeys.length > 1 ? this.dump({ ...head, spec: rest }) : (keys.length > 1 ? this.dump(head) : '') + 'spec:\n';
    return parts.join('');
  }

  /** `toYaml(value)`, written directly when block-yaml.ts can (a ConfigMap's text files as literal blocks). */
  private dump(value: unknown): string {
    return documentYaml(value, this.whole);
  }

  /**
   * The item's lines as they appear under `spec.http`, or null when it cannot be spliced: written once per object
   * (route entries are shared objects, see the class comment).
   */
  private item(item: unknown): string | null {
    const object = item !== null && typeof item === 'object' ? item : undefined;
    const seen = object && this.seen.get(object);
    if (seen !== undefined) return seen;
    let text = this.block.sequenceItem(item) ?? null;
    if (text === null) {
      const top = toYaml([item]);
      text = top.includes('\n\n') ? null : HTTP_ITEM_INDENT + top.slice(0, -1).split('\n').join('\n' + HTTP_ITEM_INDENT) + '\n';
    }
    if (object) this.seen.set(object, text);
    return text;
  }
}
