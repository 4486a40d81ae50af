import { Egress } from './egress';
import { PathMatch } from './match';
import { Origin } from './origin';
import { ClusterPlatform } from './platform';
import { CorsPolicy, DirectResponsePolicy, FaultPolicy, HeaderPolicy, RedirectPolicy, RetryPolicy } from './route-policies';
import { Version } from './version';

// Defined beside the documents that need them without the whole model (no import cycle); the model's names.
export type { Origin } from './origin';
export type { HeaderCondition, HeaderTest, HttpMethod, MatchKind, PathMatch, QueryCondition, QueryTest, RequestConditions } from './match';
export type { RetryPolicy } from './route-policies';

/**
 * The validated, typed model of everything under `clusters/` and `routes/`.
 *
 * The loader builds it; the compiler reads it. Every value the compiler may blame in a diagnostic carries the
 * `at` location (and field `path`) it came from. All lists are sorted by name so nothing depends on file order.
 */
export interface Project {
  readonly clusters: readonly Cluster[];
  readonly teams: readonly Team[];
  readonly routes: readonly Route[];
  /** The `kind: Delivery` document of clusters/, if any: how Argo CD / Flux deliver dist/, and who reviews what. */
  readonly delivery?: Delivery;
  /** `kind: Egress` documents (calls from functions into Java), sorted by name. @default none */
  readonly egresses?: readonly Egress[];
}

/** How a cluster lays out its VirtualServices. */
export type Layout = 'merged' | 'per-route';

/** A `kind: Cluster` document (its platform fields, `kubernetes`, `gateway`, `javaExport`, `javaGateway`, in platform.ts). */
export interface Cluster extends ClusterPlatform {
  /** DNS-1123 label; also the folder name under dist/. */
  readonly name: string;
  readonly istio: Version;
  readonly knative: Version;
  /** @default 'cluster.local' */
  readonly clusterDomain: string;
  readonly environments: readonly Environment[];
  /**
   * `merged` (default): each gateway host's routes in specificity order, in as few VirtualServices as possible.
   * `per-route`: the seed's one VirtualService per route, named `<namespace>-ns-<service>-ksvc-virtualservice`.
   * @default 'merged'
   */
  readonly layout: Layout;
  /**
   * The Knative local gateway, when the cluster overrides it in `knative-serving/config-istio`.
   * @default derived from the Knative version
   */
  readonly localGateway?: LocalGatewayOverride;
  /**
   * Also bind the routes to Knative's public ingress, `knative-serving/knative-ingress-gateway`. Off by default:
   * anyone who can reach the ingress and sends the environment's gateway Host header would reach every route,
   * cluster-local services included. Only for clusters whose ingress is intranet-only (the seed's setup).
   * @default false
   */
  readonly publicIngress?: boolean;
  /**
   * The oldest Istio gateway proxy still running (canary upgrades, revisions). Output is rendered for what both it
   * and the control plane (`istio`) support.
   * @default the control plane's version (`istio`)
   */
  readonly gatewayProxy?: Version;
  /**
   * Accept an Istio or Knative minor newer than any kfaas knows (same major), rendered as the newest known one,
   * with a warning.
   * @default false
   */
  readonly allowNewerVersions?: boolean;
  /** Where the version fields were written, for diagnostics the compiler raises about them. @default `origin` */
  readonly versionOrigins?: Readonly<Partial<Record<'istio' | 'knative' | 'gatewayProxy', Origin>>>;
  /**
   * What kfaas renders for the cluster: Istio VirtualServices, or Gateway API HTTPRoutes attached to the cluster's
   * Gateway (`gatewayApi`).
   * @default 'virtualservice'
   */
  readonly output?: ClusterOutput;
  /** The cluster's Gateway API install and Gateway; present exactly when `output` is `gateway-api`. */
  readonly gatewayApi?: GatewayApiSettings;
  readonly origin: Origin;
}

/** What kfaas renders for a cluster. */
export type ClusterOutput = 'virtualservice' | 'gateway-api';

/** Gateway API release channel: which CRDs the cluster installed. */
export type GatewayApiChannel = 'standard' | 'experimental';

