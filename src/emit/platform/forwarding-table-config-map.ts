import { ConfigMap } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ForwardingTable } from '../../compile/platform/platform-table';

/**
 * Properties for `ForwardingTableConfigMaps`.
 */
export interface ForwardingTableConfigMapsProps {
  /** The compiled table (its files already written by the compiler, which checked their size). */
  readonly table: ForwardingTable;
  /** Namespace of the ConfigMaps. */
  readonly namespace: string;
}

/**
 * The Java site gateway's forwarding table in kfaas-system, so the Java side loads it instead of copying hosts
 * by hand: the index `kfaas-forwarding-table` (`forwarding-table.json`: every environment's gateway host, target
 * and table name) and, per environment, `kfaas-forwarding-table-<env>` with `forwarding.json`,
 * `zuul.properties` (Spring Cloud Netflix Zuul) and `spring-cloud-gateway.yaml` (Spring Cloud Gateway). One
 * ConfigMap per environment keeps each object small and a change in one environment out of the others.
 */
export class ForwardingTableConfigMaps extends Construct {
  public readonly index: ConfigMap;
  public readonly environments: readonly ConfigMap[];

  public constructor(scope: Construct, id: string, props: ForwardingTableConfigMapsProps) {
    super(scope, id);
    const { table, namespace } = props;
    this.index = new ConfigMap(this, 'Index', { metadata: { name: table.name, namespace }, data: { ...table.data } });
    this.environments = table.entries.map((entry) => new ConfigMap(this, `Environment-${entry.environment}`, {
      metadata: { name: entry.configMap, namespace },
      data: { ...entry.data },
    }));
  }
}
