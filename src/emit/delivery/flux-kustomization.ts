import { Construct } from 'constructs';
import {
  Kustomization,
  KustomizationSpecDeletionPolicy,
  KustomizationSpecSourceRefKind,
} from '../../../imports/flux-kustomize-kustomize.toolkit.fluxcd.io';
import { FluxKustomizationTable } from '../../compile/delivery';

/**
 * Properties for `KfaasKustomization`.
 */
export interface KfaasKustomizationProps {
  readonly table: FluxKustomizationTable;
  readonly namespace: string;
  /** Name of the GitRepository in `namespace`. */
  readonly sourceName: string;
  /** Reconcile interval (Go duration). */
  readonly interval: string;
  /**
   * Labels of the Kustomization.
   *
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A Flux `kustomize.toolkit.fluxcd.io/v1` Kustomization of one rendered folder: `prune: true` (objects removed
 * from the folder are deleted), no `targetNamespace` (it would rewrite every object's namespace), `dependsOn`
 * the cluster's platform Kustomization, and `deletionPolicy: Orphan` so deleting the Kustomization itself (its
 * folder was removed) keeps the objects, as Argo CD's `preserveResourcesOnDeletion` does
 * (kustomize-controller@v1.9.4 api/v1/kustomization_types.go; config/crd/bases/...kustomizations.yaml).
 */
export class KfaasKustomization extends Construct {
  public readonly name: string;
  public readonly resource: Kustomization;

  public constructor(scope: Construct, id: string, props: KfaasKustomizationProps) {
    super(scope, id);
    const t = props.table;
    this.name = t.name;
    this.resource = new Kustomization(this, 'Resource', {
      metadata: { name: t.name, namespace: props.namespace, ...(props.labels ? { labels: { ...props.labels } } : {}) },
      spec: {
        interval: props.interval,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: props.sourceName },
        path: t.path,
        prune: true,
        ...(t.dependsOn ? { dependsOn: [{ name: t.dependsOn }] } : {}),
        ...(t.orphanOnDeletion ? { deletionPolicy: KustomizationSpecDeletionPolicy.ORPHAN } : {}),
      },
    });
  }
}
