import { matchesPath, PathCondition, rewritePath } from '../../explain/match';
import { gatewayPrecedence } from '../../explain/gateway-precedence';
import { samplePaths } from '../../explain/sample-path';
import { KFAAS_NAMESPACE } from '../../model/defaults';
import { Route } from '../../model/project';
import { gatewayApiProfileFor } from '../../versions/gateway-api';
import { describeIstioDefaultRetries, VersionProfile } from '../../versions/profile';
import { RouteEntry } from '../entries';
import { EnvironmentSlot } from '../expand';
import { describeMatch, Findings, where } from '../findings';
import { mayOverlap } from '../overlap';
import { compareText } from '../../util/compare';
import { ForwardAction } from '../route-table';
import { GatewayRuleContext, translateForward, translateMatch, translatePathRewrite } from './rules';
import { GatewayApiTable, GatewayForwardTable, GatewayMatchTable, GatewayRuleTable, HttpRouteObjectTable } from './table';
import { groupBy } from '../../util/group-by';

/** Gateway API limits per HTTPRoute (gateway-api@v1.6.1 standard CRD: rules maxItems 16, matches maxItems 64, CEL total < 128). */
const MAX_RULES_PER_HTTPROUTE = 16;
const MAX_MATCHES_PER_RULE = 64;
const MAX_MATCHES_PER_HTTPROUTE = 128;

/** Name of the backend ExternalName Service of an environment namespace. */
function backendServiceName(namespace: string): string {
  return `${namespace}-ksvc-backend`;
}

/** Name of the HTTPRoute of a route in an environment namespace. */
function httpRouteName(namespace: string, route: string): string {
  return `${namespace}-${route}`;
}

/** A translated entry: the VirtualService entry and the Gateway API match that replaces it. */
interface Translated {
  readonly entry: RouteEntry;
  readonly match: GatewayMatchTable;
  readonly pathRewrite?: GatewayRuleTable['pathRewrite'];
  readonly forward: GatewayForwardTable;
}

/**
 * Compiles the entries of one gateway-api (cluster, environment), already in the VirtualService output's order
 * (which defines what routes where), into HTTPRoutes that route every path the same way under Istio's Gateway
 * API precedence. What cannot be made to route the same is a diagnostic on the route, never output.
 */
export function compileGatewayApi(
  slot: EnvironmentSlot, sorted: readonly RouteEntry[], findings: Findings, profile: VersionProfile,
): GatewayApiTable {
  const { cluster, environment } = slot;
  const namespace = environment.namespace;
  const gwProfile = gatewayApiProfileFor(cluster.gatewayApi!, cluster.istio);
  const behaviours = new Map(slot.landings.map((l) => [l.route.name, l.behaviour]));
  const ctx: GatewayRuleContext = {
    cluster, profile: gwProfile, findings, scope: environment.name, behaviourOf: (r) => behaviours.get(r),
  };

  const forwards = new Map<ForwardAction, GatewayForwardTable | undefined>();
  const translated: Translated[] = [];
  for (const entry of sorted) {
    const action = entry.http.action;
    const refused = unrenderedFeatures(entry.http.action);
    if (refused.length > 0) {
      findings.errorAt('gateway-api-feature', entry.match.origin.at, entry.match.origin.path,
        `route ${JSON.stringify(entry.route.name)} uses ${refused.join(', ')}, which kfaas does not render as Gateway API yet ` +
          '(a route left out would route differently); use output: virtualservice for this cluster or leave the route off it (spec.clusters)',
        environment.name);
      continue;
    }
    if (action.type !== 'forward') continue;
    if (!forwards.has(action)) forwards.set(action, translateForward(entry.route, action, ctx));
    const forward = forwards.get(action);
    const match = translateMatch(entry, ctx);
    if (!match || !forward) continue;
    const pathRewrite = translatePathRewrite(entry, match, action, ctx);
    if (pathRewrite === null) continue;
    translated.push({ entry, match, ...(pathRewrite ? { pathRewrite } : {}), forward });
  }
  checkPrecedence(translated, ctx);
  if (!gwProfile.supports.retryZeroAttempts && sorted.some((e) => e.http.action.type === 'forward' && (e.http.action.retries?.attempts ?? 0) === 0)) {
    const settings = cluster.gatewayApi!;
    findings.warningAt('gateway-api-default-retries', settings.origin.at, settings.origin.path,
      `cluster ${cluster.name}: Gateway API ${settings.version.raw} (${settings.channel}) with Istio ${cluster.istio.raw} cannot ` +
        "say `retry: {attempts: 0}` (experimental channel 1.2-1.5 with Istio 1.25+ only; 1.6 requires attempts >= 1), so Istio's " +
        `default retries apply to routes without retries: ${describeIstioDefaultRetries(profile.istioDefaultRetries)}`,
      environment.name);
  }

  const routeRules = [...groupBy(translated, (t) => t.entry.route.name)]
    .flatMap(([route, group]) => rulesOf(group).map((rule) => ({ route, rule })));
  const rules = groupBy([...routeRules, ...bareGuards(sorted, translated)], (r) => r.route, (r) => r.rule);

  const routesByName = new Map(slot.landings.map((l) => [l.route.name, l.route]));
  const httpRoutes: HttpRouteObjectTable[] = [...rules.keys()].sort(compareText).map((name) => {
    const route = routesByName.get(name)!;
    const object = { name: httpRouteName(namespace, name), route: name, team: route.team, origin: route.origin, rules: rules.get(name)! };
    checkLimits(object, route, ctx);
    return object;
  });
  return {
    profile: gwProfile,
    parentRef: { ...gwProfile.gateway, ...(gwProfile.sectionName !== undefined ? { sectionName: gwProfile.sectionName } : {}) },
    backendService: { name: backendServiceName(namespace), namespace: KFAAS_NAMESPACE, externalName: profile.localGatewayHost, port: profile.localGatewayPort },
    httpRoutes,
  };
}

