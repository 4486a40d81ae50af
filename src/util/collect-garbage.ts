import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

let collect: (() => void) | undefined;

/**
 * A full garbage collection, for long batch loops whose every step leaves large garbage (parsed YAML, JSON
 * strings) behind: V8 grows its heap lazily, so without it `kfaas map` of a big project would hold many
 * environments' worth of dead objects at its peak. Node exposes `gc` only behind `--expose-gc`; setting the flag
 * at run time makes a fresh context get it (the approach of Node's own tests, e.g. test/common/gc.js).
 */
export function collectGarbage(): void {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
