import { parseDuration } from '../load/durations';
import { KFAAS_NAMESPACE } from '../model/defaults';
import { MatchKind } from '../model/project';
import { HttpRoute, HttpRouteDestination, VirtualService } from '../explain/virtual-service';
import { ImportedBehaviour, ImportedHeaderTest, ImportedMatch, ImportedQueryTest, ImportedRoute, ImportFinding } from './imported-route';
import { InputObject } from './input';
import { routeNameFor } from './route-name';
import { DEFAULT_TEAM, TeamRule, teamOf } from './team-rule';

/** What the importer needs to know about the (cluster, environment) the objects come from. */
export interface ImportTarget {
  readonly cluster: string;
  readonly environment: string;
  /** Namespace of the environment's Knative services. */
  readonly namespace: string;
  readonly clusterDomain: string;
  /** `<namespace>-ksvc-gateway.kfaas-system.svc.<clusterDomain>`. */
  readonly gatewayHost: string;
  /** In-cluster host of the Knative local gateway (what every destination must be). */
  readonly localGatewayHost: string;
  /** `namespace/name` of Knative's local gateway. */
  readonly localGateway: string;
  /** `namespace/name` of Knative's public ingress gateway. */
  readonly ingressGateway: string;
}

/** The outcome of converting one object. */
export interface Converted {
  readonly routes: ImportedRoute[];
  readonly findings: ImportFinding[];
  /** True when the object binds Knative's public ingress gateway. */
  readonly publicIngress: boolean;
  /** True when something essential could not be carried over: the object yields no routes. */
  readonly refused: boolean;
}

const SPEC_FIELDS = new Set(['hosts', 'gateways', 'http']);
const HTTP_FIELDS = new Set(['name', 'match', 'rewrite', 'route', 'timeout', 'retries']);
const MATCH_KINDS: readonly MatchKind[] = ['prefix', 'exact', 'regex'];
const RETRY_FIELDS = new Set(['attempts', 'perTryTimeout', 'retryOn']);

/**
 * Converts one VirtualService of the seed's kind (gateway-bound, host `<ns>-ksvc-gateway...`, authority rewrite to
 * a Knative service, destination the local gateway) into Routes. Everything that cannot be expressed is a
 * finding with its field path: `unsupported` where a Route cannot say it (the object is refused unless --lossy
 * drops the field, or skips the object when the field is essential), `changed` where the rendered object will
 * behave differently on purpose, `note` where nothing that routes changes.
 */
export function convertVirtualService(input: InputObject, target: ImportTarget, teamRule: TeamRule): Converted {
  const vs = input.object as VirtualService;
  const object = `${vs.metadata.namespace ?? KFAAS_NAMESPACE}/${vs.metadata.name}`;
  const findings: ImportFinding[] = [];
  let refused = false;
  const find = (kind: ImportFinding['kind'], field: string, message: string, essential = false): void => {
    findings.push({ kind, object, input, field, message, ...(kind === 'unsupported' ? { skipsObject: essential } : {}) });
    if (kind === 'unsupported' && essential) refused = true;
  };

  const spec = vs.spec as Record<string, unknown>;
  for (const key of Object.keys(spec).sort()) {
    if (!SPEC_FIELDS.has(key)) find('unsupported', `spec.${key}`, `a Route has no equivalent of spec.${key} (${short(spec[key])})`);
  }
  const hosts = vs.spec.hosts ?? [];
  if (hosts.length !== 1 || !sameHost(hosts[0], target.gatewayHost, target)) {
    find('unsupported', 'spec.hosts', `expected exactly the environment's gateway host ${target.gatewayHost}, got ${JSON.stringify(hosts)}`, true);
  }
  const gateways = (vs.spec.gateways ?? []).map((g) => (g.includes('/') || g === 'mesh' ? g : `${vs.metadata.namespace ?? KFAAS_NAMESPACE}/${g}`));
  const publicIngress = gateways.includes(target.ingressGateway);
  if (!gateways.includes(target.localGateway)) {
    find('unsupported', 'spec.gateways', `the object does not bind Knative's local gateway ${target.localGateway} (got ${JSON.stringify(vs.spec.gateways ?? [])}); kfaas always binds it`, true);
  }
  gateways.forEach((g, i) => {
    if (g !== target.localGateway && g !== target.ingressGateway) {
      find('unsupported', `spec.gateways[${i}]`, `kfaas binds only Knative's local gateway (and the public ingress by opt-in), not ${g}`, g === 'mesh');
    }
  });

  const routes: ImportedRoute[] = [];
  const http = vs.spec.http ?? [];
  if (http.length === 0) find('unsupported', 'spec.http', 'the object has no http routes', true);
  http.forEach((entry, i) => {
    const at = `spec.http[${i}]`;
    const before = refused;
    refused = false;
    const behaviour = convertHttp(entry, at, target, find);
    const entryRefused = refused;
    refused = before || entryRefused;
    if (entryRefused || !behaviour) return;
    const name = routeNameFor(vs.metadata.name, target.namespace, http.length === 1 ? undefined : entry.name ?? String(i));
    const ruled = teamOf(teamRule, vs, behaviour);
    if (ruled === undefined) find('note', at, `the --team-from rule gives no valid team name for this route; it goes to routes/${DEFAULT_TEAM}/`);
    const team = ruled ?? DEFAULT_TEAM;
    routes.push({ name, team, behaviour, object, httpIndex: i, input });
  });
  return { routes: refused ? [] : routes, findings, publicIngress, refused };
}

