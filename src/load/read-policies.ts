import { HttpMethod } from '../model/project';
import {
  CorsOrigin, CorsPolicy, DirectResponsePolicy, FaultPolicy, HeaderOperations, HeaderPolicy, RedirectPolicy,
} from '../model/route-policies';
import {
  FORBIDDEN_REQUEST_HEADER_PREFIXES, FORBIDDEN_REQUEST_HEADERS, MAX_DIRECT_RESPONSE_BODY_BYTES, MIN_PERCENTAGE,
} from '../model/defaults';
import { DocumentContext } from './document-context';
import { readDurationField } from './durations';
import { FieldPath } from './field-path';
import { regexProblem } from '../regex';
import { has, isMapping, list, mapping, Mapping, str } from './values';
import { compareText } from '../util/compare';

/**
 * Readers of the route policies besides the destination: `fault`, `cors`, `headers`, `redirect`,
 * `directResponse`. The schema has checked their shape; these check what it cannot (percentages between 0 and
 * 0.0001, whole-second max ages, regexes, forbidden headers, body bytes) and return undefined when the value is
 * unusable (its error is reported).
 */

/** `fault` at `at`. */
export function readFault(ctx: DocumentContext, m: Mapping, at: FieldPath): FaultPolicy | undefined {
  const out: { -readonly [K in keyof FaultPolicy]?: FaultPolicy[K] } = { origin: ctx.origin(at) };
  const delay = mapping(m, 'delay');
  if (delay) {
    const fixedDelayMs = readDurationField(ctx, delay, 'fixedDelay', [...at, 'delay']);
    const percentage = readPercentage(ctx, delay, [...at, 'delay']);
    if (fixedDelayMs === undefined || percentage === undefined) return undefined;
    out.delay = { fixedDelayMs, percentage, origin: ctx.origin([...at, 'delay']) };
  }
  const abort = mapping(m, 'abort');
  if (abort) {
    const httpStatus = abort.httpStatus;
    const percentage = readPercentage(ctx, abort, [...at, 'abort']);
    if (typeof httpStatus !== 'number' || percentage === undefined) return undefined;
    out.abort = { httpStatus, percentage, origin: ctx.origin([...at, 'abort']) };
  }
  return out.delay || out.abort ? (out as FaultPolicy) : undefined;
}

/** Istio takes 0, or 0.0001 to 100 (validation.go `ValidatePercent`). */
function readPercentage(ctx: DocumentContext, m: Mapping, at: FieldPath): number | undefined {
  const p = m.percentage;
  if (typeof p !== 'number' || p < 0 || p > 100) return undefined;
  if (p > 0 && p < MIN_PERCENTAGE) {
    ctx.error('invalid-percentage', [...at, 'percentage'], `expected 0 or a percentage from ${MIN_PERCENTAGE} to 100 (Istio's limits), got ${p}`);
    return undefined;
  }
  return p;
}

/** `cors` at `at`. */
export function readCors(ctx: DocumentContext, m: Mapping, at: FieldPath): CorsPolicy | undefined {
  const origins: CorsOrigin[] = [];
  let ok = true;
  (list(m, 'allowOrigins') ?? []).forEach((item, i) => {
    if (!isMapping(item)) return;
    const kind = (['exact', 'prefix', 'regex'] as const).find((k) => has(item, k));
    const value = kind ? str(item, kind) : undefined;
    if (!kind || value === undefined) return;
    const path = [...at, 'allowOrigins', i, kind];
    const problem = kind === 'regex' ? regexProblem(value) : undefined;
    if (problem) {
      ctx.error('invalid-regex', path, problem);
      ok = false;
      return;
    }
    origins.push({ kind, value, origin: ctx.origin(path) });
  });
  const strings = (key: string): string[] | undefined => {
    const items = list(m, key)?.filter((x): x is string => typeof x === 'string');
    return items && items.length > 0 ? [...new Set(items)] : undefined;
  };
  let maxAgeSeconds: number | undefined;
  const maxAgeMs = readDurationField(ctx, m, 'maxAge', at);
  if (has(m, 'maxAge') && maxAgeMs === undefined) ok = false;
  if (maxAgeMs !== undefined) {
    if (maxAgeMs % 1000 !== 0) {
      ctx.error('invalid-duration', [...at, 'maxAge'],
        `expected whole seconds (Istio writes Envoy's max_age in seconds and would cut ${str(m, 'maxAge')} to ${Math.floor(maxAgeMs / 1000)}s), got ${str(m, 'maxAge')}`);
      ok = false;
    } else maxAgeSeconds = maxAgeMs / 1000;
  }
  if (!ok || origins.length === 0) return undefined;
  const methods = strings('allowMethods') as HttpMethod[] | undefined;
  const allowHeaders = strings('allowHeaders');
  const exposeHeaders = strings('exposeHeaders');
  return {
    allowOrigins: origins,
    ...(methods ? { allowMethods: methods.sort(compareText) } : {}),
    ...(allowHeaders ? { allowHeaders } : {}),
    ...(exposeHeaders ? { exposeHeaders } : {}),
    ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}),
    ...(typeof m.allowCredentials === 'boolean' ? { allowCredentials: m.allowCredentials } : {}),
    origin: ctx.origin(at),
  };
}

