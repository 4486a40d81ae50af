import { resolve } from 'path';
import { Diagnostic, formatDiagnostic } from '../diagnostics/diagnostic';
import { planUpgrade, UpgradePlan, UpgradePlanError } from '../upgrade/plan-upgrade';
import { parseCommandArgs } from './args';
import { formatReport, parseFormat, ReportFormat } from './diff';
import { CliIo, EXIT_OK, EXIT_USER, UsageError } from './io';
import { projectRootOf } from './project-root';

/**
 * `kfaas upgrade-plan --cluster C [--istio X] [--knative Y] [--format text|markdown|json] [--root .] [--out dist]`:
 * what changing cluster C's installed versions would do, before anyone edits clusters/C.yaml: the render with
 * the new versions (in memory, through the normal load and compile path) against dist/C/ as on disk, per
 * environment, and the diagnostics the new versions raise or resolve. Writes nothing. Exit 2 when the new
 * versions would reject something (an error diagnostic), 0 otherwise.
 */
export function upgradePlanCommand(argv: readonly string[], io: CliIo): number {
  const { values } = parseCommandArgs(
    'upgrade-plan',
    argv,
    {
      cluster: { type: 'string' },
      istio: { type: 'string' },
      knative: { type: 'string' },
      format: { type: 'string' },
      root: { type: 'string' },
      out: { type: 'string' },
    },
    false,
  );
  const cluster = values.cluster as string | undefined;
  const istio = values.istio as string | undefined;
  const knative = values.knative as string | undefined;
  if (!cluster) throw new UsageError('upgrade-plan: --cluster is required');
  if (istio === undefined && knative === undefined) throw new UsageError('upgrade-plan: give --istio, --knative or both');
  const format = parseFormat('upgrade-plan', values.format);
  const root = projectRootOf(io.cwd, values.root as string | undefined);
  const outDir = resolve(io.cwd, (values.out as string | undefined) ?? resolve(root, 'dist'));

  let plan: UpgradePlan;
  try {
    plan = planUpgrade(root, outDir, cluster, { istio, knative });
  } catch (e) {
    if (e instanceof UpgradePlanError) throw new UsageError(`upgrade-plan: ${e.message}`);
    throw e;
  }
  io.stdout(formatPlan(plan, format));
  return plan.diagnostics.some((d) => d.severity === 'error') ? EXIT_USER : EXIT_OK;
}

function formatPlan(plan: UpgradePlan, format: ReportFormat): string {
  const title =
    `kfaas upgrade-plan: cluster ${plan.cluster} Istio ${plan.from.istio} -> ${plan.to.istio}, ` +
    `Knative ${plan.from.knative} -> ${plan.to.knative} (${plan.cluster}/ as on disk -> planned render)`;
  const errors = plan.diagnostics.filter((d) => d.severity === 'error').length;
  if (format === 'json') {
    const { planned: _planned, report, ...rest } = plan;
    return JSON.stringify({ ...rest, rejected: errors > 0, ...(report ? { diff: report } : {}) }, null, 2) + '\n';
  }
  const md = format === 'markdown';
  const lines: string[] = [];
  const section = (heading: string, list: readonly Diagnostic[]): void => {
    if (list.length === 0) return;
    lines.push(md ? `**${heading}**\n\n\`\`\`text` : heading);
    lines.push(...list.map((d) => `  ${formatDiagnostic(d)}`));
    if (md) lines.push('```');
    lines.push('');
  };
  section(`Raised by the new versions (${plan.raised.length}):`, plan.raised);
  section(`Resolved by the new versions (${plan.resolved.length}):`, plan.resolved);
  const unchanged = plan.diagnostics.filter((d) => !plan.raised.includes(d));
  section(`Also raised, as with the current versions (${unchanged.length}):`, unchanged);
  if (errors > 0) lines.push(`kfaas: the new versions would reject ${errors} thing(s): nothing can be rendered for them.`);
  const body = plan.report ? formatReport(plan.report, format, title, {}) : `${md ? '### ' : ''}${title}\n\n`;
  return body + (lines.length > 0 ? '\n' + lines.join('\n') + '\n' : '');
}
