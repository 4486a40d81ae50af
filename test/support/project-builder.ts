/**
 * Builds valid `Project` values for tests, with deterministic, readable origins.
 *
 *   const project = new ProjectBuilder()
 *     .cluster('c1', { istio: '1.10.3', environments: ['alpha', 'prod'] })
 *     .team('shop', ['/faas/api/shop/'])
 *     .route('cart', { team: 'shop', match: ['/faas/api/shop/cart/', { exact: '/faas/api/shop/cart' }] })
 *     .build();
 *
 * Or the plain factories: `makeCluster`, `makeTeam`, `makeRoute`, `makeProject`.
 *
 * Origins: a cluster is `clusters/<name>.yaml`, a team `routes/<team>/team.yaml`, a route
 * `routes/<team>/<name>.yaml` (document at line 4). Field paths are those the loader uses: `spec.match[i].prefix`
 * (line 10+i), `spec.traffic[i]` (line 20+i), `spec.retries` (line 30), `spec.overrides.<env>.match[i].prefix`
 * (line 40+10·k+i for the k-th override), `spec.retries.attempts` (line 31), `spec.retries.retryOn[i]` (line 32+i). Columns are 1 (document) or 9 (fields).
 */
import { SourceLocation } from '../../src/diagnostics/diagnostic';
import { DEFAULT_CLUSTER_DOMAIN, defaultEnvironmentNamespace } from '../../src/model/defaults';
import {
  Cluster, GatewayApiChannel, GatewayApiSettings, HeaderTest, HttpMethod, Layout, LocalGatewayOverride, MatchKind, Origin, PathMatch, Project, QueryTest,
  RequestConditions, RetryPolicy, Route, RouteBehaviour, Team, TrafficTarget,
} from '../../src/model/project';
import { parseVersion, Version } from '../../src/model/version';

/** A path match: a bare string is a prefix; or `{ exact }`, `{ prefix }`, `{ regex }`, each optionally with `conditions`. */
export type MatchInput = string | ((
  { readonly exact: string } | { readonly prefix: string } | { readonly regex: string }
) & { readonly conditions?: ConditionsInput });

/** Request conditions of a match; origins are filled in. */
export interface ConditionsInput {
  readonly methods?: readonly HttpMethod[];
  readonly headers?: Readonly<Record<string, HeaderTest>>;
  readonly query?: Readonly<Record<string, QueryTest>>;
}

export interface ClusterSpec {
  /** @default '1.22.6' */
  readonly istio?: string;
  /** @default '1.14.1' */
  readonly knative?: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** Names, or `{ name, namespace, allowFaults }`. @default ['alpha'] */
  readonly environments?: readonly (string | { readonly name: string; readonly namespace?: string; readonly allowFaults?: boolean })[];
  /** @default 'merged' */
  readonly layout?: Layout;
  readonly localGateway?: LocalGatewayOverride;
  /** @default false */
  readonly publicIngress?: boolean;
  /** The oldest gateway proxy. @default the control plane's version */
  readonly gatewayProxy?: string;
  /** Sets `output: gateway-api` with these settings. @default VirtualService output */
  readonly gatewayApi?: {
    readonly version: string;
    /** @default 'standard' */
    readonly channel?: GatewayApiChannel;
    /** @default 'kfaas-system/faas-gateway' */
    readonly gateway?: string;
  };
}

/** The `spec` fields an override may replace. */
export interface BehaviourSpec {
  /** @default the route name */
  readonly service?: string;
  /** @default [`/faas/api/<team>/<route>/`] as a prefix */
  readonly match?: readonly MatchInput[];
  readonly rewriteUri?: string;
  readonly timeoutMs?: number;
  readonly retries?: { readonly attempts: number; readonly perTryTimeoutMs?: number; readonly retryOn?: readonly string[] };
  readonly traffic?: readonly { readonly service: string; readonly weight: number; readonly tag?: string }[];
}

