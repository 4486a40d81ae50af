import { RenderedObjectKind } from './rendered-folders';

/**
 * What the delivery compiler decided: every Argo CD and Flux object kfaas writes, as plain data. The emitter
 * (src/emit/delivery) turns it into objects; nothing here knows about cdk8s or files.
 */
export interface DeliveryTable {
  /** Present when `engines` lists argocd. */
  readonly argocd?: ArgoCdTable;
  /** One per cluster when `engines` lists flux, sorted by cluster. */
  readonly flux: readonly FluxClusterTable[];
}

/** Where an Application deploys: an Argo CD cluster by name or by API server URL (exactly one). */
export interface DestinationRef {
  readonly name?: string;
  readonly server?: string;
}

/** The source every object reads from. */
export interface GitSource {
  readonly repository: string;
  readonly branch: string;
}

export interface ArgoCdTable {
  /** Folder of the Argo CD objects in the rendered tree, e.g. `_argocd`. */
  readonly folder: string;
  /** Namespace of Argo CD (Applications and AppProjects live there). */
  readonly namespace: string;
  readonly source: GitSource;
  readonly project: AppProjectTable;
  /** The project of the self-managing root Application. */
  readonly deliveryProject: AppProjectTable;
  /** The root Application: syncs `folder` itself, so new and removed Applications take effect. */
  readonly root: ApplicationTable;
  /** One per rendered route or platform folder, sorted by name. */
  readonly applications: readonly ApplicationTable[];
}

export interface AppProjectTable {
  readonly name: string;
  readonly description: string;
  /** Allowed destinations: each (cluster, namespace) pair the objects need, sorted. */
  readonly destinations: readonly (DestinationRef & { readonly namespace: string })[];
  /** Allowed cluster-scoped objects (group, kind, name), sorted. */
  readonly clusterResources: readonly { readonly group: string; readonly kind: string; readonly name?: string }[];
  /** Allowed namespaced kinds, sorted. */
  readonly namespaceResources: readonly Pick<RenderedObjectKind, 'group' | 'kind'>[];
  /** Sync wave of the AppProject object in the root Application. */
  readonly syncWave: number;
}

export interface ApplicationTable {
  readonly name: string;
  readonly project: string;
  /** The kfaas cluster it deploys (labels); absent for the root Application. */
  readonly cluster?: string;
  /** The environment it deploys (labels); absent for platform folders and the root Application. */
  readonly environment?: string;
  /** Path in the repository, e.g. `dist/cn-hz-test/alpha`. */
  readonly path: string;
  readonly destination: DestinationRef & { readonly namespace: string };
  /** Apply with server-side apply: an object of the folder could outgrow the client-side annotation. */
  readonly serverSideApply: boolean;
  /** Retry failed syncs with backoff (environments: until the platform folder created kfaas-system). */
  readonly retry: boolean;
  /** `argocd.argoproj.io/sync-wave` within the root Application: platform before environments. */
  readonly syncWave: number;
}

export interface FluxClusterTable {
  readonly cluster: string;
  /** Folder of this cluster's Flux objects in the rendered tree, e.g. `_flux-cn-hz-test`. */
  readonly folder: string;
  readonly namespace: string;
  readonly interval: string;
  /** Name of the GitRepository. */
  readonly sourceName: string;
  readonly source: GitSource;
  /** Secret with the repository's credentials, for a private repository. */
  readonly secretRef?: string;
  /** The self-managing Kustomization first, then one per folder (platform first), each by name. */
  readonly kustomizations: readonly FluxKustomizationTable[];
}

export interface FluxKustomizationTable {
  readonly name: string;
  /** The kfaas cluster (labels). */
  readonly cluster: string;
  /** The environment it deploys (labels); absent for the platform folder and the self-managing Kustomization. */
  readonly environment?: string;
  /** `./dist/<cluster>/<folder>`. */
  readonly path: string;
  /** The platform Kustomization, when the cluster has a platform folder and this is an environment. */
  readonly dependsOn?: string;
  /**
   * Keep the folder's objects when this Kustomization is deleted (a removed environment or cluster): the Flux
   * counterpart of Argo CD's `preserveResourcesOnDeletion`.
   */
  readonly orphanOnDeletion: boolean;
}
