import { HeaderOperations, HttpRoute, StringMatch } from './virtual-service';

/**
 * What a winning route does besides choosing destinations, read from the emitted Istio route (after delegation):
 * redirect, direct response, fault, CORS, header changes and mirroring, one line each, for `kfaas explain`.
 */
export function describeRoutePolicies(http: HttpRoute): string[] {
  const lines: string[] = [];
  const r = http.redirect as Record<string, unknown> | undefined;
  if (r) {
    const target = `${r.scheme !== undefined ? `${String(r.scheme)}://` : ''}${r.authority !== undefined ? String(r.authority) : '(same host)'}` +
      `${r.port !== undefined ? `:${String(r.port)}` : ''}${r.uri !== undefined ? String(r.uri) : '(same path)'}`;
    lines.push(`Redirect: ${r.redirectCode !== undefined ? String(r.redirectCode) : '301'} to ${target}`);
  }
  const d = http.directResponse as { status?: number; body?: { string?: string; bytes?: string } } | undefined;
  if (d) {
    const body = d.body?.string ?? d.body?.bytes;
    lines.push(`Direct response: ${String(d.status)}${body !== undefined ? `, body ${JSON.stringify(body.length > 60 ? `${body.slice(0, 57)}...` : body)}` : ', no body'}`);
  }
  const f = http.fault as { delay?: { fixedDelay?: string; percentage?: { value?: number } }; abort?: { httpStatus?: number; percentage?: { value?: number } } } | undefined;
  if (f?.delay) lines.push(`Fault: delay ${String(f.delay.fixedDelay)} on ${percent(f.delay.percentage?.value)} of requests`);
  if (f?.abort) lines.push(`Fault: abort with ${String(f.abort.httpStatus)} on ${percent(f.abort.percentage?.value)} of requests`);
  const c = http.corsPolicy as Record<string, unknown> | undefined;
  if (c) lines.push(`CORS: ${describeCors(c)}`);
  if (http.headers?.request) lines.push(`Request headers: ${describeOperations(http.headers.request)}`);
  if (http.headers?.response) lines.push(`Response headers: ${describeOperations(http.headers.response)}`);
  const mirror = http.mirror as { host?: string; port?: { number?: number } } | undefined;
  if (mirror) {
    const share = (http.mirrorPercentage as { value?: number } | undefined)?.value;
    lines.push(`Mirror: ${share === undefined ? '100%' : percent(share)} of requests to ${String(mirror.host)}${mirror.port?.number !== undefined ? `:${mirror.port.number}` : ''}`);
  }
  return lines;
}

function percent(v: number | undefined): string {
  return `${v === undefined ? 100 : v}%`;
}

function describeCors(c: Record<string, unknown>): string {
  const origins = ((c.allowOrigins as StringMatch[] | undefined) ?? []).map((o) =>
    o.exact !== undefined ? o.exact : o.prefix !== undefined ? `${o.prefix}*` : `/${String(o.regex)}/`);
  for (const o of (c.allowOrigin as string[] | undefined) ?? []) origins.push(o);
  const parts = [`origins ${origins.join(', ')}`];
  if (Array.isArray(c.allowMethods)) parts.push(`methods ${c.allowMethods.join(', ')}`);
  if (Array.isArray(c.allowHeaders)) parts.push(`headers ${c.allowHeaders.join(', ')}`);
  if (Array.isArray(c.exposeHeaders)) parts.push(`exposes ${c.exposeHeaders.join(', ')}`);
  if (c.maxAge !== undefined) parts.push(`max age ${String(c.maxAge)}`);
  if (c.allowCredentials !== undefined) parts.push(`credentials ${c.allowCredentials ? 'allowed' : 'not allowed'}`);
  return parts.join('; ');
}

function describeOperations(o: HeaderOperations): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(o.set ?? {})) parts.push(`set ${k}: ${v}`);
  for (const [k, v] of Object.entries(o.add ?? {})) parts.push(`add ${k}: ${v}`);
  for (const k of o.remove ?? []) parts.push(`remove ${k}`);
  return parts.join(', ');
}
