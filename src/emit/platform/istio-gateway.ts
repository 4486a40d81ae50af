import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as istio from '../../../imports/istio-networking.istio.io';
import { GatewayTable } from '../../compile/platform/platform-table';
import { VirtualServiceApiVersion } from '../../versions/profile';

/**
 * Properties for `EastWestIstioGateway`.
 */
export interface EastWestIstioGatewayProps {
  /** The compiled gateway: name, workload selector and one HTTPS server per hostname. */
  readonly table: GatewayTable;
  /** Namespace of the Gateway (the proxy's: credentialName Secrets are read there). */
  readonly namespace: string;
  /** Istio API version (the cluster's VirtualService version: Gateway shares it). */
  readonly apiVersion: VirtualServiceApiVersion;
}

type GatewayClass = new (scope: Construct, id: string, props: any) => ApiObject;
const CLASSES: Readonly<Record<VirtualServiceApiVersion, GatewayClass>> = {
  'networking.istio.io/v1': istio.Gateway,
  'networking.istio.io/v1beta1': istio.GatewayV1Beta1,
  'networking.istio.io/v1alpha3': istio.GatewayV1Alpha3,
};

/**
 * The Istio `Gateway` binding the east-west proxy: per business-domain hostname an HTTPS server on the Service's
 * port 443 with `tls.mode: SIMPLE` and the hostname's certificate Secret as `credentialName`, and one HTTP server
 * on port 80 redirecting every hostname to HTTPS (`tls.httpsRedirect`, a 301). The typed class of the cluster's
 * API version (`cdk8s import` of the pinned Istio CRDs).
 */
export class EastWestIstioGateway extends Construct {
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: EastWestIstioGatewayProps) {
    super(scope, id);
    const { table } = props;
    if (table.servers.length === 0) throw new Error(`Istio Gateway '${table.name}': no hostname to serve`);
    const https = table.servers.map((s) => ({
      port: { number: 443, name: `https-${s.credentialName.replace(/-tls$/, '')}`, protocol: 'HTTPS' },
      hosts: [s.hostname],
      tls: { mode: 'SIMPLE', credentialName: s.credentialName },
    }));
    const http = {
      port: { number: 80, name: 'http', protocol: 'HTTP' },
      hosts: table.servers.map((s) => s.hostname),
      tls: { httpsRedirect: true },
    };
    const Cls = CLASSES[props.apiVersion];
    this.apiObject = new Cls(this, 'Resource', {
      metadata: { name: table.name, namespace: props.namespace },
      spec: { selector: { ...table.selector }, servers: [http, ...https] },
    });
  }
}
