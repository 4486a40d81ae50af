import { compareText } from '../util/compare';
import { FolderDiff, TreeDiffReport } from './diff-trees';
import {
  describeBindingImpact, describeGateway, describeGuard, describeImpact, describeObject, describeRoute, describeSummary,
} from './describe';
import { groupBy } from '../util/group-by';

/** GitHub refuses comments over 65,536 characters; leave room for the workflow's own header and marker. */
export const MARKDOWN_LIMIT = 60_000;

export interface MarkdownReportOptions {
  /** Heading, e.g. `kfaas diff: origin/main → this pull request`. */
  readonly title: string;
  /** @default MARKDOWN_LIMIT */
  readonly maxChars?: number;
  /** Lines per list (routes, objects, impact) in one folder before the rest is only counted. @default 100 */
  readonly maxLinesPerList?: number;
}

/**
 * Markdown for a pull-request comment: the summary and the guards first, a table of changed folders, then one
 * collapsible `<details>` per cluster. Capped at `maxChars`: clusters that do not fit are named in a closing
 * note (the JSON format has everything).
 */
export function formatMarkdownReport(report: TreeDiffReport, options: MarkdownReportOptions): string {
  const max = options.maxChars ?? MARKDOWN_LIMIT;
  const perList = options.maxLinesPerList ?? 100;
  const head: string[] = [`### ${options.title}`, '', `**${describeSummary(report.summary)}**`, ''];
  if (report.guards.length > 0) {
    head.push('> [!CAUTION]', '> **Removes what a cluster serves:**');
    for (const g of report.guards) head.push(`> - ${g.production ? '**' : ''}${escape(describeGuard(g))}${g.production ? '**' : ''}`);
    head.push('');
  }
  if (report.folders.length > 0) {
    head.push('| folder | status | routes | objects | re-routed requests |', '| --- | --- | --- | --- | --- |');
    for (const f of report.folders) {
      head.push(`| \`${f.folder || '.'}\`${f.production ? ' (prod)' : ''} | ${f.status} | ${f.routes.length} | ${f.objects.length} | ${f.impact.entries.length} |`);
    }
    head.push('');
  }
  let text = head.join('\n') + '\n';
  const clusters = groupBy(report.folders, (f) => f.cluster ?? (f.folder || '.'));
  const cut: string[] = [];
  const closing = (names: readonly string[]): string =>
    `\n_Cut to stay under ${max} characters: ${names.length} cluster(s) not shown (${names.join(', ')}). ` +
    'Run `kfaas diff --base <ref>` locally or use `--format json` for everything._\n';
  for (const cluster of [...clusters.keys()].sort(compareText)) {
    const section = clusterSection(cluster, clusters.get(cluster)!, perList);
    const reserve = closing([...clusters.keys()]).length;
    if (cut.length > 0 || text.length + section.length + reserve > max) cut.push(cluster);
    else text += section;
  }
  if (cut.length > 0) text += closing(cut);
  return text;
}

function clusterSection(cluster: string, folders: readonly FolderDiff[], perList: number): string {
  const rerouted = folders.reduce((n, f) => n + f.impact.entries.length, 0);
  const routes = folders.reduce((n, f) => n + f.routes.length, 0);
  const out = [
    `<details><summary><b>${escape(cluster)}</b>: ${folders.length} environment(s) changed, ${routes} route change(s), ${rerouted} re-routed request(s)</summary>`,
    '',
  ];
  for (const f of folders) {
    out.push(`#### \`${f.folder || '.'}\` (${f.status}${f.production ? ', production' : ''})`, '');
    list(out, 'Routes', f.routes.flatMap(describeRoute), perList);
    list(out, 'Gateway bindings', f.gateways.map(describeGateway), perList);
    list(out, 'Routing impact', [...f.impact.bindings.map(describeBindingImpact), ...f.impact.entries.map(describeImpact)], perList);
    list(out, 'Objects', f.objects.map(describeObject), perList);
  }
  out.push('</details>', '');
  return out.join('\n') + '\n';
}

function list(out: string[], title: string, lines: readonly string[], max: number): void {
  if (lines.length === 0) return;
  out.push(`${title}:`, '```text', ...lines.slice(0, max).map(fence));
  if (lines.length > max) out.push(`... ${lines.length - max} more`);
  out.push('```', '');
}

/** A line inside a code fence must not close it. */
function fence(line: string): string {
  return line.replace(/```/g, '`\u200b``');
}

function escape(text: string): string {
  return text.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
}
