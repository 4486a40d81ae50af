import { rmSync } from 'fs';
import { loadAll } from 'js-yaml';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { PipelineResult, runPipeline } from '../../src/pipeline';
import { writeProject } from '../load/project-files';

/**
 * Throw-away projects for one test file: call at the top level of the file; the returned function writes a project
 * (`relative path -> text`) to a temp folder and returns its root. Every folder is removed after the file's tests.
 */
export function useTempProjects(): (files: Readonly<Record<string, string>>) => string {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
  return (files) => {
    const root = writeProject(files);
    roots.push(root);
    return root;
  };
}

/** A project rendered in memory (nothing written), as `kfaas validate` would run it. */
export function renderInMemory(root: string): PipelineResult {
  return runPipeline({ root, write: false });
}

/** The objects of the rendered files under `folder` (`<cluster>/<env>`), kustomization excluded, in path order. */
export function objectsUnder(result: Pick<PipelineResult, 'tree'>, folder: string): any[] {
  return [...(result.tree ?? [])]
    .filter(([p]) => p.startsWith(`${folder}/`) && !p.endsWith('kustomization.yaml'))
    .flatMap(([, text]) => loadAll(text) as any[]);
}

/** The errors of a run, formatted as the CLI prints them. */
export function errorsOf(result: Pick<PipelineResult, 'diagnostics'>): string[] {
  return result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}
