import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentTable } from '../compile/route-table';
import { KFAAS_NAMESPACE } from '../model/defaults';
import { KsvcBackendService } from './gateway-api/backend-service';
import { EnvironmentHttpRoute } from './gateway-api/environment-http-route';
import { GatewayRoutesVirtualService } from './gateway-routes-virtual-service';
import { KsvcGatewayService } from './ksvc-gateway-service';

/** Label on every object kfaas emits; Argo CD / Flux selectors and `kubectl get -l` use it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Value of `MANAGED_BY_LABEL`. */
export const MANAGED_BY = 'kfaas';
/** Label naming the cluster folder an object was rendered for. */
export const CLUSTER_LABEL = 'kfaas.io/cluster';
/** Label naming the environment an object was rendered for. */
export const ENVIRONMENT_LABEL = 'kfaas.io/environment';

/** The labels of every object of an environment. */
export function environmentLabels(cluster: string, environment: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [CLUSTER_LABEL]: cluster, [ENVIRONMENT_LABEL]: environment };
}

/**
 * Properties for `EnvironmentChart`.
 */
export interface EnvironmentChartProps {
  /** What the compiler decided for this (cluster, environment). */
  readonly table: EnvironmentTable;

  /**
   * Namespace of every object of the chart.
   *
   * @default KFAAS_NAMESPACE ('kfaas-system')
   */
  readonly namespace?: string;

  /**
   * Emit the environment's gateway Service. False leaves it out, for a caller that holds its rendered file already
   * (src/cache/object-reuse.ts).
   *
   * @default true
   */
  readonly gatewayService?: boolean;
}

/**
 * Everything kfaas emits into `dist/<cluster>/<environment>/`: the environment's ExternalName gateway Service and
 * its VirtualServices (or, with `output: gateway-api`, its HTTPRoutes and their backend Service), and one
 * VirtualService per business domain (on the east-west gateway), all in kfaas-system and labelled with the
 * cluster and environment. Object names come
 * from the table (explicit `metadata.name`, so cdk8s never appends hashes).
 */
export class EnvironmentChart extends Chart {
  /** The table the chart was built from. */
  public readonly table: EnvironmentTable;
  /** The ExternalName Service (absent with `gatewayService: false`). */
  public readonly gatewayService?: KsvcGatewayService;
  /** The VirtualServices, in the table's order. */
  public readonly virtualServices: readonly GatewayRoutesVirtualService[];
  /** With `output: gateway-api`: the backend Service the HTTPRoutes forward to. */
  public readonly backendService?: KsvcBackendService;
  /** With `output: gateway-api`: one HTTPRoute per route, in the table's order. */
  public readonly httpRoutes: readonly EnvironmentHttpRoute[];
  /** One VirtualService per business domain, bound to the east-west gateway, sorted by hostname. */
  public readonly domainVirtualServices: readonly GatewayRoutesVirtualService[];

  public constructor(scope: Construct, id: string, props: EnvironmentChartProps) {
    const { table } = props;
    super(scope, id, {
      namespace: props.namespace ?? KFAAS_NAMESPACE,
      labels: environmentLabels(table.cluster, table.environment),
      disableResourceNameHashes: true,
    });
    this.table = table;
    if (props.gatewayService !== false) {
      this.gatewayService = new KsvcGatewayService(this, 'GatewayService', {
        name: table.gatewayService.name,
        namespace: table.gatewayService.namespace,
        externalName: table.gatewayService.externalName,
        ports: table.gatewayService.ports,
      });
    }
    this.virtualServices = table.virtualServices.map(
      (vs) =>
        new GatewayRoutesVirtualService(this, `VirtualService-${vs.name}`, {
          table: vs,
          profile: table.profile,
          host: table.host,
          gateways: table.gateways,
        }),
    );
    const gatewayApi = table.gatewayApi;
    if (gatewayApi) {
      this.backendService = new KsvcBackendService(this, 'BackendService', {
        name: gatewayApi.backendService.name,
        namespace: gatewayApi.backendService.namespace,
        externalName: gatewayApi.backendService.externalName,
        port: gatewayApi.backendService.port,
      });
    }
    this.httpRoutes = (gatewayApi?.httpRoutes ?? []).map(
      (route) => new EnvironmentHttpRoute(this, `HttpRoute-${route.name}`, { route, table: gatewayApi!, host: table.host }),
    );
    this.domainVirtualServices = (table.domains ?? []).map(
      (d) =>
        new GatewayRoutesVirtualService(this, `DomainVirtualService-${d.virtualService.name}`, {
          table: d.virtualService,
          profile: table.profile,
          host: d.hostname,
          gateways: [d.gateway],
        }),
    );
  }
}
