import { CorsTable, FaultTable, HeaderOperationsTable, HeadersTable, RoutePolicies } from '../../compile/route-table';
import { durationJson } from './duration';

/**
 * Istio JSON of the route-level policies: `fault`, `corsPolicy`, `headers` (api@1.30.0 VS.proto HTTPRoute), in
 * that order, written after the action fields. Nothing undefined or empty is ever written.
 */
export function policiesJson(p: RoutePolicies): Record<string, unknown> {
  return {
    ...(p.fault ? { fault: faultJson(p.fault) } : {}),
    ...(p.cors ? { corsPolicy: corsJson(p.cors) } : {}),
    ...(p.headers ? { headers: headersJson(p.headers) } : {}),
  };
}

/** `percentage: {value}` (Istio >= 1.1; the integer `percent` is deprecated, and removed from abort in 1.5). */
function faultJson(f: FaultTable): Record<string, unknown> {
  return {
    ...(f.delay ? { delay: { fixedDelay: durationJson(f.delay.fixedDelayMs), percentage: { value: f.delay.percentage } } } : {}),
    ...(f.abort ? { abort: { httpStatus: f.abort.httpStatus, percentage: { value: f.abort.percentage } } } : {}),
  };
}

function corsJson(c: CorsTable): Record<string, unknown> {
  const origins = c.originsField === 'allowOrigins'
    ? { allowOrigins: c.allowOrigins.map((o) => ({ [o.kind]: o.value })) }
    : { allowOrigin: c.allowOrigins.map((o) => o.value) };
  return {
    ...origins,
    ...(c.allowMethods ? { allowMethods: [...c.allowMethods] } : {}),
    ...(c.allowHeaders ? { allowHeaders: [...c.allowHeaders] } : {}),
    ...(c.exposeHeaders ? { exposeHeaders: [...c.exposeHeaders] } : {}),
    ...(c.maxAgeSeconds !== undefined ? { maxAge: durationJson(c.maxAgeSeconds * 1000) } : {}),
    ...(c.allowCredentials !== undefined ? { allowCredentials: c.allowCredentials } : {}),
  };
}

function headersJson(h: HeadersTable): Record<string, unknown> {
  return {
    ...(h.request ? { request: operationsJson(h.request) } : {}),
    ...(h.response ? { response: operationsJson(h.response) } : {}),
  };
}

function operationsJson(o: HeaderOperationsTable): Record<string, unknown> {
  return {
    ...(o.set ? { set: { ...o.set } } : {}),
    ...(o.add ? { add: { ...o.add } } : {}),
    ...(o.remove ? { remove: [...o.remove] } : {}),
  };
}
