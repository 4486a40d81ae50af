import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { loadAll } from 'js-yaml';

/**
 * Validates objects against the openAPIV3Schema of the upstream CRDs in `../shared/crds/` (Istio 1.30.3,
 * Knative Serving 1.23, Argo CD 3.5.1, Flux kustomize-controller 1.9.4 / source-controller 1.9.1), which CI gets
 * beside the clone. This complements @kubernetes-models, whose Istio
 * package (2.3.0, the last for Node 20) predates the `v1` API version.
 */
export const SHARED_CRDS = join(__dirname, '..', '..', '..', 'shared', 'crds');

interface CrdDocument {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema?: { openAPIV3Schema: Record<string, unknown> } }[];
  };
}

const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
const validators = new Map<string, ValidateFunction>();
let crds: CrdDocument[] | undefined;

function loadCrds(): CrdDocument[] {
  if (crds) return crds;
  crds = [];
  for (const file of [
    'istio-crd-all.gen.yaml',
    'knative-serving-service.yaml',
    'cert-manager-certificate-crd.yaml',
    'argocd-application-crd.yaml',
    'argocd-appproject-crd.yaml',
    'flux-kustomization-crd.yaml',
    'flux-gitrepository-crd.yaml',
    'gateway-api-httproutes.yaml',
  ]) {
    const path = join(SHARED_CRDS, file);
    if (!existsSync(path)) continue;
    for (const doc of loadAll(readFileSync(path, 'utf8')) as CrdDocument[]) {
      if (doc && doc.kind === 'CustomResourceDefinition') crds.push(doc);
    }
  }
  return crds;
}

/** True when the shared CRDs are present (they are in CI and on developer machines). */
export function crdsAvailable(): boolean {
  return existsSync(join(SHARED_CRDS, 'istio-crd-all.gen.yaml'));
}

/** Errors of `obj` against its CRD's schema, or undefined when no CRD covers its apiVersion/kind. */
export function validateAgainstCrd(input: { apiVersion: string; kind: string }): string[] | undefined {
  const obj = input.kind === 'HTTPRoute' ? withoutExperimentalRuleFields(input) : input;
  const [group, version] = obj.apiVersion.split('/');
  const key = `${group}/${version}/${obj.kind}`;
  let validate = validators.get(key);
  if (!validate) {
    const crd = loadCrds().find((c) => c.spec.group === group && c.spec.names.kind === obj.kind);
    const schema = crd?.spec.versions.find((v) => v.name === version)?.schema?.openAPIV3Schema;
    if (!schema) return undefined;
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  const errors = validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  return [...errors, ...prunedFields(obj, validate.schema as SchemaNode, '')];
}

/**
 * The CRD here is Gateway API's standard channel; `rules[].retry` (experimental channel only) is checked by
 * validate-objects.ts against the experimental CRD's rules instead.
 */
function withoutExperimentalRuleFields<T extends { apiVersion: string; kind: string }>(obj: T): T {
  const spec = (obj as unknown as { spec?: { rules?: Record<string, unknown>[] } }).spec;
  if (!spec?.rules) return obj;
  const rules = spec.rules.map(({ retry: _retry, ...rest }) => rest);
  return { ...obj, spec: { ...spec, rules } } as T;
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/**
 * Fields the API server would silently drop: structural CRD schemas do not reject unknown fields, they prune
 * them. `metadata` is the API server's own and is not described by CRDs.
 */
function prunedFields(value: unknown, schema: SchemaNode | undefined, path: string): string[] {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields'] || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => prunedFields(v, schema.items, `${path}/${i}`));
  const out: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (path === '' && (key === 'metadata' || key === 'apiVersion' || key === 'kind')) continue;
    const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (!sub && schema.additionalProperties !== true) out.push(`${path}/${key} is not in the schema and would be pruned`);
    else out.push(...prunedFields(v, sub, `${path}/${key}`));
  }
  return out;
}
