import { Construct } from 'constructs';
import { Application } from '../../../imports/argocd-application-argoproj.io';
import { ApplicationTable, GitSource } from '../../compile/delivery';
import { ARGOCD_SYNC_RETRY } from '../../model/defaults';

/** Orders objects within one sync (argo-cd@v3.5.1 docs/user-guide/sync-waves.md). */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * With `.` the Application is refreshed only by commits that touch its own folder, instead of every commit to
 * the monorepo (argo-cd@v3.5.1 docs/operator-manual/high_availability.md L336-350).
 */
const MANIFEST_GENERATE_PATHS_ANNOTATION = 'argocd.argoproj.io/manifest-generate-paths';

/**
 * Properties for `KfaasApplication`.
 */
export interface KfaasApplicationProps {
  /** What the compiler decided for this folder. */
  readonly table: ApplicationTable;
  /** Namespace of Argo CD. */
  readonly namespace: string;
  /** Repository and branch. */
  readonly source: GitSource;
  /**
   * Labels of the Application.
   *
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * One Argo CD Application per rendered folder: automated sync that prunes and self-heals, never syncs an empty
 * folder (`allowEmpty: false`: an accidentally empty render must not delete every route), deletes old objects
 * only after the new ones exist (`PruneLast=true`), and server-side apply where an object of the folder could
 * outgrow client-side apply's 256 KiB last-applied annotation (argo-cd@v3.5.1 docs/user-guide/sync-options.md).
 *
 * No `resources-finalizer.argocd.argoproj.io` finalizer: deleting the Application (its folder was removed)
 * leaves its objects in the cluster, like an ApplicationSet's `preserveResourcesOnDeletion`
 * (argo-cd@v3.5.1 docs/operator-manual/applicationset/Application-Deletion.md).
 */
export class KfaasApplication extends Construct {
  public readonly name: string;
  public readonly resource: Application;

  public constructor(scope: Construct, id: string, props: KfaasApplicationProps) {
    super(scope, id);
    const t = props.table;
    this.name = t.name;
    const syncOptions = ['PruneLast=true', ...(t.serverSideApply ? ['ServerSideApply=true'] : [])];
    this.resource = new Application(this, 'Resource', {
      metadata: {
        name: t.name,
        namespace: props.namespace,
        annotations: { [MANIFEST_GENERATE_PATHS_ANNOTATION]: '.', [SYNC_WAVE_ANNOTATION]: String(t.syncWave) },
        ...(props.labels ? { labels: { ...props.labels } } : {}),
      },
      spec: {
        project: t.project,
        source: { repoUrl: props.source.repository, targetRevision: props.source.branch, path: t.path },
        destination: { ...t.destination },
        syncPolicy: {
          automated: { prune: true, selfHeal: true, allowEmpty: false },
          syncOptions,
          ...(t.retry
            ? {
                retry: {
                  limit: ARGOCD_SYNC_RETRY.limit,
                  backoff: { ...ARGOCD_SYNC_RETRY.backoff },
                  refresh: ARGOCD_SYNC_RETRY.refresh,
                },
              }
            : {}),
        },
      },
    });
  }
}
