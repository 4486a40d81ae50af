import {
  DestinationTable,
  EnvironmentTable,
  HttpRouteTable,
  MatchTable,
  RetryTable,
  VirtualServiceTable,
} from '../../src/compile/route-table';
import { gatewayHost, gatewayServiceName, KFAAS_NAMESPACE, serviceAuthority } from '../../src/model/defaults';
import { MatchKind, Origin } from '../../src/model/project';
import { profileFor, VersionProfile } from '../../src/versions/profile';
import { makeCluster } from '../support/project-builder';

/** Hand-built tables for emitter tests (the emitter must not depend on the compiler's choices). */

export const ORIGIN: Origin = { at: { file: 'routes/shop/cart.yaml', line: 4, col: 1 }, path: '' };

/** Istio 1.22+, Knative >= 0.19. */
export const PROFILE_V1: VersionProfile = profileFor(makeCluster('c', { istio: '1.22.6', knative: '1.14.1' }));

/** Istio 1.10 (v1beta1, no per-destination authority). */
export const PROFILE_1_10: VersionProfile = profileFor(makeCluster('c', { istio: '1.10.3', knative: '1.14.1' }));

/** Istio 1.4, Knative 0.15 (v1alpha3, cluster-local-gateway). */
export const PROFILE_1_4: VersionProfile = profileFor(makeCluster('c', { istio: '1.4.10', knative: '0.15.0' }));

export function match(kind: MatchKind, value: string): MatchTable {
  return { kind, value, origin: ORIGIN };
}

export function dest(service: string, weight = 100, namespace = 'faas-alpha'): DestinationTable {
  return { service, authority: serviceAuthority(service, namespace, 'cluster.local'), weight };
}

export interface ForwardSpec {
  readonly matches?: readonly MatchTable[];
  readonly rewriteUri?: string;
  readonly timeoutMs?: number;
  readonly retries?: RetryTable;
  readonly destinations?: readonly DestinationTable[];
}

/** A forwarding entry; defaults: prefix `/faas/api/shop/<name>/`, no retries, one destination `<name>`. */
export function forward(name: string, spec: ForwardSpec = {}): HttpRouteTable {
  return {
    name,
    route: name,
    team: 'shop',
    origin: ORIGIN,
    matches: spec.matches ?? [match('prefix', `/faas/api/shop/${name}/`)],
    action: {
      type: 'forward',
      ...(spec.rewriteUri !== undefined ? { rewriteUri: spec.rewriteUri } : {}),
      ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
      retries: spec.retries ?? { attempts: 0 },
      destinations: spec.destinations ?? [dest(name)],
    },
  };
}

export function delegate(name: string, to: string, matches: readonly MatchTable[]): HttpRouteTable {
  return { name, route: name, team: 'shop', origin: ORIGIN, matches, action: { type: 'delegate', name: to, namespace: KFAAS_NAMESPACE } };
}

export function environmentTable(
  cluster: string,
  environment: string,
  virtualServices: readonly VirtualServiceTable[],
  profile: VersionProfile = PROFILE_V1,
): EnvironmentTable {
  const namespace = `faas-${environment}`;
  return {
    cluster,
    environment,
    namespace,
    clusterDomain: 'cluster.local',
    profile,
    gatewayService: {
      name: gatewayServiceName(namespace),
      namespace: KFAAS_NAMESPACE,
      externalName: profile.localGatewayHost,
      ports: [{ name: 'http', port: profile.localGatewayPort }],
    },
    host: gatewayHost(namespace, 'cluster.local'),
    gateways: [...profile.gateways],
    virtualServices,
  };
}
