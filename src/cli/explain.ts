import { PlatformTable } from '../compile/platform/platform-table';
import { EnvironmentTable } from '../compile/route-table';
import { explainRequest } from '../explain/explain';
import { environmentHost, publishedObjects } from '../explain/environment-host';
import { formatExplanation } from '../explain/format';
import { MESH_GATEWAY } from '../explain/virtual-service';
import { PLATFORM_FOLDER } from '../model/defaults';
import { IncrementalCache, toolKeyOf } from '../cache/incremental-cache';
import { join } from 'path';
import { CACHE_DIR, toolHashes } from '../cache/synth-cache';
import { StatMemo } from '../cache/stat-memo';
import { runPipeline } from '../pipeline';
import { compareText } from '../util/compare';
import { formatTimings, StageTimings } from '../util/stage-timings';
import { parseCommandArgs } from './args';
import { CliIo, EXIT_OK, EXIT_USER, printDiagnostics, UsageError } from './io';
import { projectRootOf } from './project-root';

/**
 * `kfaas explain --cluster C (--env E | --host H) <path> [--root .] [--gateway G] [--method M]
 * [--header k=v]... [--query k=v]...`: checks the project and renders the cluster's asked environment(s) and
 * platform folder in memory (nothing is written under dist/), reads back the VirtualServices exactly as they would be published, and simulates Envoy's
 * first-match selection for the request: which route wins (with its file:line), where it forwards (authority),
 * and which routes also match but lose.
 *
 * The host decides what is simulated: an environment's gateway host (the default with `--env`), a business
 * domain served by the east-west gateway, or the Java export host `java-export.kfaas-system.svc.<domain>`
 * (a sidecar's view: gateway `mesh`, the platform folder's single VirtualService).
 */
