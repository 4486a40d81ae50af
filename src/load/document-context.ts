import { Diagnostic, SourceLocation } from '../diagnostics/diagnostic';
import { Origin } from '../model/project';
import { FieldPath, formatPath } from './field-path';
import { LazyLocation } from './lazy-location';
import { LazyOrigin } from './lazy-origin';
import { SourceFile } from './read-tree';
import { Locator, Target } from './yaml-locator';

/**
 * Everything the checks of one document need: where it came from, how to point at its fields, and where its
 * diagnostics go. A document with any error is left out of the Project.
 */
export class DocumentContext {
  public readonly diagnostics: Diagnostic[] = [];

  public constructor(
    public readonly file: SourceFile,
    private readonly locator: Locator,
    /** Position of the document in its file (0-based, counting empty documents). @default 0 */
    public readonly documentIndex = 0,
  ) {}

  /** Reports an error at the field `path` (its value, or its key with `target: 'key'`). */
  public error(code: string, path: FieldPath, message: string, target: Target = 'value'): void {
    this.diagnostics.push({
      severity: 'error',
      code,
      location: this.locator.location(path, target),
      path: path.length > 0 ? formatPath(path) : undefined,
      message,
    });
  }

  /** Reports a warning at the field `path`: shown, never fails the run, never keeps the document out. */
  public warning(code: string, path: FieldPath, message: string, target: Target = 'value'): void {
    this.diagnostics.push({
      severity: 'warning',
      code,
      location: this.locator.location(path, target),
      path: path.length > 0 ? formatPath(path) : undefined,
      message,
    });
  }

  public location(path: FieldPath, target: Target = 'value'): SourceLocation {
    return this.locator.location(path, target);
  }

  /** `file:line:col` of a field, for messages that point at another place. */
  public where(path: FieldPath): string {
    const at = this.location(path);
    return `${at.file}:${at.line}:${at.col}`;
  }

  /** The scalar at `path` as written, e.g. `1.50` for a number. */
  public sourceText(path: FieldPath): string | undefined {
    return this.locator.sourceText(path);
  }

  /**
   * Where the value at `path` was written. `at.file` is known at once; `at.line` and `at.col` are computed on
   * first read, so a clean file is parsed with positions only if something (a later diagnostic) asks.
   */
  public origin(path: FieldPath, target: Target = 'value'): Origin {
    return { at: new LazyLocation(this.file.path, this.locator, path, target), path: formatPath(path) };
  }

  /**
   * Where the field at `path` (segments, or as formatPath wrote them) was written, its line and column computed on
   * first read (as in {@link origin}): for values decoded from a cache (document-codec.ts).
   */
  public lazyLocation(path: FieldPath | string, target: Target = 'value'): SourceLocation {
    return new LazyLocation(this.file.path, this.locator, path, target);
  }

  /**
   * The origin of the field at `path` (as formatPath wrote it), its location made on first read of `at`: for values
   * decoded from a cache (document-codec.ts), whose origins are mostly never read.
   */
  public lazyOrigin(path: string, target: Target = 'value'): Origin {
    return new LazyOrigin(this.file.path, this.locator, path, target);
  }

  public get failed(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}
