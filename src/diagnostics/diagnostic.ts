/**
 * Diagnostics: every user-facing problem kfaas finds, with where it is and what was expected.
 *
 * Stages never throw on bad user input; they add diagnostics to a bag and carry on, so the user sees every
 * problem at once. Only the CLI turns a non-empty bag into exit status 2.
 */

/** A position in a source file. `line` and `col` are 1-based, as editors show them. */
export interface SourceLocation {
  /** Path relative to the project root, with forward slashes, e.g. `routes/shop/cart.yaml`. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly col: number;
}

export type Severity = 'error' | 'warning';

/** One problem found in the user's input. */
export interface Diagnostic {
  readonly severity: Severity;
  /** Where the problem is; absent only for project-wide problems (e.g. "no clusters defined"). */
  readonly location?: SourceLocation;
  /** Field path inside the document, e.g. `spec.match[1].prefix`; absent for whole-file problems. */
  readonly path?: string;
  /** What is wrong and what form was expected. */
  readonly message: string;
  /** Stable machine-readable code, e.g. `unknown-field`, `route-shadowed`. */
  readonly code: string;
}

/** Formats a diagnostic as `file:line:col field.path: message` (the form editors and CI annotate). */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.col}` : 'kfaas';
  const field = d.path ? ` ${d.path}` : '';
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  return `${where}${field}: ${prefix}${d.message}`;
}

/** Orders diagnostics by file, line, column, path and message so output never depends on check order. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.location?.file ?? '';
  const fb = b.location?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.location?.line ?? 0;
  const lb = b.location?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.location?.col ?? 0;
  const cb = b.location?.col ?? 0;
  if (ca !== cb) return ca - cb;
  const pa = a.path ?? '';
  const pb = b.path ?? '';
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** Collects diagnostics from every stage. */
export class DiagnosticBag {
  private readonly items: Diagnostic[] = [];

  /** Adds an error. */
  public error(code: string, location: SourceLocation | undefined, path: string | undefined, message: string): void {
    this.items.push({ severity: 'error', code, location, path, message });
  }

  /** Adds a warning (reported, never fails the run). */
  public warning(code: string, location: SourceLocation | undefined, path: string | undefined, message: string): void {
    this.items.push({ severity: 'warning', code, location, path, message });
  }

  /** Adds an already built diagnostic. */
  public add(d: Diagnostic): void {
    this.items.push(d);
  }

  /** Adds every diagnostic of another bag. */
  public addAll(ds: readonly Diagnostic[]): void {
    for (const d of ds) this.items.push(d);
  }

  /** True when at least one error was collected. */
  public get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /** All diagnostics, sorted and de-duplicated. */
  public get all(): Diagnostic[] {
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const d of [...this.items].sort(compareDiagnostics)) {
      const key = `${d.severity}|${formatDiagnostic(d)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(d);
    }
    return out;
  }

  /** Only the errors, sorted. */
  public get errors(): Diagnostic[] {
    return this.all.filter((d) => d.severity === 'error');
  }
}

/** Bad command-line usage (exit 2): an unknown option, a missing argument, a malformed value. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Raised when user input is invalid; carries every diagnostic. Maps to exit status 2. */
export class UserError extends Error {
  public constructor(public readonly diagnostics: readonly Diagnostic[]) {
    super(
      `${diagnostics.filter((d) => d.severity === 'error').length} error(s): ` +
        diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('; '),
    );
    this.name = 'UserError';
  }
}
