import { CertificateIssuer, GatewayResources, GatewayServiceSettings } from '../../model/platform';
import { Origin } from '../../model/project';
import { VersionProfile } from '../../versions/profile';
import { PlatformProfile } from '../../versions/platform-profile';
import { MatchTable, RetryTable } from '../route-table';

/**
 * What the compiler decided for `dist/<cluster>/platform/`: the objects that exist once per cluster in
 * kfaas-system. Plain data (no cdk8s); the emitter turns it into objects, explain and the tests read it.
 */
export interface PlatformTable {
  readonly cluster: string;
  readonly clusterDomain: string;
  readonly profile: VersionProfile;
  readonly platform: PlatformProfile;
  /** kfaas-system: the Namespace, protected from pruning. */
  readonly namespace: string;
  /** The east-west gateway stack; absent without `spec.gateway`. */
  readonly gateway?: GatewayTable;
  /** One per business-domain hostname this cluster serves, sorted by hostname. */
  readonly certificates: readonly CertificateTable[];
  /** The bridge into Java; absent without `spec.javaExport`. */
  readonly javaExport?: JavaExportTable;
  /** The Java site gateway's forwarding table, one entry per environment the cluster hosts. */
  readonly forwarding: ForwardingTable;
}

export interface GatewayTable {
  /** Name of the Deployment, Service, ServiceAccount, Role(Binding), HPA, PDB and Istio Gateway. */
  readonly name: string;
  /** Pod labels, also the Service and PDB selector and the Istio Gateway's workload selector. */
  readonly selector: Readonly<Record<string, string>>;
  readonly revision?: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpuUtilization: number;
  readonly service: GatewayServiceSettings;
  readonly resources: GatewayResources;
  /** HTTPS servers, one per hostname (sorted); the HTTP server redirects all of them. Empty: no Istio Gateway. */
  readonly servers: readonly GatewayServerTable[];
}

export interface GatewayServerTable {
  readonly hostname: string;
  /** Secret in kfaas-system written by the hostname's Certificate (Istio reads credentialName in the gateway's own namespace). */
  readonly credentialName: string;
}

export interface CertificateTable {
  readonly name: string;
  readonly hostname: string;
  readonly secretName: string;
  readonly issuer: CertificateIssuer;
  /**
   * CertificateRequests kept per Certificate: 1, the default from cert-manager 1.18, written where the field
   * exists (cert-manager >= 1.3) so older releases do not keep every request forever. @default absent (< 1.3)
   */
  readonly revisionHistoryLimit?: number;
}

export interface JavaExportTable {
  /** The selector-less ClusterIP Service functions call: `java-export`. */
  readonly serviceName: string;
  /** `java-export.kfaas-system.svc.<clusterDomain>`: the mesh host of the VirtualService. */
  readonly host: string;
  /** Where declared prefixes go: the Java gateway Service, or the ServiceEntry host standing for the KVMs. */
  readonly destination: { readonly host: string; readonly port: number };
  /** For a Java gateway on KVM machines: a ServiceEntry with static endpoints. */
  readonly serviceEntry?: ServiceEntryTable;
  /** Allowed prefixes in specificity order; everything else is answered 403. */
  readonly http: readonly EgressHttpTable[];
}

export interface ServiceEntryTable {
  readonly name: string;
  readonly host: string;
  readonly addresses: readonly string[];
  readonly port: number;
}

/** One allowed prefix of one Egress document. */
export interface EgressHttpTable {
  /** The Egress document's name. */
  readonly name: string;
  readonly team: string;
  /** The Egress document. */
  readonly origin: Origin;
  readonly match: MatchTable;
  readonly timeoutMs?: number;
  /** Absent only where the cluster's Istio cannot say "no retries" (1.1.0-1.2.0 reject attempts: 0). */
  readonly retries?: RetryTable;
}

export interface ForwardingTable {
  /** The index ConfigMap: `kfaas-forwarding-table`. */
  readonly name: string;
  /** The index's data: `forwarding-table.json`, every environment's gateway host, target and table name. */
  readonly data: Readonly<Record<string, string>>;
  /** `spring.cloud.gateway.server.webflux` (Spring Cloud Gateway >= 4.3) or `spring.cloud.gateway`. */
  readonly springPropertyPrefix: string;
  /** One per environment the cluster hosts, sorted by environment. */
  readonly entries: readonly ForwardingEntry[];
}

export interface ForwardingEntry {
  readonly environment: string;
  readonly namespace: string;
  /**
   * Ant-style path patterns (`/faas/api/shop/**`, `/faas/api/shop/cart*` + `/**`, or an exact path), none covering
   * another, sorted: see forwarding.ts for what each match becomes.
   */
  readonly paths: readonly string[];
  /** `http://<address or gateway host>`. */
  readonly target: string;
  /** The Host header every forwarded request must carry: the environment's gateway host. */
  readonly host: string;
  /** The environment's ConfigMap: `kfaas-forwarding-table-<environment>`. */
  readonly configMap: string;
  /** Its data, by key in sorted order: `forwarding.json`, `spring-cloud-gateway.yaml`, `zuul.properties`. */
  readonly data: Readonly<Record<string, string>>;
}
