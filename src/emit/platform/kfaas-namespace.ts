import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KFAAS_NAMESPACE } from '../../model/defaults';

/** Argo CD: keep the object when the Application is deleted (v3.5.1 docs/user-guide/sync-options.md). */
const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** Flux: never prune the object (kustomize-controller v1.9.4 docs: `kustomize.toolkit.fluxcd.io/prune: disabled`). */
const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';

/**
 * Properties for `KfaasNamespace`.
 */
export interface KfaasNamespaceProps {
  /**
   * Name of the Namespace.
   *
   * @default KFAAS_NAMESPACE ('kfaas-system')
   */
  readonly name?: string;
}

/**
 * The `kfaas-system` Namespace, protected from pruning by both GitOps tools: deleting it would delete every
 * environment's routes, the gateway and the certificates with it. Argo CD leaves it in place when the platform
 * Application is deleted (`Delete=false`); Flux never prunes it (`prune: disabled`).
 */
export class KfaasNamespace extends Construct {
  public readonly name: string;
  public readonly namespace: ApiObject;

  public constructor(scope: Construct, id: string, props: KfaasNamespaceProps = {}) {
    super(scope, id);
    this.name = props.name ?? KFAAS_NAMESPACE;
    this.namespace = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: this.name,
        annotations: { [ARGOCD_SYNC_OPTIONS]: 'Delete=false', [FLUX_PRUNE]: 'disabled' },
      },
    });
  }
}
