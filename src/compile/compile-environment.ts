import { gatewayHost } from '../model/defaults';
import { Route, RouteBehaviour } from '../model/project';
import { findConflicts } from './conflicts';
import { makeEntries, RouteEntry, SharedEntries, sortEntries } from './entries';
import { EnvironmentSlot, Landing } from './expand';
import { checkFeatureGates } from './feature-gates';
import { conditionsKey } from './conditions';
import { FindingRecord, Findings } from './findings';
import { checkPolicies } from './policy-checks';
import { LayoutContext } from './layout-context';
import { layoutMerged } from './layout-merged';
import { layoutPerRoute } from './layout-per-route';
import { OBJECT_OVERHEAD_BYTES } from './pack';
import { checkFallbacks, OwnershipIndex } from './ownership';
import { EnvironmentTable, HttpRouteTable } from './route-table';
import { makeAction } from './policy-tables';
import { makeGateways, makeGatewayService, targetsOf } from './table-builders';
import { atLeast } from '../model/version';
import { compareText } from '../util/compare';
import { VersionProfile } from '../versions/profile';
import { checkRetries, warnDefaultRetries } from './version-checks';
import { checkRegexes } from './regex-checks';
import { compileGatewayApi } from './gateway-api/compile-gateway-api';
import { samePlainData } from '../util/plain-data';
import { compileSlotDomains, hostnameSightings } from './platform/compile-domains';
import { DomainTable } from './platform/domain-table';

/** Resolved compile options (see CompileOptions). */
export interface EnvironmentOptions {
  readonly sizeOf: (http: HttpRouteTable, table: { profile: VersionProfile }) => number;
  readonly maxObjectBytes: number;
  readonly maxObjectsPerFolder: number;
  /** Average object size the content-defined cuts aim at. */
  readonly preferredObjectBytes: number;
  /** Owned prefixes, for the fallback proof. */
  readonly ownership: OwnershipIndex;
  /**
   * Findings of the order checks (conflicts, fallbacks) by the ordered matches they ran on, shared by the tables of
   * one compile: clusters hosting the same environment mostly order the same matches, and the findings depend on
   * nothing else. @default - none: checked for every table
   */
  readonly orderChecks?: OrderCheckMemo;
  /**
   * Actions and route entries shared by the tables of one compile (see SharedEntries).
   * @default - none: every table makes its own
   */
  readonly sharedEntries?: SharedEntries;
}

/** See {@link EnvironmentOptions.orderChecks}. */
export class OrderCheckMemo {
  /** Checks done, by environment and kind of check: the ordered matches each ran on (as tokens) and its findings. */
  private readonly checked = new Map<string, { readonly tokens: readonly string[]; readonly records: readonly FindingRecord[] }[]>();
  private readonly routeIds = new WeakMap<Route, number>();
  private readonly tokens = new WeakMap<RouteEntry, string>();
  private next = 0;

  /**
   * The findings of an earlier table's check of the same ordered matches in `scope`, or those of `check`, run now
   * and kept. Matches are compared entry by entry (tokens of shared entries are the same strings).
   */
  public findingsOf(sorted: readonly RouteEntry[], scope: string, crossRoute: boolean, check: () => readonly FindingRecord[]): readonly FindingRecord[] {
    const tokens = sorted.map((e) => this.entryToken(e));
    const where = `${scope}\u0000${crossRoute}`;
    let done = this.checked.get(where);
    if (!done) this.checked.set(where, (done = []));
    const earlier = done.find((d) => samePlainData(d.tokens, tokens));
    if (earlier) return earlier.records;
    const records = check();
    done.push({ tokens, records });
    return records;
  }

  /** What of an entry the order checks read, as text (entries shared by tables are read once). */
  private entryToken(e: RouteEntry): string {
    let token = this.tokens.get(e);
    if (token === undefined) {
      token = `${this.routeId(e.route)}\u0000${e.originPath}\u0000${e.kind}\u0000${e.value}\u0000${conditionsKey(e.conditions)}`;
      this.tokens.set(e, token);
    }
    return token;
  }

  /** A number per Route object: two routes of one name (an error, reported) still differ. */
  private routeId(route: Route): number {
    let id = this.routeIds.get(route);
    if (id === undefined) {
      id = ++this.next;
      this.routeIds.set(route, id);
    }
    return id;
  }
}

