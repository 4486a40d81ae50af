import { Origin } from './origin';
import { Version } from './version';

/**
 * The cluster-level platform settings of a `kind: Cluster` document: what exists once per cluster in
 * `kfaas-system` (the east-west gateway, business domains, the bridge into Java). All optional; a cluster
 * without them still gets `dist/<cluster>/platform/` with the protected Namespace and the forwarding table.
 */
export interface ClusterPlatform {
  /** Installed Kubernetes version: picks the HPA and PDB API versions. Required with `gateway`. */
  readonly kubernetes?: Version;
  /** Where `spec.kubernetes` was written (or the cluster name when absent). */
  readonly kubernetesOrigin?: Origin;
  /** The east-west gateway in kfaas-system. @default none */
  readonly gateway?: EastWestGateway;
  /** Where functions' calls into Java go. @default none (Egress documents do not land on this cluster) */
  readonly javaExport?: JavaExport;
  /** How the Java site gateway reaches this cluster (the forwarding table). @default cluster DNS names */
  readonly javaGateway?: JavaGatewaySettings;
}

/** `spec.gateway`: an Istio proxy Deployment in kfaas-system serving business domains over HTTPS. */
export interface EastWestGateway {
  /** `istio.io/rev` of the control plane that injects the proxy. @default none (the default revision) */
  readonly revision?: string;
  /** HPA bounds. @default 2..5 */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** HPA target average CPU utilisation, percent of the CPU request. @default 80 */
  readonly targetCpuUtilization: number;
  readonly service: GatewayServiceSettings;
  readonly resources: GatewayResources;
  /** Business domains this cluster may serve. @default none */
  readonly domains?: DomainPolicy;
  readonly origin: Origin;
}

export interface GatewayServiceSettings {
  /** `ClusterIP` (default) or `LoadBalancer`, which must be internal through `annotations`. */
  readonly type: 'ClusterIP' | 'LoadBalancer';
  /** Passed through to the Service, e.g. `service.beta.kubernetes.io/aws-load-balancer-internal: "true"`. */
  readonly annotations: Readonly<Record<string, string>>;
}

/** CPU in millicores, memory in MiB. */
export interface GatewayResources {
  readonly requests: { readonly cpuMillis: number; readonly memoryMiB: number };
  readonly limits: { readonly cpuMillis: number; readonly memoryMiB: number };
}

/** `spec.gateway.domains`: which hostnames routes may claim on this cluster, and who signs their certificates. */
export interface DomainPolicy {
  /** A hostname must equal one of these or end with `.<suffix>`. */
  readonly suffixes: readonly string[];
  /** Allow `*.<domain>` hostnames. @default false */
  readonly wildcards: boolean;
  readonly issuer: CertificateIssuer;
  /**
   * The cert-manager installed on the cluster: picks the Certificate's fields (version-facts.md E).
   * @default DEFAULT_CERT_MANAGER (1.21.1)
   */
  readonly certManager: Version;
  readonly origin: Origin;
  readonly suffixesOrigin: Origin;
  readonly wildcardsOrigin: Origin;
}

export interface CertificateIssuer {
  readonly name: string;
  /** @default 'ClusterIssuer' */
  readonly kind: 'ClusterIssuer' | 'Issuer';
}

/** `spec.javaExport`: the Java export gateway, in Kubernetes (`host`) or on KVM machines (`addresses`). */
export interface JavaExport {
  /** In-cluster DNS name of the Java gateway Service. Exactly one of host and addresses. */
  readonly host?: string;
  /** IPv4 addresses of KVM machines (a ServiceEntry with `resolution: STATIC`). */
  readonly addresses?: readonly string[];
  readonly port: number;
  readonly origin: Origin;
}

/** `spec.javaGateway`: how the Java site gateway forwards `/faas/api/**` into this cluster. */
export interface JavaGatewaySettings {
  /**
   * `host:port` or IP the Java gateway connects to when it cannot resolve cluster DNS; the Host header is then
   * set to the environment's gateway host. @default the gateway host itself (resolved through cluster DNS)
   */
  readonly address?: string;
  /** Spring Cloud Gateway version: from 4.3 the route property prefix is `spring.cloud.gateway.server.webflux`. @default "4.3.0" */
  readonly springCloudGateway: Version;
  readonly origin: Origin;
}
