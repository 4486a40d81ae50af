import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { loadAll } from 'js-yaml';
import { Diagnostic } from '../diagnostics/diagnostic';
import { VirtualService, isVirtualService } from '../explain/virtual-service';
import { loadProject } from '../load/load-project';
import { compareText } from '../util/compare';
import { DEFAULT_CLUSTER_DOMAIN, KFAAS_NAMESPACE, MAX_OBJECTS_PER_FOLDER, defaultEnvironmentNamespace } from '../model/defaults';
import { behaviourIn, PathMatch, Project, Route } from '../model/project';
import { runPipeline } from '../pipeline';
import { KNATIVE_INGRESS_GATEWAY, profileFor } from '../versions/profile';
import { extendClusterText, newClusterText } from './cluster-file';
import { convertVirtualService, ImportTarget } from './convert';
import { EquivalenceResult, proveEquivalence } from './equivalence';
import { ImportedBehaviour, ImportedHeaderTest, ImportedMatch, ImportedQueryTest, ImportedRoute, ImportFinding } from './imported-route';
import { describeInput, InputObject, inputLocation, readImportInputs } from './input';
import { mergePlacements, Placement } from './merge-routes';
import { IMPORT_MARK, routeDocumentText } from './route-document';
import { TeamRule } from './team-rule';
import { groupBy } from '../util/group-by';

/** Options of `runImport` (the `kfaas import` command line). */
export interface ImportOptions {
  /** Project root holding clusters/ and routes/. */
  readonly root: string;
  readonly cluster: string;
  readonly environment: string;
  /** Files, folders or `-`. */
  readonly inputs: readonly string[];
  readonly cwd: string;
  readonly stdin: () => string;
  readonly teamRule: TeamRule;
  /** Import objects without the fields a Route cannot express, and skip objects that cannot be expressed at all. */
  readonly lossy: boolean;
  /** Versions of a cluster that has no file yet. */
  readonly istio?: string;
  readonly knative?: string;
  /** Write nothing; report what would be written. */
  readonly dryRun: boolean;
}

/** What an import did (or would do). */
export interface ImportResult {
  /** Errors stop the import before anything is written. */
  readonly diagnostics: readonly Diagnostic[];
  readonly findings: readonly ImportFinding[];
  readonly objects: number;
  readonly routes: number;
  /** Objects refused (skipped with --lossy) because something essential could not be carried over. */
  readonly skipped: readonly string[];
  readonly equivalence?: EquivalenceResult;
  /** Original object names the rendered objects keep, and those they do not. */
  readonly names?: { readonly kept: readonly string[]; readonly renamed: readonly string[]; readonly rendered: readonly string[] };
  readonly written: readonly string[];
  readonly removed: readonly string[];
  readonly cluster?: { readonly file: string; readonly action: 'created' | 'extended' | 'unchanged'; readonly layout: string; readonly reason?: string };
  /**
   * Objects that bound Knative's public ingress gateway, and what the import did about it: `set` (a new cluster
   * file gets `publicIngress: true`), `already-on`, or `kept-off` (an existing cluster is never made public by an
   * import: the routes stay private until someone opts in).
   */
  readonly publicIngress?: { readonly objects: number; readonly action: 'set' | 'already-on' | 'kept-off' };
  /** True when files were (or, with --dry-run, would be) written. */
  readonly ok: boolean;
}

/**
 * `kfaas import`: reads hand-written VirtualServices of one (cluster, environment), converts them into Route
 * documents, merges them with routes imported earlier from other environments and clusters (one Route with
 * `environments`, `clusters` and `overrides` where the format allows), renders the project in a scratch copy,
 * proves that every sample request of every original match reaches the same service, authority and path
 * (or says why not), and only then writes `routes/` and the cluster file. Bad input, anything a Route cannot
 * express (without --lossy), and any unexplained routing difference stop it before anything is written.
 */
export function runImport(opts: ImportOptions): ImportResult {
  const empty = { findings: [], objects: 0, routes: 0, skipped: [], written: [], removed: [], ok: false };
  const read = readImportInputs(opts.inputs, opts.cwd, opts.stdin);
  const diagnostics: Diagnostic[] = [...read.diagnostics, ...checkObjects(read.objects)];
  if (read.objects.length === 0 && diagnostics.length === 0) {
    diagnostics.push({ severity: 'error', code: 'import-empty', message: `no VirtualService found in ${opts.inputs.join(', ')}` });
  }
  if (diagnostics.length > 0) return { ...empty, diagnostics };
  const objects = read.objects as (InputObject & { object: VirtualService })[];

  return importWithOverlay(opts, objects);
}

