import { existsSync, readFileSync } from 'fs';
import { dirname, join } from 'path';
import { Diagnostic, formatDiagnostic } from '../diagnostics/diagnostic';

/** Where a command writes; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Environment variables (KFAAS_DEBUG). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Folder relative paths are resolved from. */
  readonly cwd: string;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit statuses: 0 ok, 1 a bug in kfaas, 2 the user's input or command line is wrong. */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USER = 2;

export { UsageError } from '../diagnostics/diagnostic';

/**
 * Prints diagnostics to stderr, one `formatDiagnostic` line each, then `kfaas: N error(s)` (and warnings) when
 * there were any. Returns the number of errors.
 */
export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[]): number {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length === 0) return 0;
  io.stderr(diagnostics.map((d) => formatDiagnostic(d) + '\n').join(''));
  io.stderr(`kfaas: ${errors} error(s)${warnings > 0 ? `, ${warnings} warning(s)` : ''}\n`);
  return errors;
}

/** The version in kfaas's package.json (found upwards from this file: src/cli or lib/src/cli). */
export function kfaasVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kfaas' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
