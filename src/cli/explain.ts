import { PlatformTable } from '../compile/platform/platform-table';
import { EnvironmentTable } from '../compile/route-table';
import { explainRequest } from '../explain/explain';
import { domainHost, environmentHost, EnvironmentHost, javaExportHost } from '../explain/environment-host';
import { formatExplanation } from '../explain/format';
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
 * [--header k=v]... [--query k=v]...`: checks the project and renders the objects of the cluster's asked
 * environment(s) (and, with --host, its platform folder) in memory (nothing is read from or written under dist/), each
 * equal to what parsing its published file gives, and simulates Envoy's
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
  // Only the asked cluster's environment (or, with --host only, its environments) and, with --host, its platform
  // folder are compiled and rendered, after the project-wide checks; documents of unchanged files and ownership
  // answers come from the cache synth keeps (src/cache).
  const stages = new StageTimings();
  const memo = StatMemo.open(join(root, CACHE_DIR));
  const cache = IncrementalCache.open(root, toolKeyOf(toolHashes(undefined, memo)), memo);
  stages.lap('cache');
  // The platform folder is only asked about through --host (the Java export host): compiled and rendered only then.
  const only = { cluster, ...(env !== undefined ? { environment: env } : {}), platform: host !== undefined };
  const result = runPipeline({ root, write: false, cache, only });
  stages.lap('pipeline');
  // Saved only when this run parsed or hashed again enough files to be worth it (not for the few files of an edit).
  cache.savePartial();
  stages.lap('save');
  const timings = (): void => {
    if (io.env.KFAAS_TIMINGS !== '1') return;
    const { pipeline: _pipeline, ...own } = stages.all;
    io.stderr(formatTimings({ ...own, ...result.timings }));
  };
  if (printDiagnostics(io, result.diagnostics) > 0) {
    timings();
    return EXIT_USER;
  }

  const known = (result.project?.clusters ?? []).flatMap((c) => c.environments.map((e) => `${c.name}/${e.name}`)).sort(compareText);
  const gatewayOption = values.gateway as string | undefined;
  const target = findTarget(result.tables!, result.platforms ?? [], result.objects!, { cluster, env, host, gateway: gatewayOption }, known);
  const explanation = explainRequest(target.simulated.objects, {
    host: target.host, gateway: gatewayOption ?? target.simulated.gateway, path,
    ...(method !== undefined ? { method } : {}),
    ...(headers ? { headers } : {}),
    ...(query ? { query } : {}),
  });
  const simulated = target.simulated;
  io.stdout(`${target.title}\n`);
  io.stdout(formatExplanation(explanation, {
    sources: (name) => simulated.sources.get(name)?.source,
    ...(simulated.locate ? { locate: (hit) => simulated.locate?.(hit.httpIndex) } : {}),
  }));
  stages.lap('answer');
  timings();
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

/** The rendered objects stand for every file (`runPipeline` with `only` renders objects, not files). */
const NO_FILES: ReadonlyMap<string, string> = new Map();

interface Target {
  /** The request host. */
  readonly host: string;
  /** What is simulated: the objects, the gateway and the Route (or Egress) document of each route. */
  readonly simulated: EnvironmentHost;
  readonly title: string;
}

/**
 * The host asked about, read with the same definitions `kfaas map` draws (src/explain/environment-host.ts): the
 * Java export host, a business domain, or an environment's gateway host (VirtualServices, or what Istio derives
 * from the HTTPRoutes of a gateway-api cluster).
 */
function findTarget(
  tables: readonly EnvironmentTable[], platforms: readonly PlatformTable[], objects: ReadonlyMap<string, unknown>,
  asked: { readonly cluster: string; readonly env?: string; readonly host?: string; readonly gateway?: string },
  knownEnvironments: readonly string[],
): Target {
  const { cluster, env, host } = asked;
  const platform = platforms.find((p) => p.cluster === cluster);
  const javaExport = platform && host !== undefined && platform.javaExport?.host === host ? javaExportHost(platform, NO_FILES, { kept: objects }) : undefined;
  if (javaExport) return { host: javaExport.host, simulated: javaExport, title: `Cluster ${cluster}, Java export host (sidecars of every environment)` };
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
  const title = `Cluster ${cluster}, environment ${table.environment} (namespace ${table.namespace})`;
  const domain = host !== undefined && host !== table.host ? domainHost(table, NO_FILES, host, { kept: objects }) : undefined;
  if (domain) return { host: domain.host, simulated: domain, title };
  const simulated = environmentHost(table, NO_FILES, { gateway: asked.gateway, kept: objects });
  return { host: table.host, simulated, title: simulated.routing ? `${title}, ${simulated.routing}` : title };
}