export interface RouteSpec extends BehaviourSpec {
  /** @default 'shop' */
  readonly team?: string;
  readonly environments?: readonly string[];
  readonly clusters?: readonly string[];
  /** Per environment, fields replacing the base ones whole (like the loader resolves them). */
  readonly overrides?: Readonly<Record<string, BehaviourSpec>>;
  /** A platform fallback route. @default false */
  readonly fallback?: boolean;
}

/** A source location (col defaults to 1). */
export function loc(file: string, line: number, col = 1): SourceLocation {
  return { file, line, col };
}

/** An origin at `file:line:col` with field path `path`. */
export function origin(file: string, line: number, path: string, col = 1): Origin {
  return { at: loc(file, line, col), path };
}

export function version(raw: string): Version {
  const v = parseVersion(raw);
  if (!v) throw new Error(`bad version in test: ${raw}`);
  return v;
}

export function makeCluster(name: string, spec: ClusterSpec = {}): Cluster {
  const file = `clusters/${name}.yaml`;
  return {
    name,
    istio: version(spec.istio ?? '1.22.6'),
    knative: version(spec.knative ?? '1.14.1'),
    clusterDomain: spec.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    environments: (spec.environments ?? ['alpha']).map((e, i) => {
      const env = typeof e === 'string' ? { name: e } : e;
      return {
        name: env.name,
        namespace: env.namespace ?? defaultEnvironmentNamespace(env.name),
        allowFaults: env.allowFaults ?? false,
        origin: origin(file, 10 + i, `spec.environments[${i}].name`, 9),
      };
    }),
    layout: spec.layout ?? 'merged',
    ...(spec.localGateway ? { localGateway: spec.localGateway } : {}),
    ...(spec.publicIngress ? { publicIngress: true } : {}),
    ...(spec.gatewayProxy ? { gatewayProxy: version(spec.gatewayProxy) } : {}),
    versionOrigins: {
      istio: origin(file, 6, 'spec.istio', 10),
      knative: origin(file, 7, 'spec.knative', 12),
      ...(spec.gatewayProxy ? { gatewayProxy: origin(file, 8, 'spec.gatewayProxy', 17) } : {}),
    },
    ...(spec.gatewayApi ? { output: 'gateway-api' as const, gatewayApi: makeGatewayApi(spec.gatewayApi, spec.clusterDomain, file) } : {}),
    origin: origin(file, 4, 'metadata.name'),
  };
}

function makeGatewayApi(spec: NonNullable<ClusterSpec['gatewayApi']>, clusterDomain: string | undefined, file: string): GatewayApiSettings {
  const [namespace, name] = (spec.gateway ?? 'kfaas-system/faas-gateway').split('/');
  return {
    version: version(spec.version),
    channel: spec.channel ?? 'standard',
    gateway: { namespace, name },
    address: `${name}-istio.${namespace}.svc.${clusterDomain ?? DEFAULT_CLUSTER_DOMAIN}`,
    origin: origin(file, 9, 'spec.gatewayApi', 3),
  };
}

export function makeTeam(name: string, owns: readonly string[], reviewers: readonly string[] = []): Team {
  const file = `routes/${name}/team.yaml`;
  return {
    name,
    owns: owns.map((prefix, i) => ({ prefix, origin: origin(file, 10 + i, `spec.owns[${i}]`, 9) })),
    reviewers,
    origin: origin(file, 4, 'metadata.name'),
  };
}

function makeMatches(inputs: readonly MatchInput[], file: string, pathBase: string, line: number): PathMatch[] {
  return inputs.map((m, i) => {
    const [kind, value] = typeof m === 'string'
      ? ['prefix' as MatchKind, m]
      : (Object.entries(m).find(([k]) => k !== 'conditions') as [MatchKind, string]);
    const at = (field: string) => origin(file, line + i, `${pathBase}.match[${i}].${field}`, 9);
    const c = typeof m === 'string' ? undefined : m.conditions;
    const conditions: RequestConditions | undefined = c && {
      ...(c.methods ? { methods: [...c.methods].sort(), methodsOrigin: at('methods') } : {}),
      ...(c.headers ? { headers: Object.keys(c.headers).sort().map((name) => ({ name, test: c.headers![name], origin: at(`headers.${name}`) })) } : {}),
      ...(c.query ? { query: Object.keys(c.query).sort().map((name) => ({ name, test: c.query![name], origin: at(`query.${name}`) })) } : {}),
    };
    return { kind, value, origin: at(kind), ...(conditions ? { conditions } : {}) };
  });
}

