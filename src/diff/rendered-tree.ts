import { loadAll } from 'js-yaml';
import { compareText as compare } from '../util/compare';
import { PLATFORM_FOLDER } from '../model/defaults';
import { isMapping } from './fields';
import { groupBy } from '../util/group-by';

/**
 * A rendered tree (relative path -> YAML text, as `renderTables` returns it and as `dist/` holds it) read back
 * as Kubernetes objects, grouped by folder (`<cluster>/<environment>`). Any kind is accepted; only documents
 * with `kind` and `metadata.name` are objects (`kustomization.yaml` is derived from the folder's files and is
 * not one).
 */

/** One Kubernetes object of a rendered tree. */
export interface RenderedObject {
  /** Identity that survives an apiVersion change: `<group>/<Kind> <namespace>/<name>`. */
  readonly key: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** @default '' (cluster-scoped or unset) */
  readonly namespace: string;
  readonly name: string;
  /** Path of the file, relative to the tree root. */
  readonly file: string;
  /** The parsed document (never mutated: shared between trees through `YamlCache`). */
  readonly object: Readonly<Record<string, unknown>>;
}

/** A `<cluster>/<environment>` folder (or a shallower one, for files that are not in such a folder). */
export interface RenderedFolder {
  /** `cluster/environment`, `cluster/platform`, `_argocd` (delivery), `cluster` or `` for files at the top. */
  readonly folder: string;
  /** Absent for folders that are not a cluster's (delivery objects, files at the top). */
  readonly cluster?: string;
  /** Absent for the cluster-level `platform` folder. */
  readonly environment?: string;
  /** By `RenderedObject.key`, sorted. */
  readonly objects: ReadonlyMap<string, RenderedObject>;
}

/**
 * Parsed YAML by text: a file whose text is the same in both trees is parsed once and both sides share the
 * objects, so unchanged files cost one parse and compare by reference.
 */
export class YamlCache {
  private readonly parsed = new Map<string, readonly unknown[]>();

  /** Records what `text` parses to, when the caller already has it (the render's own objects). */
  public seed(text: string, docs: readonly unknown[]): void {
    this.parsed.set(text, docs);
  }

  public parse(text: string): readonly unknown[] {
    let docs = this.parsed.get(text);
    if (!docs) {
      docs = loadAll(text) as unknown[];
      this.parsed.set(text, docs);
    }
    return docs;
  }
}

/** The folder a tree path belongs to: its first two segments when it is deeper than that. */
function folderOfPath(path: string): string {
  const parts = path.split('/');
  return parts.slice(0, Math.min(2, parts.length - 1)).join('/');
}

/** Reads every object of `tree`. Throws (a bug or a hand-edited tree) when a file is not valid YAML. */
export function readRenderedTree(tree: ReadonlyMap<string, string>, cache: YamlCache = new YamlCache()): Map<string, RenderedFolder> {
  const objects: RenderedObject[] = [];
  for (const [file, text] of tree) {
    // Dot files are the publisher's bookkeeping (ownership records `.kfaas-published`), not deployed manifests.
    if (file.slice(file.lastIndexOf('/') + 1).startsWith('.')) continue;
    const folder = folderOfPath(file);
    if (!/\.ya?ml$/.test(file)) {
      // Not a manifest (a JSON table, a properties file): compared as a whole file.
      const name = file.slice(folder === '' ? 0 : folder.length + 1);
      const obj: RenderedObject = { key: `/File /${name}`, apiVersion: '', kind: 'File', namespace: '', name, file, object: { content: text } };
      objects.push(obj);
      continue;
    }
    let docs: readonly unknown[];
    try {
      docs = cache.parse(text);
    } catch (e) {
      throw new Error(`${file}: not valid YAML: ${(e as Error).message}`);
    }
    for (const doc of docs) {
      const obj = toObject(file, doc);
      if (obj) objects.push(obj);
    }
  }
  const byFolder = groupBy(objects, (o) => folderOfPath(o.file));
  const out = new Map<string, RenderedFolder>();
  for (const folder of [...byFolder.keys()].sort(compare)) {
    const objects = byFolder.get(folder)!.sort((a, b) => compare(a.key, b.key));
    const [first, second] = folder === '' ? [] : folder.split('/');
    // A cluster folder is a DNS label; `_argocd`, `_flux-<cluster>` hold delivery objects, not a cluster.
    const cluster = first !== undefined && /^[a-z0-9]/.test(first) ? first : undefined;
    const environment = cluster === undefined || second === PLATFORM_FOLDER ? undefined : second;
    out.set(folder, { folder, cluster, environment, objects: new Map(objects.map((o) => [o.key, o])) });
  }
  return out;
}

function toObject(file: string, doc: unknown): RenderedObject | undefined {
  if (!isMapping(doc) || typeof doc.kind !== 'string' || !isMapping(doc.metadata)) return undefined;
  const name = doc.metadata.name;
  if (typeof name !== 'string') return undefined;
  const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : '';
  const namespace = typeof doc.metadata.namespace === 'string' ? doc.metadata.namespace : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  return { key: `${group}/${doc.kind} ${namespace}/${name}`, apiVersion, kind: doc.kind, namespace, name, file, object: doc };
}
