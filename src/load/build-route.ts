import { MAX_REGEX_LENGTH } from '../model/defaults';
import { MatchKind, Origin, PathMatch, RetryPolicy, Route, RouteBehaviour, TrafficTarget } from '../model/project';
import { DocumentContext } from './document-context';
import { Built } from './built';
import { reportDuplicates } from './duplicates';
import { readDurationField } from './durations';
import { FieldPath, formatPath } from './field-path';
import { readConditions } from './read-conditions';
import { readCors, readDirectResponse, readFault, readHeaders, readRedirect } from './read-policies';
import { checkActionFields, completeBehaviour } from './route-action';
import { regexFacts, regexProblem } from '../regex';
import { HTTP_PATH_PATTERN, routePathProblem } from '../util/request-path';
import { checkPrefixRewrites } from './rewrite-check';
import { readHostnames } from './build-route-hostnames';
import { has, isMapping, list, mapping, Mapping, str } from './values';

const MATCH_KINDS: readonly MatchKind[] = ['prefix', 'exact', 'regex'];
/** Override keys that are not labels are reported by the schema; one message per mistake is enough. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The behaviour fields written in one place (the spec, or one override), already checked. */
type BehaviourFields = {
  -readonly [K in keyof RouteBehaviour]?: RouteBehaviour[K];
};

/** Builds a Route: base behaviour from spec, each override as the base with the override's fields replaced. */
export function buildRoute(ctx: DocumentContext, doc: Mapping): Route {
  const name = str(mapping(doc, 'metadata') ?? {}, 'name') ?? '';
  const spec = mapping(doc, 'spec') ?? {};
  const baseFields = readBehaviour(ctx, spec, ['spec']);
  checkActionFields(ctx, spec, ['spec']);
  const base = completeBehaviour({ service: name, match: [] }, baseFields);
  const baseRewriteAt: FieldPath = ['spec', 'rewrite', 'uri'];
  const rewritesSeen = new Set<string>();
  checkPrefixRewrites(ctx, base, baseRewriteAt, rewritesSeen);
  const environments = stringList(spec, 'environments');
  const overrides: Record<string, RouteBehaviour> = {};
  const overrideOrigins: Record<string, Origin> = {};
  for (const [env, value] of Object.entries(mapping(spec, 'overrides') ?? {})) {
    overrideOrigins[env] = ctx.origin(['spec', 'overrides', env], 'key');
    if (environments && !environments.includes(env) && DNS_LABEL.test(env)) {
      ctx.error(
        'override-never-applies',
        ['spec', 'overrides', env],
        `the override for environment "${env}" never applies: the route is limited to environments ${environments.join(', ')}; expected one of those`,
        'key',
      );
    }
    if (!isMapping(value)) continue;
    checkActionFields(ctx, value, ['spec', 'overrides', env]);
    const fields = readBehaviour(ctx, value, ['spec', 'overrides', env]);
    overrides[env] = completeBehaviour(base, fields);
    const rewriteAt = fields.rewriteUri !== undefined ? ['spec', 'overrides', env, 'rewrite', 'uri'] : baseRewriteAt;
    checkPrefixRewrites(ctx, overrides[env], rewriteAt, rewritesSeen);
  }
  const clusters = stringList(spec, 'clusters');
  const hostnames = readHostnames(ctx, spec);
  return {
    name,
    team: ctx.file.team ?? '',
    base,
    overrides,
    ...(spec.fallback === true ? { fallback: true } : {}),
    ...(environments
      ? { environments, environmentOrigins: environments.map((_, i) => ctx.origin(['spec', 'environments', i])) }
      : {}),
    ...(hostnames ? { hostnames } : {}),
    ...(clusters ? { clusters, clusterOrigins: clusters.map((_, i) => ctx.origin(['spec', 'clusters', i])) } : {}),
    ...(Object.keys(overrideOrigins).length > 0 ? { overrideOrigins } : {}),
    origin: ctx.origin(['metadata', 'name']),
  };
}

function stringList(m: Mapping, key: string): string[] | undefined {
  const items = list(m, key);
  return items ? items.filter((x): x is string => typeof x === 'string') : undefined;
}

/** Reads and checks the behaviour fields present in `m` (spec or one override) at `at`. */
function readBehaviour(ctx: DocumentContext, m: Mapping, at: FieldPath): BehaviourFields {
  const out: BehaviourFields = {};
  const service = str(m, 'service');
  if (service !== undefined) out.service = service;
  const tag = str(m, 'tag');
  if (tag !== undefined && has(m, 'traffic')) {
    ctx.error('conflicting-action', [...at, 'tag'], 'tag applies to service when there is no traffic split; with traffic, give each traffic item its own tag', 'key');
  } else if (tag !== undefined) {
    out.tag = tag;
    out.tagOrigin = ctx.origin([...at, 'tag']);
  }
  const match = list(m, 'match');
  if (match) out.match = readMatches(ctx, match, [...at, 'match']);
  const rewrite = mapping(m, 'rewrite');
  const uri = rewrite ? str(rewrite, 'uri') : undefined;
  if (uri !== undefined) out.rewriteUri = uri;
  const timeoutMs = readDurationField(ctx, m, 'timeout', at);
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs;
  const retries = mapping(m, 'retries');
  if (retries) out.retries = readRetries(ctx, retries, [...at, 'retries']);
  const traffic = list(m, 'traffic');
  if (traffic) out.traffic = readTraffic(ctx, traffic, [...at, 'traffic']);
  const policy = <K extends 'fault' | 'cors' | 'headers' | 'redirect' | 'directResponse'>(
    key: K, read: (ctx: DocumentContext, m: Mapping, at: FieldPath) => RouteBehaviour[K] | undefined,
  ): void => {
    const value = mapping(m, key);
    const read1 = value ? read(ctx, value, [...at, key]) : undefined;
    if (read1 !== undefined) out[key] = read1;
  };
  policy('fault', readFault);
  policy('cors', readCors);
  policy('headers', readHeaders);
  policy('redirect', readRedirect);
  policy('directResponse', readDirectResponse);
  return out;
}

