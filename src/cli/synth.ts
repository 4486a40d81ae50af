import { join } from 'path';
import * as synthCache from '../cache/synth-cache';
import { StatMemo } from '../cache/stat-memo';
import type * as Incremental from '../cache/incremental-cache';
import { parseCommandArgs } from './args';
import { CliIo, diagnosticsSummary, EXIT_OK } from './io';
import { projectRootOf } from './project-root';
import { StageTimings } from '../util/stage-timings';
import { runSynth, synthOutDir, withRepoFiles } from './synth-run';

/**
 * `kfaas synth [--root .] [--out dist] [--check] [--no-cache] [--adopt] [--allow-empty]`: every check, then
 * publish (src/publish: atomic per folder, only what this project published before). With `--check`, writes
 * nothing and fails (exit 2) when the folder is not up to date. When inputs, kfaas and the output folder are
 * exactly as the last successful synth left them (src/cache/synth-cache.ts), nothing is loaded or rendered at
 * all; `--no-cache` always runs everything.
 */
export function synthCommand(argv: readonly string[], io: CliIo): number {
  const { values } = parseCommandArgs(
    'synth',
    argv,
    {
      root: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      adopt: { type: 'boolean' },
      'allow-empty': { type: 'boolean' },
    },
    false,
  );
  const root = projectRootOf(io.cwd, values.root as string | undefined);
  const { outDir, shown } = synthOutDir(io.cwd, root, values.out as string | undefined);
  const check = values.check === true;
  const adopt = values.adopt === true;
  const allowEmpty = values['allow-empty'] === true;
  const options = { outDir, adopt, allowEmpty };
  const noCache = values['no-cache'] === true;
  const stages = new StageTimings();
  // Files unchanged by stat since they were last hashed are not read again (src/cache/stat-memo.ts).
  const memo = noCache ? undefined : StatMemo.open(join(root, synthCache.CACHE_DIR));
  const cacheKey = check || noCache ? undefined : synthCache.inputKey(root, options, memo);
  stages.lap('hash');
  // Files written outside outDir (.github/CODEOWNERS) are outputs the cache does not list: their bytes join the
  // settings, so a hand edit or deletion misses and the run restores them.
  const hit = cacheKey === undefined ? undefined : synthCache.lookup(root, outDir, withRepoFiles(root, cacheKey), memo);
  if (hit) {
    memo?.save();
    // The warnings of the last synth, as it printed them (a run that renders prints the same).
    if (hit.warnings.length > 0) io.stderr(hit.warnings.map((w) => `${w}\n`).join('') + diagnosticsSummary(0, hit.warnings.length));
    io.stdout(`${hit.summary} (inputs unchanged since the last synth: nothing rendered)\n`);
    return EXIT_OK;
  }

  // Loaded only on a cache miss: the hit path above stays a hash and a directory listing.
  const { IncrementalCache, toolKeyOf } = require('../cache/incremental-cache') as typeof Incremental;
  stages.lap('modules');
  // Tables whose inputs did not change since they were last rendered into outDir are reused (same bytes).
  // The stat memo is saved with the cache: it also spares reading output files that did not change.
  const cache = memo && IncrementalCache.open(root, toolKeyOf(cacheKey?.files ?? synthCache.toolHashes(undefined, memo)), memo);
  stages.lap('cache');
  return runSynth({ root, outDir, shown, check, adopt, allowEmpty, cache, memo, cacheKey, stages }, io).code;
}
