import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ServicePortTable } from '../compile/route-table';
import { KFAAS_NAMESPACE } from '../model/defaults';

/**
 * Properties for `KsvcGatewayService`.
 */
export interface KsvcGatewayServiceProps {
  /**
   * Name of the Service, `<namespace>-ksvc-gateway` (see `gatewayServiceName`). Passed as `metadata.name`, so
   * cdk8s never hashes it.
   */
  readonly name: string;

  /**
   * In-cluster host of the Knative local gateway the Service resolves to (a DNS CNAME).
   */
  readonly externalName: string;

  /**
   * Ports the Service declares, e.g. `[{ name: 'http', port: 80 }]`. Before Istio 1.21 a sidecar caller only gets
   * a route for an ExternalName Service's declared ports.
   *
   * @default - none
   */
  readonly ports?: readonly ServicePortTable[];

  /**
   * Namespace of the Service.
   *
   * @default KFAAS_NAMESPACE ('kfaas-system')
   */
  readonly namespace?: string;

  /**
   * Labels added to the chart's labels.
   *
   * @default - only the chart's labels
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The ExternalName Service `<namespace>-ksvc-gateway` in kfaas-system: the host the Java gateway forwards an
 * environment's `/faas/api/...` traffic to, resolving to the Knative local gateway, where the VirtualServices
 * bound to that host route it.
 *
 * A plain ApiObject (`v1` Service of type ExternalName, with the declared ports), checked against the upstream
 * schema in the tests.
 */
export class KsvcGatewayService extends Construct {
  /** The Service name. */
  public readonly name: string;
  /** The host the Service resolves to. */
  public readonly externalName: string;
  /** The Service object. */
  public readonly service: ApiObject;

  public constructor(scope: Construct, id: string, props: KsvcGatewayServiceProps) {
    super(scope, id);
    if (!props.externalName) throw new Error(`KsvcGatewayService '${props.name}': externalName must not be empty`);
    const namespace = props.namespace ?? KFAAS_NAMESPACE;
    this.name = props.name;
    this.externalName = props.externalName;
    this.service = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: props.name, namespace, ...(props.labels ? { labels: { ...props.labels } } : {}) },
      spec: {
        externalName: props.externalName,
        ...(props.ports && props.ports.length > 0 ? { ports: props.ports.map((p) => ({ name: p.name, port: p.port })) } : {}),
        type: 'ExternalName',
      },
    });
  }
}
