import { App, Chart } from 'cdk8s';
import { DeliveryTable } from '../../compile/delivery';
import { fileNameFor, KUSTOMIZATION_FILE, kustomizationOf } from '../render';
import { compareText as compare } from '../../util/compare';
import { GENERATED_HEADER, pruneEmpty, toYaml } from '../yaml';
import { ArgoCdDeliveryChart, FluxDeliveryChart } from './delivery-charts';

/**
 * Renders the delivery objects to tree entries (`_argocd/<file>`, `_flux-<cluster>/<file>`), one object per file
 * plus a `kustomization.yaml` per folder, so `kubectl apply -k dist/_argocd` bootstraps them once.
 */
export function renderDelivery(table: DeliveryTable): Map<string, string> {
  const app = new App({ recordConstructMetadata: false });
  const charts: [string, Chart][] = [];
  if (table.argocd) charts.push([table.argocd.folder, new ArgoCdDeliveryChart(app, 'argocd', { table: table.argocd })]);
  for (const flux of table.flux) charts.push([flux.folder, new FluxDeliveryChart(app, `flux_${flux.cluster}`, { table: flux })]);
  const tree = new Map<string, string>();
  for (const [folder, chart] of charts) {
    const files = new Map<string, string>();
    for (const obj of chart.toJson() as Record<string, any>[]) {
      const file = fileNameFor(String(obj.kind), String(obj.metadata?.name));
      if (files.has(file)) throw new Error(`${folder}: two objects render to ${file}`);
      files.set(file, GENERATED_HEADER + toYaml(pruneEmpty(obj)));
    }
    const names = [...files.keys()].sort(compare);
    files.set(KUSTOMIZATION_FILE, GENERATED_HEADER + toYaml(kustomizationOf(names)));
    for (const name of [...files.keys()].sort(compare)) tree.set(`${folder}/${name}`, files.get(name)!);
  }
  return tree;
}
