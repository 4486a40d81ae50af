import type { HeldFile } from '../load/load-project';

/**
 * The model values of clean input files as loaded by the runs of one process (`kfaas watch`), by content key
 * (file-key.ts fileKeyOf: path and SHA-256): a run takes the very objects the previous run made of an
 * unchanged file instead of decoding its cached documents again, so the compile's memos keyed by those objects (and
 * the objects themselves) carry over. Only the files of the last run are held: {@link nextRun} drops the others, so
 * memory stays at one project's model however many runs there are.
 */
export class HeldDocuments {
  private previous = new Map<string, HeldFile>();
  private current = new Map<string, HeldFile>();

  /** The file of content key `key` as the previous (or this) run loaded it, if held; held on for the next run. */
  public get(key: string): HeldFile | undefined {
    const held = this.current.get(key) ?? this.previous.get(key);
    if (held !== undefined) this.current.set(key, held);
    return held;
  }

  /** Holds what this run loaded of the clean file of content key `key`. */
  public set(key: string, held: HeldFile): void {
    this.current.set(key, held);
  }

  /** Starts the next run: files this run did not load are let go. */
  public nextRun(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  /** How many files are held (tests, the watch benchmark). */
  public get size(): number {
    return new Set([...this.previous.keys(), ...this.current.keys()]).size;
  }
}
