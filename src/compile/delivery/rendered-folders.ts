import { PLATFORM_FOLDER } from '../../model/defaults';
import { compareText as compare } from '../../util/compare';

/** What an object in a rendered file is, as far as delivery cares: its API group, kind and namespace. */
export interface RenderedObjectKind {
  /** API group; '' for the core group (`v1`). */
  readonly group: string;
  readonly kind: string;
  /** `metadata.namespace`; absent for cluster-scoped objects (Namespace). */
  readonly namespace?: string;
}

/** One kustomize root kfaas rendered: `dist/<cluster>/<environment>` or `dist/<cluster>/platform`. */
export interface RenderedFolder {
  readonly cluster: string;
  /** The environment name, or PLATFORM_FOLDER. */
  readonly folder: string;
  readonly platform: boolean;
  /** Size in bytes of the largest object file (decides server-side apply). */
  readonly largestObjectBytes: number;
  /** The distinct kinds of its objects, sorted by group, kind, namespace. */
  readonly objects: readonly RenderedObjectKind[];
}

/** Top-level folders of the rendered tree that are not cluster folders start with this (never in a DNS label). */
export const NON_CLUSTER_PREFIX = '_';

const KUSTOMIZATION_FILE = 'kustomization.yaml';

/**
 * The route and platform folders of a rendered tree (relative path → YAML text), sorted by cluster then folder.
 * A folder counts only when it is a kustomize root (has `kustomization.yaml`): that is what Argo CD and Flux
 * build. Delivery folders (`_argocd`, `_flux-*`) are not route output and are skipped.
 *
 * Reads each object's `apiVersion`, `kind` and `metadata.namespace` from the rendered text itself (kfaas's
 * serializer writes them as top-level `key: value` lines and metadata keys indented by two spaces), so the
 * AppProject allows exactly what was rendered, including objects other emitters add later.
 */
export function renderedFolders(tree: ReadonlyMap<string, string>, kept: ReadonlyMap<string, KeptObject> = new Map()): RenderedFolder[] {
  const byFolder = new Map<string, { largest: number; kinds: Map<string, RenderedObjectKind> }>();
  const roots = new Set<string>();
  const add = (path: string, bytes: () => number, kind: () => RenderedObjectKind): void => {
    const parts = path.split('/');
    if (parts.length !== 3 || parts[0].startsWith(NON_CLUSTER_PREFIX)) return;
    const key = `${parts[0]}/${parts[1]}`;
    if (parts[2] === KUSTOMIZATION_FILE) {
      roots.add(key);
      return;
    }
    const entry = byFolder.get(key) ?? { largest: 0, kinds: new Map() };
    byFolder.set(key, entry);
    entry.largest = Math.max(entry.largest, bytes());
    const k = kind();
    entry.kinds.set(kindKeyOf(k), k);
  };
  for (const [path, text] of tree) add(path, () => Buffer.byteLength(text, 'utf8'), () => objectKindOf(text, path));
  for (const [path, file] of kept) {
    add(path, () => file.size, () => {
      if (file.kind === undefined) throw new Error(`${path}: kept object without its kind`);
      return kindOfKey(file.kind);
    });
  }
  const folders: RenderedFolder[] = [];
  for (const key of [...roots].sort(compare)) {
    const [cluster, folder] = key.split('/');
    const entry = byFolder.get(key);
    folders.push({
      cluster,
      folder,
      platform: folder === PLATFORM_FOLDER,
      largestObjectBytes: entry?.largest ?? 0,
      objects: [...(entry?.kinds.entries() ?? [])].sort(([a], [b]) => compare(a, b)).map(([, k]) => k),
    });
  }
  return folders;
}

/**
 * A file of the rendered tree whose text was not read (src/cache: the output folder already holds its bytes): its
 * size and {@link kindKeyOf} its object (absent for kustomization.yaml).
 */
export interface KeptObject {
  readonly size: number;
  readonly kind?: string;
}

/** `group/kind/namespace`: an object kind as one string (no part holds a slash), for keys and caches. */
export function kindKeyOf(kind: RenderedObjectKind): string {
  return `${kind.group}/${kind.kind}/${kind.namespace ?? ''}`;
}

/** The kind {@link kindKeyOf} gave `key`. */
function kindOfKey(key: string): RenderedObjectKind {
  const [group, kind, namespace] = key.split('/');
  return { group, kind, ...(namespace ? { namespace } : {}) };
}

/** apiVersion, kind and metadata.namespace of one rendered object file. */
export function objectKindOf(text: string, path: string): RenderedObjectKind {
  const apiVersion = /^apiVersion: ['"]?([^'"\s]+)['"]?$/m.exec(text)?.[1];
  const kind = /^kind: ['"]?([^'"\s]+)['"]?$/m.exec(text)?.[1];
  if (apiVersion === undefined || kind === undefined) throw new Error(`${path}: rendered object without apiVersion or kind`);
  const metadata = /^metadata:\n((?: {2}.*\n?)*)/m.exec(text)?.[1] ?? '';
  const namespace = /^ {2}namespace: ['"]?([^'"\s]+)['"]?$/m.exec(metadata)?.[1];
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return { group, kind, ...(namespace !== undefined ? { namespace } : {}) };
}
