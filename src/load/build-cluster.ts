import { DEFAULT_CLUSTER_DOMAIN, defaultEnvironmentNamespace, gatewayHost, gatewayServiceName, PLATFORM_FOLDER, RESERVED_NAMESPACES } from '../model/defaults';
import { dns1035LabelProblem, dns1123SubdomainProblem, MAX_LABEL_LENGTH } from '../model/kubernetes-names';
import { Cluster, Environment, Layout, LocalGatewayOverride } from '../model/project';
import { compareVersions, parseVersion, Version } from '../model/version';
import { checkSupported, ISTIO_SUPPORT, KNATIVE_SUPPORT, SupportedProduct } from '../versions/support';
import { DocumentContext } from './document-context';
import { buildClusterPlatform } from './build-cluster-platform';
import { Built } from './built';
import { buildOutputChoice } from './build-gateway-api';
import { reportDuplicates } from './duplicates';
import { FieldPath, formatPath } from './field-path';
import { has, isMapping, list, mapping, Mapping, str } from './values';
import { compareText } from '../util/compare';

const NO_VERSION: Version = { major: 0, minor: 0, patch: 0, raw: '' };
/** Longest namespace whose gateway Service, `<namespace>-ksvc-gateway`, is still a 63-character DNS-1035 label. */
const MAX_NAMESPACE_LENGTH = MAX_LABEL_LENGTH - gatewayServiceName('').length;

/** Builds a Cluster and checks its environments (unique names and namespaces, no platform namespace). */
export function buildCluster(ctx: DocumentContext, doc: Mapping): Cluster {
  const spec = mapping(doc, 'spec') ?? {};
  const local = mapping(spec, 'localGateway');
  const localGateway: LocalGatewayOverride | undefined = local
    ? { gateway: str(local, 'gateway') ?? '', host: str(local, 'host') ?? '' }
    : undefined;
  const allowNewerVersions = spec.allowNewerVersions === true;
  const istio = readVersion(ctx, spec, 'istio', ISTIO_SUPPORT, allowNewerVersions);
  const knative = readVersion(ctx, spec, 'knative', KNATIVE_SUPPORT, allowNewerVersions);
  const gatewayProxy = has(spec, 'gatewayProxy') ? readVersion(ctx, spec, 'gatewayProxy', ISTIO_SUPPORT, allowNewerVersions) : undefined;
  if (gatewayProxy && gatewayProxy !== NO_VERSION && istio !== NO_VERSION && compareVersions(gatewayProxy, istio) > 0) {
    ctx.error('invalid-version', ['spec', 'gatewayProxy'],
      `expected the oldest gateway proxy still running, at most the control plane's version (istio: ${istio.raw}), got ${gatewayProxy.raw}; ` +
        'when every proxy runs the control plane\'s version, leave gatewayProxy out');
  }
  const clusterDomain = str(spec, 'clusterDomain') ?? DEFAULT_CLUSTER_DOMAIN;
  const environments = buildEnvironments(ctx, list(spec, 'environments') ?? []);
  checkGatewayHosts(ctx, environments, clusterDomain);
  return {
    name: str(mapping(doc, 'metadata') ?? {}, 'name') ?? '',
    istio,
    knative,
    clusterDomain,
    environments,
    layout: (str(spec, 'layout') ?? 'merged') as Layout,
    ...(localGateway ? { localGateway } : {}),
    ...(spec.publicIngress === true ? { publicIngress: true } : {}),
    ...(gatewayProxy && gatewayProxy !== NO_VERSION ? { gatewayProxy } : {}),
    ...(allowNewerVersions ? { allowNewerVersions } : {}),
    versionOrigins: {
      istio: ctx.origin(['spec', 'istio']),
      knative: ctx.origin(['spec', 'knative']),
      ...(gatewayProxy ? { gatewayProxy: ctx.origin(['spec', 'gatewayProxy']) } : {}),
    },
    ...buildClusterPlatform(ctx, spec),
    ...buildOutputChoice(ctx, spec, istio, str(spec, 'clusterDomain') ?? DEFAULT_CLUSTER_DOMAIN),
    origin: ctx.origin(['metadata', 'name']),
  };
}

/**
 * The version at `spec.<key>`, checked against the supported range (the schema has checked its form). Returns
 * NO_VERSION when absent or malformed; the document has an error then.
 */
function readVersion(ctx: DocumentContext, spec: Mapping, key: string, product: SupportedProduct, allowNewer: boolean): Version {
  const text = str(spec, key);
  const version = text === undefined ? undefined : parseVersion(text);
  if (!version) return NO_VERSION;
  const verdict = checkSupported(product, version, allowNewer);
  if (!verdict.ok) ctx.error('unsupported-version', ['spec', key], verdict.error);
  else if (verdict.warning) ctx.warning('newer-version', ['spec', key], verdict.warning);
  return version;
}

interface EnvironmentDraft {
  readonly environment: Environment;
  readonly index: number;
  /** Where the namespace was decided: the `namespace` field, or `name` when defaulted. */
  readonly namespacePath: FieldPath;
}

