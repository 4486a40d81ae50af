import { PlatformTable } from '../compile/platform/platform-table';
import { EnvironmentTable, HttpRouteTable, MatchTable, VirtualServiceTable } from '../compile/route-table';
import { fileNameFor, folderOf, KUSTOMIZATION_FILE, kustomizationText, renderTables } from '../emit/render';
import { PLATFORM_FOLDER } from '../model/defaults';
import { compareText } from '../util/compare';
import { IncrementalCache, keyOf } from './incremental-cache';
import { sha256 } from '../util/sha256';
import { KeptFile, keptIfUnchanged, keptRecorded, renderedKindOf, renderedKinds } from './kept-files';

/** A compiled route table with the key of everything its objects' bytes depend on besides their routes. */
export interface KeyedTable {
  readonly table: EnvironmentTable;
  /**
   * Covers the kfaas build (the cache is per build), the cluster file and the Team files: with the route files of
   * an object's routes, what its rendered bytes depend on (the same inputs a table key covers).
   */
  readonly envelope: string;
  /**
   * VirtualServices of the table that are not in `table` (compiled from the table index: compile-environment.ts
   * compileEnvironmentFromIndex), found in the output folder with the bytes recorded for their object keys: kept as
   * they are. @default none
   */
  readonly keptObjects?: readonly KeptObject[];
}

/** A VirtualService kept from the output folder: its path in the tree, its object key and its file. */
export interface KeptObject {
  readonly path: string;
  readonly key: string;
  readonly file: KeptFile;
}

/** What {@link renderReusingObjects} produced. */
export interface ObjectRender {
  /** Every file of the tables and platform tables, relative path -> text (unsorted), but the kept ones. */
  readonly tree: Map<string, string>;
  /** Files the output folder already holds with the bytes they would render to: not rendered, not read. */
  readonly kept: ReadonlyMap<string, KeptFile>;
  /** SHA-256 of the reused (kept) VirtualService files, by path. */
  readonly knownHashes: ReadonlyMap<string, string>;
  /** SHA-256 of the rendered files it hashed for the cache (VirtualServices, gateway Services, kustomization.yaml files, platform folders), by path. */
  readonly renderedHashes: ReadonlyMap<string, string>;
  /** The object keys of each table's VirtualServices, by folder (`<cluster>/<env>/`). */
  readonly objectKeys: ReadonlyMap<string, readonly string[]>;
}

/**
 * Renders compiled tables, taking each file whose content is unchanged from the output folder instead of rendering
 * it again: an unchanged object is an unchanged file. Output is byte-identical to `renderTables`.
 *
 * A VirtualService is keyed by its table's envelope, its name, its role and, per HTTP route, the content of the
 * route file it comes from, the route, its matches (by field path and method) and a delegate's target: together
 * everything its bytes depend on (an HTTP route entry is built from its Route document, the environment and the
 * cluster only). An environment's gateway Service is keyed by the envelope (its cluster and environment), a kustomization.yaml
 * by the files it lists, a platform folder by its whole table (the PlatformChart is made of it and nothing else). A
 * file is reused only when the output folder holds exactly the bytes (SHA-256) recorded for its key (read only when
 * its stat changed since it was last hashed: kept-files.ts); any other file is rendered. A reused file is kept
 * (neither read nor held: publishing leaves it in place).
 * Tables of `output: gateway-api` clusters are rendered whole.
 */
