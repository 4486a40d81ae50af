import { parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import { API_VERSION, DEFAULT_CLUSTER_DOMAIN, defaultEnvironmentNamespace, SCHEMA_PATH } from '../model/defaults';
import { Layout } from '../model/project';

/** What the importer decides for a cluster file it creates. */
export interface NewCluster {
  readonly name: string;
  readonly istio: string;
  readonly knative: string;
  readonly clusterDomain: string;
  readonly layout: Layout;
  /** Why this layout (printed in the report and written as a comment). */
  readonly layoutReason: string;
  readonly publicIngress: boolean;
  readonly environments: readonly { readonly name: string; readonly namespace: string }[];
}

/** The text of a new `clusters/<name>.yaml`. */
export function newClusterText(c: NewCluster): string {
  const lines = [
    `# yaml-language-server: $schema=../${SCHEMA_PATH}`,
    `# Created by kfaas import. Layout: ${c.layoutReason}.`,
    ...(c.publicIngress ? ["# publicIngress: the imported VirtualServices bound Knative's public ingress gateway too; kfaas keeps that binding."] : []),
    `apiVersion: ${API_VERSION}`,
    'kind: Cluster',
    'metadata:',
    `  name: ${c.name}`,
    'spec:',
    `  istio: ${JSON.stringify(c.istio)}`,
    `  knative: ${JSON.stringify(c.knative)}`,
    ...(c.clusterDomain !== DEFAULT_CLUSTER_DOMAIN ? [`  clusterDomain: ${c.clusterDomain}`] : []),
    `  layout: ${c.layout}`,
    ...(c.publicIngress ? ['  publicIngress: true'] : []),
    '  environments:',
    ...c.environments.flatMap((e) => [
      `    - name: ${e.name}`,
      ...(e.namespace !== defaultEnvironmentNamespace(e.name) ? [`      namespace: ${e.namespace}`] : []),
    ]),
  ];
  return lines.join('\n') + '\n';
}

/**
 * An existing cluster file with environment `env` added (comments and formatting kept), and `publicIngress: true`
 * set when asked. Returns undefined when the file already has everything.
 */
export function extendClusterText(text: string, env: { name: string; namespace: string }, publicIngress: boolean): string | undefined {
  const doc = parseDocument(text);
  const spec = doc.get('spec') as YAMLMap | undefined;
  if (!spec) return undefined;
  let changed = false;
  const envs = spec.get('environments') as YAMLSeq | undefined;
  const names = (envs?.items ?? []).map((item) => (item as YAMLMap).get?.('name'));
  if (!names.includes(env.name)) {
    const entry: Record<string, string> = { name: env.name };
    if (env.namespace !== defaultEnvironmentNamespace(env.name)) entry.namespace = env.namespace;
    if (envs) envs.add(doc.createNode(entry));
    else spec.set('environments', doc.createNode([entry]));
    changed = true;
  }
  if (publicIngress && spec.get('publicIngress') !== true) {
    spec.set('publicIngress', true);
    changed = true;
  }
  return changed ? doc.toString() : undefined;
}
