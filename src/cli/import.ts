import { readFileSync } from 'fs';
import { formatImportReport } from '../import/report';
import { runImport } from '../import/run-import';
import { parseTeamRule } from '../import/team-rule';
import { parseCommandArgs } from './args';
import { CliIo, EXIT_OK, EXIT_USER, printDiagnostics, UsageError } from './io';
import { projectRootOf } from './project-root';

/**
 * `kfaas import --cluster C --env E [--team-from RULE] [--lossy] [--istio X --knative Y] [--dry-run]
 * [--format text|json] [--root DIR] FILE|DIR|- ...`: turns hand-written VirtualServices into Route documents
 * under routes/<team>/ (and the cluster file when needed), after proving the rendered routes reach the same
 * services for sample requests of every original match. Nothing is written when anything fails.
 */
export function importCommand(argv: readonly string[], io: CliIo, stdin: () => string = () => readFileSync(0, 'utf8')): number {
  const { values, positionals } = parseCommandArgs(
    'import',
    argv,
    {
      root: { type: 'string' },
      cluster: { type: 'string' },
      env: { type: 'string' },
      'team-from': { type: 'string' },
      lossy: { type: 'boolean' },
      istio: { type: 'string' },
      knative: { type: 'string' },
      'dry-run': { type: 'boolean' },
      format: { type: 'string' },
    },
    true,
  );
  const cluster = values.cluster as string | undefined;
  const environment = values.env as string | undefined;
  if (!cluster || !environment) throw new UsageError('import: --cluster and --env are required');
  if (positionals.length === 0) throw new UsageError('import: expected one or more files, folders or - (standard input)');
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`import: --format must be text or json, got '${format}'`);
  const dryRun = values['dry-run'] === true;

  const result = runImport({
    root: projectRootOf(io.cwd, values.root as string | undefined),
    cluster,
    environment,
    inputs: positionals,
    cwd: io.cwd,
    stdin,
    teamRule: parseTeamRule(values['team-from'] as string | undefined),
    lossy: values.lossy === true,
    istio: values.istio as string | undefined,
    knative: values.knative as string | undefined,
    dryRun,
  });
  if (format === 'json') {
    io.stdout(JSON.stringify(result, (k, v) => (k === 'input' ? undefined : v), 2) + '\n');
  } else if (result.objects > 0) {
    io.stdout(formatImportReport(result, { cluster, environment }, dryRun));
  }
  const errors = printDiagnostics(io, result.diagnostics);
  return errors > 0 || !result.ok ? EXIT_USER : EXIT_OK;
}
