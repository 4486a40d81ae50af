import {
  DEFAULT_RETRY_ATTEMPTS, gatewayServiceName, KFAAS_NAMESPACE, serviceAuthority,
} from '../model/defaults';
import { PathMatch, RetryPolicy, Route, RouteBehaviour } from '../model/project';
import { VersionProfile } from '../versions/profile';
import {
  DelegateAction, DestinationTable, ForwardAction, GatewayServiceTable, HttpAction, HttpRouteTable, MatchTable, RetryTable,
} from './route-table';
import { compareText } from '../util/compare';

/**
 * Small pure `make*` functions building the pieces of an EnvironmentTable (net-istio style). They never emit
 * `undefined` fields, so the output has no nulls or empty maps.
 */

/**
 * The ExternalName Service `<namespace>-ksvc-gateway` in kfaas-system, pointing at the Knative local gateway, with
 * its HTTP port declared (see GatewayServiceTable.ports; domain-notes "ExternalName", istio ENABLE_EXTERNAL_NAME_ALIAS
 * from 1.21).
 */
export function makeGatewayService(namespace: string, profile: VersionProfile): GatewayServiceTable {
  return {
    name: gatewayServiceName(namespace),
    namespace: KFAAS_NAMESPACE,
    externalName: profile.localGatewayHost,
    ports: [{ name: 'http', port: profile.localGatewayPort }],
  };
}

/**
 * Gateways every root VirtualService binds to, sorted and distinct: Knative's local gateway, plus the public
 * ingress only when the cluster opts in (`publicIngress`, see VersionProfile.gateways).
 */
export function makeGateways(profile: VersionProfile): string[] {
  return [...new Set(profile.gateways)].sort(compareText);
}

/**
 * Retries are explicit wherever the cluster's Istio can say so: without them Istio retries on its own (see
 * DEFAULT_RETRY_ATTEMPTS). Istio 1.1.0-1.2.0 reject `attempts: 0`: there a route without retries gets none
 * (undefined; the compiler warns). Before Istio 1.12 a status code in `retryOn` retries nothing unless
 * `retriable-status-codes` is listed too (istio/istio #34825): it is added.
 */
export function makeRetries(policy: RetryPolicy | undefined, profile: RetryProfile): RetryTable | undefined {
  if (!policy) return profile.zeroRetryAttempts ? { attempts: DEFAULT_RETRY_ATTEMPTS } : undefined;
  const retryOn = policy.retryOn === undefined ? undefined : new Set(policy.retryOn);
  if (retryOn && profile.retryOnCodesNeedPolicy && [...retryOn].some((x) => /^\d+$/.test(x))) {
    retryOn.add(RETRIABLE_STATUS_CODES);
  }
  return {
    attempts: policy.attempts,
    ...(policy.perTryTimeoutMs !== undefined ? { perTryTimeoutMs: policy.perTryTimeoutMs } : {}),
    ...(retryOn !== undefined ? { retryOn: [...retryOn].sort(compareText) } : {}),
  };
}

/** What of a cluster's profile {@link makeRetries} reads (and nothing else). */
export type RetryProfile = Pick<VersionProfile, 'zeroRetryAttempts' | 'retryOnCodesNeedPolicy'>;

/** The retryOn policy that makes Envoy retry on the status codes listed beside it. */
const RETRIABLE_STATUS_CODES = 'retriable-status-codes';

/** Distinct Knative services a behaviour sends to, sorted. */
export function servicesOf(behaviour: RouteBehaviour): string[] {
  const names = behaviour.traffic ? behaviour.traffic.map((t) => t.service) : [behaviour.service];
  return [...new Set(names)].sort(compareText);
}

/** Distinct destinations a behaviour sends to, as `[<tag>-]<service>` (the authority's first label), sorted. */
export function targetsOf(behaviour: RouteBehaviour): string[] {
  const targets = behaviour.traffic
    ? behaviour.traffic.map((t) => targetLabel(t.service, t.tag))
    : [targetLabel(behaviour.service, behaviour.tag)];
  return [...new Set(targets)].sort(compareText);
}

/** `<tag>-<service>` for a Knative revision tag (Knative >= 0.11 names tagged routes so), else the service. */
function targetLabel(service: string, tag: string | undefined): string {
  return tag === undefined ? service : `${tag}-${service}`;
}

/**
 * Destinations sorted by service and tag; the authority is always `[<tag>-]<service>.<namespace>.svc.<clusterDomain>`.
 * Targets naming the same service and tag are merged (weights added), so one target always gets weight 100.
 */
export function makeDestinations(behaviour: RouteBehaviour, namespace: string, clusterDomain: string): DestinationTable[] {
  const weights = new Map<string, { service: string; tag?: string; weight: number }>();
  const add = (service: string, tag: string | undefined, weight: number): void => {
    const key = targetLabel(service, tag);
    const prev = weights.get(key);
    weights.set(key, { service, ...(tag !== undefined ? { tag } : {}), weight: (prev?.weight ?? 0) + weight });
  };
  if (behaviour.traffic && behaviour.traffic.length > 0) {
    for (const t of behaviour.traffic) add(t.service, t.tag, t.weight);
  } else {
    add(behaviour.service, behaviour.tag, 100);
  }
  const keys = [...weights.keys()].sort(compareText);
  return keys.map((key) => {
    const { service, tag, weight } = weights.get(key)!;
    return {
      service,
      ...(tag !== undefined ? { tag } : {}),
      authority: serviceAuthority(key, namespace, clusterDomain),
      weight: keys.length === 1 ? 100 : weight,
    };
  });
}

export function makeForwardAction(
  behaviour: RouteBehaviour, namespace: string, clusterDomain: string, profile: RetryProfile,
): ForwardAction {
  const retries = makeRetries(behaviour.retries, profile);
  return {
    type: 'forward',
    ...(behaviour.rewriteUri !== undefined ? { rewriteUri: behaviour.rewriteUri } : {}),
    ...(behaviour.timeoutMs !== undefined ? { timeoutMs: behaviour.timeoutMs } : {}),
    ...(retries ? { retries } : {}),
    destinations: makeDestinations(behaviour, namespace, clusterDomain),
  };
}

export function makeDelegateAction(virtualService: string): DelegateAction {
  return { type: 'delegate', name: virtualService, namespace: KFAAS_NAMESPACE };
}

/** The path part of a match alone (a delegating root route matches the path; its delegates add conditions). */
export function makeMatchTable(match: PathMatch): MatchTable {
  return { kind: match.kind, value: match.value, origin: match.origin };
}

/** The Istio matches of one match item: one per method (Istio matches one method per match), with its conditions. */
export function makeMatchTables(match: PathMatch): MatchTable[] {
  const c = match.conditions;
  const shared: MatchTable = {
    ...makeMatchTable(match),
    ...(c?.headers && c.headers.length > 0 ? { headers: c.headers } : {}),
    ...(c?.query && c.query.length > 0 ? { query: c.query } : {}),
  };
  const methods = c?.methods ?? [];
  return methods.length === 0 ? [shared] : methods.map((method) => ({ ...shared, method }));
}

/** One HTTP route entry of `route` with the given matches and action. */
export function makeHttpRoute(route: Route, matches: readonly MatchTable[], action: HttpAction): HttpRouteTable {
  return { name: route.name, route: route.name, team: route.team, origin: route.origin, matches, action };
}
