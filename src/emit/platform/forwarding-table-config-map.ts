import { ConfigMap } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ForwardingTable } from '../../compile/platform/platform-table';
import { forwardingJson, springCloudGatewayYaml, zuulProperties } from './forwarding-formats';

/**
 * Properties for `ForwardingTableConfigMap`.
 */
export interface ForwardingTableConfigMapProps {
  /** The compiled table. */
  readonly table: ForwardingTable;
  /** Namespace of the ConfigMap. */
  readonly namespace: string;
}

/**
 * The Java site gateway's forwarding table in kfaas-system, so the Java side loads it instead of copying hosts
 * by hand: `forwarding-table.json` (every environment), and per environment `zuul-<env>.properties` (Spring
 * Cloud Netflix Zuul) and `spring-cloud-gateway-<env>.yaml` (Spring Cloud Gateway), all from the same table.
 */
export class ForwardingTableConfigMap extends Construct {
  public readonly configMap: ConfigMap;

  public constructor(scope: Construct, id: string, props: ForwardingTableConfigMapProps) {
    super(scope, id);
    const { table } = props;
    const data: Record<string, string> = { 'forwarding-table.json': forwardingJson(table) };
    for (const entry of table.entries) {
      data[`spring-cloud-gateway-${entry.environment}.yaml`] = springCloudGatewayYaml(entry, table.springPropertyPrefix);
      data[`zuul-${entry.environment}.properties`] = zuulProperties(entry);
    }
    const sorted: Record<string, string> = {};
    for (const key of Object.keys(data).sort()) sorted[key] = data[key];
    this.configMap = new ConfigMap(this, 'Resource', {
      metadata: { name: table.name, namespace: props.namespace },
      data: sorted,
    });
  }
}
