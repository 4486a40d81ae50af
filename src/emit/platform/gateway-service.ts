import { Protocol, Service, ServiceType } from 'cdk8s-plus-27';
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
 * pilot/pkg/model/gateway.go L164-173). Built on cdk8s-plus-27's `Service` with an explicit selector.
 */
export class GatewayService extends Construct {
  public readonly service: Service;

  public constructor(scope: Construct, id: string, props: GatewayServiceProps) {
    super(scope, id);
    const { table } = props;
    const annotations = table.service.annotations;
    this.service = new Service(this, 'Resource', {
      metadata: {
        name: table.name,
        namespace: props.namespace,
        ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
      },
      type: table.service.type === 'LoadBalancer' ? ServiceType.LOAD_BALANCER : ServiceType.CLUSTER_IP,
      ports: [
        { name: 'status-port', port: props.statusPort, targetPort: props.statusPort, protocol: Protocol.TCP },
        { name: 'http2', port: 80, targetPort: HTTP_TARGET_PORT, protocol: Protocol.TCP },
        { name: 'https', port: 443, targetPort: HTTPS_TARGET_PORT, protocol: Protocol.TCP },
      ],
    });
    for (const [key, value] of Object.entries(table.selector)) this.service.selectLabel(key, value);
  }
}
