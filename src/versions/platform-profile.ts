import { Cluster } from '../model/project';
import { atLeast, Version } from '../model/version';
import { ISTIO_SINCE, PLATFORM_PRODUCT_SINCE } from './facts';
import { profileFor, VirtualServiceApiVersion } from './profile';

/**
 * What the cluster's Kubernetes and Istio versions decide for the platform folder (the east-west gateway, the
 * Java bridge). Facts and sources: shared/docs/version-facts.md sections C (gateway deployment), D (Kubernetes
 * API versions), E (cert-manager) and F (ServiceEntry, mesh VirtualServices); istio/api for `directResponse`.
 */
export interface PlatformProfile {
  /** `autoscaling/v2` (Kubernetes >= 1.23), `autoscaling/v2beta2` (1.12-1.22), `autoscaling/v1` before. */
  readonly hpaApiVersion: 'autoscaling/v2' | 'autoscaling/v2beta2' | 'autoscaling/v1';
  /**
   * `policy/v1` (Kubernetes >= 1.21) or `policy/v1beta1`. kfaas always writes a non-empty selector: an empty
   * `selector: {}` selects every pod in v1 but none in v1beta1.
   */
  readonly pdbApiVersion: 'policy/v1' | 'policy/v1beta1';
  /**
   * How the proxy gets into the gateway pod. `template` (Istio >= 1.10): the injector's built-in `gateway`
   * template fills in `image: auto` (istio@1.10.0 gateway-injection-template.yaml; `image: auto` itself from
   * 1.9, webhook.go). `image` before: the exact `proxyv2` image of the installed Istio, args `proxy router`.
   */
  readonly gatewayInjection: 'template' | 'image';
  /** Health port of the proxy: 15021 from Istio 1.6 (istio@1.6.0 release notes, status port moved), 15020 before. */
  readonly proxyStatusPort: number;
  /** VirtualService, Gateway and ServiceEntry share the API version of VirtualServices (domain-notes, section F). */
  readonly istioApiVersion: VirtualServiceApiVersion;
  /** Istio >= 1.15: `directResponse` (api@1.15.0); before, an undeclared path is denied with a fault abort. */
  readonly directResponse: boolean;
  /** Istio >= 1.1: `fault.abort.percentage`; 1.0 has only the integer `percent` (removed in 1.5). */
  readonly faultPercentage: boolean;
  /** Istio >= 1.5: istiod configures kfaas's east-west gateway (ISTIO_SINCE.eastWestGateway); before, it is refused. */
  readonly eastWestGateway: boolean;
  /** cert-manager >= 1.3 (`spec.gateway.domains.certManager`): Certificates get `revisionHistoryLimit: 1`. */
  readonly certificateRevisionHistoryLimit: boolean;
  /**
   * Spring Cloud Gateway >= 4.3 (`spec.javaGateway.springCloudGateway`, the newest behaviour when absent): routes under
   * `spring.cloud.gateway.server.webflux`; before, under `spring.cloud.gateway`.
   */
  readonly springCloudGatewayWebflux: boolean;
  /**
   * Istio's exact proxy image, with the `image` injection only (the `template` injection fills in `image: auto`): the
   * one output that names the version's text, so only there does a patch release change the platform folder.
   * @default - none: `template` injection
   */
  readonly proxyImage?: string;
}

/** Where Istio's release images live (istio@1.9.0 manifests/charts/global.yaml `hub`). */
const ISTIO_HUB = 'docker.io/istio';

/** The platform profile of a cluster; `kubernetes` defaults to the newest behaviour when absent (no gateway then). */
export function platformProfileFor(cluster: Cluster): PlatformProfile {
  const k8s: Version = cluster.kubernetes ?? { major: 1, minor: 99, patch: 0, raw: '' };
  const istio = cluster.istio;
  const template = atLeast(istio, 1, 10);
  return {
    hpaApiVersion: atLeast(k8s, 1, 23) ? 'autoscaling/v2' : atLeast(k8s, 1, 12) ? 'autoscaling/v2beta2' : 'autoscaling/v1',
    pdbApiVersion: atLeast(k8s, 1, 21) ? 'policy/v1' : 'policy/v1beta1',
    gatewayInjection: template ? 'template' : 'image',
    proxyStatusPort: atLeast(istio, 1, 6) ? 15021 : 15020,
    istioApiVersion: profileFor(cluster).virtualServiceApiVersion,
    directResponse: atLeast(istio, 1, 15),
    faultPercentage: atLeast(istio, 1, 1),
    eastWestGateway: since(istio, ISTIO_SINCE.eastWestGateway),
    certificateRevisionHistoryLimit: since(cluster.gateway?.domains?.certManager, PLATFORM_PRODUCT_SINCE.certManagerRevisionHistoryLimit),
    springCloudGatewayWebflux: since(cluster.javaGateway?.springCloudGateway, PLATFORM_PRODUCT_SINCE.springCloudGatewayWebflux, true),
    ...(template ? {} : { proxyImage: `${ISTIO_HUB}/proxyv2:${istio.raw.replace(/^v/, '')}` }),
  };
}

/** `v` is `threshold` or newer; `absent` when there is no `v`. */
function since(v: Version | undefined, threshold: Version, absent = false): boolean {
  return v === undefined ? absent : atLeast(v, threshold.major, threshold.minor, threshold.patch);
}
