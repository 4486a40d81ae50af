import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayTable } from '../../compile/platform/platform-table';
import { HTTP_TARGET_PORT, HTTPS_TARGET_PORT } from './gateway-pod';

/**
 * Properties for `GatewayService`.
 */
export interface GatewayServiceProps {
  /** The compiled gateway: name, selector, Service type and annotations. */
  readonly table: GatewayTable;
  /** Namespace of the Service. */
  readonly namespace: string;
  /** The proxy's health port (15021, or 15020 before Istio 1.6). */
  readonly statusPort: number;
}

/**
 * The gateway's Service: `ClusterIP`, or a `LoadBalancer` made internal by the cloud-specific annotations the
 * cluster spec passes through. Ports 80 -> 8080 (`http2`) and 443 -> 8443 (`https`): the Istio Gateway's servers
 * name the Service ports and Istio translates them to these target ports (istio@1.30.0
 * pilot/pkg/model/gateway.go L164-173). Selects the gateway pods by their labels.
 */
export class GatewayService extends Construct {
  public readonly service: ApiObject;

  public constructor(scope: Construct, id: string, props: GatewayServiceProps) {
    super(scope, id);
    const { table } = props;
    const annotations = table.service.annotations;
    const port = (name: string, number: number, targetPort: number): Record<string, unknown> => ({ name, port: number, protocol: 'TCP', targetPort });
    this.service = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: table.name,
        namespace: props.namespace,
        ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
      },
      spec: {
        ports: [port('status-port', props.statusPort, props.statusPort), port('http2', 80, HTTP_TARGET_PORT), port('https', 443, HTTPS_TARGET_PORT)],
        selector: { ...table.selector },
        type: table.service.type === 'LoadBalancer' ? 'LoadBalancer' : 'ClusterIP',
      },
    });
  }
}
