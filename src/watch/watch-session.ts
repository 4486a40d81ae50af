import { join } from 'path';
import { performance } from 'perf_hooks';
import { IncrementalCache, toolKeyOf } from '../cache/incremental-cache';
import { StatMemo } from '../cache/stat-memo';
import { CACHE_DIR, FileHashes, Fingerprint, inputKey, toolHashes } from '../cache/synth-cache';
import type { PipelineResult } from '../pipeline';
import { StageTimings } from '../util/stage-timings';

/** Where a cycle prints (the command line's CliIo). */
export interface WatchIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** One synth as `kfaas synth` runs it past its no-change record, printing as it does (src/cli/synth-run.ts runSynth). */
export type SynthRunner = (
  run: {
    readonly root: string; readonly outDir: string; readonly shown: string; readonly check: false;
    readonly adopt: boolean; readonly allowEmpty: boolean; readonly cache: IncrementalCache; readonly memo: StatMemo;
    readonly cacheKey: Fingerprint; readonly stages: StageTimings; readonly summarySuffix: () => string; readonly saveLast: true;
  },
  io: WatchIo,
) => { readonly code: number; readonly result: PipelineResult };

/** What a {@link WatchSession} synths, as `kfaas synth` takes it. */
export interface WatchSettings {
  /** Project root (holding clusters/ and routes/). */
  readonly root: string;
  /** Output folder, absolute. */
  readonly outDir: string;
  /** The output folder as the user named it, for messages. @default outDir */
  readonly shown?: string;
  /** As `kfaas synth --adopt`. @default false */
  readonly adopt?: boolean;
  /** As `kfaas synth --allow-empty`. @default false */
  readonly allowEmpty?: boolean;
  /** Stat-memo racy interval in ms (tests shorten it; stat-memo.ts RACY_MS). @default RACY_MS */
  readonly racyMs?: number;
  /** How a synth runs and prints (the command line's runSynth: the watch driver does not depend on src/cli). */
  readonly runSynth: SynthRunner;
}

/** What one cycle did. */
export interface CycleOutcome {
  /**
   * `ran`: the inputs differed from the last cycle's (or it is the first): a synth ran and printed its summary line or
   * diagnostics. `unchanged`: the inputs' content is the last cycle's; nothing ran or was printed.
   */
  readonly kind: 'ran' | 'unchanged';
  /** Exit status the synth would have had (0 published, 2 diagnostics); 0 when unchanged. */
  readonly code: number;
  /** Wall milliseconds of the cycle. */
  readonly ms: number;
  /** The pipeline's result (when it ran). */
  readonly result?: PipelineResult;
}

/**
 * The state `kfaas watch` keeps between synths of one project, and one synth of it ({@link cycle}): the same
 * run as `kfaas synth` (synth-run.ts), with what a new process reads from disk kept in memory instead:
 * - the stat memo and the incremental cache (tables, objects, entry sizes, documents, ownership answers), carried
 *   from run to run as what their save writes (IncrementalCache.nextRun), and still saved each run, so a later
 *   `kfaas synth` starts warm;
 * - the model values of unchanged input files (HeldDocuments): the same objects, so the compile's object-keyed memos
 *   hold for them, and the compiler's route entries made from them (SharedEntries, IncrementalCache.sharedEntries);
 * - the tool key, taken once: the code that runs is the code loaded at the start.
 * Every cycle still takes the stat of every input (synth-cache.ts inputKey, hashing the changed ones): file system
 * events only decide when a cycle runs, never what it sees.
 */
export class WatchSession {
  private readonly memo: StatMemo;
  private readonly tool: FileHashes;
  private cache: IncrementalCache;
  /** The inputs digest (synth-cache.ts Fingerprint.inputs) of the last cycle that ran. */
  private lastInputs?: string;

  public constructor(private readonly settings: WatchSettings) {
    this.memo = StatMemo.open(join(settings.root, CACHE_DIR), settings.racyMs);
    this.tool = toolHashes(undefined, this.memo);
    this.cache = IncrementalCache.open(settings.root, toolKeyOf(this.tool), this.memo);
    this.cache.holdDocuments();
  }

  /**
   * One synth, when the content of the inputs differs from the last cycle's (any file added, removed or changed:
   * by stat, and by SHA-256 for files whose stat changed), printed on `io` as `kfaas synth` prints it, its summary
   * line ending with the cycle's time. `force`: run even when the inputs are unchanged. @default false
   */
  public cycle(io: WatchIo, force = false): CycleOutcome {
    const started = performance.now();
    const { root, outDir, adopt = false, allowEmpty = false } = this.settings;
    const stages = new StageTimings();
    const cacheKey = inputKey(root, { outDir, adopt, allowEmpty }, this.memo, this.tool);
    stages.lap('hash');
    if (!force && cacheKey.usable && cacheKey.inputs === this.lastInputs) {
      this.memo.save();
      this.memo.nextRun();
      return { kind: 'unchanged', code: 0, ms: performance.now() - started };
    }
    let ran: ReturnType<SynthRunner>;
    try {
      ran = this.settings.runSynth({
        root, outDir, shown: this.settings.shown ?? outDir, check: false, adopt, allowEmpty,
        cache: this.cache, memo: this.memo, cacheKey, stages,
        summarySuffix: () => ` in ${Math.round(performance.now() - started)} ms`,
        // the cache is for a later process (this one keeps it in memory): written once the summary line is out
        saveLast: true,
      }, io);
    } catch (e) {
      // A run that failed (a publish lock held too long, an unwritable folder): the next one starts afresh, its stat
      // memo forgetting what this one saw (a file it hashed may have changed since), and runs whatever the inputs.
      this.cache = this.cache.nextRun({ keepUnused: true });
      this.lastInputs = undefined;
      throw e;
    }
    const { code, result } = ran;
    // As saved: a run that stopped early keeps what it did not use.
    this.cache = this.cache.nextRun({ keepUnused: result.tree === undefined });
    this.lastInputs = cacheKey.usable ? cacheKey.inputs : undefined;
    return { kind: 'ran', code, ms: performance.now() - started, result };
  }
}