type Find = (kind: ImportFinding['kind'], field: string, message: string, essential?: boolean) => void;

function convertHttp(entry: HttpRoute, at: string, target: ImportTarget, find: Find): ImportedBehaviour | undefined {
  const raw = entry as unknown as Record<string, unknown>;
  for (const key of Object.keys(raw).sort()) {
    if (!HTTP_FIELDS.has(key)) find('unsupported', `${at}.${key}`, `a Route has no equivalent of ${key} (${short(raw[key])})`, key === 'redirect' || key === 'directResponse' || key === 'delegate');
  }
  if (entry.name !== undefined) find('note', `${at}.name`, `the Istio route name ${JSON.stringify(entry.name)} becomes the Route's name`);

  const match: ImportedMatch[] = [];
  const matches = entry.match ?? [];
  if (matches.length === 0) {
    match.push({ kind: 'prefix', value: '/' });
    find('note', `${at}.match`, 'no match: every path; imported as prefix /');
  }
  matches.forEach((m, j) => {
    const mat = `${at}.match[${j}]`;
    for (const key of Object.keys(m).sort()) {
      if (key === 'uri' || CONDITION_FIELDS.has(key)) continue;
      if (key === 'name') find('note', `${mat}.name`, 'match names only name Envoy routes; dropped');
      else find('unsupported', `${mat}.${key}`, `a Route matches on the path, method, headers and query parameters, not on ${key} (${short((m as Record<string, unknown>)[key])})`, true);
    }
    const uri = (m.uri ?? { prefix: '/' }) as Record<string, unknown>;
    const kinds = MATCH_KINDS.filter((k) => typeof uri[k] === 'string');
    if (kinds.length !== 1 || Object.keys(uri).length !== 1) {
      find('unsupported', `${mat}.uri`, `expected exactly one of prefix, exact, regex, got ${short(uri)}`, true);
      return;
    }
    const conditions = convertConditions(m as Record<string, unknown>, mat, find);
    if (conditions === undefined) return;
    match.push({ kind: kinds[0], value: uri[kinds[0]] as string, ...conditions });
  });

  const rewrite = (entry.rewrite ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(rewrite).sort()) {
    if (key !== 'uri' && key !== 'authority') find('unsupported', `${at}.rewrite.${key}`, `a Route rewrites only the URI prefix, not ${key}`, true);
  }
  const destinations = entry.route ?? [];
  if (destinations.length === 0) {
    find('unsupported', `${at}.route`, 'no destination', true);
    return undefined;
  }
  const targets = convertDestinations(destinations, typeof rewrite.authority === 'string' ? rewrite.authority : undefined, at, target, find);
  if (!targets) return undefined;

  const out: { -readonly [K in keyof ImportedBehaviour]?: ImportedBehaviour[K] } = { service: targets[0].service, match };
  if (typeof rewrite.uri === 'string') out.rewriteUri = rewrite.uri;
  if (targets.length > 1) out.traffic = targets;
  if (entry.timeout !== undefined) {
    const ms = durationMs(entry.timeout);
    if (ms === undefined) find('unsupported', `${at}.timeout`, `expected a duration such as 10s, got ${short(entry.timeout)}`, true);
    else out.timeoutMs = ms;
  }
  if (entry.retries === undefined) {
    find('changed', `${at}.retries`, 'no retries: Istio retried twice by default (connect-failure, refused-stream, unavailable, cancelled, 503); kfaas disables retries unless the Route asks for them. Add spec.retries to keep them');
  } else {
    const retries = convertRetries(entry.retries as Record<string, unknown>, `${at}.retries`, find);
    if (retries) out.retries = retries;
  }
  return out as ImportedBehaviour;
}

const CONDITION_FIELDS = new Set(['method', 'headers', 'withoutHeaders', 'queryParams']);
const METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);
/** Istio's presence test as people write it: an empty StringMatch, or kfaas's own `regex: .*`. */
const isPresence = (sm: Record<string, unknown>): boolean => Object.keys(sm).length === 0 || (Object.keys(sm).length === 1 && sm.regex === '.*');

