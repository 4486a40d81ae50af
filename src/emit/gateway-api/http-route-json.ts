import { BackendServiceTable, GatewayApiTable, GatewayRuleTable, HttpRouteObjectTable } from '../../compile/gateway-api/table';

/** API group of the Gateway a route attaches to (`parentRefs[].group`). */
const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/**
 * Pure translation of one compiled HTTPRoute into its `spec` JSON (no cdk8s). Key order is fixed and nothing is
 * null or empty, so the output is canonical. Defaults the API server fills in (`backendRefs[].group/kind`,
 * `weight: 1` of a single backend) are left out.
 */
export function httpRouteSpecJson(route: HttpRouteObjectTable, table: GatewayApiTable, host: string): Record<string, unknown> {
  const { parentRef } = table;
  return {
    parentRefs: [{
      group: GATEWAY_API_GROUP,
      kind: 'Gateway',
      namespace: parentRef.namespace,
      name: parentRef.name,
      ...(parentRef.sectionName !== undefined ? { sectionName: parentRef.sectionName } : {}),
    }],
    hostnames: [host],
    rules: route.rules.map((rule) => ruleJson(rule, table.backendService)),
  };
}

/** One `spec.rules[i]`. A rule without `forward` gets no backendRefs: Istio answers it itself (404 or 500). */
export function ruleJson(rule: GatewayRuleTable, backend: BackendServiceTable): Record<string, unknown> {
  const out: Record<string, unknown> = {
    matches: rule.matches.map((m) => ({ path: { type: m.type, value: m.value } })),
  };
  const forward = rule.forward;
  const single = forward && forward.destinations.length === 1 ? forward.destinations[0] : undefined;
  const urlRewrite: Record<string, unknown> = {};
  // One backend: the portable rule-level hostname rewrite. Several: Istio supports only header modifiers per
  // backend (istio@1.30.0 conversion.go L958-980) and treats a Host set as that backend's authority rewrite.
  if (single) urlRewrite.hostname = single.authority;
  if (rule.pathRewrite) {
    urlRewrite.path = rule.pathRewrite.type === 'ReplacePrefixMatch'
      ? { type: 'ReplacePrefixMatch', replacePrefixMatch: rule.pathRewrite.value }
      : { type: 'ReplaceFullPath', replaceFullPath: rule.pathRewrite.value };
  }
  if (Object.keys(urlRewrite).length > 0) out.filters = [{ type: 'URLRewrite', urlRewrite }];
  if (!forward) return out;
  out.backendRefs = forward.destinations.map((d) => (single
    ? { name: backend.name, port: backend.port }
    : {
        name: backend.name,
        port: backend.port,
        weight: d.weight,
        filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'Host', value: d.authority }] } }],
      }));
  const timeouts: Record<string, string> = {};
  if (forward.timeoutMs !== undefined) timeouts.request = gatewayDuration(forward.timeoutMs);
  if (forward.backendTimeoutMs !== undefined) timeouts.backendRequest = gatewayDuration(forward.backendTimeoutMs);
  if (Object.keys(timeouts).length > 0) out.timeouts = timeouts;
  if (forward.retry) {
    out.retry = { attempts: forward.retry.attempts, ...(forward.retry.codes && forward.retry.codes.length > 0 ? { codes: [...forward.retry.codes] } : {}) };
  }
  return out;
}

const UNITS: readonly [string, number][] = [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];

/**
 * Whole milliseconds as a Gateway API Duration (GEP-2257: `^([0-9]{1,5}(h|m|s|ms)){1,4}$`), largest units
 * first, zero parts left out: `1500` -> `1s500ms`, `90000` -> `1m30s`, `0` -> `0s`.
 */
export function gatewayDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`duration must be whole, non-negative milliseconds, got ${ms}`);
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) out += `${n}${unit}`;
  }
  if (!/^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(out)) throw new Error(`duration ${ms}ms is too long for Gateway API: ${out}`);
  return out;
}
