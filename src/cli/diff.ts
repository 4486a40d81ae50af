import { resolve } from 'path';
import { diffRenderedTrees, TreeDiffReport } from '../diff/diff-trees';
import { formatMarkdownReport } from '../diff/format-markdown';
import { formatTextReport } from '../diff/format-text';
import { YamlCache } from '../diff/rendered-tree';
import { GitInputError, readCommittedTree } from '../git/committed-tree';
import { runPipeline } from '../pipeline';
import { parseCommandArgs } from './args';
import { CliIo, EXIT_OK, EXIT_USER, printDiagnostics, UsageError } from './io';
import { projectRootOf } from './project-root';

/** Output formats of `kfaas diff` and `kfaas upgrade-plan`. */
const REPORT_FORMATS = ['text', 'markdown', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * `kfaas diff --base <git ref> [--format text|markdown|json] [--root .] [--out dist]`: what a change does to the
 * deployed output. Base: the output folder as committed at the ref (read with git, the working tree untouched).
 * Head: the in-memory render of the working tree (nothing is written). Prints guards, per folder the route
 * changes field by field, gateway bindings, object changes and the routing impact. Exit 0 whatever changed;
 * 2 for a bad ref, a folder outside git, or invalid routes (their diagnostics).
 */
export function diffCommand(argv: readonly string[], io: CliIo): number {
  const { values } = parseCommandArgs(
    'diff',
    argv,
    { base: { type: 'string' }, format: { type: 'string' }, root: { type: 'string' }, out: { type: 'string' } },
    false,
  );
  const ref = values.base as string | undefined;
  if (!ref) throw new UsageError('diff: --base <git ref> is required (e.g. --base origin/main)');
  const format = parseFormat('diff', values.format);
  const root = projectRootOf(io.cwd, values.root as string | undefined);
  const outDir = resolve(io.cwd, (values.out as string | undefined) ?? resolve(root, 'dist'));

  let base;
  try {
    base = readCommittedTree(outDir, ref);
  } catch (e) {
    if (e instanceof GitInputError) throw new UsageError(`diff: ${e.message}`);
    throw e;
  }
  const result = runPipeline({ root, outDir, write: false, keepObjects: true });
  if (printDiagnostics(io, result.diagnostics) > 0) return EXIT_USER;
  // The render's own objects stand for their files: the head is never parsed, nor any base file equal to it.
  const cache = new YamlCache();
  for (const [path, object] of result.objects!) cache.seed(result.tree!.get(path)!, [object]);
  const report = diffRenderedTrees(base.files, result.tree!, { cache });
  const title = `kfaas diff: ${base.folder || '.'}/ at ${ref} (${base.commit.slice(0, 12)}) -> working tree`;
  io.stdout(formatReport(report, format, title, { base: ref, commit: base.commit, folder: base.folder }));
  return EXIT_OK;
}

export function parseFormat(command: string, value: string | boolean | undefined): ReportFormat {
  const format = (value as string | undefined) ?? 'text';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`${command}: --format must be one of ${REPORT_FORMATS.join(', ')}, got '${format}'`);
  }
  return format as ReportFormat;
}

/** The report in the chosen format; `meta` heads the JSON document. */
export function formatReport(report: TreeDiffReport, format: ReportFormat, title: string, meta: Record<string, unknown>): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ ...meta, ...report }, null, 2) + '\n';
    case 'markdown':
      return formatMarkdownReport(report, { title });
    case 'text':
      return formatTextReport(report, { title });
  }
}