/** Route features the Gateway API output does not render (yet): each is refused, never dropped. */
function unrenderedFeatures(action: RouteEntry['http']['action']): string[] {
  const out: string[] = [];
  if (action.type === 'redirect') out.push('redirect');
  if (action.type === 'directResponse') out.push('directResponse');
  if (action.type === 'delegate') return out;
  if (action.fault) out.push('fault');
  if (action.cors) out.push('cors');
  if (action.headers) out.push('headers');
  return out;
}

/**
 * A route's rules, in its entries' order: every match without a path rewrite in one rule, every match with the
 * same full-path rewrite in one rule, and each ReplacePrefixMatch in a rule of its own (the CRD allows that
 * filter only with exactly one PathPrefix match).
 */
function rulesOf(group: readonly Translated[]): GatewayRuleTable[] {
  const order: (GatewayRuleTable | string)[] = [];
  const shared = new Map<string, GatewayRuleTable & { matches: GatewayMatchTable[] }>();
  for (const t of group) {
    if (t.pathRewrite?.type === 'ReplacePrefixMatch') {
      order.push({ matches: [t.match], pathRewrite: t.pathRewrite, forward: t.forward });
      continue;
    }
    const key = t.pathRewrite ? `full:${t.pathRewrite.value}` : 'none';
    if (!shared.has(key)) {
      shared.set(key, { matches: [], ...(t.pathRewrite ? { pathRewrite: t.pathRewrite } : {}), forward: t.forward });
      order.push(key);
    }
    shared.get(key)!.matches.push(t.match);
  }
  return order.map((o) => (typeof o === 'string' ? shared.get(o)! : o));
}

/**
 * A Gateway API PathPrefix `P/` also matches the bare path `P` (a trailing `/` is ignored, gateway-api@v1.6.1
 * apis/v1/httproute_types.go L505-515); Istio's prefix `P/` does not. For each such `P`, an Exact rule (ranked
 * before every prefix) does what the VirtualService output does with `P`: forward it like the route that wins
 * `P` there (with that route's path rewrite applied to `P`), or, when no route matches `P`, forward nothing.
 */
function bareGuards(sorted: readonly RouteEntry[], translated: readonly Translated[]): { route: string; rule: GatewayRuleTable }[] {
  const byEntry = new Map(translated.map((t) => [t.entry, t]));
  const out: { route: string; rule: GatewayRuleTable }[] = [];
  const seen = new Set<string>();
  for (const t of translated) {
    if (t.match.type !== 'PathPrefix' || t.match.value === '/') continue;
    const bare = t.match.value.slice(0, -1);
    if (seen.has(bare)) continue;
    seen.add(bare);
    const winner = sorted.find((e) => matchesPath(condition(e), bare));
    if (winner && winner.kind === 'exact') continue; // the route's own Exact already ranks first
    const guardFor = t.match.value;
    const w = winner ? byEntry.get(winner) : undefined;
    if (winner && !w) continue; // the winner could not be translated: already an error
    if (!w) {
      out.push({ route: t.entry.route.name, rule: { matches: [{ type: 'Exact', value: bare }], guardFor } });
      continue;
    }
    const action = winner!.http.action as ForwardAction;
    const forwarded = rewritePath(condition(winner!), bare, action.rewriteUri !== undefined ? { uri: action.rewriteUri } : undefined);
    out.push({
      route: winner!.route.name,
      rule: {
        matches: [{ type: 'Exact', value: bare }],
        ...(forwarded !== bare ? { pathRewrite: { type: 'ReplaceFullPath', value: forwarded } } : {}),
        forward: w.forward,
        guardFor,
      },
    });
  }
  return out;
}

