import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { RunFigures } from './timed';

/** The cluster file the scenarios edit: cn-bj-prod, Istio 1.22.6 (generate.ts), 3 environments. */
const EDITED_CLUSTER = 'clusters/cn-bj-prod.yaml';

/** Cluster-file edits of the tier-L bench (bench-incremental.ts), each a real change of the file. */
const CLUSTER_EDITS = {
  /** Istio 1.22.6 <-> 1.22.7: the same version profile, every output byte the same. */
  patchBump: (text: string): string => (text.includes('"1.22.6"') ? text.replace('"1.22.6"', '"1.22.7"') : text.replace('"1.22.7"', '"1.22.6"')),
  /** A comment line at the top, added or removed: every line of the file moves. */
  comment: (text: string): string => (text.startsWith('# bench\n') ? text.slice('# bench\n'.length) : `# bench\n${text}`),
  /** Environment beta dropped (its folder goes; alpha and prod stay as they are). */
  dropEnvironment: (text: string): string => text.replace('    - name: beta\n', ''),
  /** Environment beta added back (one table compiled and rendered). */
  addEnvironment: (text: string): string => text.replace('    - name: alpha\n', '    - name: alpha\n    - name: beta\n'),
} as const;

export type ClusterEdit = keyof typeof CLUSTER_EDITS;

/** Applies `edit` to the project's edited cluster file; throws when it changes nothing. */
function editCluster(root: string, edit: ClusterEdit): void {
  const path = join(root, EDITED_CLUSTER);
  const text = readFileSync(path, 'utf8');
  const edited = CLUSTER_EDITS[edit](text);
  if (edited === text) throw new Error(`${EDITED_CLUSTER}: ${edit} changed nothing`);
  writeFileSync(path, edited);
}

/**
 * Runs each cluster edit `runs` times (each followed by `synth`, whose figures are kept), alternating the edits so a
 * burst of load on the machine spreads over all of them; the environment is dropped and added back in each round.
 */
export function clusterEditRuns<T extends RunFigures>(root: string, runs: number, synth: () => T): Record<ClusterEdit, T[]> {
  const figures: Record<ClusterEdit, T[]> = { patchBump: [], comment: [], dropEnvironment: [], addEnvironment: [] };
  for (let i = 0; i < runs; i++) {
    for (const edit of ['patchBump', 'comment', 'dropEnvironment', 'addEnvironment'] as const) {
      editCluster(root, edit);
      figures[edit].push(synth());
    }
  }
  return figures;
}
