import { isMap, isScalar, parseAllDocuments } from 'yaml';

/** The versions to put into a Cluster document; an absent one stays as written. */
export interface VersionEdit {
  readonly istio?: string;
  readonly knative?: string;
}

/**
 * The text of a clusters/ file with `spec.istio` / `spec.knative` of the Cluster named `cluster` replaced, and
 * nothing else touched (byte for byte: comments, quoting of other values, line numbers of later diagnostics).
 * Returns undefined when the file has no such Cluster document or the field is not a plain value (the loader
 * reports those files itself).
 */
export function editClusterVersions(text: string, cluster: string, edit: VersionEdit): string | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return undefined; // an empty stream
  for (const doc of docs) {
    const data = doc.toJS({ maxAliasCount: 100 }) as { kind?: unknown; metadata?: { name?: unknown } } | null;
    if (data?.kind !== 'Cluster' || data.metadata?.name !== cluster) continue;
    const spec = doc.get('spec', true);
    if (!isMap(spec)) return undefined;
    // Later ranges first, so earlier offsets stay valid.
    const replacements: { start: number; end: number; value: string }[] = [];
    for (const field of ['istio', 'knative'] as const) {
      const value = edit[field];
      if (value === undefined) continue;
      const node = spec.get(field, true);
      if (!isScalar(node) || !node.range) return undefined;
      replacements.push({ start: node.range[0], end: node.range[1], value: JSON.stringify(value) });
    }
    let out = text;
    for (const r of replacements.sort((a, b) => b.start - a.start)) out = out.slice(0, r.start) + r.value + out.slice(r.end);
    return out;
  }
  return undefined;
}
