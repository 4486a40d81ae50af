import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { runPipeline } from '../../src/pipeline';

/** Writes `files` (path relative to the project root -> text) into a fresh folder. */
export function writeProject(root: string, files: Readonly<Record<string, string>>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** The real render (load, compile, render; nothing written) of a project given as files. */
export function renderFiles(files: Readonly<Record<string, string>>): Map<string, string> {
  const root = mkdtempSync(join(tmpdir(), 'kfaas-diff-render-'));
  try {
    writeProject(root, files);
    const result = runPipeline({ root, write: false });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0 || !result.tree) throw new Error(errors.map(formatDiagnostic).join('\n'));
    return result.tree;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function cluster(name: string, opts: { istio?: string; knative?: string; layout?: string; envs?: readonly string[] } = {}): string {
  const envs = (opts.envs ?? ['alpha']).map((e) => `    - name: ${e}`).join('\n');
  return [
    'apiVersion: kfaas/v1',
    'kind: Cluster',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  istio: "${opts.istio ?? '1.22.6'}"`,
    `  knative: "${opts.knative ?? '1.14.1'}"`,
    ...(opts.layout ? [`  layout: ${opts.layout}`] : []),
    '  environments:',
    envs,
    '',
  ].join('\n');
}

/** A Route document; `spec` lines are written under `spec:` as given (two-space indented already). */
export function route(name: string, spec: readonly string[]): string {
  return ['apiVersion: kfaas/v1', 'kind: Route', 'metadata:', `  name: ${name}`, 'spec:', ...spec, ''].join('\n');
}
