import { ApiObject } from 'cdk8s';
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
  public readonly index: ApiObject;
  public readonly environments: readonly ApiObject[];

  public constructor(scope: Construct, id: string, props: ForwardingTableConfigMapsProps) {
    super(scope, id);
    const { table, namespace } = props;
    // `immutable: false`: updated in place when the table changes (as cdk8s-plus-27's ConfigMap wrote it before).
    const configMap = (id: string, name: string, data: Readonly<Record<string, string>>): ApiObject =>
      new ApiObject(this, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { ...data }, immutable: false });
    this.index = configMap('Index', table.name, table.data);
    this.environments = table.entries.map((entry) => configMap(`Environment-${entry.environment}`, entry.configMap, entry.data));
  }
}
