import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

let collect: (() => void) | undefined;

/**
 * A full garbage collection when the JavaScript heap holds more than `heapBytes` (live objects and garbage not
 * yet collected), for long batch loops whose every step leaves garbage behind: V8 grows its heap lazily, so
 * without it `kfaas map` of a big project could hold many environments' worth of dead objects at its peak. A
 * full collection costs in proportion to what is still alive (a few hundred milliseconds for a big project's
 * compiled tables), so it runs only when the heap is that full, not after every step. Node exposes `gc` only behind
 * `--expose-gc`; setting the flag at run time makes a fresh context get it (the approach of Node's own tests,
 * e.g. test/common/gc.js).
 *
 * @returns whether it collected
 */
export function collectGarbageAbove(heapBytes: number): boolean {
  if (process.memoryUsage().heapUsed <= heapBytes) return false;
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  return true;
}
