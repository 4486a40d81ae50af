import { performance } from 'perf_hooks';

/**
 * Wall time per stage of a run, for `KFAAS_TIMINGS=1` and the benchmark: each `lap` adds the time since the
 * previous one (or since construction) to its stage.
 */
export class StageTimings {
  private readonly stages = new Map<string, number>();
  private last = performance.now();

  /** Adds the time since the previous lap to `stage`. */
  public lap(stage: string): void {
    const now = performance.now();
    this.stages.set(stage, (this.stages.get(stage) ?? 0) + (now - this.last));
    this.last = now;
  }

  /** Milliseconds per stage, rounded, in the order stages first appeared. */
  public get all(): Record<string, number> {
    return Object.fromEntries([...this.stages].map(([stage, ms]) => [stage, Math.round(ms)]));
  }
}

/** `kfaas timings: load 120 ms, compile 800 ms, ...`: the line KFAAS_TIMINGS=1 prints to stderr. */
export function formatTimings(timings: Readonly<Record<string, number>>): string {
  return `kfaas timings: ${Object.entries(timings).map(([stage, ms]) => `${stage} ${ms} ms`).join(', ')}\n`;
}
