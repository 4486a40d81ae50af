import { SourceLocation } from '../diagnostics/diagnostic';
import { FieldPath, parsePath } from './field-path';
import type { Locator, Target } from './yaml-locator';

/**
 * A SourceLocation whose line and column are computed on first read (then kept), so a clean file is parsed with
 * positions only if something (a later diagnostic) asks. It reads, spreads, serializes and compares like
 * `{ file, line, col }`: `file` is an own data property, `line` and `col` own enumerable accessors, and what it needs
 * to find them (the document's locator, the field path, key or value) is in private fields no caller sees.
 *
 * One object per location, its accessors shared by all of them: tens of thousands are made when a cached project is
 * decoded (document-codec.ts), and an object literal with its own getter closures cost five allocations each, all of
 * them kept for the whole run (a large part of the garbage collector's work).
 */
export class LazyLocation implements SourceLocation {
  /** The field path and target of `location` when it is a LazyLocation (what document-codec.ts keeps of it). */
  public static fieldOf(location: object): { readonly path: FieldPath; readonly target: Target } | undefined {
    return location instanceof LazyLocation ? { path: location.fieldPath(), target: location.#target } : undefined;
  }

  public readonly file: string;
  // Own accessors (LINE, COL), defined in the constructor: `declare` keeps TypeScript from defining data fields.
  public declare readonly line: number;
  public declare readonly col: number;
  readonly #locator: Locator;
  /** The field path, or its formatted text (document-codec.ts `$o`), read into segments on first use. */
  #path: FieldPath | string;
  readonly #target: Target;
  #found?: SourceLocation;

  /** `path`: the field's path, or that path as formatPath wrote it (parsed only when the location is read). */
  public constructor(file: string, locator: Locator, path: FieldPath | string, target: Target) {
    this.file = file;
    this.#locator = locator;
    this.#path = path;
    this.#target = target;
    Object.defineProperty(this, 'line', LINE);
    Object.defineProperty(this, 'col', COL);
  }

  /** Line and column (computed once). */
  public resolve(): SourceLocation {
    return (this.#found ??= this.#locator.location(this.fieldPath(), this.#target));
  }

  private fieldPath(): FieldPath {
    if (typeof this.#path === 'string') this.#path = parsePath(this.#path) ?? [];
    return this.#path;
  }
}

const LINE: PropertyDescriptor = {
  get(this: LazyLocation): number {
    return this.resolve().line;
  },
  enumerable: true,
  configurable: true,
};
const COL: PropertyDescriptor = {
  get(this: LazyLocation): number {
    return this.resolve().col;
  },
  enumerable: true,
  configurable: true,
};
