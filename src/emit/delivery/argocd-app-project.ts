import { Construct } from 'constructs';
import { AppProject } from '../../../imports/argocd-appproject-argoproj.io';
import { AppProjectTable, GitSource } from '../../compile/delivery';
import { SYNC_WAVE_ANNOTATION } from './argocd-application';

/**
 * Properties for `KfaasAppProject`.
 */
export interface KfaasAppProjectProps {
  /** What the project allows. */
  readonly table: AppProjectTable;
  /** Namespace of Argo CD. */
  readonly namespace: string;
  /** The only repository its Applications may read. */
  readonly source: GitSource;
  /**
   * Labels of the AppProject.
   *
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * An Argo CD AppProject that allows one repository, the listed destinations and kinds, nothing else: with no
 * `clusterResourceWhitelist` entry a cluster-scoped object is denied, and only the listed namespaced kinds may be
 * synced (argo-cd@v3.5.1 docs/operator-manual/project.yaml, pkg/apis/application/v1alpha1/types.go L2836-2861).
 */
export class KfaasAppProject extends Construct {
  public readonly name: string;
  public readonly resource: AppProject;

  public constructor(scope: Construct, id: string, props: KfaasAppProjectProps) {
    super(scope, id);
    const t = props.table;
    this.name = t.name;
    this.resource = new AppProject(this, 'Resource', {
      metadata: {
        name: t.name,
        namespace: props.namespace,
        annotations: { [SYNC_WAVE_ANNOTATION]: String(t.syncWave) },
        ...(props.labels ? { labels: { ...props.labels } } : {}),
      },
      spec: {
        description: t.description,
        sourceRepos: [props.source.repository],
        destinations: t.destinations.map((d) => ({ ...d })),
        clusterResourceWhitelist: t.clusterResources.map((r) => ({ ...r })),
        namespaceResourceWhitelist: t.namespaceResources.map((r) => ({ group: r.group, kind: r.kind })),
      },
    });
  }
}
