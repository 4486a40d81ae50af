import { dirname } from 'path';
import { dns1035LabelProblem, dns1123LabelProblem, dns1123SubdomainProblem, labelValueProblem } from '../../src/model/kubernetes-names';
import { prunedFields, SchemaNode } from './pruned-fields';

/**
 * Validates rendered objects against the upstream schemas of kubernetes-models-ts: core, apps, rbac, autoscaling
 * and policy objects (`kubernetes-models`), cert-manager Certificates (`@kubernetes-models/cert-manager`), Istio
 * VirtualService, Gateway and ServiceEntry v1alpha3 and v1beta1 (`@kubernetes-models/istio` 2.3.0, the last
 * release for Node 20). That package predates `networking.istio.io/v1`; Istio serves one schema for all three
 * versions (shared/docs/domain-notes.md), so a v1 object is validated with the v1beta1 model, apiVersion swapped.
 *
 * Errors read like kubernetes-models': `data/spec/http/0/route must be array`. Where the model carries its schema as
 * data (the Istio models: CRD schemas, structural), fields that schema does not know are reported too, since the
 * API server would prune them silently: `/spec/http/0/foo is not in the schema and would be pruned`. The other
 * packages ship precompiled validators only; the CRDs in ../shared/crds add that check for them (crd-schema.ts).
 */

type Validatable = { validate(): void };
type ModelClass = new (data: any) => Validatable;

/** Schemas the models with data schemas (Istio, Gateway API) registered, by id (`networking.istio.io.v1beta1.VirtualService`). */
const registered = new Map<string, SchemaNode>();

/**
 * npm installs two copies of @kubernetes-models/validate@3 (one under @kubernetes-models/istio, one under the
 * @kubernetes-models/apimachinery it uses), each with its own ajv registry, so the Istio models cannot resolve
 * `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` ("can't resolve reference ..."). Mirror every schema the
 * apimachinery copy registers into the Istio copy before loading the models.
 */
function bridgeIstioSchemaRegistry(): void {
  bridgeSchemaRegistry(dirname(require.resolve('@kubernetes-models/istio/networking.istio.io/v1beta1')));
  // @kubernetes-models/gateway-api 0.5.1 (the last for Node 20) brings its own validate copy too.
  bridgeSchemaRegistry(dirname(require.resolve('@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute')));
}

/** Mirrors what the apimachinery copy of @kubernetes-models/validate registers into the copy `packageDir` uses. */
function bridgeSchemaRegistry(packageDir: string): void {
  const target = require(require.resolve('@kubernetes-models/validate', { paths: [packageDir] }));
  if (!target.__kfaasCaptured) {
    const registerTarget = target.register;
    target.register = (id: string, schema: SchemaNode): void => {
      registered.set(id, schema);
      registerTarget(id, schema);
    };
    target.__kfaasCaptured = true;
  }
  const metaFile = require.resolve('@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta', {
    paths: [packageDir],
  });
  const apimachineryValidate = require(require.resolve('@kubernetes-models/validate', { paths: [dirname(metaFile)] }));
  if (apimachineryValidate === target) return;
  const targets: unknown[] = (apimachineryValidate.__kfaasTargets ??= []);
  if (targets.includes(target)) return;
  targets.push(target);
  if (!apimachineryValidate.__kfaasBridged) {
    const register = apimachineryValidate.register;
    apimachineryValidate.register = (id: string, schema: unknown): void => {
      register(id, schema);
      for (const t of apimachineryValidate.__kfaasTargets as { register(id: string, schema: unknown): void }[]) t.register(id, schema);
    };
    apimachineryValidate.__kfaasBridged = true;
  }
  // Schemas registered before the bridge was in place (by an earlier import) are registered again.
  require(metaFile).addSchema();
}

let models: Record<string, ModelClass> | undefined;

