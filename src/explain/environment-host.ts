import { loadAll } from 'js-yaml';
import { KFAAS_NAMESPACE, PLATFORM_FOLDER } from '../model/defaults';
import { convertHttpRoutes, formatGatewayOrigin } from './gateway-api';
import { MESH_GATEWAY } from './virtual-service';

/** The Route document behind one Istio route name. */
export interface RouteSource {
  /** The kfaas route (`metadata.name` of the Route). */
  readonly route: string;
  readonly team: string;
  /** `routes/<team>/<file>.yaml:<line>`. */
  readonly source: string;
}

/**
 * What `kfaas explain` and `kfaas map` simulate for one compiled environment: the VirtualServices Istio builds the
 * gateway's virtual host from (the published ones, or for a gateway-api cluster the one Istio derives from the
 * published HTTPRoutes, `gateway-api.ts`), the gateway, and where each route was written.
 */
export interface EnvironmentHost {
  readonly objects: readonly unknown[];
  /** `namespace/name` of the Istio Gateway. */
  readonly gateway: string;
  /** By Istio route name (for HTTPRoutes: Istio's `<namespace>.<HTTPRoute>.<rule>`). */
  readonly sources: ReadonlyMap<string, RouteSource>;
  /**
   * Where Istio got `spec.http[i]` of the derived VirtualService: `HTTPRoute ns/name rules[r].matches[m]`.
   * @default - none: the routes are the published VirtualServices' own
   */
  readonly locate?: (httpIndex: number) => string | undefined;
  /**
   * How the environment publishes its routes, when not as VirtualServices.
   * @default - VirtualServices
   */
  readonly routing?: string;
}

/** A compiled route's name and where it was written, as this file reads it. */
interface CompiledRoute {
  readonly name: string;
  readonly team: string;
  readonly origin: { readonly at: { readonly file: string; readonly line: number } };
}

/**
 * What environmentHost reads of a compiled environment: the fields of src/compile's EnvironmentTable it needs,
 * declared here because the compiler uses this stage's match engine (a compile -> explain dependency), so
 * explain may not depend on compile, not even for a type. Callers pass an EnvironmentTable; the type checker
 * keeps the two in step.
 */
export interface CompiledEnvironment {
  readonly cluster: string;
  readonly environment: string;
  readonly host: string;
  readonly clusterDomain: string;
  readonly profile: { readonly localGateway: string };
  readonly virtualServices: readonly { readonly http: readonly (CompiledRoute & { readonly route: string })[] }[];
  /** Business domains the environment serves through the east-west gateway. @default none */
  readonly domains?: readonly {
    readonly hostname: string;
    /** `namespace/name` of the east-west Istio Gateway. */
    readonly gateway: string;
    readonly virtualService: { readonly http: readonly (CompiledRoute & { readonly route: string })[] };
  }[];
  readonly gatewayApi?: {
    readonly parentRef: { readonly namespace: string; readonly name: string };
    readonly profile: { readonly noBackendStatus: number; readonly version: { readonly raw: string }; readonly channel: string };
    readonly httpRoutes: readonly (CompiledRoute & { readonly route: string; readonly rules: readonly unknown[] })[];
  };
}

/** What javaExportHost reads of a compiled platform folder (src/compile's PlatformTable), for the same reason. */
export interface CompiledPlatform {
  readonly cluster: string;
  readonly javaExport?: { readonly host: string; readonly http: readonly CompiledRoute[] };
}

/**
 * The objects the renderer kept for the rendered files (`runPipeline`'s `keepObjects`), by the tree's path: each
 * equal to what parsing its file gives (test/map/published-objects.test.ts), so a caller that has them is spared
 * parsing the YAML back.
 */
export type KeptObjects = ReadonlyMap<string, unknown>;

/**
 * The published objects of `dist/<cluster>/<environment>/` whose file names start with `filePrefix`, parsed from the
 * rendered tree exactly as they would be published (or, for the files `kept` has, its objects; `kept` may also hold
 * files the tree does not, which come after the tree's).
 */
function publishedObjects(tree: ReadonlyMap<string, string>, cluster: string, environment: string, filePrefix: string, kept?: KeptObjects): unknown[] {
  const folder = `${cluster}/${environment}/`;
  const objects: unknown[] = [];
  const wanted = (file: string): boolean => file.startsWith(folder) && file.slice(folder.length).startsWith(filePrefix);
  for (const [file, text] of tree) {
    if (!wanted(file)) continue;
    const object = kept?.get(file);
    if (object !== undefined) objects.push(object);
    else objects.push(...loadAll(text));
  }
  // Objects of files the tree does not hold (a caller that rendered objects only, `kfaas explain`), in their order.
  for (const [file, object] of kept ?? []) if (wanted(file) && !tree.has(file)) objects.push(object);
  return objects;
}