/**
 * `method`, `headers`, `withoutHeaders` and `queryParams` of one Istio match as Route conditions; undefined (and
 * findings) when one cannot be expressed: a method other than an exact standard one, a `host`/`:authority`
 * header, a `withoutHeaders` test other than presence, a query prefix.
 */
function convertConditions(m: Record<string, unknown>, at: string, find: Find): Pick<ImportedMatch, 'methods' | 'headers' | 'query'> | undefined {
  let ok = true;
  const out: { methods?: string[]; headers?: Record<string, ImportedHeaderTest>; query?: Record<string, ImportedQueryTest> } = {};
  if (m.method !== undefined) {
    const method = m.method as Record<string, unknown>;
    if (Object.keys(method).length === 1 && typeof method.exact === 'string' && METHODS.has(method.exact)) out.methods = [method.exact];
    else {
      find('unsupported', `${at}.method`, `a Route matches methods by exact standard name, got ${short(method)}`, true);
      ok = false;
    }
  }
  const headers: Record<string, ImportedHeaderTest> = {};
  const header = (field: 'headers' | 'withoutHeaders'): void => {
    for (const [rawName, raw] of Object.entries((m[field] ?? {}) as Record<string, Record<string, unknown>>)) {
      const name = rawName.toLowerCase();
      const sm = raw ?? {};
      const where = `${at}.${field}.${rawName}`;
      if (name === 'host' || name === ':authority') {
        find('unsupported', where, 'a Route never matches on the authority: it is the environment\'s gateway host', true);
        ok = false;
        continue;
      }
      const kinds = (['exact', 'prefix', 'regex'] as const).filter((k) => typeof sm[k] === 'string');
      if (field === 'withoutHeaders') {
        if (isPresence(sm)) headers[name] = { absent: true };
        else {
          find('unsupported', where, `a Route tests a header's absence only, not ${short(sm)} under withoutHeaders`, true);
          ok = false;
        }
      } else if (isPresence(sm)) headers[name] = { present: true };
      else if (kinds.length === 1 && Object.keys(sm).length === 1) headers[name] = { [kinds[0]]: sm[kinds[0]] } as ImportedHeaderTest;
      else {
        find('unsupported', where, `expected one of exact, prefix, regex, got ${short(sm)}`, true);
        ok = false;
      }
    }
  };
  header('headers');
  header('withoutHeaders');
  if (Object.keys(headers).length > 0) out.headers = sortKeys(headers);
  const query: Record<string, ImportedQueryTest> = {};
  for (const [name, raw] of Object.entries((m.queryParams ?? {}) as Record<string, Record<string, unknown>>)) {
    const sm = raw ?? {};
    if (Object.keys(sm).length === 1 && (typeof sm.exact === 'string' || typeof sm.regex === 'string')) {
      query[name] = (typeof sm.exact === 'string' ? { exact: sm.exact } : { regex: sm.regex }) as ImportedQueryTest;
    } else {
      find('unsupported', `${at}.queryParams.${name}`, `a Route tests query parameters by exact value or regex, got ${short(sm)}`, true);
      ok = false;
    }
  }
  if (Object.keys(query).length > 0) out.query = sortKeys(query);
  return ok ? out : undefined;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]]));
}

interface Target {
  readonly service: string;
  readonly weight: number;
}

function convertDestinations(
  destinations: readonly HttpRouteDestination[],
  routeAuthority: string | undefined,
  at: string,
  target: ImportTarget,
  find: Find,
): Target[] | undefined {
  let ok = true;
  const targets: Target[] = [];
  destinations.forEach((d, i) => {
    const dat = `${at}.route[${i}]`;
    const raw = d as unknown as Record<string, unknown>;
    for (const key of Object.keys(raw).sort()) {
      if (key !== 'destination' && key !== 'weight' && key !== 'headers') find('unsupported', `${dat}.${key}`, `a Route has no equivalent of ${key}`, true);
    }
    const dest = (d.destination ?? {}) as unknown as Record<string, unknown>;
    if (!sameHost(String(dest.host ?? ''), target.localGatewayHost, target)) {
      find('unsupported', `${dat}.destination.host`, `expected Knative's local gateway ${target.localGatewayHost}, got ${short(dest.host)}: a Route only forwards through it`, true);
      ok = false;
    }
    if (dest.subset !== undefined) {
      find('unsupported', `${dat}.destination.subset`, 'a Route has no subsets', true);
      ok = false;
    }
    const port = (dest.port as { number?: number } | undefined)?.number;
    if (port !== undefined && port !== 80) {
      find('unsupported', `${dat}.destination.port.number`, `expected port 80 of the local gateway Service, got ${port}`, true);
      ok = false;
    }
    const own = destinationAuthority(d, `${dat}.headers`, find);
    const authority = own ?? routeAuthority;
    const where = own !== undefined ? `${dat}.headers.request.set.host` : `${at}.rewrite.authority`;
    if (authority === undefined) {
      find('unsupported', `${at}.rewrite.authority`, "no authority rewrite: the request keeps the gateway host and Knative cannot route it; a Route always names a Knative service", true);
      ok = false;
      return;
    }
    const service = serviceOf(authority, where, target, find);
    if (service === undefined) {
      ok = false;
      return;
    }
    targets.push({ service, weight: destinations.length === 1 ? 100 : d.weight ?? 0 });
  });
  if (!ok) return undefined;
  if (destinations.length > 1) {
    if (routeAuthority !== undefined) {
      find('unsupported', `${at}.rewrite.authority`, 'a route-level authority sends every weighted destination to the same service; a Route splits between services', true);
      return undefined;
    }
    const sum = targets.reduce((s, t) => s + t.weight, 0);
    if (sum !== 100 || targets.some((t) => !Number.isInteger(t.weight))) {
      find('unsupported', `${at}.route`, `expected integer weights summing to 100, got ${targets.map((t) => t.weight).join(' + ')}`, true);
      return undefined;
    }
    const services = new Set(targets.map((t) => t.service));
    if (services.size !== targets.length) {
      find('unsupported', `${at}.route`, 'two weighted destinations reach the same service', true);
      return undefined;
    }
  }
  return targets;
}

