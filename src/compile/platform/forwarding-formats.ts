import { compareText } from '../../util/compare';
import { toYaml } from '../../util/yaml-text';
import { slugify, stableHash } from '../naming';

/**
 * The forwarding table as the text files the Java side reads. Pure text builders; sources in
 * shared/docs/version-facts.md section H (spring-cloud-netflix v2.2.10.RELEASE ZuulProperties, Spring Cloud
 * Gateway v4.3.0 RouteDefinition and SetRequestHostHeaderGatewayFilterFactory).
 */

/** What one environment's files are written from. */
export interface ForwardingFacts {
  readonly environment: string;
  readonly namespace: string;
  readonly paths: readonly string[];
  readonly target: string;
  readonly host: string;
}

/** One environment's table as JSON: `{ environment, namespace, target, host, paths }`. */
export function forwardingJson(entry: ForwardingFacts): string {
  const { environment, namespace, target, host, paths } = entry;
  return `${JSON.stringify({ environment, namespace, target, host, paths }, null, 2)}\n`;
}

/** The index: every environment's gateway host, target and the ConfigMap holding its paths. */
export function forwardingIndexJson(entries: readonly (ForwardingFacts & { readonly configMap: string })[]): string {
  const environments = entries.map(({ environment, namespace, target, host, configMap }) => ({ environment, namespace, target, host, configMap }));
  return `${JSON.stringify({ environments }, null, 2)}\n`;
}

/** Whether the target already names the host, so the client sends the right Host header by itself. */
function targetCarriesHost(entry: ForwardingFacts): boolean {
  return entry.target === `http://${entry.host}`;
}

/**
 * Zuul route names, one per pattern: `faas-<env>-<slug of the pattern>`; patterns whose slugs coincide
 * (`/a/b-c` and `/a/b/c`) all get the pattern's hash appended, so no route overwrites another.
 */
function zuulRouteNames(environment: string, paths: readonly string[]): string[] {
  const slugs = paths.map((p) => slugify(p) || 'root');
  const count = new Map<string, number>();
  for (const s of slugs) count.set(s, (count.get(s) ?? 0) + 1);
  return slugs.map((s, i) => `faas-${environment}-${s}${count.get(s)! > 1 ? `-${stableHash(paths[i])}` : ''}`);
}

/**
 * Zuul `zuul.routes.<name>.*`, one route per path pattern (a Zuul route has one path). `stripPrefix=false`: the
 * default strips the matched prefix and every route would 404. Zuul sends the `url`'s host as Host
 * (`add-host-header` defaults to false); when the target is an address instead, the Host header has to be set
 * by a pre-filter after PreDecorationFilter with `zuul.add-host-header=true`: the table names it.
 */
export function zuulProperties(entry: ForwardingFacts): string {
  let text = `# kfaas forwarding table, environment ${entry.environment} (namespace ${entry.namespace})\n`;
  if (!targetCarriesHost(entry)) {
    text += `# The target is an address: set the Host header to ${entry.host} (zuul.add-host-header=true and a\n` +
      '# pre-filter after PreDecorationFilter); kfaas.host-header below names it for that filter.\n' +
      `zuul.add-host-header=true\nkfaas.host-header=${entry.host}\n`;
  }
  const names = zuulRouteNames(entry.environment, entry.paths);
  const url = `.url=${entry.target}\n`;
  for (let i = 0; i < names.length; i++) {
    const key = `zuul.routes.${names[i]}`;
    text += `${key}.path=${entry.paths[i]}\n${key}${url}${key}.stripPrefix=false\n`;
  }
  return text;
}

/** Spring Cloud Gateway routes (application.yaml fragment): one route, every pattern, Host set explicitly. */
export function springCloudGatewayYaml(entry: ForwardingFacts, propertyPrefix: string): string {
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

/** One environment's ConfigMap data, keys sorted. */
export function forwardingData(entry: ForwardingFacts, propertyPrefix: string): Record<string, string> {
  const data: Record<string, string> = {
    'forwarding.json': forwardingJson(entry),
    'spring-cloud-gateway.yaml': springCloudGatewayYaml(entry, propertyPrefix),
    'zuul.properties': zuulProperties(entry),
  };
  return Object.fromEntries(Object.entries(data).sort((a, b) => compareText(a[0], b[0])));
}

/** Room kept for a ConfigMap's apiVersion, kind, metadata (name, namespace, labels) and the generated header. */
const CONFIG_MAP_OVERHEAD_BYTES = 1024;

/**
 * An upper bound of the bytes a ConfigMap with `data` takes as rendered YAML: each value is a literal block whose
 * lines are indented by four spaces (`data:` > `  key: |` > `    line`), plus {@link CONFIG_MAP_OVERHEAD_BYTES}.
 * Tests check it against the rendered objects.
 */
export function configMapBytes(data: Readonly<Record<string, string>>): number {
  let bytes = CONFIG_MAP_OVERHEAD_BYTES;
  for (const [key, value] of Object.entries(data)) {
    let lines = 0;
    for (let i = value.indexOf('\n'); i >= 0; i = value.indexOf('\n', i + 1)) lines++;
    bytes += Buffer.byteLength(key) + 8 + Buffer.byteLength(value) + 5 * (lines + 1);
  }
  return bytes;
}