/**
 * Everything the import changes is first an overlay over the project's files (path -> new text, or null for a
 * removed file), rendered in memory; only a fully checked overlay is written to disk.
 */
function importWithOverlay(opts: ImportOptions, objects: (InputObject & { object: VirtualService })[]): ImportResult {
  const empty = { findings: [], objects: objects.length, routes: 0, skipped: [], written: [], removed: [], ok: false };
  const overlay = new Map<string, string | null>();

  // The cluster file: kept, extended with the environment, or created (layout decided after a trial render).
  const clusterRel = `clusters/${opts.cluster}.yaml`;
  const derived = deriveFromHosts(objects.map((o) => o.object), opts.environment);
  const existing = existingClusterFile(opts.root, opts.cluster);
  const publicObjects = objects.filter((o) => (o.object.spec.gateways ?? []).includes(KNATIVE_INGRESS_GATEWAY)).length;
  const publicIngress = publicObjects > 0;
  let clusterAction: 'created' | 'extended' | 'unchanged' = 'unchanged';
  let addedPair = false;
  if (existing === undefined) {
    if (!opts.istio || !opts.knative) {
      return { ...empty, diagnostics: [usage(`cluster ${opts.cluster} has no file under clusters/; give its versions with --istio and --knative so the import knows its gateways`)] };
    }
    overlay.set(clusterRel, newClusterText({
      name: opts.cluster, istio: opts.istio, knative: opts.knative, clusterDomain: derived.clusterDomain, layout: 'per-route',
      layoutReason: 'per-route', publicIngress, environments: [{ name: opts.environment, namespace: derived.namespace }],
    }));
    clusterAction = 'created';
    addedPair = true;
  } else {
    const extended = extendClusterText(existing.text, { name: opts.environment, namespace: derived.namespace }, false);
    if (extended !== undefined) {
      overlay.set(existing.rel, extended);
      clusterAction = 'extended';
    }
    addedPair = !existing.environments.includes(opts.environment);
  }

  const loaded = loadProject(opts.root, overlay);
  const loadErrors = loaded.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'missing-document');
  if (loadErrors.length > 0) return { ...empty, diagnostics: loadErrors };
  const project = loaded.project;
  const cluster = project.clusters.find((c) => c.name === opts.cluster);
  const environment = cluster?.environments.find((e) => e.name === opts.environment);
  if (!cluster || !environment) {
    return { ...empty, diagnostics: [usage(`cluster ${opts.cluster} with environment ${opts.environment} could not be loaded from ${clusterRel}`)] };
  }
  const profile = profileFor(cluster);
  const publicInfo = publicIngress
    ? { objects: publicObjects, action: existing === undefined ? ('set' as const) : cluster.publicIngress ? ('already-on' as const) : ('kept-off' as const) }
    : undefined;
  const namespace = environment.namespace;
  const target: ImportTarget = {
    cluster: cluster.name,
    environment: environment.name,
    namespace,
    clusterDomain: cluster.clusterDomain,
    gatewayHost: `${namespace}-ksvc-gateway.${KFAAS_NAMESPACE}.svc.${cluster.clusterDomain}`,
    localGatewayHost: profile.localGatewayHost,
    localGateway: profile.localGateway,
    ingressGateway: KNATIVE_INGRESS_GATEWAY,
  };

  // Convert every object.
  const findings: ImportFinding[] = [];
  const imported: ImportedRoute[] = [];
  const skipped: string[] = [];
  for (const o of objects) {
    const converted = convertVirtualService(o, target, opts.teamRule);
    findings.push(...converted.findings);
    if (converted.refused) skipped.push(`${o.object.metadata.namespace ?? KFAAS_NAMESPACE}/${o.object.metadata.name}`);
    imported.push(...converted.routes);
  }
  const unsupported = findings.filter((f) => f.kind === 'unsupported');
  if (unsupported.length > 0 && !opts.lossy) {
    return {
      ...empty,
      findings,
      skipped,
      diagnostics: unsupported.map((f) => ({
        severity: 'error' as const,
        code: 'import-unsupported',
        location: inputLocation(f.input),
        path: f.field,
        message: `${describeInput(f.input)}, ${f.object}: ${f.message} (use --lossy to ${f.skipsObject ? 'skip the object' : 'import it without this field'})`,
      })),
    };
  }

  // Merge with routes imported before (their placements in other clusters/environments stay; this pair is replaced).
  const importedFiles = new Set(project.routes.map((r) => r.origin.at.file).filter((f) => isImportedFile(opts.root, f)));
  const previous = project.routes.filter((r) => importedFiles.has(r.origin.at.file));
  const handWritten = new Map(project.routes.filter((r) => !importedFiles.has(r.origin.at.file)).map((r) => [r.name, r]));
  const hostingBefore = hostingOf(project, addedPair ? { cluster: opts.cluster, environment: opts.environment } : undefined);
  const named: { readonly name: string; readonly placement: Placement }[] = [];
  for (const route of previous) {
    for (const p of placementsOf(route, hostingBefore)) {
      if (p.cluster === opts.cluster && p.environment === opts.environment) continue;
      named.push({ name: route.name, placement: p });
    }
  }
  const collisions: Diagnostic[] = [];
  for (const r of uniqueNames(imported)) {
    const taken = handWritten.get(r.name);
    if (taken) {
      collisions.push({
        severity: 'error', code: 'import-name-taken', location: inputLocation(r.input), path: `spec.http[${r.httpIndex}]`,
        message: `${describeInput(r.input)}, ${r.object}: route name "${r.name}" is already used by ${taken.origin.at.file}:${taken.origin.at.line}; rename one of them`,
      });
      continue;
    }
    named.push({ name: r.name, placement: { cluster: opts.cluster, environment: opts.environment, team: r.team, behaviour: r.behaviour } });
  }
  if (collisions.length > 0) return { ...empty, findings, skipped, diagnostics: collisions };
  const hostingAfter = hostingOf(project);
  const merged = mergePlacements(groupBy(named, (n) => n.name, (n) => n.placement), hostingAfter);

  // Write the routes into the scratch project, replacing every earlier imported file.
  const removedCandidates = [...importedFiles];
  for (const f of removedCandidates) overlay.set(f, null);
  const writtenFiles: string[] = [];
  for (const route of merged) {
    const rel = `routes/${route.team}/${route.name}.yaml`;
    overlay.set(rel, routeDocumentText(route, landings(route, hostingAfter)));
    writtenFiles.push(rel);
  }

  // Render; a new cluster tries the seed's per-route layout (names kept) and falls back to merged on overlaps.
  let layoutReason: string | undefined;
  const trial = clusterAction !== 'created' || imported.length + 1 <= MAX_OBJECTS_PER_FOLDER;
  let result = trial ? runPipeline({ root: opts.root, write: false, overlay }) : { diagnostics: [] as Diagnostic[], tables: undefined, tree: undefined };
  if (clusterAction === 'created') {
    // One object per route plus the gateway Service: more than a folder may hold is known without a trial render.
    const errors = imported.length + 1 > MAX_OBJECTS_PER_FOLDER
      ? [{ severity: 'error', code: 'too-many-objects' }]
      : result.diagnostics.filter((d) => d.severity === 'error');
    const overlap = errors.filter((d) => d.code === 'per-route-overlap' || d.code === 'virtualservice-name-collision');
    const tooMany = errors.some((d) => d.code === 'too-many-objects');
    if (overlap.length > 0 || tooMany) {
      layoutReason = overlap.length > 0
        ? `merged: ${overlap.length} imported match(es) overlap or share a service, which per-route (one object per service, undefined merge order) refuses; merged orders them most specific first`
        : `merged: ${objects.length} objects, one per route, are more than a folder holds (per-route keeps the original names only for smaller environments); merged packs them into few objects`;
      overlay.set(clusterRel, newClusterText({
        name: opts.cluster, istio: opts.istio!, knative: opts.knative!, clusterDomain: derived.clusterDomain, layout: 'merged',
        layoutReason, publicIngress, environments: [{ name: opts.environment, namespace: derived.namespace }],
      }));
      result = runPipeline({ root: opts.root, write: false, overlay });
    } else {
      layoutReason = 'per-route: no imported routes overlap, so the original object names are kept for a no-op first sync';
      overlay.set(clusterRel, newClusterText({
        name: opts.cluster, istio: opts.istio!, knative: opts.knative!, clusterDomain: derived.clusterDomain, layout: 'per-route',
        layoutReason, publicIngress, environments: [{ name: opts.environment, namespace: derived.namespace }],
      }));
    }
  }
  const base = { findings, objects: objects.length, routes: imported.length, skipped, ...(publicInfo ? { publicIngress: publicInfo } : {}) };
  const renderErrors = result.diagnostics.filter((d) => d.severity === 'error');
  if (renderErrors.length > 0 || !result.tree) return { ...base, written: [], removed: [], ok: false, diagnostics: renderErrors };

  // Proof of equivalence on the local gateway.
  const table = result.tables!.find((t) => t.cluster === opts.cluster && t.environment === opts.environment)!;
  const folder = `${opts.cluster}/${opts.environment}/`;
  const rendered: unknown[] = [];
  for (const [file, text] of result.tree) {
    if (file.startsWith(folder) && file.slice(folder.length).startsWith('virtualservice-')) rendered.push(...loadAll(text));
  }
  const originals = objects.map((o) => o.object);
  const equivalence = proveEquivalence(originals, rendered, { host: table.host, gateway: profile.localGateway });
  const renderedNames = rendered.filter(isVirtualService).map((v) => v.metadata.name).sort(compareText);
  const originalNames = originals.map((v) => v.metadata.name).sort(compareText);
  const names = {
    kept: originalNames.filter((n) => renderedNames.includes(n)),
    renamed: originalNames.filter((n) => !renderedNames.includes(n)),
    rendered: renderedNames,
  };
  const skippedPaths = new Set(skipped);
  const unexplained = equivalence.differences.filter((d) => !skippedPaths.has(d.from.split(' ')[0]));
  const clusterInfo = {
    file: existing?.rel ?? clusterRel,
    action: clusterAction,
    layout: project.clusters.find((c) => c.name === opts.cluster)!.layout,
    ...(layoutReason ? { reason: layoutReason } : {}),
  };
  if (clusterAction === 'created') (clusterInfo as { layout: string }).layout = layoutReason!.split(':')[0];
  if (unexplained.length > 0) {
    return {
      ...base, equivalence, names, cluster: clusterInfo, written: [], removed: [], ok: false,
      diagnostics: unexplained.map((d) => ({
        severity: 'error' as const, code: 'import-not-equivalent',
        message: `${d.path} (from ${d.from}): the original objects reach ${d.original.join(' or ')}, the imported routes ${d.rendered}`,
      })),
    };
  }

  // Publish into the project: only imported route files and the cluster file change.
  const written = [...writtenFiles];
  if (clusterAction !== 'unchanged') written.push(clusterInfo.file);
  const removed = removedCandidates.filter((f) => !writtenFiles.includes(f));
  const changed = written.filter((f) => !sameText(join(opts.root, f), overlay.get(f)!));
  if (!opts.dryRun) {
    for (const f of changed) {
      mkdirSync(dirname(join(opts.root, f)), { recursive: true });
      writeFileSync(join(opts.root, f), overlay.get(f)!);
    }
    for (const f of removed) unlinkSync(join(opts.root, f));
  }
  return { ...base, equivalence, names, cluster: clusterInfo, written: changed.sort(compareText), removed: removed.sort(compareText), ok: true, diagnostics: [] };
}