/** The destination's own authority (`headers.request.set.host` or `:authority`), reporting other header operations. */
function destinationAuthority(d: HttpRouteDestination, at: string, find: Find): string | undefined {
  if (d.headers === undefined) return undefined;
  const request = (d.headers.request ?? {}) as Record<string, unknown>;
  const set = (request.set ?? {}) as Record<string, string>;
  let authority: string | undefined;
  for (const [k, v] of Object.entries(set)) {
    if (k.toLowerCase() === 'host' || k === ':authority') authority = v;
    else find('unsupported', `${at}.request.set.${k}`, 'a Route sets no request headers besides the authority');
  }
  for (const key of Object.keys(request)) if (key !== 'set') find('unsupported', `${at}.request.${key}`, 'a Route manipulates no headers');
  if (d.headers.response !== undefined) find('unsupported', `${at}.response`, 'a Route manipulates no response headers');
  return authority;
}

/** `<svc>.<ns>.svc.<domain>` (or the shorter `<svc>.<ns>[.svc]` forms Knative also answers) in the environment's namespace. */
function serviceOf(authority: string, at: string, target: ImportTarget, find: Find): string | undefined {
  const parts = authority.split('.');
  const [service, namespace] = parts;
  const fqdn = `${service}.${namespace}.svc.${target.clusterDomain}`;
  const shortForms = [`${service}.${namespace}`, `${service}.${namespace}.svc`];
  if (namespace !== target.namespace || (authority !== fqdn && !shortForms.includes(authority)) || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(service ?? '')) {
    find('unsupported', at, `expected the authority of a Knative service in the environment's namespace, <service>.${target.namespace}.svc.${target.clusterDomain}, got ${JSON.stringify(authority)}`, true);
    return undefined;
  }
  if (authority !== fqdn) find('note', at, `authority ${authority} is written as ${fqdn} (the same Knative service)`);
  return service;
}

function convertRetries(r: Record<string, unknown>, at: string, find: Find): ImportedBehaviour['retries'] | undefined {
  for (const key of Object.keys(r).sort()) {
    if (!RETRY_FIELDS.has(key)) find('unsupported', `${at}.${key}`, `a Route's retries have no ${key}`);
  }
  const attempts = typeof r.attempts === 'number' ? r.attempts : 0;
  const out: { attempts: number; perTryTimeoutMs?: number; retryOn?: string[] } = { attempts };
  if (attempts === 0) return out;
  if (r.perTryTimeout !== undefined) {
    const ms = durationMs(r.perTryTimeout);
    if (ms === undefined) find('unsupported', `${at}.perTryTimeout`, `expected a duration, got ${short(r.perTryTimeout)}`, true);
    else out.perTryTimeoutMs = ms;
  }
  if (typeof r.retryOn === 'string' && r.retryOn.trim() !== '') out.retryOn = r.retryOn.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return out;
}

function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = parseDuration(value.trim());
  return parsed.ok ? parsed.ms : undefined;
}

/** `name`, `name.ns`, `name.ns.svc` and the FQDN all name the same in-cluster Service. */
function sameHost(written: string, fqdn: string, target: ImportTarget): boolean {
  if (written === fqdn) return true;
  const suffix = `.svc.${target.clusterDomain}`;
  if (!fqdn.endsWith(suffix)) return false;
  const [name, namespace] = fqdn.slice(0, -suffix.length).split('.');
  return written === `${name}.${namespace}` || written === `${name}.${namespace}.svc`;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
