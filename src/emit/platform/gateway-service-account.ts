import { ApiResource, Role, RoleBinding, ServiceAccount } from 'cdk8s-plus-27';
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
 * proxy's namespace; Istio's gateway chart creates the same Role (role.yaml). Built on cdk8s-plus-27.
 */
export class GatewayServiceAccount extends Construct {
  public readonly serviceAccount: ServiceAccount;
  public readonly role: Role;
  public readonly roleBinding: RoleBinding;

  public constructor(scope: Construct, id: string, props: GatewayServiceAccountProps) {
    super(scope, id);
    const metadata = { name: props.name, namespace: props.namespace };
    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', { metadata, automountToken: true });
    this.role = new Role(this, 'Role', { metadata });
    this.role.allow(['get', 'list', 'watch'], ApiResource.SECRETS);
    this.roleBinding = new RoleBinding(this, 'RoleBinding', { metadata, role: this.role });
    this.roleBinding.addSubjects(this.serviceAccount);
  }
}
