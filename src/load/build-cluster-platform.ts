import {
  DEFAULT_GATEWAY_MAX_REPLICAS, DEFAULT_GATEWAY_MIN_REPLICAS, DEFAULT_GATEWAY_RESOURCES, DEFAULT_GATEWAY_TARGET_CPU,
  DEFAULT_CERT_MANAGER, DEFAULT_SPRING_CLOUD_GATEWAY, MAX_GATEWAY_REPLICAS,
} from '../model/defaults';
import {
  CertificateIssuer, ClusterPlatform, DomainPolicy, EastWestGateway, GatewayResources, GatewayServiceSettings,
  JavaExport, JavaGatewaySettings,
} from '../model/platform';
import { atLeast, parseVersion } from '../model/version';
import { DocumentContext } from './document-context';
import { FieldPath } from './field-path';
import { parseIpv4, parseQuantity } from './platform-values';
import { list, mapping, Mapping, str } from './values';

/**
 * Reads the platform fields of a Cluster spec (`kubernetes`, `gateway`, `javaExport`, `javaGateway`). The schema
 * has already reported wrong types and shapes; this adds what a schema cannot say (min <= max, requests <=
 * limits, valid IPv4, a LoadBalancer that is not internal) at the field's `file:line:col`.
 */
export function buildClusterPlatform(ctx: DocumentContext, spec: Mapping): ClusterPlatform {
  const kubernetesText = str(spec, 'kubernetes');
  const kubernetes = kubernetesText !== undefined ? parseVersion(kubernetesText) : undefined;
  const gatewayMap = mapping(spec, 'gateway');
  if (gatewayMap && !kubernetes) {
    ctx.error('missing-field', ['spec', 'gateway'],
      'spec.gateway needs spec.kubernetes (the installed Kubernetes version, e.g. "1.29.4"): it picks the HorizontalPodAutoscaler and PodDisruptionBudget API versions',
      'key');
  }
  const gateway = gatewayMap ? readGateway(ctx, gatewayMap, ['spec', 'gateway']) : undefined;
  const exportMap = mapping(spec, 'javaExport');
  const javaExport = exportMap ? readJavaExport(ctx, exportMap, ['spec', 'javaExport']) : undefined;
  const javaGatewayMap = mapping(spec, 'javaGateway');
  const javaGateway = javaGatewayMap ? readJavaGateway(ctx, javaGatewayMap, ['spec', 'javaGateway']) : undefined;
  return {
    ...(kubernetes ? { kubernetes, kubernetesOrigin: ctx.origin(['spec', 'kubernetes']) } : {}),
    ...(gateway ? { gateway } : {}),
    ...(javaExport ? { javaExport } : {}),
    ...(javaGateway ? { javaGateway } : {}),
  };
}

function readGateway(ctx: DocumentContext, m: Mapping, at: FieldPath): EastWestGateway {
  const replicas = mapping(m, 'replicas') ?? {};
  const minReplicas = intOr(replicas.min, DEFAULT_GATEWAY_MIN_REPLICAS);
  const maxReplicas = intOr(replicas.max, DEFAULT_GATEWAY_MAX_REPLICAS);
  if (minReplicas > maxReplicas) {
    ctx.error('invalid-replicas', [...at, 'replicas', 'min'],
      `expected replicas.min <= replicas.max, got min ${minReplicas} > max ${maxReplicas}`);
  }
  if (maxReplicas > MAX_GATEWAY_REPLICAS) {
    ctx.error('invalid-replicas', [...at, 'replicas', 'max'], `expected at most ${MAX_GATEWAY_REPLICAS} replicas, got ${maxReplicas}`);
  }
  const revision = str(m, 'revision');
  const domainsMap = mapping(m, 'domains');
  return {
    ...(revision !== undefined ? { revision } : {}),
    minReplicas,
    maxReplicas,
    targetCpuUtilization: intOr(m.targetCPUUtilization, DEFAULT_GATEWAY_TARGET_CPU),
    service: readService(ctx, mapping(m, 'service') ?? {}, [...at, 'service']),
    resources: readResources(ctx, mapping(m, 'resources'), [...at, 'resources']),
    ...(domainsMap ? { domains: readDomains(ctx, domainsMap, [...at, 'domains']) } : {}),
    origin: ctx.origin(at),
  };
}

function readService(ctx: DocumentContext, m: Mapping, at: FieldPath): GatewayServiceSettings {
  const type = str(m, 'type') === 'LoadBalancer' ? 'LoadBalancer' : 'ClusterIP';
  const annotations: Record<string, string> = {};
  const given = mapping(m, 'annotations') ?? {};
  for (const key of Object.keys(given).sort()) if (typeof given[key] === 'string') annotations[key] = given[key] as string;
  if (type === 'LoadBalancer' && Object.keys(annotations).length === 0) {
    ctx.error('public-load-balancer', [...at, 'type'],
      'a LoadBalancer without annotations is public on most clouds; kfaas is private by default: add the annotations ' +
        'that make it internal on your cloud (e.g. service.beta.kubernetes.io/aws-load-balancer-internal: "true", ' +
        'networking.gke.io/load-balancer-type: Internal, service.beta.kubernetes.io/azure-load-balancer-internal: "true") or use type ClusterIP');
  }
  return { type, annotations };
}