/** How a host is read from the rendered tree. */
export interface HostOptions {
  /**
   * The Istio Gateway (`namespace/name`, or a bare name) to simulate instead of the host's own.
   * @default - the host's gateway
   */
  readonly gateway?: string;
  /**
   * The rendered files' objects, used instead of parsing their text.
   * @default - the text is parsed
   */
  readonly kept?: KeptObjects;
}

/** Each Istio route name's Route document (the first route of that name), from compiled routes. */
function routeSources(routes: Iterable<CompiledRoute & { readonly route?: string }>): Map<string, RouteSource> {
  const sources = new Map<string, RouteSource>();
  for (const r of routes) if (!sources.has(r.name)) sources.set(r.name, routeSource(r.route ?? r.name, r.team, r.origin.at));
  return sources;
}

/**
 * A RouteSource whose `file:line` is found when first read: finding a line parses the file with positions, which
 * `kfaas explain` needs for the few routes it prints, not for every route of a table (seconds at 7,000 routes).
 */
function routeSource(route: string, team: string, at: { readonly file: string; readonly line: number }): RouteSource {
  let source: string | undefined;
  return {
    route,
    team,
    get source(): string {
      return (source ??= `${at.file}:${at.line}`);
    },
  };
}

/** The environment's virtual host as Istio builds it, read back from the rendered tree. */
export function environmentHost(table: CompiledEnvironment, tree: ReadonlyMap<string, string>, { gateway: gatewayOption, kept }: HostOptions = {}): EnvironmentHost {
  const gatewayApi = table.gatewayApi;
  if (!gatewayApi) {
    return {
      objects: publishedObjects(tree, table.cluster, table.environment, 'virtualservice-', kept),
      gateway: gatewayOption ?? table.profile.localGateway,
      sources: routeSources(table.virtualServices.flatMap((vs) => vs.http)),
    };
  }
  const gateway = gatewayOption ?? `${gatewayApi.parentRef.namespace}/${gatewayApi.parentRef.name}`;
  const converted = convertHttpRoutes(publishedObjects(tree, table.cluster, table.environment, 'httproute-', kept), table.host, {
    gateway, clusterDomain: table.clusterDomain, noBackendStatus: gatewayApi.profile.noBackendStatus,
  });
  const sources = new Map<string, RouteSource>();
  for (const route of gatewayApi.httpRoutes) {
    const source = routeSource(route.route, route.team, route.origin.at);
    route.rules.forEach((_, i) => sources.set(`${KFAAS_NAMESPACE}.${route.name}.${i}`, source));
  }
  return {
    objects: [converted.virtualService],
    gateway,
    sources,
    locate: (i) => (converted.origins[i] ? formatGatewayOrigin(converted.origins[i]) : undefined),
    routing: `Gateway API ${gatewayApi.profile.version.raw} (${gatewayApi.profile.channel}) routes in Istio's precedence`,
  };
}

/**
 * The Java export host of a cluster (`java-export.kfaas-system.svc.<domain>`) as a function's sidecar sees it
 * (gateway `mesh`): the platform folder's VirtualService, each route with the Egress document it comes from.
 * Undefined for a cluster without `spec.javaExport`.
 */
export function javaExportHost(platform: CompiledPlatform, tree: ReadonlyMap<string, string>, { kept }: Pick<HostOptions, 'kept'> = {}): (EnvironmentHost & { readonly host: string }) | undefined {
  const javaExport = platform.javaExport;
  if (!javaExport) return undefined;
  return {
    objects: publishedObjects(tree, platform.cluster, PLATFORM_FOLDER, 'virtualservice-', kept), gateway: MESH_GATEWAY, sources: routeSources(javaExport.http), host: javaExport.host,
  };
}

/**
 * A business domain the environment serves (Route `spec.hostnames`), as the cluster's east-west gateway builds its
 * virtual host: every VirtualService of the environment's folder bound to that gateway for the hostname (the
 * domain's own, `virtualservice-domain-*`), each route with its Route document. What `kfaas explain --host
 * <hostname>` simulates and `kfaas map` draws. Undefined when the environment does not serve the hostname.
 */
export function domainHost(table: CompiledEnvironment, tree: ReadonlyMap<string, string>, hostname: string, { gateway, kept }: HostOptions = {}): (EnvironmentHost & { readonly host: string }) | undefined {
  const domain = table.domains?.find((d) => d.hostname === hostname);
  if (!domain) return undefined;
  return {
    objects: publishedObjects(tree, table.cluster, table.environment, 'virtualservice-', kept),
    gateway: gateway ?? domain.gateway,
    sources: routeSources(domain.virtualService.http),
    host: domain.hostname,
  };
}