/** Not a VirtualService, not in kfaas-system, or a duplicate name: bad input, reported with file and document. */
function checkObjects(objects: readonly InputObject[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, InputObject>();
  for (const o of objects) {
    const where = { location: inputLocation(o) };
    if (!isVirtualService(o.object)) {
      const kind = (o.object as { kind?: unknown } | null)?.kind;
      out.push({ severity: 'error', code: 'import-not-virtualservice', ...where, message: `${describeInput(o)}: expected a networking.istio.io VirtualService with metadata.name and spec, got ${kind === undefined ? 'no kind' : `kind ${JSON.stringify(kind)}`}` });
      continue;
    }
    const ns = o.object.metadata.namespace;
    if (ns !== undefined && ns !== KFAAS_NAMESPACE) {
      out.push({ severity: 'error', code: 'import-wrong-namespace', ...where, path: 'metadata.namespace', message: `${describeInput(o)}, ${ns}/${o.object.metadata.name}: expected namespace ${KFAAS_NAMESPACE}, where kfaas keeps every route object` });
      continue;
    }
    const first = seen.get(o.object.metadata.name);
    if (first) {
      out.push({ severity: 'error', code: 'import-duplicate-name', ...where, path: 'metadata.name', message: `${describeInput(o)}: VirtualService ${o.object.metadata.name} is also at ${first.file}:${first.line} (${describeInput(first)}); expected each object once per import` });
      continue;
    }
    seen.set(o.object.metadata.name, o);
  }
  return out;
}

/** The namespace and cluster domain the objects' hosts name (`<ns>-ksvc-gateway.kfaas-system.svc.<domain>`). */
function deriveFromHosts(vss: readonly VirtualService[], env: string): { namespace: string; clusterDomain: string } {
  for (const vs of vss) {
    for (const h of vs.spec.hosts ?? []) {
      const m = /^([a-z0-9-]+)-ksvc-gateway\.kfaas-system\.svc\.(.+)$/.exec(h);
      if (m) return { namespace: m[1], clusterDomain: m[2] };
    }
  }
  return { namespace: defaultEnvironmentNamespace(env), clusterDomain: DEFAULT_CLUSTER_DOMAIN };
}

function existingClusterFile(root: string, cluster: string): { rel: string; text: string; environments: string[] } | undefined {
  const loaded = existsSync(join(root, 'clusters')) ? loadProject(root).project : undefined;
  const found = loaded?.clusters.find((c) => c.name === cluster);
  if (!found) return undefined;
  const rel = found.origin.at.file;
  return { rel, text: readFileSync(join(root, rel), 'utf8'), environments: found.environments.map((e) => e.name) };
}

/** Cluster -> environments it hosts, optionally without one pair (the one this import adds). */
function hostingOf(project: Project, without?: { cluster: string; environment: string }): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of project.clusters) {
    out.set(c.name, c.environments.map((e) => e.name).filter((e) => !(without && without.cluster === c.name && without.environment === e)));
  }
  return out;
}

