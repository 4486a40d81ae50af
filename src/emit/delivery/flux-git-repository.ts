import { Construct } from 'constructs';
import { GitRepository } from '../../../imports/flux-source-source.toolkit.fluxcd.io';
import { GitSource } from '../../compile/delivery';

/**
 * Properties for `KfaasGitRepository`.
 */
export interface KfaasGitRepositoryProps {
  readonly name: string;
  readonly namespace: string;
  readonly source: GitSource;
  /** Fetch interval (Go duration). */
  readonly interval: string;
  /**
   * Secret in `namespace` with the credentials of a private repository.
   *
   * @default - none: a public repository
   */
  readonly secretRef?: string;
  /**
   * Labels of the GitRepository.
   *
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The Flux `source.toolkit.fluxcd.io/v1` GitRepository every kfaas Kustomization of the cluster reads
 * (source-controller@v1.9.1 api/v1/gitrepository_types.go: `url` and `interval` required, `ref.branch`).
 */
export class KfaasGitRepository extends Construct {
  public readonly name: string;
  public readonly resource: GitRepository;

  public constructor(scope: Construct, id: string, props: KfaasGitRepositoryProps) {
    super(scope, id);
    this.name = props.name;
    this.resource = new GitRepository(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, ...(props.labels ? { labels: { ...props.labels } } : {}) },
      spec: {
        url: props.source.repository,
        ref: { branch: props.source.branch },
        interval: props.interval,
        ...(props.secretRef !== undefined ? { secretRef: { name: props.secretRef } } : {}),
      },
    });
  }
}