/**
 * Conflicts (duplicates, shadowing, unreachable routes) and fallbacks winning owned paths: what they find depends
 * only on the matches in order (their routes, kinds, values, conditions) and the environment, so tables with the
 * same ordered matches in the same environment (one per cluster hosting it) share one check.
 */
function checkOrder(sorted: readonly RouteEntry[], scope: string, findings: Findings, options: EnvironmentOptions, crossRoute: boolean): void {
  const memo = options.orderChecks;
  if (!memo) {
    findConflicts(sorted, scope, findings, { crossRoute });
    checkFallbacks(options.ownership, sorted, scope, findings);
    return;
  }
  findings.addRecords(memo.findingsOf(sorted, scope, crossRoute, () => {
    const own = new Findings();
    findConflicts(sorted, scope, own, { crossRoute });
    checkFallbacks(options.ownership, sorted, scope, own);
    return own.records;
  }));
}

/** Compiles one (cluster, environment): entries in specificity order, checks, layout. */
export function compileEnvironment(slot: EnvironmentSlot, options: EnvironmentOptions, findings: Findings): EnvironmentTable {
  const { cluster, environment, profile } = slot;
  const namespace = environment.namespace;
  const scope = environment.name;
  const measured = { profile };
  const sizeOf = (http: HttpRouteTable): number => options.sizeOf(http, measured);

  const entries: RouteEntry[] = [];
  const behaviours = new Map<Route, RouteBehaviour>();
  for (const landing of slot.landings) {
    // A split this Istio cannot express is reported and left out: the run fails anyway, and the emitter never
    // sees a table it cannot render.
    if (!checkWeightedSplit(landing, slot, findings)) continue;
    if (!checkFeatureGates(landing, slot, findings)) continue;
    if (!checkRetries(landing, slot, findings)) continue;
    if (!checkRegexes(landing, slot, findings)) continue;
    if (!checkPolicies(landing, slot, findings)) continue;
    behaviours.set(landing.route, landing.behaviour);
    const shared = options.sharedEntries;
    const made = makeAction(landing.behaviour, namespace, cluster.clusterDomain, profile);
    const action = shared ? shared.action(landing.route, made) : made;
    for (const match of landing.behaviour.match) {
      entries.push(...(shared ? shared.entries(landing.route, match, action, sizeOf) : makeEntries(landing.route, match, action, sizeOf)));
    }
  }
  const sorted = sortEntries(entries);
  warnDefaultRetries(slot, findings);

  const ctx: LayoutContext = {
    cluster, environment, profile, namespace, sizeOf, findings, scope,
    maxObjectBytes: options.maxObjectBytes,
    budget: options.maxObjectBytes - OBJECT_OVERHEAD_BYTES,
    preferredBudget: Math.min(options.maxObjectBytes, options.preferredObjectBytes) - OBJECT_OVERHEAD_BYTES,
    maxObjectsPerFolder: options.maxObjectsPerFolder,
  };
  const perRoute = cluster.layout === 'per-route';
  checkOrder(sorted, scope, findings, options, !perRoute);
  // Business domains are Istio VirtualServices on the east-west gateway whatever the environment's own output.
  const domains = compileSlotDomains(slot, hostnameSightings(slot), sorted, ctx.budget, findings);
  if (cluster.output === 'gateway-api') return gatewayApiTable(slot, sorted, domains, findings, options);
  const virtualServices = perRoute ? layoutPerRoute(sorted, behaviours, ctx) : layoutMerged(sorted, ctx);

  const objects = virtualServices.length + domains.length + 1; // + the gateway Service
  if (objects > options.maxObjectsPerFolder) {
    findings.error('too-many-objects', environment.origin,
      `dist/${cluster.name}/${environment.name} would hold ${objects} objects (${virtualServices.length} VirtualServices` +
        (domains.length > 0 ? `, ${domains.length} business-domain VirtualServices` : '') +
        ` and the gateway Service), more than ${options.maxObjectsPerFolder}, the most kfaas puts in one folder ` +
        '(a fixed limit, MAX_OBJECTS_PER_FOLDER in src/model/defaults.ts: kustomize and Argo CD slow down with every object); ' +
        (perRoute
          ? `set layout: merged on cluster ${cluster.name} (routes share objects there)`
          : `its routes fill that many VirtualServices of up to ${options.maxObjectBytes} bytes: ` +
            'merge matches (one prefix instead of many exact paths), or limit some routes to other environments (spec.environments)'));
  }

  return {
    cluster: cluster.name,
    environment: environment.name,
    namespace,
    clusterDomain: cluster.clusterDomain,
    profile,
    gatewayService: makeGatewayService(namespace, profile),
    host: gatewayHost(namespace, cluster.clusterDomain),
    gateways: makeGateways(profile),
    virtualServices,
    ...(domains.length > 0 ? { domains } : {}),
  };
}