/** Where a Route lands (environments and clusters defaults as the compiler applies them) and how it behaves there. */
function placementsOf(route: Route, hosting: ReadonlyMap<string, readonly string[]>): Placement[] {
  const out: Placement[] = [];
  for (const [cluster, envs] of hosting) {
    if (route.clusters && !route.clusters.includes(cluster)) continue;
    for (const environment of envs) {
      if (route.environments && !route.environments.includes(environment)) continue;
      const b = behaviourIn(route, environment);
      const behaviour: ImportedBehaviour = {
        service: b.service,
        match: b.match.map(importedMatchOf),
        ...(b.rewriteUri !== undefined ? { rewriteUri: b.rewriteUri } : {}),
        ...(b.timeoutMs !== undefined ? { timeoutMs: b.timeoutMs } : {}),
        ...(b.retries !== undefined ? { retries: {
          attempts: b.retries.attempts,
          ...(b.retries.perTryTimeoutMs !== undefined ? { perTryTimeoutMs: b.retries.perTryTimeoutMs } : {}),
          ...(b.retries.retryOn !== undefined ? { retryOn: [...b.retries.retryOn] } : {}),
        } } : {}),
        ...(b.traffic !== undefined ? { traffic: b.traffic.map((t) => ({ service: t.service, weight: t.weight })) } : {}),
      };
      out.push({ cluster, environment, team: route.team, behaviour });
    }
  }
  return out;
}

