import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as istio from '../../../imports/istio-networking.istio.io';
import { JavaExportTable } from '../../compile/platform/platform-table';
import { PlatformProfile } from '../../versions/platform-profile';
import { VirtualServiceApiVersion } from '../../versions/profile';
import { egressHttpJson } from '../istio/egress-routes';

/**
 * Properties for `JavaExportVirtualService`.
 */
export interface JavaExportVirtualServiceProps {
  /** The compiled bridge: host, destination and allowed prefixes in order. */
  readonly table: JavaExportTable;
  /** Picks the API version and how an undeclared path is denied. */
  readonly profile: PlatformProfile;
  /** Namespace of the VirtualService. */
  readonly namespace: string;
}

type VirtualServiceClass = new (scope: Construct, id: string, props: any) => ApiObject;
const CLASSES: Readonly<Record<VirtualServiceApiVersion, VirtualServiceClass>> = {
  'networking.istio.io/v1': istio.VirtualService,
  'networking.istio.io/v1beta1': istio.VirtualServiceV1Beta1,
  'networking.istio.io/v1alpha3': istio.VirtualServiceV1Alpha3,
};

/**
 * The one mesh VirtualService of `java-export.kfaas-system.svc.<domain>`: every team's declared prefixes to the
 * Java gateway, in specificity order, then 403 for everything else. One object, because sidecars never merge
 * mesh VirtualServices of one host: only the oldest would apply (IST0109; istio@1.30.0
 * pilot/pkg/networking/core/httproute.go L398-409). Bound to `mesh` only: no gateway serves this host. The
 * typed class of the cluster's API version; its converter runs over the whole spec, so a field the schema does
 * not know would be dropped (and the tests compare against the upstream CRD).
 */
export class JavaExportVirtualService extends Construct {
  public readonly apiObject: ApiObject;
  public readonly http: readonly Record<string, unknown>[];

  public constructor(scope: Construct, id: string, props: JavaExportVirtualServiceProps) {
    super(scope, id);
    const { table } = props;
    this.http = egressHttpJson(table, props.profile);
    const Cls = CLASSES[props.profile.istioApiVersion];
    this.apiObject = new Cls(this, 'Resource', {
      metadata: { name: table.serviceName, namespace: props.namespace },
      spec: { hosts: [table.host], gateways: ['mesh'], http: this.http },
    });
  }
}
