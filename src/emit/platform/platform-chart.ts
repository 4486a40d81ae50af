import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformTable } from '../../compile/platform/platform-table';
import { CLUSTER_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../environment-chart';
import { DomainCertificate } from './domain-certificate';
import { ForwardingTableConfigMaps } from './forwarding-table-config-map';
import { GatewayAutoscaler } from './gateway-autoscaler';
import { GatewayDeployment } from './gateway-deployment';
import { GatewayDisruptionBudget } from './gateway-disruption-budget';
import { GatewayService } from './gateway-service';
import { GatewayServiceAccount } from './gateway-service-account';
import { EastWestIstioGateway } from './istio-gateway';
import { JavaExportService } from './java-export-service';
import { JavaExportServiceEntry } from './java-export-service-entry';
import { JavaExportVirtualService } from './java-export-virtual-service';
import { KfaasNamespace } from './kfaas-namespace';

/** Labels of every platform object. */
function platformLabels(cluster: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [CLUSTER_LABEL]: cluster };
}

/**
 * Properties for `PlatformChart`.
 */
export interface PlatformChartProps {
  /** What the compiler decided for the cluster's platform folder. */
  readonly table: PlatformTable;
}

/**
 * Everything kfaas emits into `dist/<cluster>/platform/`: the protected kfaas-system Namespace, the east-west
 * gateway stack, business-domain certificates, the bridge into Java and the forwarding table. Each object is
 * owned by this folder alone.
 */
export class PlatformChart extends Chart {
  public readonly table: PlatformTable;

  public constructor(scope: Construct, id: string, props: PlatformChartProps) {
    const { table } = props;
    super(scope, id, { labels: platformLabels(table.cluster), disableResourceNameHashes: true });
    this.table = table;
    new KfaasNamespace(this, 'Namespace', { name: table.namespace });
    new ForwardingTableConfigMaps(this, 'ForwardingTable', { table: table.forwarding, namespace: table.namespace });
    if (table.gateway) this.addGateway(table);
    for (const certificate of table.certificates) {
      new DomainCertificate(this, `Certificate-${certificate.name}`, { table: certificate, namespace: table.namespace });
    }
    if (table.javaExport) this.addJavaExport(table);
  }

  /** The bridge into Java: the in-mesh host, the KVM ServiceEntry when there is one, and the allow-list. */
  private addJavaExport(table: PlatformTable): void {
    const javaExport = table.javaExport!;
    const namespace = table.namespace;
    new JavaExportService(this, 'JavaExportService', { name: javaExport.serviceName, namespace });
    if (javaExport.serviceEntry) {
      new JavaExportServiceEntry(this, 'JavaExportServiceEntry', {
        table: javaExport.serviceEntry, namespace, apiVersion: table.platform.istioApiVersion,
      });
    }
    new JavaExportVirtualService(this, 'JavaExportVirtualService', { table: javaExport, profile: table.platform, namespace });
  }

  /** The east-west gateway stack: identity, proxy, Service, autoscaling, disruption budget and Istio Gateway. */
  private addGateway(table: PlatformTable): void {
    const gateway = table.gateway!;
    const namespace = table.namespace;
    const identity = new GatewayServiceAccount(this, 'GatewayIdentity', { name: gateway.name, namespace });
    const proxy = new GatewayDeployment(this, 'GatewayDeployment', {
      table: gateway, profile: table.platform, serviceAccountName: identity.name, namespace, clusterDomain: table.clusterDomain,
    });
    new GatewayService(this, 'GatewayService', { table: gateway, namespace, statusPort: table.platform.proxyStatusPort });
    new GatewayAutoscaler(this, 'GatewayAutoscaler', {
      name: gateway.name, namespace, deployment: proxy.name, profile: table.platform,
      minReplicas: gateway.minReplicas, maxReplicas: gateway.maxReplicas, targetCpuUtilization: gateway.targetCpuUtilization,
    });
    new GatewayDisruptionBudget(this, 'GatewayDisruptionBudget', { name: gateway.name, namespace, selector: gateway.selector, profile: table.platform });
    if (gateway.servers.length > 0) {
      new EastWestIstioGateway(this, 'IstioGateway', { table: gateway, namespace, apiVersion: table.platform.istioApiVersion });
    }
  }
}
