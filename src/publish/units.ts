/** The file that makes a folder one unit of publishing: kustomize builds the folder as one, so it is swapped whole. */
const UNIT_FILE = 'kustomization.yaml';

/**
 * Which unit each path belongs to, among the units `paths` name (the folders holding a kustomization.yaml): the
 * shortest such folder of the path, or undefined for a path in none. What publishing swaps as one (plan.ts), and what
 * a caller of publishing asks to know which folders it may have touched (cli/synth-run.ts learnPublished).
 */
export function unitFinder(paths: Iterable<string>): (rel: string) => string | undefined {
  const units = new Set<string>();
  for (const p of paths) if (p.endsWith(`/${UNIT_FILE}`)) units.add(p.slice(0, -UNIT_FILE.length - 1));
  return (rel) => {
    for (let at = rel.indexOf('/'); at >= 0; at = rel.indexOf('/', at + 1)) {
      const folder = rel.slice(0, at);
      if (units.has(folder)) return folder;
    }
    return undefined;
  };
}
