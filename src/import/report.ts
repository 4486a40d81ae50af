import { groupBy } from '../util/group-by';
import { ImportFinding } from './imported-route';
import { describeInput } from './input';
import { ImportResult } from './run-import';

/** Findings of one kind and message shown once with every place it applies (700 objects without retries are one line). */
const SHOWN_PER_GROUP = 5;

/**
 * The import report for a terminal: what was read and written, every field that could not be carried over
 * (object, field path, and what happened to it), what changes on purpose, and the proof of equivalence.
 */
export function formatImportReport(r: ImportResult, target: { cluster: string; environment: string }, dryRun: boolean): string {
  const lines: string[] = [];
  const verb = dryRun ? 'would write' : 'wrote';
  lines.push(`kfaas import ${target.cluster}/${target.environment}: ${r.objects} VirtualService(s) read, ${r.routes} route(s) imported` +
    (r.skipped.length > 0 ? `, ${r.skipped.length} object(s) skipped (--lossy)` : ''));
  if (r.cluster) {
    lines.push(`Cluster file ${r.cluster.file}: ${r.cluster.action}, layout ${r.cluster.layout}${r.cluster.reason ? ` (${r.cluster.reason})` : ''}`);
  }
  if (r.publicIngress) {
    const n = `${r.publicIngress.objects} object(s) bound Knative's public ingress (knative-serving/knative-ingress-gateway)`;
    lines.push(r.publicIngress.action === 'set'
      ? `Public ingress: ${n}; the new cluster file sets publicIngress: true, which binds every route of the cluster there`
      : r.publicIngress.action === 'already-on'
        ? `Public ingress: ${n}; the cluster already sets publicIngress: true`
        : `Public ingress: ${n}, but the cluster keeps it off (private by default): these routes are no longer reachable through the ingress. Set spec.publicIngress: true in ${r.cluster?.file ?? 'the cluster file'} to keep that`);
  }
  section(lines, 'Not carried over', r.findings.filter((f) => f.kind === 'unsupported'), (f) =>
    r.ok ? (f.skipsObject ? ' [object skipped]' : ' [field dropped]') : '');
  section(lines, 'Changed on purpose', r.findings.filter((f) => f.kind === 'changed'), () => '');
  section(lines, 'Notes (routing unchanged)', r.findings.filter((f) => f.kind === 'note'), () => '');
  if (r.equivalence) {
    const e = r.equivalence;
    lines.push(`Proof: ${e.samples.length} sample request(s) from every match of the input: ` +
      `${e.samples.length - e.differences.length} reach the same service, authority and path; ` +
      `${e.orderDependent.length} order-dependent; ${e.differences.length} different`);
    for (const s of e.orderDependent.slice(0, 20)) {
      const today = s.originalByCreationTime ? `; by creation time today: ${s.originalByCreationTime}` : '';
      lines.push(`  order-dependent ${s.path}: the originals reach ${s.original.join(' or ')} depending on Istio's merge order${today}; kfaas: ${s.rendered}`);
    }
    if (e.orderDependent.length > 20) lines.push(`  ... and ${e.orderDependent.length - 20} more order-dependent sample(s)`);
    for (const s of e.differences.slice(0, 50)) {
      lines.push(`  different ${s.path} (from ${s.from}): originals ${s.original.join(' or ')}; kfaas ${s.rendered}`);
    }
  }
  if (r.names) {
    lines.push(`Object names: ${r.names.kept.length} of ${r.names.kept.length + r.names.renamed.length} original name(s) kept` +
      (r.names.renamed.length > 0 ? `; not kept (Argo CD deletes and re-creates them): ${list(r.names.renamed)}` : ''));
  }
  if (r.ok) {
    lines.push(`${capital(verb)} ${r.written.length} file(s)${r.written.length > 0 ? `: ${list(r.written)}` : ''}` +
      (r.removed.length > 0 ? `; ${dryRun ? 'would remove' : 'removed'} ${r.removed.length}: ${list(r.removed)}` : ''));
  } else {
    lines.push('Nothing written.');
  }
  return lines.join('\n') + '\n';
}

function section(lines: string[], title: string, findings: readonly ImportFinding[], tail: (f: ImportFinding) => string): void {
  if (findings.length === 0) return;
  lines.push(`${title}:`);
  const groups = groupBy(findings, (f) => `${genericField(f.field)}\u0000${f.message}\u0000${tail(f)}`);
  for (const group of groups.values()) {
    const f = group[0];
    if (group.length === 1) {
      lines.push(`  ${f.input.file}:${f.input.line} (${describeInput(f.input)}) ${f.object} ${f.field}: ${f.message}${tail(f)}`);
      continue;
    }
    const where = group.slice(0, SHOWN_PER_GROUP).map((g) => `${g.object} ${g.field}`).join(', ');
    lines.push(`  ${genericField(f.field)} in ${group.length} places (${where}${group.length > SHOWN_PER_GROUP ? ', ...' : ''}): ${f.message}${tail(f)}`);
  }
}

/** `spec.http[3].retries` -> `spec.http[*].retries`, for grouping the same finding across objects. */
function genericField(field: string): string {
  return field.replace(/\[\d+\]/g, '[*]');
}

function list(items: readonly string[], max = 10): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, ... (${items.length} in all)`;
}

function capital(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}