/**
 * A gateway-api environment: HTTPRoutes routing exactly as the VirtualService order `sorted` would, the backend
 * Service, and the entry ExternalName pointing at the cluster's Gateway instead of Knative's local gateway.
 */
function gatewayApiTable(
  slot: EnvironmentSlot, sorted: RouteEntry[], domains: readonly DomainTable[], findings: Findings, options: EnvironmentOptions,
): EnvironmentTable {
  const { cluster, environment, profile } = slot;
  const namespace = environment.namespace;
  const gatewayApi = compileGatewayApi(slot, sorted, findings, profile);
  const objects = gatewayApi.httpRoutes.length + domains.length + 2; // + the entry and backend Services
  if (objects > options.maxObjectsPerFolder) {
    findings.error('too-many-objects', environment.origin,
      `dist/${cluster.name}/${environment.name} would hold ${objects} objects (${gatewayApi.httpRoutes.length} HTTPRoutes, one per route, ` +
        `${domains.length > 0 ? `${domains.length} business domains ` : ''}and two Services), more than ${options.maxObjectsPerFolder}; use output: virtualservice, which merges routes`);
  }
  return {
    cluster: cluster.name,
    environment: environment.name,
    namespace,
    clusterDomain: cluster.clusterDomain,
    profile,
    gatewayService: { ...makeGatewayService(namespace, profile), externalName: gatewayApi.profile.address },
    host: gatewayHost(namespace, cluster.clusterDomain),
    gateways: [],
    virtualServices: [],
    gatewayApi,
    ...(domains.length > 0 ? { domains } : {}),
  };
}

/**
 * Before Istio 1.12 only the route-level authority rewrite exists, so a weighted split between two Knative
 * services through the local gateway cannot be expressed: refuse it. Returns false when refused.
 */
function checkWeightedSplit(landing: Landing, slot: EnvironmentSlot, findings: Findings): boolean {
  const { behaviour } = landing;
  if (slot.profile.perDestinationAuthority || !behaviour.traffic || targetsOf(behaviour).length < 2) return true;
  const first = behaviour.traffic[0].origin;
  const { cluster, profile } = slot;
  const why = atLeast(cluster.istio, 1, 12)
    ? `its oldest gateway proxy runs ${profile.gatewayProxy.raw} (spec.gatewayProxy), and gateway proxies before 1.12 ` +
      'ignore the per-destination authority (istio/istio #37575)'
    : `it runs Istio ${cluster.istio.raw}, and Istio < 1.12 cannot rewrite the authority per destination`;
  findings.errorAt('weighted-split-unsupported', first.at, first.path.replace(/\[\d+\]$/, ''),
    `route ${JSON.stringify(landing.route.name)} splits traffic between ${splitTargetsText(behaviour)}, ` +
      `but on cluster ${cluster.name} ${why}; split between Knative revisions behind one service (Knative traffic), ` +
      'or upgrade to 1.12+',
    slot.environment.name);
  return false;
}

/** "services a, b" for a split between services; tagged revisions are named as such ("tag blue of service pay"). */
function splitTargetsText(behaviour: RouteBehaviour): string {
  const entries = behaviour.traffic ?? [];
  if (entries.every((t) => t.tag === undefined)) return `services ${targetsOf(behaviour).join(', ')}`;
  const described = entries.map((t) => (t.tag === undefined ? `service ${t.service}` : `tag ${t.tag} of service ${t.service}`));
  return `destinations ${[...new Set(described)].sort(compareText).join(', ')}`;
}