function condition(e: RouteEntry): PathCondition {
  return { kind: e.kind, value: e.value };
}

/**
 * Istio orders the rules of every HTTPRoute on a Gateway host by its own precedence: Exact, then PathPrefix by
 * length, then RegularExpression by pattern length, ties by creation time (istio@1.30.0 conversion.go
 * sortHTTPRoutes L456-495). The VirtualService order puts a regex before a shorter prefix when its literal is
 * longer. Where a later entry would be ranked first and can match the same paths, the earlier one's route would
 * lose paths it wins today: an error at the earlier match.
 */
function checkPrecedence(translated: readonly Translated[], ctx: GatewayRuleContext): void {
  for (let i = 0; i < translated.length; i++) {
    const x = translated[i];
    if (x.match.type !== 'RegularExpression') continue;
    for (let j = i + 1; j < translated.length; j++) {
      const y = translated[j];
      if (y.entry.route === x.entry.route) continue;
      const cmp = gatewayPrecedence(y.match, x.match);
      if (cmp > 0 || !mayOverlap(x.entry.match, y.entry.match)) continue;
      const sample = samplePaths({ kind: 'regex', value: x.match.value })
        .find((p) => matchesPath(gatewayCondition(y.match), p));
      const tie = cmp === 0 ? ' (an equal rank: the older HTTPRoute wins, which GitOps does not control)' : '';
      ctx.findings.errorAt('gateway-api-regex-precedence', x.entry.match.origin.at, x.entry.match.origin.path,
        `route ${JSON.stringify(x.entry.route.name)}: ${describeMatch(x.entry.match)} must be tried before ` +
          `${describeMatch(y.entry.match)} of route ${JSON.stringify(y.entry.route.name)} (${where(y.entry.match.origin)}), but Istio ranks ` +
          `Gateway API RegularExpression matches after every PathPrefix and shorter patterns after longer ones${tie} ` +
          `(istio@1.30.0 pilot/pkg/config/kube/gateway/conversion.go sortHTTPRoutes), so ${JSON.stringify(y.entry.route.name)} would take ` +
          `${sample ? `paths such as ${sample}` : 'its paths'}; make the regex a prefix, or use output: virtualservice for this cluster`,
        ctx.scope);
    }
  }
}

/** How Istio matches a Gateway API path (PathPrefix: whole segments, trailing `/` ignored). */
function gatewayCondition(match: Pick<GatewayMatchTable, 'type' | 'value'>): PathCondition {
  switch (match.type) {
    case 'Exact':
      return { kind: 'exact', value: match.value };
    case 'RegularExpression':
      return { kind: 'regex', value: match.value };
    case 'PathPrefix':
      return match.value === '/' ? { kind: 'prefix', value: '/' } : { kind: 'pathSeparatedPrefix', value: match.value.replace(/\/$/, '') };
  }
}

function checkLimits(object: HttpRouteObjectTable, route: Route, ctx: GatewayRuleContext): void {
  const matches = object.rules.reduce((n, r) => n + r.matches.length, 0);
  const widest = Math.max(...object.rules.map((r) => r.matches.length));
  if (object.rules.length > MAX_RULES_PER_HTTPROUTE || widest > MAX_MATCHES_PER_RULE || matches >= MAX_MATCHES_PER_HTTPROUTE) {
    ctx.findings.errorAt('gateway-api-too-many-rules', route.origin.at, 'spec.match',
      `route ${JSON.stringify(route.name)} needs ${object.rules.length} Gateway API rules with ${matches} matches in HTTPRoute ` +
        `${object.name}; the HTTPRoute CRD allows ${MAX_RULES_PER_HTTPROUTE} rules, ${MAX_MATCHES_PER_RULE} matches per rule and fewer than ` +
        `${MAX_MATCHES_PER_HTTPROUTE} in all (path rewrites of prefixes take a rule each); split the route`,
      ctx.scope);
  }
}