export function renderReusingObjects(
  tables: readonly KeyedTable[],
  platforms: readonly PlatformTable[],
  opts: {
    readonly cache: IncrementalCache; readonly outDir?: string; readonly fileKey: (path: string) => string;
  },
): ObjectRender {
  const { cache, outDir } = opts;
  const knownHashes = new Map<string, string>();
  const kept = new Map<string, KeptFile>();
  const objectKeys = new Map<string, readonly string[]>();
  const partlyRendered = new Set<string>();
  const withoutGatewayService = new Set<string>();
  const toRender: EnvironmentTable[] = [];
  const renderedKeys = new Map<string, string>();
  /** The file of `path` kept as recorded under object key `key`, when outDir holds those bytes. */
  const keep = (path: string, key: string): boolean => {
    const cached = outDir === undefined ? undefined : cache.object(key);
    const found = cached === undefined ? undefined : keptIfUnchanged(outDir!, path, cached[0], cache.memo, cached[1] === '' ? undefined : cached[1]);
    if (found === undefined) {
      renderedKeys.set(path, key);
      return false;
    }
    kept.set(path, found);
    return true;
  };
  // HTTP route entries, and the layouts made of them, are shared by the tables of one compile (src/compile/entries.ts
  // SharedEntries, table-memo.ts TableMemo) and never change once made: each HTTP route's identity is built once, and
  // the identities of a VirtualService's routes are hashed once, whichever tables hold it.
  const routesDigest = routesDigestOf(opts.fileKey);
  for (const { table, envelope, keptObjects } of tables) {
    const folder = `${folderOf(table.cluster, table.environment)}/`;
    const keys = table.virtualServices.map((vs) => objectKeyOf(envelope, vs, routesDigest));
    objectKeys.set(folder, [...keys, ...(keptObjects ?? []).map((k) => k.key)]);
    for (const { path, file } of keptObjects ?? []) {
      kept.set(path, file);
      knownHashes.set(path, file.hash);
      partlyRendered.add(folder);
    }
    if (table.gatewayApi) {
      toRender.push(table);
      continue;
    }
    const rendered = table.virtualServices.filter((vs, i) => {
      const path = `${folder}${fileNameFor('VirtualService', vs.name)}`;
      if (!keep(path, keys[i])) return true;
      knownHashes.set(path, kept.get(path)!.hash);
      return false;
    });
    // The gateway Service is made of the cluster and environment alone (name, external name, ports): the envelope.
    if (keep(`${folder}${fileNameFor('Service', table.gatewayService.name)}`, keyOf(['service', envelope]))) {
      withoutGatewayService.add(folder.slice(0, -1));
      partlyRendered.add(folder);
    }
    if (rendered.length < table.virtualServices.length) partlyRendered.add(folder);
    toRender.push(rendered.length < table.virtualServices.length ? { ...table, virtualServices: rendered } : table);
  }
  const platformKeys = new Map<string, string>();
  const renderedPlatforms = platforms.filter((table) => {
    const key = keyOf(['platform', JSON.stringify(table, withoutOrigins)]);
    const record = outDir === undefined ? undefined : cache.table(key);
    const files = record && keptRecorded(outDir!, record, cache);
    if (!files) {
      platformKeys.set(`${folderOf(table.cluster, PLATFORM_FOLDER)}/`, key);
      return true;
    }
    for (const [path, file] of files) kept.set(path, file);
    return false;
  });

  const tree = renderTables(toRender, renderedPlatforms, undefined, { withoutGatewayService });
  for (const { table } of tables) {
    if (table.gatewayApi) continue;
    // The kustomization of a folder rendered in part listed only the rendered objects; it lists the same files as
    // before whenever no object appeared or went.
    const folder = `${folderOf(table.cluster, table.environment)}/`;
    const path = `${folder}${KUSTOMIZATION_FILE}`;
    const names = [...(partlyRendered.has(folder) ? [...tree.keys(), ...kept.keys()] : tree.keys())]
      .filter((p) => p.startsWith(folder) && p !== path)
      .map((p) => p.slice(folder.length))
      .sort(compareText);
    if (keep(path, keyOf(['kustomization', ...names]))) tree.delete(path);
    else if (partlyRendered.has(folder)) tree.set(path, kustomizationText(names));
  }
  const renderedHashes = new Map<string, string>();
  for (const [path, key] of renderedKeys) {
    const text = tree.get(path);
    if (text === undefined) continue;
    const hash = sha256(text);
    renderedHashes.set(path, hash);
    cache.setObject(key, [hash, path.endsWith(`/${KUSTOMIZATION_FILE}`) ? '' : renderedKindOf(path, text)]);
  }
  for (const [folder, key] of platformKeys) {
    const own = [...tree].filter(([path]) => path.startsWith(folder)).sort((a, b) => compareText(a[0], b[0]));
    for (const [path, text] of own) renderedHashes.set(path, sha256(text));
    cache.setTable(key, {
      findings: [],
      files: Object.fromEntries(own.map(([path]) => [path, renderedHashes.get(path)!])),
      kinds: Object.fromEntries(renderedKinds(own)),
    });
  }
  return { tree, kept, knownHashes, renderedHashes, objectKeys };
}

