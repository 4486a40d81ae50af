import { KUSTOMIZATION_FILE } from '../emit/render';

/** Folders (route, platform and delivery) and objects of a rendered tree (every file but kustomization.yaml holds one object). */
export function treeCounts(tree: ReadonlyMap<string, string>): { folders: number; objects: number } {
  const folders = new Set<string>();
  let objects = 0;
  for (const path of tree.keys()) {
    folders.add(path.slice(0, path.lastIndexOf('/')));
    if (!path.endsWith('/' + KUSTOMIZATION_FILE)) objects++;
  }
  return { folders: folders.size, objects };
}