function buildEnvironments(ctx: DocumentContext, items: readonly unknown[]): Environment[] {
  const drafts: EnvironmentDraft[] = [];
  items.forEach((item, index) => {
    if (!isMapping(item)) return;
    const name = str(item, 'name');
    if (name === undefined) return;
    const at: FieldPath = ['spec', 'environments', index];
    if (name === PLATFORM_FOLDER) {
      ctx.error('reserved-environment', [...at, 'name'],
        `"${PLATFORM_FOLDER}" is reserved for the cluster-level folder dist/<cluster>/${PLATFORM_FOLDER}/ (kfaas-system, the east-west gateway); expected another environment name`);
    }
    const explicit = str(item, 'namespace');
    const namespace = explicit ?? defaultEnvironmentNamespace(name);
    if (explicit !== undefined && RESERVED_NAMESPACES.includes(explicit)) {
      ctx.error(
        'reserved-namespace',
        [...at, 'namespace'],
        `expected a namespace of the environment's own, got "${explicit}", which belongs to the platform (reserved: ${RESERVED_NAMESPACES.join(', ')})`,
      );
    }
    checkGatewayServiceName(ctx, namespace, explicit === undefined ? [...at, 'name'] : [...at, 'namespace'], explicit === undefined);
    drafts.push({
      environment: { name, namespace, allowFaults: item.allowFaults === true, origin: ctx.origin(at) },
      index,
      namespacePath: explicit === undefined ? [...at, 'name'] : [...at, 'namespace'],
    });
  });

  const nameCount = new Map<string, number>();
  for (const d of drafts) nameCount.set(d.environment.name, (nameCount.get(d.environment.name) ?? 0) + 1);
  reportDuplicates(
    drafts.map((d) => ({ key: d.environment.name, ctx, path: ['spec', 'environments', d.index, 'name'] })),
    (d, others) =>
      `environment "${d.key}" is defined more than once in this cluster (also at ${others.map((o) => formatPath(o.path)).join(', ')}); expected unique environment names`,
    'duplicate-environment',
  );
  // Namespaces: only among uniquely named environments, so one mistake gives one message.
  const unique = drafts.filter((d) => nameCount.get(d.environment.name) === 1);
  reportDuplicates(
    unique.map((d) => ({ key: d.environment.namespace, ctx, path: d.namespacePath, env: d.environment.name })),
    (d, others) =>
      `namespace "${d.key}" is also used by environment ${others.map((o) => `"${o.env}" (${formatPath(o.path)})`).join(', ')}; expected one namespace per environment`,
    'duplicate-namespace',
  );
  return drafts.map((d) => d.environment).sort((a, b) => compareText(a.name, b.name));
}

/**
 * The environment's gateway Service, `<namespace>-ksvc-gateway`, is a Service name: a DNS-1035 label (at most 63
 * characters, starting with a letter). Reported at the field that decided the namespace.
 */
function checkGatewayServiceName(ctx: DocumentContext, namespace: string, path: FieldPath, defaulted: boolean): void {
  const service = gatewayServiceName(namespace);
  const problem = dns1035LabelProblem(service);
  if (problem === undefined) return;
  const source = defaulted ? `the default namespace "${namespace}"` : `namespace "${namespace}"`;
  const fix = defaulted
    ? `an environment name of at most ${MAX_NAMESPACE_LENGTH - defaultEnvironmentNamespace('').length} characters, or an explicit namespace`
    : 'a namespace';
  ctx.error('invalid-name', path,
    `the gateway Service "${service}" derived from ${source} would be invalid: ${problem}; ` +
      `expected ${fix} of at most ${MAX_NAMESPACE_LENGTH} characters starting with a letter`);
}

/** Each environment's gateway host, `<namespace>-ksvc-gateway.kfaas-system.svc.<clusterDomain>`, is a DNS name. */
function checkGatewayHosts(ctx: DocumentContext, environments: readonly Environment[], clusterDomain: string): void {
  const longest = environments.reduce<Environment | undefined>((a, e) => (a && a.namespace.length >= e.namespace.length ? a : e), undefined);
  if (!longest || dns1035LabelProblem(gatewayServiceName(longest.namespace)) !== undefined) return;
  if (dns1123SubdomainProblem(clusterDomain) !== undefined) return; // the schema has reported it
  const host = gatewayHost(longest.namespace, clusterDomain);
  const problem = dns1123SubdomainProblem(host);
  if (problem === undefined) return;
  ctx.error('invalid-name', ['spec', 'clusterDomain'],
    `the gateway host "${host}" of environment "${longest.name}" would be invalid: ${problem}; expected a shorter cluster domain`);
}

/** Cluster names are unique across clusters/ (they name the folders under dist/). */
export function checkClusters(docs: readonly Built<Cluster>[]): void {
  reportDuplicates(
    docs.filter((d) => d.value.name !== '').map((d) => ({ key: d.value.name, ctx: d.ctx, path: ['metadata', 'name'] })),
    (d, others) =>
      `cluster "${d.key}" is also defined at ${others.map((o) => o.ctx.where(o.path)).join(', ')}; expected unique cluster names across clusters/`,
    'duplicate-cluster',
  );
}
