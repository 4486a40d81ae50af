import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as istio from '../../imports/istio-networking.istio.io';
import { HttpRouteTable, VirtualServiceTable } from '../compile/route-table';
import { KFAAS_NAMESPACE } from '../model/defaults';
import { VersionProfile, VirtualServiceApiVersion } from '../versions/profile';
import { httpRouteJson, sharedHttpRouteJson } from './istio/http-route';

/**
 * Properties for `GatewayRoutesVirtualService`.
 */
export interface GatewayRoutesVirtualServiceProps {
  /** The compiled VirtualService: its name (passed as `metadata.name`, never hashed), role and routes in Envoy order. */
  readonly table: VirtualServiceTable;

  /** The cluster's version profile: picks the API version and the local gateway the routes forward to. */
  readonly profile: VersionProfile;

  /**
   * The gateway host the VirtualService binds to (`spec.hosts: [host]`). Required for a `root` VirtualService;
   * a `delegate` one never has hosts.
   *
   * @default - none (required when `table.role` is 'root')
   */
  readonly host?: string;

  /**
   * Istio Gateways the VirtualService binds to, sorted. Required for a `root` VirtualService; a `delegate` one
   * never has gateways.
   *
   * @default - none (required when `table.role` is 'root')
   */
  readonly gateways?: readonly string[];

  /**
   * Namespace of the VirtualService.
   *
   * @default KFAAS_NAMESPACE ('kfaas-system')
   */
  readonly namespace?: string;

  /**
   * Labels added to the chart's labels.
   *
   * @default - only the chart's labels
   */
  readonly labels?: Readonly<Record<string, string>>;
}

type ApiObjectClass = new (scope: Construct, id: string, props: any) => ApiObject;

interface VirtualServiceBinding {
  /** The typed class `cdk8s import` generated for the API version. */
  readonly apiObjectClass: ApiObjectClass;
  /** Its `spec.http[i]` converter (drops every field the schema does not know). */
  readonly httpToJson: (http: any) => Record<string, any> | undefined;
}

/** The imported bindings per API version (imports/istio-networking.istio.io.ts). */
const BINDINGS: Readonly<Record<VirtualServiceApiVersion, VirtualServiceBinding>> = {
  'networking.istio.io/v1': { apiObjectClass: istio.VirtualService, httpToJson: istio.toJson_VirtualServiceSpecHttp },
  'networking.istio.io/v1beta1': {
    apiObjectClass: istio.VirtualServiceV1Beta1,
    httpToJson: istio.toJson_VirtualServiceV1Beta1SpecHttp,
  },
  'networking.istio.io/v1alpha3': {
    apiObjectClass: istio.VirtualServiceV1Alpha3,
    httpToJson: istio.toJson_VirtualServiceV1Alpha3SpecHttp,
  },
};

/**
 * The typed class of `apiVersion`, extended so that `spec.http` is rendered as `httpRouteJson` built it.
 *
 * Why: the generated `toJson()` re-resolves, key-sorts and re-converts every field of every route (cdk8s
 * `resolve` + `sanitizeValue` + one `toJson_*` per nested object). For a 126k-route render that took 3.1 s,
 * as long as the whole YAML serialization, and it reorders route keys alphabetically. The http list is
 * already canonical, so the envelope (metadata, hosts, gateways) goes through the typed class as usual and the
 * list is attached afterwards. That the typed converter would keep every field we emit is checked once per
 * API version (`assertSchemaKeepsHttpFields`) and, over generated routes, by the tests.
 */
function classWithHttp(apiVersion: VirtualServiceApiVersion): ApiObjectClass {
  const cached = CLASSES.get(apiVersion);
  if (cached) return cached;
  const binding = BINDINGS[apiVersion];
  if (!binding) throw new Error(`no VirtualService binding for apiVersion '${apiVersion}'`);
  const cls = class extends binding.apiObjectClass {
    public http: readonly Record<string, unknown>[] = [];
    public override toJson(): any {
      const json = super.toJson();
      return { ...json, spec: { ...json.spec, http: this.http } };
    }
  };
  CLASSES.set(apiVersion, cls);
  return cls;
}
const CLASSES = new Map<VirtualServiceApiVersion, ApiObjectClass>();

/**
 * A VirtualService holding one slice of an environment's gateway routes, in Envoy's first-match order.
 *
 * A `root` VirtualService binds the environment's gateway host on the Knative gateways; a `delegate` one
 * (Istio >= 1.8) has neither hosts nor gateways and is reached through a root route's `delegate`. The class is
 * the typed binding of the cluster's API version (v1alpha3 before Istio 1.5, v1beta1 up to 1.21, v1 from 1.22).
 */
