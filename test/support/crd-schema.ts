import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { loadAll } from 'js-yaml';
import { prunedFields, SchemaNode } from './pruned-fields';

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

/** True when the shared CRDs are present (they are beside every CI clone, and on developer machines). */
export function crdsAvailable(): boolean {
  return existsSync(join(SHARED_CRDS, 'istio-crd-all.gen.yaml'));
}

/**
 * `test.each` for checks against the CRDs in ../shared/crds: they ADD to the @kubernetes-models checks (which
 * every clone runs, pruning included for the Istio kinds) and are registered only where those CRDs are, so a
 * fresh clone has nothing skipped. `.ci/run` warns when the CRDs are missing (the npm schema checks still run).
 */
export function eachWithCrds<T extends readonly unknown[]>(cases: readonly T[]): (name: string, fn: (...args: T) => void) => void {
  return (name, fn) => {
    if (crdsAvailable()) test.each(cases.map((c) => [...c]))(name, (...args) => fn(...(args as unknown as T)));
  };
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
  return [...errors, ...prunedFields(obj, validate.schema as SchemaNode)];
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