function loadModels(): Record<string, ModelClass> {
  if (models) return models;
  bridgeIstioSchemaRegistry();
  /* eslint-disable @typescript-eslint/no-var-requires */
  const v1alpha3 = require('@kubernetes-models/istio/networking.istio.io/v1alpha3/VirtualService').VirtualService;
  const v1beta1 = require('@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService').VirtualService;
  const service = require('kubernetes-models/v1/Service').Service;
  const istioKinds = ['Gateway', 'ServiceEntry'];
  const coreModels: Record<string, string> = {
    'v1/Namespace': 'kubernetes-models/v1/Namespace',
    'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
    'v1/ServiceAccount': 'kubernetes-models/v1/ServiceAccount',
    'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
    'rbac.authorization.k8s.io/v1/Role': 'kubernetes-models/rbac.authorization.k8s.io/v1/Role',
    'rbac.authorization.k8s.io/v1/RoleBinding': 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding',
    'autoscaling/v2/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    'autoscaling/v2beta2/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v2beta2/HorizontalPodAutoscaler',
    'autoscaling/v1/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v1/HorizontalPodAutoscaler',
    'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
    'policy/v1beta1/PodDisruptionBudget': 'kubernetes-models/policy/v1beta1/PodDisruptionBudget',
    'cert-manager.io/v1/Certificate': '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate',
    'gateway.networking.k8s.io/v1/HTTPRoute': '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute',
  };
  // @kubernetes-models/argo-cd 2.7.2 and flux-cd 2.3.4: the last releases for Node 20 (later ones need Node 22).
  const application = require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application').Application;
  const appProject = require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject').AppProject;
  const kustomization = require('@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization').Kustomization;
  const gitRepository = require('@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/GitRepository').GitRepository;
  /* eslint-enable @typescript-eslint/no-var-requires */
  models = {
    'argoproj.io/v1alpha1/Application': application,
    'argoproj.io/v1alpha1/AppProject': appProject,
    'kustomize.toolkit.fluxcd.io/v1/Kustomization': kustomization,
    'source.toolkit.fluxcd.io/v1/GitRepository': gitRepository,
    'networking.istio.io/v1alpha3/VirtualService': v1alpha3,
    'networking.istio.io/v1beta1/VirtualService': v1beta1,
    'v1/Service': service,
  };
  for (const version of ['v1alpha3', 'v1beta1']) {
    for (const kind of istioKinds) {
      models[`networking.istio.io/${version}/${kind}`] = require(`@kubernetes-models/istio/networking.istio.io/${version}/${kind}`)[kind];
    }
  }
  for (const [key, path] of Object.entries(coreModels)) {
    const kind = key.slice(key.lastIndexOf('/') + 1);
    models[key] = require(path)[kind];
  }
  return models;
}

