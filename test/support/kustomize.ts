import { spawnSync, SpawnSyncReturns } from 'child_process';

/**
 * `kubectl kustomize <folder>`: builds a folder the way Argo CD and Flux do. kubectl is part of the machine image
 * (Debian: `apt-get install kubernetes-client`, or Google's `kubectl` package); `.ci/run` installs it when
 * missing. A machine without it fails the tests that need it, with this hint, rather than skipping them.
 */
export function kustomizeBuild(folder: string): SpawnSyncReturns<string> {
  const r = spawnSync('kubectl', ['kustomize', folder], { encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('kubectl is not installed: apt-get update && apt-get install -y kubernetes-client (.ci/run installs it)');
  }
  return r;
}
