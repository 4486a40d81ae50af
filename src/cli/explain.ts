import { loadAll } from 'js-yaml';
import { EnvironmentTable } from '../compile/route-table';
import { explainRequest } from '../explain/explain';
import { convertHttpRoutes, formatGatewayOrigin } from '../explain/gateway-api';
import { KFAAS_NAMESPACE } from '../model/defaults';
import { formatExplanation } from '../explain/format';
import { runPipeline } from '../pipeline';
import { parseCommandArgs } from './args';
import { CliIo, EXIT_OK, EXIT_USER, printDiagnostics, UsageError } from './io';
import { projectRootOf } from './project-root';

/**
 * `kfaas explain --cluster C --env E <path> [--root .] [--gateway G] [--method M] [--header k=v]... [--query k=v]...`: renders the project in memory (nothing is
 * written), reads back the VirtualServices of dist/C/E exactly as they would be published, and simulates Envoy's
 * first-match selection for a request to the environment's gateway host: which route wins (with its file:line),
 * where it forwards (service authority), and which routes also match but lose.
 */
export function explainCommand(argv: readonly string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs(
    'explain',
    argv,
    {
      root: { type: 'string' }, cluster: { type: 'string' }, env: { type: 'string' }, gateway: { type: 'string' },
      method: { type: 'string' }, header: { type: 'string', multiple: true }, query: { type: 'string', multiple: true },
    },
    true,
  );
  const method = values.method as string | undefined;
  if (method !== undefined && !/^[A-Z]+$/.test(method)) throw new UsageError(`explain: --method expects an uppercase HTTP method such as POST, got '${method}'`);
  const headers = keyValues('header', values.header);
  const query = keyValues('query', values.query);
  const cluster = values.cluster as string | undefined;
  const env = values.env as string | undefined;
  if (!cluster || !env) throw new UsageError('explain: --cluster and --env are required');
  if (positionals.length !== 1) throw new UsageError(`explain: expected one request path, got ${positionals.length}`);
  const path = positionals[0];
  if (!path.startsWith('/')) throw new UsageError(`explain: the request path must start with '/', got '${path}'`);

  const root = projectRootOf(io.cwd, values.root as string | undefined);
  const result = runPipeline({ root, write: false });
  if (printDiagnostics(io, result.diagnostics) > 0) return EXIT_USER;

  const tables = result.tables!;
  const table = tables.find((t) => t.cluster === cluster && t.environment === env);
  if (!table) {
    const known = tables.map((t) => `${t.cluster}/${t.environment}`).join(', ') || 'none';
    throw new UsageError(`explain: no environment ${env} on cluster ${cluster} (known: ${known})`);
  }
  if (table.gatewayApi) return explainGatewayApi(table, result.tree!, path, io, values.gateway as string | undefined);
  const folder = `${cluster}/${env}/`;
  const objects: unknown[] = [];
  for (const [file, text] of result.tree!) {
    if (file.startsWith(folder) && file.slice(folder.length).startsWith('virtualservice-')) objects.push(...loadAll(text));
  }
  const gateway = (values.gateway as string | undefined) ?? table.profile.localGateway;
  const explanation = explainRequest(objects, {
    host: table.host, gateway, path,
    ...(method !== undefined ? { method } : {}),
    ...(headers ? { headers } : {}),
    ...(query ? { query } : {}),
  });
  io.stdout(`Cluster ${cluster}, environment ${env} (namespace ${table.namespace})\n`);
  io.stdout(formatExplanation(explanation, { sources: routeSources(table) }));
  return EXIT_OK;
}

/** `--header k=v` values as a record (header names lowercased); undefined when none were given. */
function keyValues(option: string, raw: unknown): Record<string, string> | undefined {
  const items = Array.isArray(raw) ? (raw as string[]) : [];
  if (items.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`explain: --${option} expects key=value, got '${item}'`);
    const key = item.slice(0, eq);
    out[option === 'header' ? key.toLowerCase() : key] = item.slice(eq + 1);
  }
  return out;
}

/**
 * A gateway-api environment: the HTTPRoutes of dist/C/E as Istio merges and sorts them for the Gateway and host
 * (Gateway API precedence), then Envoy's first match over the result.
 */
function explainGatewayApi(table: EnvironmentTable, tree: ReadonlyMap<string, string>, path: string, io: CliIo, gatewayOption?: string): number {
  const gatewayApi = table.gatewayApi!;
  const folder = `${table.cluster}/${table.environment}/`;
  const objects: unknown[] = [];
  for (const [file, text] of tree) {
    if (file.startsWith(folder) && file.slice(folder.length).startsWith('httproute-')) objects.push(...loadAll(text));
  }
  const gateway = gatewayOption ?? `${gatewayApi.parentRef.namespace}/${gatewayApi.parentRef.name}`;
  const converted = convertHttpRoutes(objects, table.host, {
    gateway, clusterDomain: table.clusterDomain, noBackendStatus: gatewayApi.profile.noBackendStatus,
  });
  const explanation = explainRequest([converted.virtualService], { host: table.host, gateway, path });
  io.stdout(`Cluster ${table.cluster}, environment ${table.environment} (namespace ${table.namespace}), ` +
    `Gateway API ${gatewayApi.profile.version.raw} (${gatewayApi.profile.channel}) routes in Istio's precedence\n`);
  const sources = new Map<string, string>();
  for (const route of gatewayApi.httpRoutes) {
    route.rules.forEach((_, i) => sources.set(`${KFAAS_NAMESPACE}.${route.name}.${i}`, `${route.origin.at.file}:${route.origin.at.line}`));
  }
  io.stdout(formatExplanation(explanation, {
    sources,
    locate: (hit) => (converted.origins[hit.httpIndex] ? formatGatewayOrigin(converted.origins[hit.httpIndex]) : undefined),
  }));
  return EXIT_OK;
}

/** Istio route name (the Route's metadata.name) → `file:line` of its Route document, from the compiled table. */
export function routeSources(table: EnvironmentTable): Map<string, string> {
  const out = new Map<string, string>();
  for (const vs of table.virtualServices) {
    for (const http of vs.http) {
      if (!out.has(http.name)) out.set(http.name, `${http.origin.at.file}:${http.origin.at.line}`);
    }
  }
  return out;
}
