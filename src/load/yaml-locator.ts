import type { Document, Node, Pair } from 'yaml';
import { SourceLocation } from '../diagnostics/diagnostic';
import { FieldPath } from './field-path';
import { YamlSource, yamlPackage } from './parse-yaml';

/** What to point at: the field's key (`timeout:`) or its value (`10s`). */
export type Target = 'key' | 'value';

/** Finds where a field of one document was written. */
export interface Locator {
  /**
   * Position of the field at `path`. A scalar value is pointed at itself; a list or mapping at its key (the
   * line that names it); a missing field at the nearest enclosing field that exists.
   */
  location(path: FieldPath, target?: Target): SourceLocation;
  /** The scalar at `path` as written in the file (e.g. `1.50`), when it is a scalar. */
  sourceText(path: FieldPath): string | undefined;
}

interface Found {
  readonly node: Node | null;
  readonly key?: Node;
}

/** Locates fields of document `index` of a file by walking its syntax tree (parsed on first use). */
export class YamlLocator implements Locator {
  public constructor(
    private readonly source: YamlSource,
    private readonly index: number,
  ) {}

  public location(path: FieldPath, target: Target = 'value'): SourceLocation {
    const doc = this.source.documents[this.index];
    if (!doc) return { file: this.source.file.path, line: 1, col: 1 };
    const { isCollection, isScalar } = yamlPackage();
    const found = this.find(doc, path);
    const keyStart = found.key?.range?.[0];
    const node = found.node;
    const nodeStart = node?.range?.[0];
    const range = node?.range;
    const emptyValue = node === null || (isScalar(node) && !!range && range[0] === range[1]);
    let offset: number | undefined;
    if (target === 'key' || emptyValue || isCollection(node)) offset = keyStart ?? nodeStart;
    else offset = nodeStart ?? keyStart;
    return this.source.location(offset ?? 0);
  }

  public sourceText(path: FieldPath): string | undefined {
    const doc = this.source.documents[this.index];
    if (!doc) return undefined;
    const { node } = this.find(doc, path);
    if (!yamlPackage().isScalar(node) || !node.range) return undefined;
    return this.source.file.text.slice(node.range[0], node.range[1]);
  }

  /** The deepest node along `path` (the whole path when it exists). */
  private find(doc: Document.Parsed, path: FieldPath): Found {
    const { isAlias, isMap, isScalar, isSeq } = yamlPackage();
    let node: Node | null = doc.contents;
    let key: Node | undefined;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(doc) ?? null;
      if (isMap(node)) {
        const pair = node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        key = pair.key as Node;
        node = (pair.value as Node | null) ?? null;
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        node = node.items[segment] as Node;
        key = undefined;
      } else {
        break;
      }
    }
    if (isAlias(node)) node = node.resolve(doc) ?? node;
    return { node, key };
  }
}
