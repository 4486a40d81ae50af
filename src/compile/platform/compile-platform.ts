import { EAST_WEST_GATEWAY_NAME, JAVA_EXPORT_NAME, JAVA_EXPORT_STATIC_HOST, KFAAS_NAMESPACE } from '../../model/defaults';
import { DomainPolicy } from '../../model/platform';
import { Cluster } from '../../model/project';
import { Findings } from '../findings';
import { PlatformProfile, platformProfileFor } from '../../versions/platform-profile';
import { profileFor } from '../../versions/profile';
import { EnvironmentSlot } from '../expand';
import { OwnershipIndex } from '../ownership';
import { slugify, stableHash, MAX_OBJECT_NAME_LENGTH } from '../naming';
import { compareText } from '../../util/compare';
import { makeForwardingTable } from './forwarding';
import { CertificateTable, EgressHttpTable, GatewayTable, JavaExportTable, PlatformTable } from './platform-table';

/** What other passes found for one cluster: the hostnames it serves and the Egress prefixes it allows. */
export interface PlatformInputs {
  /** Team documents' owned prefixes (the forwarding table forwards an owned prefix as one pattern). */
  readonly ownership: OwnershipIndex;
  /** Business-domain hostnames served on the cluster (any order; de-duplicated here). */
  readonly hostnames: readonly string[];
  /** Allowed Java prefixes in specificity order (see compile-egress.ts). */
  readonly egress: readonly EgressHttpTable[];
}

/** The platform table of one cluster. Pure. */
export function compilePlatform(
  cluster: Cluster, slots: readonly EnvironmentSlot[], inputs: PlatformInputs, findings: Findings,
): PlatformTable {
  const platform = platformProfileFor(cluster);
  if (cluster.gateway && !platform.eastWestGateway) {
    findings.error('gateway-unsupported', cluster.gateway.origin,
      `cluster ${cluster.name} runs Istio ${cluster.istio.raw}; kfaas's east-west gateway takes its certificates and ` +
        'configuration from istiod (Istio >= 1.5): upgrade Istio or remove spec.gateway');
  }
  const hostnames = [...new Set(inputs.hostnames)].sort(compareText);
  const certificates: CertificateTable[] = cluster.gateway?.domains
    ? hostnames.map((hostname) => makeCertificate(hostname, cluster.gateway!.domains!, platform))
    : [];
  return {
    cluster: cluster.name,
    clusterDomain: cluster.clusterDomain,
    profile: profileFor(cluster),
    platform,
    namespace: KFAAS_NAMESPACE,
    ...(cluster.gateway ? { gateway: makeGateway(cluster, certificates) } : {}),
    certificates,
    ...(cluster.javaExport ? { javaExport: makeJavaExport(cluster, inputs.egress) } : {}),
    forwarding: makeForwardingTable(cluster, slots, inputs.ownership, findings),
  };
}

function makeGateway(cluster: Cluster, certificates: readonly CertificateTable[]): GatewayTable {
  const g = cluster.gateway!;
  return {
    name: EAST_WEST_GATEWAY_NAME,
    selector: { app: EAST_WEST_GATEWAY_NAME, istio: EAST_WEST_GATEWAY_NAME },
    ...(g.revision !== undefined ? { revision: g.revision } : {}),
    minReplicas: g.minReplicas,
    maxReplicas: g.maxReplicas,
    targetCpuUtilization: g.targetCpuUtilization,
    service: g.service,
    resources: g.resources,
    servers: certificates.map((c) => ({ hostname: c.hostname, credentialName: c.secretName })),
  };
}

/**
 * `domain-<hostname>` (a wildcard `*.` becomes `wildcard-`), the hash of the hostname added when the slug does
 * not fit 63 characters with the `-tls` of its Secret.
 */
export function domainObjectName(hostname: string): string {
  const slug = slugify(hostname.replace(/^\*\./, 'wildcard.'));
  const base = `domain-${slug}`;
  const room = MAX_OBJECT_NAME_LENGTH - '-tls'.length;
  if (base.length <= room) return base;
  const hash = stableHash(hostname);
  return `${base.slice(0, room - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** A hostname's Certificate; its fields follow the cluster's cert-manager (version-facts.md E). */
function makeCertificate(hostname: string, domains: DomainPolicy, platform: PlatformProfile): CertificateTable {
  const name = domainObjectName(hostname);
  return {
    name, hostname, secretName: `${name}-tls`, issuer: domains.issuer,
    // `revisionHistoryLimit` exists from cert-manager v1.3.0; its default became 1 in v1.18.0 (unlimited before)
    ...(platform.certificateRevisionHistoryLimit ? { revisionHistoryLimit: 1 } : {}),
  };
}

function makeJavaExport(cluster: Cluster, egress: readonly EgressHttpTable[]): JavaExportTable {
  const j = cluster.javaExport!;
  const host = `${JAVA_EXPORT_NAME}.${KFAAS_NAMESPACE}.svc.${cluster.clusterDomain}`;
  const serviceEntry = j.addresses
    ? { name: `${JAVA_EXPORT_NAME}-gateway`, host: JAVA_EXPORT_STATIC_HOST, addresses: j.addresses, port: j.port }
    : undefined;
  return {
    serviceName: JAVA_EXPORT_NAME,
    host,
    destination: { host: serviceEntry ? serviceEntry.host : j.host!, port: j.port },
    ...(serviceEntry ? { serviceEntry } : {}),
    http: egress,
  };
}
