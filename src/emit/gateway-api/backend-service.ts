import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KFAAS_NAMESPACE } from '../../model/defaults';

/**
 * Properties for `KsvcBackendService`.
 */
export interface KsvcBackendServiceProps {
  /** Name of the Service, `<namespace>-ksvc-backend`; passed as `metadata.name`, never hashed. */
  readonly name: string;

  /** In-cluster host of the Knative local gateway the Service aliases (a DNS CNAME). */
  readonly externalName: string;

  /** The local gateway's plain-HTTP Service port, declared so that Istio < 1.21 builds a cluster for it. */
  readonly port: number;

  /**
   * Namespace of the Service.
   *
   * @default KFAAS_NAMESPACE ('kfaas-system')
   */
  readonly namespace?: string;
}

/**
 * The ExternalName Service `<namespace>-ksvc-backend` in kfaas-system that every HTTPRoute rule forwards to.
 *
 * Why not Knative's `istio-system/knative-local-gateway` directly: a backendRef into another namespace needs a
 * ReferenceGrant there (istio@1.30.0 conversion.go L1062-1075), and kfaas writes nothing into istio-system. Istio
 * accepts any Service as a backendRef (it only checks that the Service exists, conversion.go L1081-1090) and,
 * from 1.21, treats an ExternalName Service as an alias of the Service it names, so the route reaches the
 * local gateway's own cluster (route/route.go GetDestinationCluster L351-361; ENABLE_EXTERNAL_NAME_ALIAS, on by
 * default from istio@1.21.0 pilot/pkg/features/pilot.go). Istio 1.20 builds a DNS cluster for it instead, for
 * declared ports only, hence `ports`.
 *
 * A plain ApiObject (`v1` Service), checked against the upstream schema in the tests.
 */
export class KsvcBackendService extends Construct {
  /** The Service name. */
  public readonly name: string;
  /** The rendered Service. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: KsvcBackendServiceProps) {
    super(scope, id);
    if (!props.externalName) throw new Error(`KsvcBackendService '${props.name}': externalName must not be empty`);
    this.name = props.name;
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: props.name, namespace: props.namespace ?? KFAAS_NAMESPACE },
      spec: { type: 'ExternalName', externalName: props.externalName, ports: [{ name: 'http', port: props.port }] },
    });
  }
}