function readResources(ctx: DocumentContext, m: Mapping | undefined, at: FieldPath): GatewayResources {
  const d = DEFAULT_GATEWAY_RESOURCES;
  const read = (part: 'requests' | 'limits'): { cpuMillis: number; memoryMiB: number } => {
    const p = m ? mapping(m, part) : undefined;
    const cpu = p ? str(p, 'cpu') : undefined;
    const memory = p ? str(p, 'memory') : undefined;
    return {
      cpuMillis: cpu !== undefined ? parseQuantity(cpu, 'cpu') ?? d[part].cpuMillis : d[part].cpuMillis,
      memoryMiB: memory !== undefined ? parseQuantity(memory, 'memory') ?? d[part].memoryMiB : d[part].memoryMiB,
    };
  };
  const requests = read('requests');
  const limits = read('limits');
  if (requests.cpuMillis > limits.cpuMillis) {
    ctx.error('invalid-resources', [...at, 'requests', 'cpu'],
      `expected a CPU request <= the limit (${limits.cpuMillis}m), got ${requests.cpuMillis}m`);
  }
  if (requests.memoryMiB > limits.memoryMiB) {
    ctx.error('invalid-resources', [...at, 'requests', 'memory'],
      `expected a memory request <= the limit (${limits.memoryMiB}Mi), got ${requests.memoryMiB}Mi`);
  }
  return { requests, limits };
}

function readDomains(ctx: DocumentContext, m: Mapping, at: FieldPath): DomainPolicy {
  const suffixes = (list(m, 'suffixes') ?? []).filter((s): s is string => typeof s === 'string');
  const issuerMap = mapping(m, 'issuer') ?? {};
  const issuer: CertificateIssuer = {
    name: str(issuerMap, 'name') ?? '',
    kind: str(issuerMap, 'kind') === 'Issuer' ? 'Issuer' : 'ClusterIssuer',
  };
  const certManagerText = str(m, 'certManager');
  const certManager = (certManagerText !== undefined ? parseVersion(certManagerText) : undefined) ?? DEFAULT_CERT_MANAGER;
  if (!atLeast(certManager, 1, 0)) {
    // cert-manager.io/v1 first exists at v1.0.0 (pkg/apis/certmanager/v1 absent at v0.16.0): version-facts.md E
    ctx.error('unsupported-version', [...at, 'certManager'],
      `kfaas writes cert-manager.io/v1 Certificates, served from cert-manager 1.0; got ${certManager.raw}: upgrade cert-manager ` +
        '(0.x serves only cert-manager.io/v1alpha2 and older)');
  }
  return {
    suffixes: [...new Set(suffixes)].sort(),
    wildcards: m.wildcards === true,
    issuer,
    certManager,
    origin: ctx.origin(at),
    suffixesOrigin: ctx.origin([...at, 'suffixes']),
    wildcardsOrigin: ctx.origin(m.wildcards === undefined ? at : [...at, 'wildcards']),
  };
}

function readJavaExport(ctx: DocumentContext, m: Mapping, at: FieldPath): JavaExport {
  const host = str(m, 'host');
  const items = list(m, 'addresses');
  if ((host === undefined) === (items === undefined)) {
    ctx.error('java-export-location', at,
      'expected exactly one of host (a Java gateway Service in Kubernetes) or addresses (KVM machines)' +
        (host === undefined ? ', got neither' : ', got both'));
  }
  const addresses: string[] = [];
  items?.forEach((item, i) => {
    if (typeof item !== 'string') return;
    if (!parseIpv4(item)) {
      ctx.error('invalid-address', [...at, 'addresses', i], `expected an IPv4 address such as 10.20.0.11, got "${item}"`);
      return;
    }
    if (addresses.includes(item)) {
      ctx.error('duplicate-address', [...at, 'addresses', i], `address ${item} is listed more than once; expected each machine once`);
      return;
    }
    addresses.push(item);
  });
  return {
    ...(host !== undefined ? { host } : {}),
    ...(items ? { addresses: addresses.sort(compareIpv4) } : {}),
    port: intOr(m.port, 80),
    origin: ctx.origin(at),
  };
}

function readJavaGateway(ctx: DocumentContext, m: Mapping, at: FieldPath): JavaGatewaySettings {
  const address = str(m, 'address');
  const versionText = str(m, 'springCloudGateway');
  const port = address !== undefined && /:(\d+)$/.exec(address);
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) {
    ctx.error('invalid-port', [...at, 'address'], `expected a port from 1 to 65535, got ${port[1]} in "${address}"`);
  }
  return {
    ...(address !== undefined ? { address } : {}),
    springCloudGateway: (versionText !== undefined ? parseVersion(versionText) : undefined) ?? DEFAULT_SPRING_CLOUD_GATEWAY,
    origin: ctx.origin(at),
  };
}

function intOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}

/** Numeric order of dotted quads, so `10.0.0.9` sorts before `10.0.0.10`. */
function compareIpv4(a: string, b: string): number {
  const pa = parseIpv4(a) ?? [];
  const pb = parseIpv4(b) ?? [];
  for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
