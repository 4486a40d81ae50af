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

/**
 * The process's own streams. A stream whose reader went away (`kfaas explain ... | head -1`: EPIPE) takes no more
 * output and the command runs on to its own end and exit status, as without the pipe: what it writes to files (dist/,
 * the cache) does not depend on who reads its report, and a closed pipe is not a bug to print a stack trace for.
 */
export function processIo(): CliIo {
  return {
    stdout: writerTo(process.stdout),
    stderr: writerTo(process.stderr),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Streams whose reader closed (EPIPE): written no more. */
const closedStreams = new WeakSet<NodeJS.WriteStream>();

/** Writes to `stream` until its reader closes it; any other stream error is thrown as before. */
function writerTo(stream: NodeJS.WriteStream): (text: string) => void {
  if (stream.listenerCount('error') === 0) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      closedStreams.add(stream);
    });
  }
  return (text) => {
    if (!closedStreams.has(stream) && !stream.destroyed) stream.write(text);
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
  io.stderr(diagnosticsSummary(errors, warnings));
  return errors;
}

/** The line closing a run's diagnostics: `kfaas: 0 error(s), 2 warning(s)`. */
export function diagnosticsSummary(errors: number, warnings: number): string {
  return `kfaas: ${errors} error(s)${warnings > 0 ? `, ${warnings} warning(s)` : ''}\n`;
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
