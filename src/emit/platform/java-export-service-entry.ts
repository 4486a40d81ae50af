import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as istio from '../../../imports/istio-networking.istio.io';
import { ServiceEntryTable } from '../../compile/platform/platform-table';
import { VirtualServiceApiVersion } from '../../versions/profile';

/**
 * Properties for `JavaExportServiceEntry`.
 */
export interface JavaExportServiceEntryProps {
  /** Name, host, KVM addresses and port. */
  readonly table: ServiceEntryTable;
  /** Namespace of the ServiceEntry. */
  readonly namespace: string;
  /** Istio API version (ServiceEntry shares the VirtualService's: v1alpha3, v1beta1 from 1.5, v1 from 1.22). */
  readonly apiVersion: VirtualServiceApiVersion;
}

type ServiceEntryClass = new (scope: Construct, id: string, props: any) => ApiObject;
const CLASSES: Readonly<Record<VirtualServiceApiVersion, ServiceEntryClass>> = {
  'networking.istio.io/v1': istio.ServiceEntry,
  'networking.istio.io/v1beta1': istio.ServiceEntryV1Beta1,
  'networking.istio.io/v1alpha3': istio.ServiceEntryV1Alpha3,
};

/**
 * A Java export gateway on KVM machines, as a ServiceEntry with static endpoints (`resolution: STATIC`, since
 * Istio 0.8; version-facts.md F): the host is a mesh-only name the Java export VirtualService routes to, never
 * resolved by DNS; `MESH_EXTERNAL` because the machines run no sidecar (no mTLS to them). `exportTo` is left
 * unset (visible to every namespace): the routing happens in the calling function's sidecar, which must know
 * the destination. That also means a function could name this host directly: see the README's limits.
 */
export class JavaExportServiceEntry extends Construct {
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: JavaExportServiceEntryProps) {
    super(scope, id);
    const { table } = props;
    if (table.addresses.length === 0) throw new Error(`ServiceEntry '${table.name}': no address`);
    const Cls = CLASSES[props.apiVersion];
    this.apiObject = new Cls(this, 'Resource', {
      metadata: { name: table.name, namespace: props.namespace },
      spec: {
        hosts: [table.host],
        location: 'MESH_EXTERNAL',
        resolution: 'STATIC',
        ports: [{ number: table.port, name: 'http', protocol: 'HTTP' }],
        endpoints: table.addresses.map((address) => ({ address })),
      },
    });
  }
}
