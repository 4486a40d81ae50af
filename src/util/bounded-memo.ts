/**
 * Entries per generation of the compiler's memos of pure answers (pairs of matches, regex losses): at the bench's tier
 * L (7,000 routes) a synth keeps 376, so projects far larger keep every answer of a run.
 */
export const MEMO_ENTRIES = 20_000;

/**
 * A string-keyed memo of answers that are pure functions of their keys, whose size stays bounded in a process that
 * compiles again and again (`kfaas watch`: every edit brings keys of its own, and a plain Map would keep them all).
 * Two generations: once the current one holds `max` entries, it becomes the previous one and the one before it is
 * let go; an answer found in the previous generation moves to the current one. So it holds at most 2 x max entries,
 * and a run whose keys fit in `max` finds every answer it computed itself. A dropped answer is only computed again.
 */
export class BoundedMemo<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  /** @param max entries per generation (at least 1) */
  public constructor(private readonly max: number) {}

  /** The answer kept for `key`, if any. */
  public get(key: string): V | undefined {
    const found = this.current.get(key);
    if (found !== undefined) return found;
    const older = this.previous.get(key);
    if (older !== undefined) this.set(key, older);
    return older;
  }

  /** Keeps `value` as the answer for `key`. */
  public set(key: string, value: V): void {
    if (this.current.size >= Math.max(1, this.max)) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  /** How many answers are kept (tests). */
  public get size(): number {
    let size = this.current.size;
    for (const key of this.previous.keys()) if (!this.current.has(key)) size++;
    return size;
  }
}
