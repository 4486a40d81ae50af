import { JavaExportTable } from '../../compile/platform/platform-table';
import { PlatformProfile } from '../../versions/platform-profile';
import { durationJson } from './http-route';

/** Name of the last route of the Java export VirtualService: everything not declared. */
const DENY_ROUTE_NAME = 'undeclared-path';
/** Status answered for an undeclared path. */
const DENY_STATUS = 403;
/** Body of the 403 (Istio >= 1.15, directResponse). */
const DENY_BODY = 'kfaas: this path is not declared by any Egress document\n';

/**
 * `spec.http` of the Java export gateway's mesh VirtualService (pure, no cdk8s): each declared prefix forwards to
 * the Java gateway with its Egress document's timeout and retries, in specificity order; then one route without
 * a match answers every other path with 403: `directResponse` from Istio 1.15 (api@1.15.0), before that a fault
 * abort at 100% (a fault needs a route, which never receives the request: it points at the selector-less
 * java-export Service, so even a broken abort fails closed).
 */
export function egressHttpJson(table: JavaExportTable, profile: PlatformProfile): Record<string, unknown>[] {
  const allowed = table.http.map((h) => {
    const out: Record<string, unknown> = { name: h.name, match: [{ uri: { [h.match.kind]: h.match.value } }] };
    out.route = [{ destination: { host: table.destination.host, port: { number: table.destination.port } } }];
    if (h.timeoutMs !== undefined) out.timeout = durationJson(h.timeoutMs);
    if (h.retries) {
      const retries: Record<string, unknown> = { attempts: h.retries.attempts };
      if (h.retries.perTryTimeoutMs !== undefined) retries.perTryTimeout = durationJson(h.retries.perTryTimeoutMs);
      if (h.retries.retryOn && h.retries.retryOn.length > 0) retries.retryOn = h.retries.retryOn.join(',');
      out.retries = retries;
    }
    return out;
  });
  const deny: Record<string, unknown> = profile.directResponse
    ? { name: DENY_ROUTE_NAME, directResponse: { status: DENY_STATUS, body: { string: DENY_BODY } } }
    : {
      name: DENY_ROUTE_NAME,
      fault: { abort: { httpStatus: DENY_STATUS, ...(profile.faultPercentage ? { percentage: { value: 100 } } : { percent: 100 }) } },
      route: [{ destination: { host: table.host, port: { number: 80 } } }],
    };
  return [...allowed, deny];
}