function readMatches(ctx: DocumentContext, items: readonly unknown[], at: FieldPath): PathMatch[] {
  const out: PathMatch[] = [];
  items.forEach((item, i) => {
    if (!isMapping(item)) return;
    const kinds = MATCH_KINDS.filter((k) => has(item, k));
    if (kinds.length !== 1) return; // the schema reports none or several
    const kind = kinds[0];
    const value = item[kind];
    if (typeof value !== 'string') return;
    const path = [...at, i, kind];
    if (kind === 'regex' && value.length > 0 && value.length <= MAX_REGEX_LENGTH) {
      const problem = regexProblem(value);
      if (problem) ctx.error('invalid-regex', path, problem);
      const unreachable = problem ? undefined : routePathProblem(regexFacts(value).literal, 'regex-literal');
      if (unreachable) ctx.error('unroutable-path', path, unreachable);
    }
    if (kind !== 'regex' && HTTP_PATH_PATTERN.test(value)) {
      const unreachable = routePathProblem(value, kind);
      if (unreachable) ctx.error('unroutable-path', path, unreachable);
    }
    const conditions = readConditions(ctx, item, [...at, i]);
    out.push({ kind, value, origin: ctx.origin(path), ...(conditions ? { conditions } : {}) });
  });
  return out;
}

export function readRetries(ctx: DocumentContext, m: Mapping, at: FieldPath): RetryPolicy {
  const attempts = typeof m.attempts === 'number' ? m.attempts : 0;
  const perTryTimeoutMs = readDurationField(ctx, m, 'perTryTimeout', at);
  const retryOn = list(m, 'retryOn')?.map((x) => String(x));
  if (m.attempts === 0) {
    for (const field of ['perTryTimeout', 'retryOn']) {
      if (!has(m, field)) continue;
      ctx.error(
        'retries-disabled',
        [...at, field],
        `expected no ${field} with attempts: 0 (0 disables retries, and Istio rejects other retry fields then); remove it or set attempts to 1 or more`,
        'key',
      );
    }
  }
  return {
    attempts,
    ...(perTryTimeoutMs !== undefined ? { perTryTimeoutMs } : {}),
    ...(retryOn ? { retryOn, retryOnOrigins: retryOn.map((_, i) => ctx.origin([...at, 'retryOn', i])) } : {}),
    ...(has(m, 'attempts') ? { attemptsOrigin: ctx.origin([...at, 'attempts']) } : {}),
    origin: ctx.origin(at),
  };
}

function readTraffic(ctx: DocumentContext, items: readonly unknown[], at: FieldPath): TrafficTarget[] {
  const out: TrafficTarget[] = [];
  const services: { key: string; ctx: DocumentContext; path: FieldPath }[] = [];
  let complete = items.length > 0;
  items.forEach((item, i) => {
    const service = isMapping(item) ? str(item, 'service') : undefined;
    const weight = isMapping(item) ? item.weight : undefined;
    const tag = isMapping(item) ? str(item, 'tag') : undefined;
    if (service !== undefined) services.push({ key: tag === undefined ? service : `${service}" tag "${tag}`, ctx, path: [...at, i, 'service'] });
    if (service === undefined || typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100) {
      complete = false; // the schema reports it; a sum would only add noise
      return;
    }
    out.push({ service, weight, ...(tag !== undefined ? { tag } : {}), origin: ctx.origin([...at, i]) });
  });
  if (complete) {
    const sum = out.reduce((total, t) => total + t.weight, 0);
    if (sum !== 100) {
      ctx.error(
        'weights-not-100',
        at,
        `expected traffic weights that sum to 100, got ${sum} (${out.map((t) => t.weight).join(' + ')})`,
      );
    }
  }
  reportDuplicates(
    services,
    (s, others) =>
      `service "${s.key}" appears more than once in traffic (also at ${others.map((o) => formatPath(o.path)).join(', ')}); expected each service once, with the weights added up`,
    'duplicate-traffic-service',
  );
  return out;
}

const NAME_PATH: FieldPath = ['metadata', 'name'];

/** Route names are unique across routes/ (they name generated objects). */
export function checkRoutes(docs: readonly Built<Route>[]): void {
  reportDuplicates(
    docs.filter((d) => d.value.name !== '').map((d) => ({ key: d.value.name, ctx: d.ctx, path: NAME_PATH })),
    (d, others) =>
      `route name "${d.key}" is also used at ${others.map((o) => o.ctx.where(o.path)).join(', ')}; expected route names unique across routes/`,
    'duplicate-route',
  );
}