export class GatewayRoutesVirtualService extends Construct {
  /** The VirtualService name. */
  public readonly name: string;
  /** `networking.istio.io/...` as rendered. */
  public readonly apiVersion: VirtualServiceApiVersion;
  /** `spec.http` as rendered. */
  public readonly http: readonly Record<string, unknown>[];
  /** The typed ApiObject. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: GatewayRoutesVirtualServiceProps) {
    super(scope, id);
    const { table, profile } = props;
    const namespace = props.namespace ?? KFAAS_NAMESPACE;
    this.name = table.name;
    this.apiVersion = profile.virtualServiceApiVersion;

    let spec: Record<string, unknown> = {};
    if (table.role === 'root') {
      if (!props.host) throw new Error(`root VirtualService '${table.name}': host must be set, got '${props.host}'`);
      if (!props.gateways || props.gateways.length === 0) {
        throw new Error(`root VirtualService '${table.name}': gateways must not be empty`);
      }
      spec = { hosts: [props.host], gateways: [...props.gateways] };
    }

    this.http = table.http.map((h: HttpRouteTable) => sharedHttpRouteJson(h, profile));
    const Cls = classWithHttp(this.apiVersion);
    const apiObject = new Cls(this, 'Resource', {
      metadata: { name: table.name, namespace, ...(props.labels ? { labels: { ...props.labels } } : {}) },
      spec,
    });
    (apiObject as unknown as { http: readonly Record<string, unknown>[] }).http = this.http;
    this.apiObject = apiObject;
  }
}

/**
 * Throws when the typed binding of `apiVersion` would drop or change a field `httpRouteJson` emits (the API
 * server prunes unknown fields silently; we would rather fail the build), over routes that use every field: all
 * match kinds, URI rewrite, timeout, full retries, a split and a delegation. A fact of the build alone (the bindings
 * and httpRouteJson), so the tests run it for every API version and profile (test/emit/constructs.test.ts) rather
 * than every render: it cost each rendering process about 15-35 ms of cold code.
 */
export function assertSchemaKeepsHttpFields(apiVersion: VirtualServiceApiVersion, profile: VersionProfile): void {
  const binding = BINDINGS[apiVersion];
  if (!binding) throw new Error(`no VirtualService binding for apiVersion '${apiVersion}'`);
  for (const sample of sampleRoutes(profile)) {
    const json = httpRouteJson(sample, profile);
    const converted = binding.httpToJson(json);
    const diff = firstDifference(json, converted, 'http[0]');
    if (diff) {
      throw new Error(`the ${apiVersion} VirtualService binding does not keep what kfaas emits: ${diff}`);
    }
  }
}

function sampleRoutes(profile: VersionProfile): HttpRouteTable[] {
  const origin = { at: { file: 'sample', line: 1, col: 1 }, path: '' };
  const base = { route: 'sample', team: 'sample', origin };
  const matches = [
    ...(['exact', 'prefix', 'regex'] as const).map((kind) => ({ kind, value: '/sample', origin })),
    {
      kind: 'prefix' as const, value: '/conditioned', origin, method: 'GET' as const,
      headers: [
        { name: 'x-a', test: { kind: 'exact' as const, value: 'v' }, origin },
        { name: 'x-b', test: { kind: 'prefix' as const, value: 'v' }, origin },
        { name: 'x-c', test: { kind: 'present' as const }, origin },
        { name: 'x-d', test: { kind: 'absent' as const }, origin },
      ],
      query: [{ name: 'q', test: { kind: 'regex' as const, value: '[0-9]+' }, origin }],
    },
  ];
  const retries = { attempts: 2, perTryTimeoutMs: 1500, retryOn: ['5xx', 'connect-failure'] };
  const authority = 'sample.faas-sample.svc.cluster.local';
  const samples: HttpRouteTable[] = [
    {
      ...base,
      name: 'forward',
      matches,
      action: {
        type: 'forward',
        rewriteUri: '/',
        timeoutMs: 1500,
        retries,
        destinations: [{ service: 'sample', authority, weight: 100 }],
      },
    },
    { ...base, name: 'delegate', matches, action: { type: 'delegate', name: 'sample', namespace: KFAAS_NAMESPACE } },
    {
      ...base,
      name: 'policies',
      matches,
      action: {
        type: 'forward',
        retries: { attempts: 0 },
        destinations: [{ service: 'sample', authority, weight: 100 }],
        fault: { delay: { fixedDelayMs: 1500, percentage: 0.5 }, abort: { httpStatus: 503, percentage: 10 } },
        cors: {
          originsField: 'allowOrigins',
          allowOrigins: [{ kind: 'exact', value: 'https://a.example' }, { kind: 'regex', value: 'https://.*' }],
          allowMethods: ['GET'], allowHeaders: ['x-a'], exposeHeaders: ['x-b'], maxAgeSeconds: 60, allowCredentials: true,
        },
        headers: { request: { set: { 'x-a': '1' }, add: { 'x-b': '2' }, remove: ['x-c'] }, response: { remove: ['x-d'] } },
      },
    },
    {
      ...base,
      name: 'cors-before-1.5',
      matches,
      action: {
        type: 'redirect', uri: '/new', authority: 'a.example', code: 308, scheme: 'https', port: 8443,
        cors: { originsField: 'allowOrigin', allowOrigins: [{ kind: 'exact', value: 'https://a.example' }] },
      },
    },
    { ...base, name: 'direct', matches, action: { type: 'directResponse', status: 503, body: 'maintenance' } },
  ];
  if (profile.perDestinationAuthority) {
    samples.push({
      ...base,
      name: 'split',
      matches,
      action: {
        type: 'forward',
        rewriteUri: '/',
        retries: { attempts: 0 },
        destinations: [
          { service: 'a', authority: `a.${authority}`, weight: 90 },
          { service: 'b', authority: `b.${authority}`, weight: 10 },
        ],
      },
    });
  }
  return samples;
}

/** First path where `b` lacks or changes something `a` has (key order ignored); undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (a === b) return undefined;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return `${path}: expected ${JSON.stringify(a)}, got ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: expected ${JSON.stringify(a)}, got ${JSON.stringify(b)}`;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  for (const k of ka) {
    const d = firstDifference((a as any)[k], (b as any)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
    if (d) return d;
  }
  for (const k of kb) if (!ka.includes(k)) return `${path}.${k}: unexpected field`;
  return undefined;
}
