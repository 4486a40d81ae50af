import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { dirname, join, relative, resolve, sep } from 'path';
import { formatDiagnostic } from '../diagnostics/diagnostic';
import { collectGarbageAbove } from '../util/collect-garbage';
import { domainHost, environmentHost, javaExportHost } from '../explain/environment-host';
import { KFAAS_NAMESPACE, PLATFORM_FOLDER } from '../model/defaults';
import { environmentMap } from '../map/map-data';
import { assetFiles, EnvironmentSummary, environmentFiles, indexPage, summaryOf } from '../map/site';
import { runPipeline } from '../pipeline';
import { parseCommandArgs } from './args';
import { CliIo, EXIT_OK, EXIT_USER, printDiagnostics, UsageError } from './io';
import { projectRootOf } from './project-root';

/** Marks a folder `kfaas map` wrote, so a later run may replace it (and nothing else). */
const MARK_FILE = '.kfaas-map';

/**
 * The JavaScript heap `kfaas map` lets grow between environments before it collects the garbage they left. At
 * tier L (18 environments of 7,000 routes) the compiled project holds about 260 MiB and each environment leaves
 * 10 MiB, so the heap passes this once or twice and the process stays near 700 MiB resident (the target is
 * < 1 GiB, `npm run bench`); a collection after every environment cost 7 s of CPU there.
 */
const HEAP_BUDGET_BYTES = 512 * 1024 * 1024;

/**
 * `kfaas map [--root .] [--out route-map]`: a static site (opens from disk, works offline) with, per cluster and
 * environment (and per business domain it serves, and per cluster's Java export host), the routes in Envoy's order, a prefix tree coloured by team,
 * and a search box that runs the explain engine in the browser.
 */
export function mapCommand(argv: readonly string[], io: CliIo): number {
  const { values } = parseCommandArgs('map', argv, { root: { type: 'string' }, out: { type: 'string' } }, false);
  const root = projectRootOf(io.cwd, values.root as string | undefined);
  const out = resolve(io.cwd, (values.out as string | undefined) ?? join(root, 'route-map'));
  checkOutFolder(root, out);

  // The renderer's own objects stand for the rendered files (equal to parsing them): nothing is parsed back.
  const result = runPipeline({ root, write: false, keepObjects: true });
  if (printDiagnostics(io, result.diagnostics) > 0) return EXIT_USER;
  const warnings = result.diagnostics.map(formatDiagnostic);
  const tree = result.tree!;
  const kept = result.objects!;
  const title = 'kfaas route map';

  if (existsSync(out)) rmSync(out, { recursive: true, force: true });
  const write = (files: ReadonlyMap<string, string>): void => {
    for (const [rel, text] of files) {
      const file = join(out, ...rel.split('/'));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  };
  write(assetFiles());
  // One environment at a time, written as soon as it is built: only the summaries stay in memory.
  const summaries: EnvironmentSummary[] = [];
  for (const table of result.tables!) {
    if (table.virtualServices.length === 0 && (table.gatewayApi?.httpRoutes.length ?? 0) === 0) continue;
    const m = environmentMap(table, environmentHost(table, tree, { kept }), result.project!, warnings.filter((w) => w.includes(`${table.cluster}`) || w.includes(`environment ${table.environment}`)));
    write(environmentFiles(m, title));
    summaries.push(summaryOf(m));
    // Each business domain it serves: the east-west gateway's virtual host for the hostname.
    for (const domain of table.domains ?? []) {
      const host = domainHost(table, tree, domain.hostname, { kept })!;
      const subject = {
        cluster: table.cluster, environment: table.environment, page: `${table.environment}.${domain.virtualService.name}`,
        label: `Business domain ${domain.hostname} (${table.environment})`, namespace: table.namespace, host: host.host,
      };
      const d = environmentMap(subject, host, result.project!, warnings.filter((w) => w.includes(domain.hostname)), { teamPrefixes: false });
      write(environmentFiles(d, title));
      summaries.push(summaryOf(d));
    }
    // Its rendered files are not needed again: let them go.
    const folder = `${table.cluster}/${table.environment}/`;
    for (const file of [...tree.keys()]) {
      if (file.startsWith(folder)) {
        tree.delete(file);
        kept.delete(file);
      }
    }
    collectGarbageAbove(HEAP_BUDGET_BYTES);
  }
  // The Java export host of each cluster that has one: what a function's sidecar does with a call into Java.
  for (const platform of result.platforms ?? []) {
    const host = javaExportHost(platform, tree, { kept });
    if (!host) continue;
    const subject = { cluster: platform.cluster, environment: PLATFORM_FOLDER, label: `Java export host (${host.host})`, namespace: KFAAS_NAMESPACE, host: host.host };
    const m = environmentMap(subject, host, result.project!, [], { teamPrefixes: false });
    write(environmentFiles(m, title));
    summaries.push(summaryOf(m));
  }
  write(new Map([['index.html', indexPage(summaries, title)]]));
  writeFileSync(join(out, MARK_FILE), 'written by kfaas map; the next kfaas map replaces this folder\n');
  const shown = relative(io.cwd, out) || '.';
  io.stdout(`kfaas: route map of ${summaries.length} page(s) -> ${shown}/index.html\n`);
  return EXIT_OK;
}

/** The output folder must be new, empty or an earlier map, and never the project, its inputs or dist/. */
function checkOutFolder(root: string, out: string): void {
  const inside = (child: string, parent: string): boolean => child === parent || child.startsWith(parent + sep);
  for (const protectedDir of ['routes', 'clusters', 'dist', 'schema', 'test', '.git', 'src'].map((d) => join(root, d))) {
    if (inside(out, protectedDir) || inside(protectedDir, out)) {
      throw new UsageError(`map: --out ${out} would overlap ${protectedDir}; choose a folder of its own, e.g. ${join(root, 'route-map')}`);
    }
  }
  if (inside(root, out)) throw new UsageError(`map: --out ${out} contains the project; choose a folder of its own`);
  if (!existsSync(out)) return;
  const entries = readdirSync(out);
  if (entries.length > 0 && !entries.includes(MARK_FILE)) {
    throw new UsageError(`map: ${out} is not empty and was not written by kfaas map; choose another --out or empty it`);
  }
}