/** `spec.gatewayApi` of a cluster with `output: gateway-api`. */
export interface GatewayApiSettings {
  /** Installed Gateway API CRD release, e.g. `1.2.0`. */
  readonly version: Version;
  /** Installed CRD channel. @default 'standard' */
  readonly channel: GatewayApiChannel;
  /** The Gateway (`gateway.networking.k8s.io`) every HTTPRoute attaches to. */
  readonly gateway: { readonly namespace: string; readonly name: string };
  /** Listener of that Gateway (`parentRefs[].sectionName`). @default every listener that allows the routes */
  readonly sectionName?: string;
  /**
   * In-cluster host of the Gateway's Service, where each environment's `<namespace>-ksvc-gateway` ExternalName
   * points.
   * @default `<gateway name>-istio.<gateway namespace>.svc.<clusterDomain>` (Istio's automated deployment)
   */
  readonly address: string;
  /** `spec.gatewayApi`. */
  readonly origin: Origin;
}

/** Mirrors `local-gateway.<ns>.<name>: <host>` in ConfigMap `knative-serving/config-istio`. */
export interface LocalGatewayOverride {
  /** Istio Gateway as `<namespace>/<name>`, e.g. `knative-serving/knative-local-gateway`. */
  readonly gateway: string;
  /** In-cluster host of the gateway's Service, e.g. `knative-local-gateway.istio-system.svc.cluster.local`. */
  readonly host: string;
}

/** One environment a cluster hosts. */
export interface Environment {
  /** DNS-1123 label, e.g. `alpha`. */
  readonly name: string;
  /** Namespace where the environment's Knative services run. @default `faas-<name>` */
  readonly namespace: string;
  /** Routes may inject faults (delays, aborts) here: test environments only. @default false */
  readonly allowFaults: boolean;
  readonly origin: Origin;
}

/** A `kind: Team` document: the path prefixes a team owns. */
export interface Team {
  /** Equals the folder name under routes/. */
  readonly name: string;
  readonly owns: readonly OwnedPrefix[];
  /**
   * GitHub users (`@login`), teams (`@org/team`) or e-mail addresses that review the team's folder
   * (`.github/CODEOWNERS`). @default none: the folder is reviewed by the platform team
   */
  readonly reviewers: readonly string[];
  readonly origin: Origin;
}

export interface OwnedPrefix {
  readonly prefix: string;
  readonly origin: Origin;
}

/** A GitOps engine kfaas writes delivery objects for. */
export type DeliveryEngine = 'argocd' | 'flux';

/** Where Argo CD deploys one kfaas cluster: a cluster registered in Argo CD, by name or by API server URL. */
export interface ArgoCdDestination {
  /** Argo CD cluster name (exactly one of name and server is set). */
  readonly name?: string;
  /** Kubernetes API server URL as registered in Argo CD. */
  readonly server?: string;
  readonly origin: Origin;
}

/** Argo CD settings of the Delivery document. */
export interface ArgoCdDelivery {
  /** Namespace Argo CD runs in (Applications and AppProjects live there). @default 'argocd' */
  readonly namespace: string;
  /** AppProject of every kfaas Application. @default 'kfaas' */
  readonly project: string;
  /** Destination per kfaas cluster name; a cluster not listed is the Argo CD cluster of the same name. */
  readonly clusters: ReadonlyMap<string, ArgoCdDestination>;
}

/** Flux settings of the Delivery document. */
export interface FluxDelivery {
  /** Namespace of the GitRepository and Kustomizations. @default 'flux-system' */
  readonly namespace: string;
  /** Reconcile interval of every Flux object (Go duration). @default '5m' */
  readonly interval: string;
  /** Secret with the repository's credentials (GitRepository `spec.secretRef`). @default none: a public repository */
  readonly secretRef?: string;
}

/** A `kind: Delivery` document (at most one, in clusters/). */
export interface Delivery {
  /** Git URL both engines fetch, e.g. `https://github.com/example/routes.git`. */
  readonly repository: string;
  /** Branch both engines follow. @default 'main' */
  readonly branch: string;
  /** Folder of the rendered output in the repository. @default 'dist' */
  readonly path: string;
  /** Engines to write objects for, sorted. */
  readonly engines: readonly DeliveryEngine[];
  /** The platform team: reviewers of clusters/, Team documents, the delivery output and CI (`.github/`). */
  readonly reviewers: readonly string[];
  readonly argocd: ArgoCdDelivery;
  readonly flux: FluxDelivery;
  readonly origin: Origin;
}