/** JSON.stringify replacer: source locations are for diagnostics and explain, no emitted byte depends on them. */
function withoutOrigins(key: string, value: unknown): unknown {
  return key === 'origin' ? undefined : value;
}

/** The key of a VirtualService's rendered bytes (see {@link renderReusingObjects}). */
function objectKeyOf(envelope: string, vs: VirtualServiceTable, routesDigest: (vs: VirtualServiceTable) => string): string {
  return keyOf(['object', envelope, vs.name, vs.role, routesDigest(vs)]);
}

/**
 * The SHA-256 of the identities of a VirtualService's HTTP routes (httpIdentity, in order), by VirtualService object;
 * the part an HTTP route's source location decides (the route file's content key and the document's place in it) is
 * built once per location object. An HTTP route of one match and no delegate (nearly all) has the same identity in
 * every environment of its route (the identity leaves the action out but for a delegate's target), and the entries
 * of a route in its environments share their match's location object: its identity is built once per location and
 * method (for the same name, route, team and route location, compared), not once per environment. Maps, not
 * WeakMaps: they live for one render, whose tables hold their keys anyway, and weak tables of 21,000 entries cost
 * the collector (a fifth of the digests' time at tier L).
 */
export function routesDigestOf(fileKey: (path: string) => string): (vs: VirtualServiceTable) => string {
  const documents = new Map<HttpRouteTable['origin'], string>();
  const byMatch = new Map<MatchTable['origin'], MatchIdentity[]>();
  const digests = new Map<VirtualServiceTable, string>();
  const documentPart = (http: HttpRouteTable): string => {
    let part = documents.get(http.origin);
    if (part === undefined) documents.set(http.origin, (part = documentIdentity(http, fileKey)));
    return part;
  };
  const identity = (http: HttpRouteTable): string => {
    if (http.matches.length !== 1 || http.action.type === 'delegate') return httpIdentity(http, documentPart(http));
    const match = http.matches[0];
    let known = byMatch.get(match.origin);
    if (known === undefined) byMatch.set(match.origin, (known = []));
    for (const k of known) {
      if (k.method === match.method && k.name === http.name && k.route === http.route && k.team === http.team && k.origin === http.origin) return k.id;
    }
    const id = httpIdentity(http, documentPart(http));
    known.push({ method: match.method, name: http.name, route: http.route, team: http.team, origin: http.origin, id });
    return id;
  };
  return (vs) => {
    let digest = digests.get(vs);
    if (digest === undefined) digests.set(vs, (digest = sha256(vs.http.map(identity).join('\u0004'))));
    return digest;
  };
}

/** The identity (httpIdentity) of an HTTP route of one match without a delegate, with everything it was built from but the match's location. */
interface MatchIdentity {
  readonly method: string | undefined;
  readonly name: string;
  readonly route: string;
  readonly team: string;
  readonly origin: HttpRouteTable['origin'];
  readonly id: string;
}

/** What an HTTP route's identity takes from its source location: the route file's content key and the document's place. */
function documentIdentity(http: HttpRouteTable, fileKey: (path: string) => string): string {
  return `${fileKey(http.origin.at.file)}\u0001${http.origin.path}`;
}

/** The location's part, then the entry's name, route, team, matches (by field path and method) and a delegate's target. */
function httpIdentity(http: HttpRouteTable, documentPart: string): string {
  const matches = http.matches.map((m) => `${m.origin.path}\u0002${m.method ?? ''}`).join('\u0003');
  const target = http.action.type === 'delegate' ? `${http.action.name}\u0002${http.action.namespace}` : '';
  return [documentPart, http.name, http.route, http.team, matches, target].join('\u0001');
}
