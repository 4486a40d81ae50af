import { ForwardingEntry, ForwardingTable } from '../../compile/platform/platform-table';
import { slugify } from '../../compile/naming';
import { toYaml } from '../yaml';

/**
 * The forwarding table in the three forms the Java side reads. Pure text builders; sources in
 * shared/docs/version-facts.md section H (spring-cloud-netflix v2.2.10.RELEASE ZuulProperties, Spring Cloud
 * Gateway v4.3.0 RouteDefinition and SetRequestHostHeaderGatewayFilterFactory).
 */

/** JSON, every environment: `{ "environments": [{ environment, namespace, paths, target, host }] }`. */
export function forwardingJson(table: ForwardingTable): string {
  const environments = table.entries.map((e) => ({
    environment: e.environment, namespace: e.namespace, paths: e.paths, target: e.target, host: e.host,
  }));
  return `${JSON.stringify({ environments }, null, 2)}\n`;
}

/** Whether the target already names the host, so the client sends the right Host header by itself. */
function targetCarriesHost(entry: ForwardingEntry): boolean {
  return entry.target === `http://${entry.host}`;
}

/**
 * Zuul `zuul.routes.<name>.*`, one route per path pattern (a Zuul route has one path). `stripPrefix=false`: the
 * default strips the matched prefix and every route would 404. Zuul sends the `url`'s host as Host
 * (`add-host-header` defaults to false); when the target is an address instead, the Host header has to be set
 * by a pre-filter after PreDecorationFilter with `zuul.add-host-header=true`: the table names it.
 */
export function zuulProperties(entry: ForwardingEntry): string {
  const lines = [`# kfaas forwarding table, environment ${entry.environment} (namespace ${entry.namespace})`];
  if (!targetCarriesHost(entry)) {
    lines.push(`# The target is an address: set the Host header to ${entry.host} (zuul.add-host-header=true and a`);
    lines.push('# pre-filter after PreDecorationFilter); kfaas.host-header below names it for that filter.');
    lines.push('zuul.add-host-header=true');
    lines.push(`kfaas.host-header=${entry.host}`);
  }
  for (const path of entry.paths) {
    const name = `faas-${entry.environment}-${slugify(path) || 'root'}`;
    lines.push(`zuul.routes.${name}.path=${path}`);
    lines.push(`zuul.routes.${name}.url=${entry.target}`);
    lines.push(`zuul.routes.${name}.stripPrefix=false`);
  }
  return `${lines.join('\n')}\n`;
}

/** Spring Cloud Gateway routes (application.yaml fragment): one route, every pattern, Host set explicitly. */
export function springCloudGatewayYaml(entry: ForwardingEntry, propertyPrefix: string): string {
  const route: Record<string, unknown> = {
    id: `faas-${entry.environment}`,
    uri: entry.target,
    predicates: [`Path=${entry.paths.join(',')}`],
    filters: [`SetRequestHostHeader=${entry.host}`],
  };
  let tree: Record<string, unknown> = { routes: entry.paths.length > 0 ? [route] : [] };
  for (const key of propertyPrefix.split('.').reverse()) tree = { [key]: tree };
  return toYaml(tree);
}