/** A model match item in the importer's terms (the same shape `convert.ts` makes from an Istio match). */
function importedMatchOf(m: PathMatch): ImportedMatch {
  const c = m.conditions;
  const headers = c?.headers && c.headers.length > 0
    ? Object.fromEntries(c.headers.map((h): [string, ImportedHeaderTest] => [h.name, 'value' in h.test
      ? ({ [h.test.kind]: h.test.value } as ImportedHeaderTest)
      : h.test.kind === 'present' ? { present: true } : { absent: true }]))
    : undefined;
  const query = c?.query && c.query.length > 0
    ? Object.fromEntries(c.query.map((q): [string, ImportedQueryTest] => [q.name, { [q.test.kind]: q.test.value } as ImportedQueryTest]))
    : undefined;
  return {
    kind: m.kind,
    value: m.value,
    ...(c?.methods && c.methods.length > 0 ? { methods: [...c.methods] } : {}),
    ...(headers ? { headers } : {}),
    ...(query ? { query } : {}),
  };
}

/** Route names made unique within one import (two objects can give the same name): later ones get `-2`, `-3`. */
function uniqueNames(routes: readonly ImportedRoute[]): ImportedRoute[] {
  const count = new Map<string, number>();
  return routes.map((r) => {
    const n = (count.get(r.name) ?? 0) + 1;
    count.set(r.name, n);
    return n === 1 ? r : { ...r, name: `${r.name.slice(0, 60)}-${n}` };
  });
}

function isImportedFile(root: string, rel: string): boolean {
  try {
    return readFileSync(join(root, rel), 'utf8').split('\n', 3).some((l) => l.startsWith(IMPORT_MARK));
  } catch {
    return false;
  }
}

/** `<cluster>/<env>` pairs a merged route lands in (what its `environments` and `clusters` select). */
function landings(route: { environments?: readonly string[]; clusters?: readonly string[] }, hosting: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [cluster, envs] of hosting) {
    if (route.clusters && !route.clusters.includes(cluster)) continue;
    for (const env of envs) if (!route.environments || route.environments.includes(env)) out.push(`${cluster}/${env}`);
  }
  return out.sort(compareText);
}

function sameText(file: string, text: string): boolean {
  try {
    return readFileSync(file, 'utf8') === text;
  } catch {
    return false;
  }
}

function usage(message: string): Diagnostic {
  return { severity: 'error', code: 'import-usage', message };
}
