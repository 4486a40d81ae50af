import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * Properties for `GatewayServiceAccount`.
 */
export interface GatewayServiceAccountProps {
  /** Name of the ServiceAccount, Role and RoleBinding. */
  readonly name: string;
  /** Namespace of all three (kfaas-system): Istio reads `credentialName` Secrets only in the gateway's own namespace. */
  readonly namespace: string;
}

/**
 * The gateway's ServiceAccount and a Role + RoleBinding letting it `get`, `list` and `watch` Secrets in its own
 * namespace. istiod serves a `credentialName` Secret to a gateway only after a SubjectAccessReview that the
 * gateway's service account may list secrets there (istio@1.30.0 pilot/pkg/xds/sds.go L264-300), and only in the
 * proxy's namespace; Istio's gateway chart creates the same Role (role.yaml).
 */
export class GatewayServiceAccount extends Construct {
  /** The ServiceAccount's name. */
  public readonly name: string;

  public constructor(scope: Construct, id: string, props: GatewayServiceAccountProps) {
    super(scope, id);
    const metadata = { name: props.name, namespace: props.namespace };
    const rbac = 'rbac.authorization.k8s.io';
    this.name = props.name;
    new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: true });
    new ApiObject(this, 'Role', {
      apiVersion: `${rbac}/v1`, kind: 'Role', metadata,
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
    });
    new ApiObject(this, 'RoleBinding', {
      apiVersion: `${rbac}/v1`, kind: 'RoleBinding', metadata,
      roleRef: { apiGroup: rbac, kind: 'Role', name: props.name },
      subjects: [{ apiGroup: '', kind: 'ServiceAccount', name: props.name, namespace: props.namespace }],
    });
  }
}
