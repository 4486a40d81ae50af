import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformTable } from '../../compile/platform/platform-table';
import { CLUSTER_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../environment-chart';
import { ForwardingTableConfigMap } from './forwarding-table-config-map';
import { KfaasNamespace } from './kfaas-namespace';

/** Labels of every platform object. */
export function platformLabels(cluster: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [CLUSTER_LABEL]: cluster };
}

/**
 * Properties for `PlatformChart`.
 */
export interface PlatformChartProps {
  /** What the compiler decided for the cluster's platform folder. */
  readonly table: PlatformTable;
}

/**
 * Everything kfaas emits into `dist/<cluster>/platform/`: the protected kfaas-system Namespace, the east-west
 * gateway stack, business-domain certificates, the bridge into Java and the forwarding table. Each object is
 * owned by this folder alone.
 */
export class PlatformChart extends Chart {
  public readonly table: PlatformTable;

  public constructor(scope: Construct, id: string, props: PlatformChartProps) {
    const { table } = props;
    super(scope, id, { labels: platformLabels(table.cluster), disableResourceNameHashes: true });
    this.table = table;
    new KfaasNamespace(this, 'Namespace', { name: table.namespace });
    new ForwardingTableConfigMap(this, 'ForwardingTable', { table: table.forwarding, namespace: table.namespace });
  }
}
