import { Diagnostic, DiagnosticBag, Severity, SourceLocation } from '../diagnostics/diagnostic';
import { MatchKind, Origin } from '../model/project';

/**
 * Collects the compiler's diagnostics. The same problem found in many (cluster, environment) tables is reported
 * once, with the environments it occurs in appended (`(in environments alpha, beta)`), instead of once per table.
 */
export class Findings {
  private readonly byKey = new Map<string, { readonly d: Diagnostic; readonly scopes: Set<string> }>();

  /** Adds an error at `origin` (or project-wide when absent); `scope` is the environment it was found in. */
  public error(code: string, origin: Origin | undefined, message: string, scope?: string): void {
    this.errorAt(code, origin?.at, origin?.path, message, scope);
  }

  /** Adds a warning (reported; never fails the run). */
  public warning(code: string, origin: Origin | undefined, message: string, scope?: string): void {
    this.add('warning', code, origin?.at, origin?.path, message, scope);
  }

  /** Adds an error at an explicit location and field path. */
  public errorAt(code: string, location: SourceLocation | undefined, path: string | undefined, message: string, scope?: string): void {
    this.add('error', code, location, path, message, scope);
  }

  /** Adds a warning (reported, never fails the run) at an explicit location and field path. */
  public warningAt(code: string, location: SourceLocation | undefined, path: string | undefined, message: string, scope?: string): void {
    this.add('warning', code, location, path, message, scope);
  }

  private add(severity: Severity, code: string, location: SourceLocation | undefined, path: string | undefined, message: string, scope?: string): void {
    const key = [severity, code, location?.file, location?.line, location?.col, path, message].join('\u0000');
    let item = this.byKey.get(key);
    if (!item) {
      item = { d: { severity, code, location, path, message }, scopes: new Set() };
      this.byKey.set(key, item);
    }
    if (scope !== undefined) item.scopes.add(scope);
  }

  /**
   * What was found, as plain data: each diagnostic (without the environments suffix) with the environments it
   * was found in. A cache keeps one table's records; {@link addRecords} merges them as if found here.
   */
  public get records(): FindingRecord[] {
    return [...this.byKey.values()].map(({ d, scopes }) => ({ diagnostic: d, scopes: [...scopes].sort() }));
  }

  /** Adds records of another Findings (see {@link records}): same result as finding them here. */
  public addRecords(records: readonly FindingRecord[]): void {
    for (const { diagnostic: d, scopes } of records) {
      if (scopes.length === 0) this.add(d.severity, d.code, d.location, d.path, d.message);
      for (const scope of scopes) this.add(d.severity, d.code, d.location, d.path, d.message, scope);
    }
  }

  /** Every diagnostic, sorted and de-duplicated. */
  public get diagnostics(): Diagnostic[] {
    const bag = new DiagnosticBag();
    for (const { d, scopes } of this.byKey.values()) {
      const envs = [...scopes].sort();
      const suffix = envs.length === 0 ? '' : ` (in environment${envs.length > 1 ? 's' : ''} ${envs.join(', ')})`;
      bag.add({ ...d, message: d.message + suffix });
    }
    return bag.all;
  }
}

/** One diagnostic of a {@link Findings} with the environments it was found in (sorted; empty: project-wide). */
export interface FindingRecord {
  readonly diagnostic: Diagnostic;
  readonly scopes: readonly string[];
}

/** `file:line:col` of an origin, for messages that point at another place. */
export function where(origin: Origin): string {
  return `${origin.at.file}:${origin.at.line}:${origin.at.col}`;
}

/** `prefix "/faas/api/shop/"`. */
export function describeMatch(m: { readonly kind: MatchKind; readonly value: string }): string {
  return `${m.kind} ${JSON.stringify(m.value)}`;
}
