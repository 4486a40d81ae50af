import { KUSTOMIZATION_FILE } from '../emit/render';

/**
 * Folders (route, platform and delivery) and objects of a rendered tree and its files kept as they were in the output
 * folder (every file but kustomization.yaml holds one object).
 */
export function treeCounts(tree: ReadonlyMap<string, string>, kept: ReadonlyMap<string, unknown> = new Map()): { folders: number; objects: number } {
  const folders = new Set<string>();
  let objects = 0;
  for (const path of [...tree.keys(), ...kept.keys()]) {
    folders.add(path.slice(0, path.lastIndexOf('/')));
    if (!path.endsWith('/' + KUSTOMIZATION_FILE)) objects++;
  }
  return { folders: folders.size, objects };
}
