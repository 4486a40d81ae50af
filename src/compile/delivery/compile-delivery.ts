import { Diagnostic } from '../../diagnostics/diagnostic';
import { KFAAS_NAMESPACE, MAX_OBJECT_BYTES } from '../../model/defaults';
import { Cluster, Delivery, Project } from '../../model/project';
import { labelValueProblem, MAX_LABEL_LENGTH } from '../../model/kubernetes-names';
import { groupBy } from '../../util/group-by';
import { compareText } from '../../util/compare';
import { AppProjectTable, ApplicationTable, ArgoCdTable, DeliveryTable, DestinationRef, FluxClusterTable, FluxKustomizationTable } from './delivery-table';
import { NON_CLUSTER_PREFIX, RenderedFolder } from './rendered-folders';

/** Folder of the Argo CD objects in the rendered tree (depth 1: a `dist/*\/*` directory generator never sees it). */
export const ARGOCD_FOLDER = `${NON_CLUSTER_PREFIX}argocd`;

/** Folder of one cluster's Flux objects in the rendered tree (depth 1, like ARGOCD_FOLDER). */
export function fluxFolder(cluster: string): string {
  return `${NON_CLUSTER_PREFIX}flux-${cluster}`;
}

/** Prefix of every Application and Kustomization name kfaas writes. */
const DELIVERY_NAME_PREFIX = 'kfaas';

/** In-cluster API server of the Argo CD installation (the root Application deploys there). */
const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';


/** Sync waves inside the root Application: projects, then platform folders, then environments. */
const WAVE_PROJECTS = -2;
const WAVE_PLATFORM = -1;
const WAVE_ENVIRONMENTS = 0;

export interface DeliveryResult {
  readonly table: DeliveryTable;
  readonly diagnostics: Diagnostic[];
}

/**
 * Plans the Argo CD and Flux objects for the folders that were rendered. Pure: the folders come from the
 * rendered tree (renderedFolders), so the objects point at exactly the folders that exist, platform folders
 * included only where one was rendered.
 */
export function compileDelivery(project: Project, folders: readonly RenderedFolder[]): DeliveryResult {
  const delivery = project.delivery;
  const diagnostics: Diagnostic[] = [];
  if (!delivery) return { table: { flux: [] }, diagnostics };
  const clusters = new Map(project.clusters.map((c) => [c.name, c]));
  for (const [name, dest] of delivery.argocd.clusters) {
    if (clusters.has(name)) continue;
    diagnostics.push({
      severity: 'error',
      code: 'unknown-cluster',
      location: dest.origin.at,
      path: dest.origin.path,
      message: `no Cluster document is named "${name}"; expected one of ${[...clusters.keys()].join(', ')}`,
    });
  }
  const argocd = delivery.engines.includes('argocd') ? planArgoCd(delivery, folders, clusters, diagnostics) : undefined;
  const flux = delivery.engines.includes('flux') ? planFlux(delivery, folders, clusters, diagnostics) : [];
  return { table: { ...(argocd ? { argocd } : {}), flux }, diagnostics };
}

function planArgoCd(delivery: Delivery, folders: readonly RenderedFolder[], clusters: ReadonlyMap<string, Cluster>, out: Diagnostic[]): ArgoCdTable {
  const source = { repository: delivery.repository, branch: delivery.branch };
  const project = delivery.argocd.project;
  const destinationOf = (cluster: string): DestinationRef => {
    const d = delivery.argocd.clusters.get(cluster);
    return d?.server !== undefined ? { server: d.server } : { name: d?.name ?? cluster };
  };
  const applications: ApplicationTable[] = folders.map((f) => ({
    name: `${DELIVERY_NAME_PREFIX}-${f.cluster}-${f.folder}`,
    project,
    ...folderIdentity(f),
    path: `${delivery.path}/${f.cluster}/${f.folder}`,
    destination: { ...destinationOf(f.cluster), namespace: KFAAS_NAMESPACE },
    serverSideApply: f.largestObjectBytes > MAX_OBJECT_BYTES,
    retry: !f.platform,
    syncWave: f.platform ? WAVE_PLATFORM : WAVE_ENVIRONMENTS,
  }));
  reportNameCollisions(applications, folders, clusters, out, 'Argo CD Application');
  applications.sort((a, b) => compareText(a.name, b.name));

  const destinations = new Map<string, DestinationRef & { namespace: string }>();
  const namespaced = new Map<string, { group: string; kind: string }>();
  let namespaceObject = false;
  for (const f of folders) {
    for (const o of f.objects) {
      if (o.namespace === undefined) {
        if (o.group !== '' || o.kind !== 'Namespace') throw new Error(`${f.cluster}/${f.folder}: cluster-scoped ${o.kind} is not allowed by the AppProject`);
        namespaceObject = true;
        continue;
      }
      const dest = { ...destinationOf(f.cluster), namespace: o.namespace };
      destinations.set(JSON.stringify(dest), dest);
      namespaced.set(`${o.group}/${o.kind}`, { group: o.group, kind: o.kind });
    }
  }
  // An Application's own destination must be allowed even before its folder holds a namespaced object.
  for (const a of applications) destinations.set(JSON.stringify(a.destination), a.destination);
  const byKey = <T>(m: Map<string, T>): T[] => [...m.entries()].sort(([a], [b]) => compareText(a, b)).map(([, v]) => v);
  const appProject: AppProjectTable = {
    name: project,
    description: `kfaas routes and platform objects (generated from ${delivery.origin.at.file})`,
    destinations: byKey(destinations),
    clusterResources: namespaceObject ? [{ group: '', kind: 'Namespace', name: KFAAS_NAMESPACE }] : [],
    namespaceResources: byKey(namespaced),
    syncWave: WAVE_PROJECTS,
  };
  const deliveryProjectName = `${project}-delivery`;
  const deliveryProject: AppProjectTable = {
    name: deliveryProjectName,
    description: `kfaas Argo CD objects: the ${project} AppProject and its Applications (generated from ${delivery.origin.at.file})`,
    destinations: [{ server: IN_CLUSTER_SERVER, namespace: delivery.argocd.namespace }],
    clusterResources: [],
    namespaceResources: [
      { group: 'argoproj.io', kind: 'AppProject' },
      { group: 'argoproj.io', kind: 'Application' },
    ],
    syncWave: WAVE_PROJECTS,
  };
  const root: ApplicationTable = {
    name: `${DELIVERY_NAME_PREFIX}-delivery`,
    project: deliveryProjectName,
    path: `${delivery.path}/${ARGOCD_FOLDER}`,
    destination: { server: IN_CLUSTER_SERVER, namespace: delivery.argocd.namespace },
    serverSideApply: false,
    retry: false,
    syncWave: WAVE_ENVIRONMENTS,
  };
  return { folder: ARGOCD_FOLDER, namespace: delivery.argocd.namespace, source, project: appProject, deliveryProject, root, applications };
}

