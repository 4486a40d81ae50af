import {
  DEFAULT_ARGOCD_NAMESPACE,
  DEFAULT_ARGOCD_PROJECT,
  DEFAULT_DELIVERY_BRANCH,
  DEFAULT_DELIVERY_PATH,
  DEFAULT_FLUX_INTERVAL,
  DEFAULT_FLUX_NAMESPACE,
} from '../model/defaults';
import { ArgoCdDestination, Delivery, DeliveryEngine } from '../model/project';
import { DocumentContext } from './document-context';
import { Built } from './built';
import { isMapping, list, mapping, Mapping, str } from './values';
import { compareText } from '../util/compare';

/**
 * Builds the Delivery settings (clusters/delivery.yaml). The schema has checked the shapes; what needs the other
 * documents (do the clusters named under `argocd.clusters` exist?) is checked by the delivery compiler.
 */
export function buildDelivery(ctx: DocumentContext, doc: Mapping): Delivery {
  const spec = mapping(doc, 'spec') ?? {};
  const argocd = mapping(spec, 'argocd') ?? {};
  const flux = mapping(spec, 'flux') ?? {};
  const clusters = new Map<string, ArgoCdDestination>();
  for (const [cluster, value] of Object.entries(mapping(argocd, 'clusters') ?? {}).sort(([a], [b]) => compareText(a, b))) {
    if (!isMapping(value)) continue;
    const name = str(value, 'name');
    const server = str(value, 'server');
    clusters.set(cluster, {
      ...(name !== undefined ? { name } : {}),
      ...(server !== undefined ? { server } : {}),
      origin: ctx.origin(['spec', 'argocd', 'clusters', cluster]),
    });
  }
  const engines = strings(spec, 'engines').filter((e): e is DeliveryEngine => e === 'argocd' || e === 'flux');
  return {
    repository: str(spec, 'repository') ?? '',
    branch: str(spec, 'branch') ?? DEFAULT_DELIVERY_BRANCH,
    path: str(spec, 'path') ?? DEFAULT_DELIVERY_PATH,
    engines: [...new Set(engines)].sort(compareText),
    reviewers: strings(spec, 'reviewers'),
    argocd: {
      namespace: str(argocd, 'namespace') ?? DEFAULT_ARGOCD_NAMESPACE,
      project: str(argocd, 'project') ?? DEFAULT_ARGOCD_PROJECT,
      clusters,
    },
    flux: {
      namespace: str(flux, 'namespace') ?? DEFAULT_FLUX_NAMESPACE,
      interval: str(flux, 'interval') ?? DEFAULT_FLUX_INTERVAL,
      ...(str(flux, 'secretRef') !== undefined ? { secretRef: str(flux, 'secretRef') } : {}),
    },
    origin: ctx.origin(['metadata', 'name']),
  };
}

/** One Delivery document per project: two would disagree on where the same folders go. */
export function checkDeliveries(docs: readonly Built<Delivery>[]): void {
  if (docs.length < 2) return;
  for (const d of docs) {
    const others = docs.filter((o) => o !== d).map((o) => o.ctx.where(['kind']));
    d.ctx.error(
      'duplicate-delivery',
      ['kind'],
      `expected at most one Delivery document in clusters/, also found at ${others.join(', ')}; merge them into one`,
    );
  }
}

function strings(m: Mapping, key: string): string[] {
  return (list(m, key) ?? []).filter((v): v is string => typeof v === 'string');
}