export interface TrafficTarget {
  /** Knative Service name in the environment's namespace. */
  readonly service: string;
  /** Integer percentage; all weights of a route sum to 100. */
  readonly weight: number;
  /** Knative revision tag: the request goes to `<tag>-<service>` (Knative >= 0.11). @default the service's latest traffic */
  readonly tag?: string;
  readonly origin: Origin;
}

/**
 * What a route does in one environment: the `spec` fields that `overrides.<env>` may replace.
 * An override replaces a field whole (no deep merge), so what you read in the override is what you get.
 */
export interface RouteBehaviour {
  /** Knative Service receiving the traffic when `traffic` is absent. */
  readonly service: string;
  readonly match: readonly PathMatch[];
  /** Replacement for the matched path part (Istio `rewrite.uri`). */
  readonly rewriteUri?: string;
  /** Whole milliseconds, >= 1. */
  readonly timeoutMs?: number;
  readonly retries?: RetryPolicy;
  /** Weighted split; absent means 100% to `service`. */
  readonly traffic?: readonly TrafficTarget[];
  /** Knative revision tag of `service` (when `traffic` is absent): authority `<tag>-<service>...`. @default none */
  readonly tag?: string;
  readonly tagOrigin?: Origin;
  /** Fault injection; needs `allowFaults: true` on the environment. @default none */
  readonly fault?: FaultPolicy;
  /** @default none */
  readonly cors?: CorsPolicy;
  /** Request/response header manipulation. @default none */
  readonly headers?: HeaderPolicy;
  /** Answer with a redirect instead of forwarding. @default none (forward) */
  readonly redirect?: RedirectPolicy;
  /** Answer with a fixed response instead of forwarding. @default none (forward) */
  readonly directResponse?: DirectResponsePolicy;
}

/** A `kind: Route` document. */
export interface Route {
  /** DNS-1123 label, unique across routes/. */
  readonly name: string;
  /** Owning team: the folder under routes/. */
  readonly team: string;
  /** Behaviour in every environment without an override. */
  readonly base: RouteBehaviour;
  /** Fully resolved behaviour per environment that has `overrides.<env>` (base with the override applied). */
  readonly overrides: Readonly<Record<string, RouteBehaviour>>;
  /** Restricts the route to these environments. @default every environment */
  readonly environments?: readonly string[];
  /** Restricts the route to these clusters. @default every cluster that hosts the environment */
  readonly clusters?: readonly string[];
  /**
   * A platform fallback (`spec.fallback: true`): it may match paths inside prefixes other teams own, but only
   * where, in every environment it lands in, the owning team's routes match each such path first; the compiler
   * proves that and refuses the route otherwise.
   * @default false
   */
  readonly fallback?: boolean;
  /**
   * Business-domain hostnames per environment, served by the cluster's east-west gateway over HTTPS.
   * @default none
   */
  readonly hostnames?: Readonly<Record<string, readonly Hostname[]>>;
  /** Where each `environments` item was written (same order). @default the route's origin */
  readonly environmentOrigins?: readonly Origin[];
  /** Where each `clusters` item was written (same order). @default the route's origin */
  readonly clusterOrigins?: readonly Origin[];
  /** Where each `overrides.<env>` key was written, by environment. @default the route's origin */
  readonly overrideOrigins?: Readonly<Record<string, Origin>>;
  /** The document (its `metadata.name`). */
  readonly origin: Origin;
}

/** Where a problem of `route` in environment `env` is shown: its `overrides.<env>` key if it has one, else the route. */
export function originIn(route: Route, env: string): Origin {
  return route.overrideOrigins?.[env] ?? route.origin;
}

/** A business-domain hostname of a route (`showroom.example.com`, `*.shop.example.com`). */
export interface Hostname {
  readonly value: string;
  readonly origin: Origin;
}

/** The behaviour of `route` in environment `env`. */
export function behaviourIn(route: Route, env: string): RouteBehaviour {
  return route.overrides[env] ?? route.base;
}
