import { compileProject, CompileOptions, CompileResult } from '../../src/compile/compile-project';
import { HttpRouteTable } from '../../src/compile/route-table';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { Project } from '../../src/model/project';

/** A simple, deterministic size estimate: the JSON of the route without origins. */
export function jsonSizeOf(http: HttpRouteTable): number {
  return JSON.stringify({ ...http, origin: undefined, matches: http.matches.map((m) => ({ [m.kind]: m.value })) }).length;
}

/** Every http route is `bytes` bytes. */
export function fixedSizeOf(bytes: number): CompileOptions['sizeOf'] {
  return () => bytes;
}

export function compile(project: Project, options: Partial<CompileOptions> = {}): CompileResult {
  return compileProject(project, { sizeOf: jsonSizeOf, ...options });
}

/** Diagnostics as `file:line:col path: message` lines. */
export function lines(result: CompileResult): string[] {
  return result.diagnostics.map(formatDiagnostic);
}

/** Codes of the diagnostics, sorted. */
export function codes(result: CompileResult): string[] {
  return result.diagnostics.map((d) => d.code).sort();
}

/** Match values of every http route of a table's VirtualServices, per VirtualService: `name: kind value, ...`. */
export function layout(result: CompileResult, cluster?: string, environment?: string): Record<string, string[]> {
  const table = result.tables.find((t) => (cluster === undefined || t.cluster === cluster) && (environment === undefined || t.environment === environment));
  if (!table) throw new Error('no such table');
  return Object.fromEntries(table.virtualServices.map((vs) => [
    vs.name,
    vs.http.map((h) => `${h.route}: ${h.matches.map((m) => `${m.kind} ${m.value}`).join(', ')}${h.action.type === 'delegate' ? ` -> ${h.action.name}` : ''}`),
  ]));
}