function makeTraffic(traffic: BehaviourSpec['traffic'], file: string, pathBase: string, line: number): TrafficTarget[] | undefined {
  return traffic?.map((t, i) => ({ ...t, origin: origin(file, line + i, `${pathBase}.traffic[${i}]`, 9) }));
}

function makeRetries(retries: BehaviourSpec['retries'], file: string, pathBase: string, line: number): RetryPolicy | undefined {
  if (!retries) return undefined;
  return {
    ...retries,
    ...(retries.retryOn
      ? { retryOnOrigins: retries.retryOn.map((_, i) => origin(file, line + 2 + i, `${pathBase}.retries.retryOn[${i}]`, 9)) }
      : {}),
    attemptsOrigin: origin(file, line + 1, `${pathBase}.retries.attempts`, 9),
    origin: origin(file, line, `${pathBase}.retries`, 9),
  };
}

function makeBehaviour(spec: BehaviourSpec, defaults: RouteBehaviour | undefined, file: string, pathBase: string, line: number, name: string, team: string): RouteBehaviour {
  const b: RouteBehaviour = {
    service: spec.service ?? defaults?.service ?? name,
    match: spec.match ? makeMatches(spec.match, file, pathBase, line) : defaults?.match ?? makeMatches([`/faas/api/${team}/${name}/`], file, pathBase, line),
    rewriteUri: 'rewriteUri' in spec ? spec.rewriteUri : defaults?.rewriteUri,
    timeoutMs: 'timeoutMs' in spec ? spec.timeoutMs : defaults?.timeoutMs,
    retries: spec.retries ? makeRetries(spec.retries, file, pathBase, line + 20) : defaults?.retries,
    traffic: spec.traffic ? makeTraffic(spec.traffic, file, pathBase, line + 10) : defaults?.traffic,
  };
  // No undefined fields, like the loader.
  return Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) as unknown as RouteBehaviour;
}

export function makeRoute(name: string, spec: RouteSpec = {}): Route {
  const team = spec.team ?? 'shop';
  const file = `routes/${team}/${name}.yaml`;
  const base = makeBehaviour(spec, undefined, file, 'spec', 10, name, team);
  const overrides: Record<string, RouteBehaviour> = {};
  Object.keys(spec.overrides ?? {}).forEach((env, k) => {
    overrides[env] = makeBehaviour(spec.overrides![env], base, file, `spec.overrides.${env}`, 40 + 10 * k, name, team);
  });
  return {
    name,
    team,
    base,
    overrides,
    ...(spec.environments ? { environments: spec.environments } : {}),
    ...(spec.clusters ? { clusters: spec.clusters } : {}),
    ...(spec.fallback ? { fallback: true } : {}),
    origin: origin(file, 4, 'metadata.name'),
  };
}

/** A project with every list sorted by name, like the loader builds it. */
export function makeProject(parts: { clusters?: readonly Cluster[]; teams?: readonly Team[]; routes?: readonly Route[] }): Project {
  const byName = <T extends { name: string }>(xs: readonly T[] = []): T[] => [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { clusters: byName(parts.clusters), teams: byName(parts.teams), routes: byName(parts.routes) };
}

/** Fluent form of the factories above. */
export class ProjectBuilder {
  private readonly clusters: Cluster[] = [];
  private readonly teams: Team[] = [];
  private readonly routes: Route[] = [];

  public cluster(name: string, spec: ClusterSpec = {}): this {
    this.clusters.push(makeCluster(name, spec));
    return this;
  }

  public team(name: string, owns: readonly string[]): this {
    this.teams.push(makeTeam(name, owns));
    return this;
  }

  public route(name: string, spec: RouteSpec = {}): this {
    this.routes.push(makeRoute(name, spec));
    return this;
  }

  public build(): Project {
    return makeProject({ clusters: this.clusters, teams: this.teams, routes: this.routes });
  }
}