function planFlux(delivery: Delivery, folders: readonly RenderedFolder[], clusters: ReadonlyMap<string, Cluster>, out: Diagnostic[]): FluxClusterTable[] {
  const tables: FluxClusterTable[] = [];
  for (const [cluster, own] of groupBy(folders, (f) => f.cluster)) {
    const platform = own.find((f) => f.platform);
    const platformName = `${DELIVERY_NAME_PREFIX}-${platform?.folder}`;
    const folderKustomizations = own.map(
      (f): FluxKustomizationTable => ({
        name: `${DELIVERY_NAME_PREFIX}-${f.folder}`,
        ...folderIdentity(f),
        path: `./${delivery.path}/${f.cluster}/${f.folder}`,
        ...(platform && !f.platform ? { dependsOn: platformName } : {}),
        orphanOnDeletion: true,
      }),
    );
    // Flux labels every object it applies with `kustomize.toolkit.fluxcd.io/name: <Kustomization name>`, so the
    // name must be a valid label value (fluxcd/kustomize-controller docs/spec/v1/kustomizations.md).
    for (const [i, k] of folderKustomizations.entries()) {
      if (labelValueProblem(k.name) === undefined) continue;
      const env = clusters.get(cluster)?.environments.find((e) => e.name === own[i].folder);
      out.push({
        severity: 'error',
        code: 'invalid-name',
        location: env?.origin.at,
        path: env ? `${env.origin.path}.name` : undefined,
        message: `the Flux Kustomization name "${k.name}" would be ${k.name.length} characters; Flux puts it in a label value (at most ${MAX_LABEL_LENGTH}), so expected an environment name of at most ${MAX_LABEL_LENGTH - DELIVERY_NAME_PREFIX.length - 1} characters`,
      });
    }
    folderKustomizations.sort((a, b) => Number(b.dependsOn === undefined) - Number(a.dependsOn === undefined) || compareText(a.name, b.name));
    const self: FluxKustomizationTable = {
      name: DELIVERY_NAME_PREFIX,
      cluster,
      path: `./${delivery.path}/${fluxFolder(cluster)}`,
      orphanOnDeletion: true,
    };
    tables.push({
      cluster,
      folder: fluxFolder(cluster),
      namespace: delivery.flux.namespace,
      interval: delivery.flux.interval,
      sourceName: DELIVERY_NAME_PREFIX,
      source: { repository: delivery.repository, branch: delivery.branch },
      ...(delivery.flux.secretRef !== undefined ? { secretRef: delivery.flux.secretRef } : {}),
      kustomizations: [self, ...folderKustomizations],
    });
  }
  return tables.sort((a, b) => compareText(a.cluster, b.cluster));
}

function folderIdentity(f: RenderedFolder): { cluster: string; environment?: string } {
  return f.platform ? { cluster: f.cluster } : { cluster: f.cluster, environment: f.folder };
}

/**
 * `kfaas-<cluster>-<folder>` is not unique in general (cluster `a-b` + environment `c` and cluster `a` +
 * environment `b-c`); two folders deriving one name are reported at both clusters.
 */
function reportNameCollisions(apps: readonly ApplicationTable[], folders: readonly RenderedFolder[], clusters: ReadonlyMap<string, Cluster>, out: Diagnostic[], what: string): void {
  for (const [name, group] of groupBy(
    apps.map((a, i) => ({ name: a.name, folder: folders[i] })),
    (x) => x.name,
  )) {
    if (group.length < 2) continue;
    for (const { folder } of group) {
      const cluster = clusters.get(folder.cluster);
      const others = group.filter((g) => g.folder !== folder).map((g) => `${g.folder.cluster}/${g.folder.folder}`);
      out.push({
        severity: 'error',
        code: 'name-collision',
        location: cluster?.origin.at,
        path: cluster?.origin.path,
        message: `the ${what} name "${name}" of ${folder.cluster}/${folder.folder} is also derived for ${others.join(', ')}; rename the cluster or the environment`,
      });
    }
  }
}