/** Schema errors of one manifest; empty when valid. An apiVersion/kind without a model is an error too. */
export function validateManifest(obj: unknown): string[] {
  if (obj === null || typeof obj !== 'object') return [`data must be object, got ${JSON.stringify(obj)}`];
  const o = obj as Record<string, unknown>;
  let data = o;
  let key = `${String(o.apiVersion)}/${String(o.kind)}`;
  if (o.apiVersion === 'networking.istio.io/v1') {
    data = { ...o, apiVersion: 'networking.istio.io/v1beta1' };
    key = `networking.istio.io/v1beta1/${String(o.kind)}`;
  }
  let experimental: string[] = [];
  if (key === 'gateway.networking.k8s.io/v1/HTTPRoute') ({ data, errors: experimental } = splitExperimentalRuleFields(data));
  const Model = loadModels()[key];
  if (!Model) return [`no schema for ${String(o.apiVersion)} ${String(o.kind)}`];
  const nameErrors = metadataNameErrors(o);
  try {
    new Model(data).validate();
    return [...experimental, ...prunedByModel(Model, data), ...nameErrors];
  } catch (e) {
    const errors = (e as { errors?: { instancePath?: string; message?: string }[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      return [...errors.map((x) => `data${x.instancePath ?? ''} ${x.message ?? ''}`.trim()), ...experimental, ...nameErrors];
    }
    return [String((e as Error).message ?? e), ...nameErrors];
  }
}

/** Fields the model's schema (when it has one as data) does not describe; [] when it has none. */
function prunedByModel(Model: ModelClass, data: Record<string, unknown>): string[] {
  const idSymbol = Object.getOwnPropertySymbols(Model.prototype).find((s) => s.description === 'SCHEMA_ID');
  const schema = idSymbol === undefined ? undefined : registered.get((Model.prototype as unknown as Record<symbol, string>)[idSymbol]);
  if (!schema) return [];
  return prunedFields(data, schema, '', (ref) => registered.get(ref.replace(/#$/, '')));
}

/**
 * `spec.rules[].retry` exists only in the experimental channel, which neither @kubernetes-models/gateway-api nor
 * the standard CRD in ../shared/crds carry. It is taken out before the standard schema check and checked here
 * against gateway-api@v1.6.1 config/crd/experimental/gateway.networking.k8s.io_httproutes.yaml: an object with
 * `attempts` (integer; minimum 1 from v1.6, none in v1.2-v1.5, see src/versions/gateway-api.ts), `codes` (a set of
 * integers 400-599) and `backoff` (a GEP-2257 duration), nothing else.
 */
function splitExperimentalRuleFields(o: Record<string, unknown>): { data: Record<string, unknown>; errors: string[] } {
  const spec = o.spec as { rules?: Record<string, unknown>[] } | undefined;
  if (!spec?.rules) return { data: o, errors: [] };
  const errors: string[] = [];
  const rules = spec.rules.map((rule, i) => {
    if (!('retry' in rule)) return rule;
    const { retry, ...rest } = rule as { retry: Record<string, unknown> };
    const at = `data/spec/rules/${i}/retry`;
    if (typeof retry !== 'object' || retry === null) return (errors.push(`${at} must be object`), rest);
    for (const k of Object.keys(retry)) if (!['attempts', 'codes', 'backoff'].includes(k)) errors.push(`${at} has unknown field ${k}`);
    if ('attempts' in retry && (!Number.isInteger(retry.attempts) || (retry.attempts as number) < 0)) errors.push(`${at}/attempts must be a non-negative integer`);
    const codes = retry.codes;
    if (codes !== undefined) {
      if (!Array.isArray(codes) || codes.some((c) => !Number.isInteger(c) || c < 400 || c > 599)) errors.push(`${at}/codes must be integers 400-599`);
      else if (new Set(codes).size !== codes.length) errors.push(`${at}/codes must be a set`);
    }
    if ('backoff' in retry && !/^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(String(retry.backoff))) errors.push(`${at}/backoff must be a duration`);
    return rest;
  });
  return { data: { ...o, spec: { ...spec, rules } }, errors };
}

/**
 * What the API server checks beyond the OpenAPI schema (which has no name patterns): object names are DNS-1123
 * subdomains, Namespaces DNS-1123 labels, Services DNS-1035 labels; namespaces are DNS-1123 labels; label values
 * at most 63 characters, alphanumeric at both ends.
 */
export function metadataNameErrors(o: Record<string, unknown>): string[] {
  const meta = (o.metadata ?? {}) as { name?: unknown; namespace?: unknown; labels?: Record<string, unknown> };
  const name = String(meta.name);
  const nameRule = o.kind === 'Namespace' ? dns1123LabelProblem : o.apiVersion === 'v1' && o.kind === 'Service' ? dns1035LabelProblem : dns1123SubdomainProblem;
  const problems = [
    [`data/metadata/name "${name}"`, nameRule(name)],
    ...(meta.namespace !== undefined ? [[`data/metadata/namespace "${String(meta.namespace)}"`, dns1123LabelProblem(String(meta.namespace))]] : []),
    ...Object.entries(meta.labels ?? {}).map(([k, v]) => [`data/metadata/labels/${k} "${String(v)}"`, labelValueProblem(String(v))]),
  ];
  return problems.filter(([, p]) => p !== undefined).map(([what, p]) => `${what}: ${p}`);
}

/**
 * Values Argo CD would show as perpetual diffs: null, empty maps and empty arrays (field paths like
 * `spec.http[0].rewrite`).
 */
export function nonCanonicalValues(value: unknown, path = ''): string[] {
  if (value === null) return [`${path || '.'} is null`];
  if (value === undefined) return [`${path || '.'} is undefined`];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${path || '.'} is an empty list`];
    return value.flatMap((v, i) => nonCanonicalValues(v, `${path}[${i}]`));
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value as object);
    if (keys.length === 0) return [`${path || '.'} is an empty map`];
    return keys.flatMap((k) => nonCanonicalValues((value as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return [];
}
