import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ArgoCdTable, FluxClusterTable } from '../../compile/delivery';
import { CLUSTER_LABEL, ENVIRONMENT_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../environment-chart';
import { KfaasAppProject } from './argocd-app-project';
import { KfaasApplication } from './argocd-application';
import { KfaasGitRepository } from './flux-git-repository';
import { KfaasKustomization } from './flux-kustomization';

function labelsOf(t: { cluster?: string; environment?: string }): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY,
    ...(t.cluster !== undefined ? { [CLUSTER_LABEL]: t.cluster } : {}),
    ...(t.environment !== undefined ? { [ENVIRONMENT_LABEL]: t.environment } : {}),
  };
}

/**
 * Properties for `ArgoCdDeliveryChart`.
 */
export interface ArgoCdDeliveryChartProps {
  readonly table: ArgoCdTable;
}

/**
 * Everything kfaas writes to `dist/_argocd/`: the AppProjects, the root Application that syncs this folder, and
 * one Application per rendered folder.
 */
export class ArgoCdDeliveryChart extends Chart {
  public readonly table: ArgoCdTable;

  public constructor(scope: Construct, id: string, props: ArgoCdDeliveryChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const t = props.table;
    this.table = t;
    const common = { namespace: t.namespace, source: t.source, labels: labelsOf({}) };
    new KfaasAppProject(this, `AppProject-${t.deliveryProject.name}`, { ...common, table: t.deliveryProject });
    new KfaasAppProject(this, `AppProject-${t.project.name}`, { ...common, table: t.project });
    new KfaasApplication(this, `Application-${t.root.name}`, { ...common, table: t.root });
    for (const app of t.applications) {
      new KfaasApplication(this, `Application-${app.name}`, { ...common, table: app, labels: labelsOf(app) });
    }
  }
}

/**
 * Properties for `FluxDeliveryChart`.
 */
export interface FluxDeliveryChartProps {
  readonly table: FluxClusterTable;
}

/** Everything kfaas writes to `dist/_flux-<cluster>/`: the GitRepository and the cluster's Kustomizations. */
export class FluxDeliveryChart extends Chart {
  public readonly table: FluxClusterTable;

  public constructor(scope: Construct, id: string, props: FluxDeliveryChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const t = props.table;
    this.table = t;
    new KfaasGitRepository(this, `GitRepository-${t.sourceName}`, {
      name: t.sourceName,
      namespace: t.namespace,
      source: t.source,
      interval: t.interval,
      ...(t.secretRef !== undefined ? { secretRef: t.secretRef } : {}),
      labels: labelsOf({ cluster: t.cluster }),
    });
    for (const k of t.kustomizations) {
      new KfaasKustomization(this, `Kustomization-${k.name}`, {
        table: k,
        namespace: t.namespace,
        sourceName: t.sourceName,
        interval: t.interval,
        labels: labelsOf(k),
      });
    }
  }
}
