import { Cluster } from '../model/project';
import { atLeast } from '../model/version';

/**
 * What the installed Istio and Knative versions allow, in one place. Facts and sources:
 * `shared/docs/domain-notes.md` (Istio API versions by release, Knative local gateway renames, Istio 1.12
 * per-destination authority, delegation from 1.8).
 */
export interface VersionProfile {
  /** `networking.istio.io/v1alpha3` (Istio < 1.5), `v1beta1` (1.5-1.21) or `v1` (>= 1.22). */
  readonly virtualServiceApiVersion: VirtualServiceApiVersion;
  /** Knative's Istio Gateway for in-cluster traffic, `<namespace>/<name>`. */
  readonly localGateway: string;
  /** Knative's Istio Gateway for traffic from outside the cluster, `<namespace>/<name>`. */
  readonly ingressGateway: string;
  /** In-cluster host of the local gateway Service (what the ExternalName points at and routes go to). */
  readonly localGatewayHost: string;
  /** Port of the local gateway Service that serves plain HTTP. */
  readonly localGatewayPort: number;
  /**
   * Istio >= 1.12: a destination-level `headers.request.set.host` rewrites the authority per weighted
   * destination, so a split between two Knative services works. Before, only the route-level
   * `rewrite.authority` exists and such a split cannot be expressed.
   */
  readonly perDestinationAuthority: boolean;
  /** Istio >= 1.8: VirtualService delegation is on by default. */
  readonly delegation: boolean;
}

export type VirtualServiceApiVersion =
  | 'networking.istio.io/v1alpha3'
  | 'networking.istio.io/v1beta1'
  | 'networking.istio.io/v1';

/** Knative's ingress gateway name has not changed since 0.8. */
export const KNATIVE_INGRESS_GATEWAY = 'knative-serving/knative-ingress-gateway';
/** Local gateway of Knative 0.8-0.18 (0.18 adds knative-local-gateway but still points at this one). */
export const LEGACY_LOCAL_GATEWAY = { gateway: 'knative-serving/cluster-local-gateway', service: 'cluster-local-gateway' };
/** Local gateway of Knative >= 0.19. */
export const LOCAL_GATEWAY = { gateway: 'knative-serving/knative-local-gateway', service: 'knative-local-gateway' };
/** Namespace of the gateway Services in every supported Knative/Istio install. */
export const GATEWAY_SERVICE_NAMESPACE = 'istio-system';
/** Plain-HTTP port of the Knative gateway Services. */
export const LOCAL_GATEWAY_PORT = 80;

/** Derives the profile of a cluster from its versions and overrides. */
export function profileFor(cluster: Cluster): VersionProfile {
  const { istio, knative, clusterDomain } = cluster;
  const virtualServiceApiVersion: VirtualServiceApiVersion = !atLeast(istio, 1, 5)
    ? 'networking.istio.io/v1alpha3'
    : !atLeast(istio, 1, 22)
      ? 'networking.istio.io/v1beta1'
      : 'networking.istio.io/v1';
  const local = atLeast(knative, 0, 19) ? LOCAL_GATEWAY : LEGACY_LOCAL_GATEWAY;
  return {
    virtualServiceApiVersion,
    localGateway: cluster.localGateway?.gateway ?? local.gateway,
    ingressGateway: KNATIVE_INGRESS_GATEWAY,
    localGatewayHost: cluster.localGateway?.host ?? `${local.service}.${GATEWAY_SERVICE_NAMESPACE}.svc.${clusterDomain}`,
    localGatewayPort: LOCAL_GATEWAY_PORT,
    perDestinationAuthority: atLeast(istio, 1, 12),
    delegation: atLeast(istio, 1, 8),
  };
}
