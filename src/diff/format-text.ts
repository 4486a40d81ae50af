import { TreeDiffReport } from './diff-trees';
import {
  describeBindingImpact, describeGateway, describeGuard, describeImpact, describeObject, describeRoute, describeSummary,
} from './describe';

export interface TextReportOptions {
  /** First line, e.g. `kfaas diff: origin/main (abc1234) -> working tree`. */
  readonly title: string;
  /** Impact lines per folder before the rest is counted only. @default 200 */
  readonly maxImpactLines?: number;
}

/**
 * Plain text for terminals: every line about a folder starts with `cluster/environment`, so it reads on its
 * own and greps well (`cn-hz-test/alpha ~ saas-showroom timeout 10s -> 30s`).
 */
export function formatTextReport(report: TreeDiffReport, options: TextReportOptions): string {
  const maxImpact = options.maxImpactLines ?? 200;
  const lines = [options.title, describeSummary(report.summary)];
  if (report.guards.length > 0) {
    lines.push('', 'GUARDS:');
    for (const g of report.guards) lines.push(`  ${g.production ? '!!' : '! '} ${describeGuard(g)}`);
  }
  for (const f of report.folders) {
    const at = f.folder || '.';
    lines.push('', `${at}: ${f.status}${f.production ? ' (production)' : ''}`);
    for (const r of f.routes) for (const l of describeRoute(r)) lines.push(`${at} ${l}`);
    for (const g of f.gateways) lines.push(`${at} ${describeGateway(g)}`);
    for (const o of f.objects) lines.push(`${at} object ${describeObject(o)}`);
    for (const b of f.impact.bindings) lines.push(`${at} impact: ${describeBindingImpact(b)}`);
    const shown = f.impact.entries.slice(0, maxImpact);
    for (const e of shown) lines.push(`${at} impact: ${describeImpact(e)}`);
    if (f.impact.entries.length > shown.length) {
      lines.push(`${at} impact: ... ${f.impact.entries.length - shown.length} more request(s) re-routed (see --format json)`);
    }
  }
  return lines.join('\n') + '\n';
}