/** `headers` at `at`: request headers never touch the authority or what steers Envoy and Knative. */
export function readHeaders(ctx: DocumentContext, m: Mapping, at: FieldPath): HeaderPolicy | undefined {
  let ok = true;
  const direction = (key: 'request' | 'response'): HeaderOperations | undefined => {
    const ops = mapping(m, key);
    if (!ops) return undefined;
    const out: { -readonly [K in keyof HeaderOperations]?: HeaderOperations[K] } = {};
    for (const op of ['set', 'add'] as const) {
      const values = mapping(ops, op);
      if (!values) continue;
      const entries = Object.keys(values).sort(compareText).filter((name) => typeof values[name] === 'string');
      for (const name of entries) if (key === 'request' && !allowedRequestHeader(ctx, name, [...at, key, op, name])) ok = false;
      if (entries.length > 0) out[op] = Object.fromEntries(entries.map((name) => [name, values[name] as string]));
    }
    const remove = list(ops, 'remove')?.filter((x): x is string => typeof x === 'string');
    remove?.forEach((name, i) => {
      if (key === 'request' && !allowedRequestHeader(ctx, name, [...at, key, 'remove', i])) ok = false;
    });
    if (remove && remove.length > 0) out.remove = [...new Set(remove)].sort(compareText);
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const request = direction('request');
  const response = direction('response');
  if (!ok || (!request && !response)) return undefined;
  return { ...(request ? { request } : {}), ...(response ? { response } : {}), origin: ctx.origin(at) };
}

/** Reports a request header kfaas never lets a route touch; true when allowed. */
function allowedRequestHeader(ctx: DocumentContext, name: string, path: FieldPath): boolean {
  const prefix = FORBIDDEN_REQUEST_HEADER_PREFIXES.find((p) => name.startsWith(p));
  if (!FORBIDDEN_REQUEST_HEADERS.includes(name) && !prefix) return true;
  const why = name === 'host'
    ? 'the authority is kfaas\'s: it is what confines a route to its own Knative service'
    : `${prefix}* headers steer Envoy or Knative (retries, timeouts, revision routing)`;
  ctx.error('forbidden-header', path, `a route may not change request header "${name}": ${why}; expected another header`,
    typeof path[path.length - 1] === 'number' ? 'value' : 'key');
  return false;
}

/** `redirect` at `at`. */
export function readRedirect(ctx: DocumentContext, m: Mapping, at: FieldPath): RedirectPolicy | undefined {
  const uri = str(m, 'uri');
  const authority = str(m, 'authority');
  const scheme = str(m, 'scheme');
  const code = typeof m.code === 'number' ? m.code : undefined;
  const port = typeof m.port === 'number' ? m.port : undefined;
  if (uri === undefined && authority === undefined && scheme === undefined && port === undefined) {
    if (code !== undefined) {
      ctx.error('redirect-loop', at, 'expected at least one of uri, authority, scheme or port: a redirect to the same URL loops', 'key');
    }
    return undefined;
  }
  return {
    ...(uri !== undefined ? { uri } : {}),
    ...(authority !== undefined ? { authority } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(scheme === 'http' || scheme === 'https' ? { scheme } : {}),
    ...(port !== undefined ? { port } : {}),
    origin: ctx.origin(at),
  };
}

/** `directResponse` at `at`. */
export function readDirectResponse(ctx: DocumentContext, m: Mapping, at: FieldPath): DirectResponsePolicy | undefined {
  const status = m.status;
  if (typeof status !== 'number') return undefined;
  const body = str(m, 'body');
  if (body !== undefined && Buffer.byteLength(body, 'utf8') > MAX_DIRECT_RESPONSE_BODY_BYTES) {
    ctx.error('body-too-large', [...at, 'body'],
      `expected a body of at most ${MAX_DIRECT_RESPONSE_BODY_BYTES} bytes (Envoy's default max_direct_response_body_size_bytes), got ${Buffer.byteLength(body, 'utf8')} bytes`);
    return undefined;
  }
  return { status, ...(body !== undefined ? { body } : {}), origin: ctx.origin(at) };
}
