import { Construct } from 'constructs';
import { Certificate, CertificateSpecPrivateKeyRotationPolicy } from '../../../imports/certmanager-cert-manager.io';
import { CertificateTable } from '../../compile/platform/platform-table';

/** cert-manager's API group, for `issuerRef.group`. */
const CERT_MANAGER_GROUP = 'cert-manager.io';

/**
 * Properties for `DomainCertificate`.
 */
export interface DomainCertificateProps {
  /** The compiled certificate: name, hostname, Secret name and issuer. */
  readonly table: CertificateTable;
  /** Namespace of the Certificate and its Secret: the gateway's own (Istio reads credentialName only there). */
  readonly namespace: string;
}

/**
 * A cert-manager `Certificate` (cert-manager.io/v1, from cert-manager 1.0) for one business-domain hostname,
 * written to a Secret in kfaas-system that the east-west gateway serves through `credentialName`
 * (version-facts.md E). `privateKey.rotationPolicy: Always` is explicit: the default changed from Never to
 * Always in cert-manager 1.18, and a key kept for years is what rotation is meant to prevent; likewise
 * `revisionHistoryLimit: 1` where the cluster's cert-manager has the field (1.3+; default 1 from 1.18, unlimited
 * before). cert-manager before 1.0 (no cert-manager.io/v1) is refused by the loader. Typed binding from
 * `cdk8s import` of the pinned cert-manager v1.21.1 CRD (cdk8s.yaml).
 */
export class DomainCertificate extends Construct {
  public readonly certificate: Certificate;

  public constructor(scope: Construct, id: string, props: DomainCertificateProps) {
    super(scope, id);
    const { table } = props;
    this.certificate = new Certificate(this, 'Resource', {
      metadata: { name: table.name, namespace: props.namespace },
      spec: {
        secretName: table.secretName,
        dnsNames: [table.hostname],
        issuerRef: { name: table.issuer.name, kind: table.issuer.kind, group: CERT_MANAGER_GROUP },
        privateKey: { rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
        ...(table.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: table.revisionHistoryLimit } : {}),
      },
    });
  }
}
