import { Egress } from '../model/egress';
import { PathMatch } from '../model/project';
import { readRetries } from './build-route';
import { DocumentContext } from './document-context';
import { Built } from './built';
import { reportDuplicates } from './duplicates';
import { readDurationField } from './durations';
import { formatPath } from './field-path';
import { list, mapping, Mapping, str } from './values';

/** Builds an Egress: its prefixes (each once), timeout, retries and cluster scope. */
export function buildEgress(ctx: DocumentContext, doc: Mapping): Egress {
  const name = str(mapping(doc, 'metadata') ?? {}, 'name') ?? '';
  const spec = mapping(doc, 'spec') ?? {};
  const prefixes: PathMatch[] = [];
  const seen: { key: string; ctx: DocumentContext; path: (string | number)[] }[] = [];
  (list(spec, 'prefixes') ?? []).forEach((value, i) => {
    if (typeof value !== 'string') return;
    seen.push({ key: value, ctx, path: ['spec', 'prefixes', i] });
    prefixes.push({ kind: 'prefix', value, origin: ctx.origin(['spec', 'prefixes', i]) });
  });
  reportDuplicates(seen, (d, others) =>
    `prefix "${d.key}" is listed more than once (also at ${others.map((o) => formatPath(o.path)).join(', ')}); expected each prefix once`,
  'duplicate-prefix');
  const timeoutMs = readDurationField(ctx, spec, 'timeout', ['spec']);
  const retriesMap = mapping(spec, 'retries');
  const clusters = list(spec, 'clusters')?.filter((c): c is string => typeof c === 'string');
  return {
    name,
    team: ctx.file.team ?? '',
    prefixes,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(retriesMap ? { retries: readRetries(ctx, retriesMap, ['spec', 'retries']) } : {}),
    ...(clusters ? { clusters, clusterOrigins: clusters.map((_, i) => ctx.origin(['spec', 'clusters', i])) } : {}),
    origin: ctx.origin(['metadata', 'name']),
  };
}

/** Egress names are unique across routes/ (they name the mesh routes). */
export function checkEgresses(docs: readonly Built<Egress>[]): void {
  reportDuplicates(
    docs.filter((d) => d.value.name !== '').map((d) => ({ key: d.value.name, ctx: d.ctx, path: ['metadata', 'name'] })),
    (d, others) =>
      `egress name "${d.key}" is also used at ${others.map((o) => o.ctx.where(o.path)).join(', ')}; expected Egress names unique across routes/`,
    'duplicate-egress',
  );
}