export function explainCommand(argv: readonly string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs(
    'explain',
    argv,
    {
      root: { type: 'string' }, cluster: { type: 'string' }, env: { type: 'string' }, gateway: { type: 'string' }, host: { type: 'string' },
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
  const host = values.host as string | undefined;
  if (!cluster || (!env && !host)) throw new UsageError('explain: --cluster and --env (or --host) are required');
  if (positionals.length !== 1) throw new UsageError(`explain: expected one request path, got ${positionals.length}`);
  const path = positionals[0];
  if (!path.startsWith('/')) throw new UsageError(`explain: the request path must start with '/', got '${path}'`);

  const root = projectRootOf(io.cwd, values.root as string | undefined);
  // Only the asked cluster's environment (or, with --host only, its environments) and platform folder are
  // compiled and rendered, after the project-wide checks; documents of unchanged files and ownership answers come
  // from the cache synth keeps (src/cache).
  const stages = new StageTimings();
  const memo = StatMemo.open(join(root, CACHE_DIR));
  const cache = IncrementalCache.open(root, toolKeyOf(toolHashes(undefined, memo)));
  memo.save();
  stages.lap('cache');
  // The platform folder is only asked about through --host (the Java export host): rendered only then.
  const only = { cluster, ...(env !== undefined ? { environment: env } : {}), platform: host !== undefined };
  const result = runPipeline({ root, write: false, cache, only });
  stages.lap('pipeline');
  cache.save({ keepUnused: true });
  stages.lap('cache');
  if (io.env.KFAAS_TIMINGS === '1') {
    const { pipeline: _pipeline, ...own } = stages.all;
    io.stderr(formatTimings({ ...own, ...result.timings }));
  }
  if (printDiagnostics(io, result.diagnostics) > 0) return EXIT_USER;

  const known = (result.project?.clusters ?? []).flatMap((c) => c.environments.map((e) => `${c.name}/${e.name}`)).sort(compareText);
  const target = findTarget(result.tables!, result.platforms ?? [], cluster, env, host, known);
  if (target.table?.gatewayApi && target.host === target.table.host) {
    return explainGatewayApi(target.table, result.tree!, path, io, values.gateway as string | undefined);
  }
  const [folderCluster, folderName] = target.folder.split('/');
  const objects = publishedObjects(result.tree!, folderCluster, folderName, 'virtualservice-');
  const gateway = (values.gateway as string | undefined) ?? target.gateway;
  const explanation = explainRequest(objects, {
    host: target.host, gateway, path,
    ...(method !== undefined ? { method } : {}),
    ...(headers ? { headers } : {}),
    ...(query ? { query } : {}),
  });
  io.stdout(`${target.title}\n`);
  io.stdout(formatExplanation(explanation, { sources: target.sources }));
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
  const host = environmentHost(table, tree, { gateway: gatewayOption });
  const explanation = explainRequest(host.objects, { host: table.host, gateway: host.gateway, path });
  io.stdout(`Cluster ${table.cluster}, environment ${table.environment} (namespace ${table.namespace}), ${host.routing}\n`);
  io.stdout(formatExplanation(explanation, {
    sources: (name) => host.sources.get(name)?.source,
    locate: (hit) => host.locate?.(hit.httpIndex),
  }));
  return EXIT_OK;
}

interface Target {
  /** The environment's table; absent for the Java export host. */
  readonly table?: EnvironmentTable;
  readonly folder: string;
  readonly host: string;
  readonly gateway: string;
  readonly title: string;
  readonly sources: Map<string, string>;
}

function findTarget(
  tables: readonly EnvironmentTable[], platforms: readonly PlatformTable[], cluster: string, env: string | undefined, host: string | undefined,
  knownEnvironments: readonly string[],
): Target {
  const platform = platforms.find((p) => p.cluster === cluster);
  if (host !== undefined && platform?.javaExport && host === platform.javaExport.host) {
    return {
      folder: `${cluster}/${PLATFORM_FOLDER}/`,
      host,
      gateway: MESH_GATEWAY,
      title: `Cluster ${cluster}, Java export host (sidecars of every environment)`,
      sources: egressSources(platform),
    };
  }
  const candidates = tables.filter((t) => t.cluster === cluster && (env === undefined || t.environment === env));
  const table = host === undefined
    ? candidates[0]
    : candidates.find((t) => t.host === host || (t.domains ?? []).some((d) => d.hostname === host));
  if (!table) {
    const known = knownEnvironments.join(', ') || 'none';
    const hosts = [
      ...tables.filter((t) => t.cluster === cluster).flatMap((t) => [t.host, ...(t.domains ?? []).map((d) => d.hostname)]),
      ...(platform?.javaExport ? [platform.javaExport.host] : []),
    ];
    throw new UsageError(host === undefined
      ? `explain: no environment ${env} on cluster ${cluster} (known: ${known})`
      : `explain: no host ${host} on cluster ${cluster}${env ? ` in environment ${env}` : ''} (hosts: ${hosts.join(', ') || 'none'})`);
  }
  const domain = (table.domains ?? []).find((d) => d.hostname === host);
  return {
    table,
    folder: `${cluster}/${table.environment}/`,
    host: domain ? domain.hostname : table.host,
    gateway: domain ? domain.gateway : table.profile.localGateway,
    title: `Cluster ${cluster}, environment ${table.environment} (namespace ${table.namespace})`,
    sources: routeSources(table),
  };
}

/** Istio route name (the Route's metadata.name) → `file:line` of its Route document, from the compiled table. */
function routeSources(table: EnvironmentTable): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: string, origin: { at: { file: string; line: number } }): void => {
    if (!out.has(name)) out.set(name, `${origin.at.file}:${origin.at.line}`);
  };
  for (const vs of table.virtualServices) for (const http of vs.http) add(http.name, http.origin);
  for (const d of table.domains ?? []) for (const http of d.virtualService.http) add(http.name, http.origin);
  return out;
}

function egressSources(platform: PlatformTable): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of platform.javaExport?.http ?? []) if (!out.has(h.name)) out.set(h.name, `${h.origin.at.file}:${h.origin.at.line}`);
  return out;
}
