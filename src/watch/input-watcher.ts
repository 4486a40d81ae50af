import { FSWatcher, readdirSync, realpathSync, statSync, watch } from 'fs';
import { join } from 'path';

/** Options of {@link InputWatcher}. */
export interface InputWatcherOptions {
  /** Project root. */
  readonly root: string;
  /** The folders under the root whose files are inputs (synth-cache.ts INPUT_AREAS): watched with their subfolders. */
  readonly areas: readonly string[];
  /** Told when the inputs may have changed, once a burst of events has been quiet for `debounceMs`. */
  readonly onChange: () => void;
  /**
   * How long events must stop before onChange runs (editors write a temporary file, then rename it, within a few
   * milliseconds; webpack's watch waits 20 ms, tsc's 250 ms). @default DEBOUNCE_MS
   */
  readonly debounceMs?: number;
  /**
   * Poll every this many milliseconds instead of watching (`--poll`); also the interval watching falls back to when the
   * file system cannot be watched. @default - watch; 1000 when falling back
   */
  readonly pollMs?: number;
  /** Told once when watching failed and polling took over (the message names the cause and the interval). */
  readonly onFallback?: (message: string) => void;
  /** Seam for tests: how one folder (not its subfolders) is watched. @default fs.watch */
  readonly watchFolder?: (path: string, listener: (event: string, name: string | null) => void) => FSWatcher;
}

/** How long events must stop before a cycle, in milliseconds (`--debounce`). */
const DEBOUNCE_MS = 50;

/** The interval polling falls back to, in milliseconds. */
export const FALLBACK_POLL_MS = 1000;

/**
 * Wakes `kfaas watch` when its inputs may have changed: fs.watch on every folder under the input folders (inotify on
 * Linux: one watch per folder, following symlinked folders as the hash stage does), plus the project root itself for an
 * input folder that appears or goes. Not fs.watch's `recursive`: Node 20 implements it on Linux with a watch per file,
 * which stops seeing a file once an editor (or `sed -i`) replaces it by renaming a new one over it. Events only wake:
 * what changed is found by the cycle itself (by stat and content), so a lost or spurious event costs time, never
 * correctness. Events about dot files (editor swap files, VCS files: never loaded) are ignored. Where the file system
 * cannot be watched (ENOSPC: the inotify watch limit, a file system without events), it polls instead, and says so once.
 */
export class InputWatcher {
  private readonly watchers: FSWatcher[] = [];
  private timer?: NodeJS.Timeout;
  private poller?: NodeJS.Timeout;
  private stopped = false;
  /** An entry of a watched folder was added, removed or renamed since the folders were last listed. */
  private folders = false;

  public constructor(private readonly options: InputWatcherOptions) {}

  /** Starts watching (or polling). */
  public start(): void {
    if (this.options.pollMs !== undefined) {
      this.poll(this.options.pollMs);
      return;
    }
    try {
      this.watchAll();
    } catch (e) {
      this.fallBack(e);
    }
  }

  /** Stops every watcher and timer; nothing is told after this. */
  public stop(): void {
    this.stopped = true;
    this.closeWatchers();
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
  }

  private watchAll(): void {
    const { root, areas } = this.options;
    const watchFolder = this.options.watchFolder ?? ((path, listener) => watch(path, { persistent: true }, listener));
    // The root, for input folders created, removed or renamed (nothing else directly under it is an input).
    this.add(watchFolder(root, (_event, name) => {
      if (name !== null && areas.includes(name)) this.rewatch(true);
    }));
    const seen = new Set<string>();
    const walk = (dir: string): void => {
      let real: string;
      try {
        real = realpathSync(dir);
        if (seen.has(real) || !statSync(real).isDirectory()) return;
      } catch {
        return; // gone, or a broken link: the cycle reports what it finds
      }
      seen.add(real);
      this.add(watchFolder(real, (event, name) => {
        if (name !== null && name.startsWith('.')) return;
        if (event === 'rename') this.folders = true; // perhaps a folder came or went: watch again before the next cycle
        this.changed();
      }));
      let entries;
      try {
        entries = readdirSync(real, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) if (!e.name.startsWith('.') && (e.isDirectory() || e.isSymbolicLink())) walk(join(real, e.name));
    };
    for (const area of areas) walk(join(root, area));
  }

  private add(watcher: FSWatcher): void {
    this.watchers.push(watcher);
    watcher.on('error', (e) => this.fallBack(e));
  }

  /** The input folders may have changed: watch what is there now (and look, with `look`). */
  private rewatch(look: boolean): void {
    if (this.stopped || this.poller) return;
    this.folders = false;
    this.closeWatchers();
    try {
      this.watchAll();
    } catch (e) {
      this.fallBack(e);
      return;
    }
    if (look) this.changed();
  }

  private changed(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.folders) this.rewatch(false);
      if (!this.stopped) this.options.onChange();
    }, this.options.debounceMs ?? DEBOUNCE_MS);
  }

  private fallBack(e: unknown): void {
    if (this.stopped || this.poller) return;
    this.closeWatchers();
    const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    const hint = code === 'ENOSPC' ? ': the inotify watch limit (fs.inotify.max_user_watches) is reached' : '';
    this.options.onFallback?.(`cannot watch ${this.options.root} for changes (${code}${hint}); polling every ${FALLBACK_POLL_MS} ms instead`);
    this.poll(FALLBACK_POLL_MS);
    this.changed(); // anything may have changed while the watchers failed
  }

  private poll(ms: number): void {
    this.poller = setInterval(() => {
      if (!this.stopped) this.options.onChange();
    }, ms);
  }

  private closeWatchers(): void {
    for (const w of this.watchers.splice(0)) {
      try {
        w.close();
      } catch {
        // closing a failed watcher
      }
    }
  }
}
