import { Dirent, readdirSync, readFileSync, realpathSync, Stats, statSync } from 'fs';
import { join, sep } from 'path';
import { Diagnostic, SourceLocation } from '../diagnostics/diagnostic';
import { MAX_INPUT_FILE_BYTES } from '../model/defaults';
import { compareText } from '../util/compare';
import { sha256 } from '../util/sha256';

/** The two input folders of a project. */
export type Area = 'clusters' | 'routes';

/** An input file that was read successfully. */
export interface SourceFile {
  /** Relative to the project root, with forward slashes, e.g. `routes/shop/cart.yaml`. */
  readonly path: string;
  readonly area: Area;
  /** The team folder for files under routes/, e.g. `shop`. */
  readonly team?: string;
  readonly text: string;
  /**
   * SHA-256 (hex) of the file's bytes, when it was read with {@link InputReuse} (then it identifies the content; the
   * text is what those bytes decode to). @default - not known
   */
  readonly hash?: string;
}

/**
 * What lets readTree skip reading input files whose content it already knows (src/cache provides it; the loader
 * imports nothing of src/cache): the SHA-256 of a file by its stat, and what is kept of a file by path and SHA-256.
 * `T`: what the caller makes of a kept file (the loader: its documents), handed back in Tree.taken.
 */
export interface InputReuse<T = unknown> {
  /**
   * SHA-256 of the file at real path `abs` when `stat` (just taken) shows it unchanged since it was hashed (a write,
   * rename over, chmod or touch changes its ctime); undefined when unknown.
   */
  known(abs: string, stat: Stats): string | undefined;
  /**
   * SHA-256 and size of the file at real path `abs` when this run hashed it already (synth's input key): taken as
   * it was then, without a stat. @default - none
   */
  seen?(abs: string): { readonly hash: string; readonly size: number } | undefined;
  /**
   * The bytes of the file at real path `abs` when this run read them already (synth's input key, for a file it had to
   * read), handed over once: the bytes whose SHA-256 {@link seen} gives. @default - none
   */
  bytes?(abs: string): Buffer | undefined;
  /**
   * The entries of the real folder `abs`, sorted by name (compareText), and the path of each (`abs`, a separator, its
   * name), as this run listed them already (synth's input key walks the same folders first): taken as they were then,
   * without listing the folder again; the very path strings are then given to {@link seen}. @default - none
   */
  listing?(abs: string): { readonly entries: readonly Dirent[]; readonly paths: readonly string[] } | undefined;
  /** Tells that the file at real path `abs`, of that stat taken before reading it, has SHA-256 `hash`. */
  remember(abs: string, stat: Stats, hash: string): void;
  /**
   * What is kept of `file` (path and hash given; its text is not read yet) from an earlier run, if anything: its
   * text, and the caller's own value for it (Tree.taken), made at once, while the kept entry is fresh. The text may be
   * given as a function that makes it: called once, when `file.text` is first read (nearly never: only a diagnostic
   * pointing into the file reads it), so a kept file's text is not decoded on every run.
   */
  take(file: SourceFile & { readonly hash: string }): { readonly text: KeptText; readonly value: T } | undefined;
}

/** A kept file's text, or what makes it on first read (see InputReuse.take). */
export type KeptText = string | (() => string);

export interface Tree<T = unknown> {
  /** Readable input files, sorted by path. */
  readonly files: readonly SourceFile[];
  /** For the files InputReuse.take kept (not read), the value it made of each. */
  readonly taken: ReadonlyMap<SourceFile, T>;
  /** Required folders that are missing (reported already). */
  readonly missing: ReadonlySet<Area>;
  /** Problems with the files themselves (size, symlinks, placement, encoding). */
  readonly diagnostics: readonly Diagnostic[];
}

const YAML_FILE = /\.ya?ml$/i;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Start of a file, for problems with the file as a whole. */
function fileStart(file: string): SourceLocation {
  return { file, line: 1, col: 1 };
}

/**
 * Finds and reads every `.yaml`/`.yml` file under `clusters/` and `routes/<team>/`, in a stable order.
 * Never follows a symlink out of its folder, never reads a file over MAX_INPUT_FILE_BYTES, skips dot files.
 * With `reuse`, each file's SHA-256 is known (SourceFile.hash), and a file whose stat shows it unchanged since it was
 * hashed, and whose text `reuse` keeps, is not read at all.
 */
export function readTree<T>(root: string, reuse?: InputReuse<T>): Tree<T> {
  const files: SourceFile[] = [];
  const taken = new Map<SourceFile, T>();
  const diagnostics: Diagnostic[] = [];
  const error = (code: string, file: string | undefined, message: string): void => {
    diagnostics.push({ severity: 'error', code, location: file === undefined ? undefined : fileStart(file), message });
  };
  const missing = new Set<Area>();
  for (const area of ['clusters', 'routes'] as const) {
    const dir = join(root, area);
    let real: string;
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a folder');
      real = realpathSync(dir);
    } catch {
      if (area === 'clusters') {
        missing.add(area);
        error('no-clusters', undefined, 'expected a clusters/ folder with one or more Cluster documents (clusters/<name>.yaml)');
      }
      continue; // no routes/ folder simply means no routes
    }
    // Walked by real paths (what the stat memo is keyed by, as synth-cache.ts hashes them); shown by relative ones.
    new AreaWalker(area, real, files, taken, error, reuse).walk(real, [area]);
  }
  return { files, taken, missing, diagnostics };
}

type Report = (code: string, file: string | undefined, message: string) => void;

class AreaWalker<T> {
  private readonly visited = new Set<string>();

  public constructor(
    private readonly area: Area,
    private readonly realRoot: string,
    private readonly files: SourceFile[],
    private readonly taken: Map<SourceFile, T>,
    private readonly error: Report,
    private readonly reuse: InputReuse<T> | undefined,
  ) {
    this.visited.add(realRoot);
  }

  public walk(dir: string, segments: readonly string[]): void {
    const listed = this.reuse?.listing?.(dir);
    let entries = listed?.entries;
    if (entries === undefined) {
      try {
        entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name));
      } catch (e) {
        this.error('unreadable-file', segments.join('/'), `cannot read this folder (${errorCode(e)})`);
        return;
      }
    }
    // `dir` is a real path (no trailing separator but at the file system's root): its entries' paths by concatenation
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    const relDir = segments.join('/');
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (entry.name.startsWith('.')) continue; // editor and VCS files
      this.visit(listed?.paths[i] ?? prefix + entry.name, segments, `${relDir}/${entry.name}`, entry);
    }
  }

  /**
   * `abs`: the entry's path under a real folder (a real path itself unless the entry is a symlink); `parent`: the
   * segments of its folder; `rel`: its path relative to the project root.
   */
  private visit(abs: string, parent: readonly string[], rel: string, entry: Dirent): void {
    const isYaml = YAML_FILE.test(entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    let real = abs;
    if (entry.isSymbolicLink()) {
      try {
        real = realpathSync(abs);
      } catch {
        if (isYaml) this.error('broken-symlink', rel, 'this symlink points to nothing; expected a readable file');
        return;
      }
      const stat = statSync(real);
      isDir = stat.isDirectory();
      isFile = stat.isFile();
      if (!isInside(real, this.realRoot)) {
        if (isDir || isYaml) {
          this.error(
            'symlink-escape',
            rel,
            `this symlink leads outside ${this.area}/; expected files that live inside ${this.area}/ (copy the file instead)`,
          );
        }
        return;
      }
    }
    if (isDir) {
      if (this.visited.has(real)) return; // a symlink loop or a second way into the same folder
      this.visited.add(real);
      this.walk(real, [...parent, entry.name]);
      return;
    }
    if (!isFile || !isYaml) return;
    if (!this.placedWell(rel, parent, entry.name)) return;
    this.read(real, rel, parent);
  }

  /** clusters/<file> and routes/<team>/<file> only (`parent`: the segments of the file's folder). */
  private placedWell(rel: string, parent: readonly string[], name: string): boolean {
    const segments = parent.length + 1;
    if (this.area === 'clusters') {
      if (segments === 2) return true;
      this.error('misplaced-file', rel, `cluster files must sit directly in clusters/; move it to clusters/${name}`);
      return false;
    }
    if (segments === 2) {
      this.error(
        'misplaced-file',
        rel,
        `route files belong in a team folder, routes/<team>/ (the folder names the owning team); move it to routes/<team>/${name}`,
      );
      return false;
    }
    if (segments > 3) {
      this.error(
        'misplaced-file',
        rel,
        `route files must sit directly in a team folder, routes/<team>/, not deeper; move it to routes/${parent[1]}/${name}`,
      );
      return false;
    }
    if (!DNS_LABEL.test(parent[1]) || parent[1].length > 63) {
      this.error(
        'invalid-team-folder',
        rel,
        `expected a team folder named with a DNS-1123 label (lowercase letters, digits, '-', at most 63 chars), got "${parent[1]}"`,
      );
      return false;
    }
    return true;
  }

  /** Adds a file known by its SHA-256, unread, when its text is kept with its documents (by path and content). */
  private take(known: Unread): boolean {
    const kept = this.reuse!.take(known);
    if (kept === undefined) return false;
    known.setText(kept.text);
    this.files.push(known);
    this.taken.set(known, kept.value);
    return true;
  }

  /** `parent`: the segments of the file's folder (`routes/<team>` or `clusters`). */
  private read(abs: string, rel: string, parent: readonly string[]): void {
    let bytes: Buffer;
    let stat: Stats;
    const team = this.area === 'routes' ? parent[1] : undefined;
    const early = this.reuse?.seen?.(abs);
    if (early !== undefined && early.size <= MAX_INPUT_FILE_BYTES) {
      const taken = this.take(unread(rel, this.area, team, early.hash));
      // read by the input key: the bytes it hashed (it remembered their stat), let go of even when the file is taken
      const read = this.reuse?.bytes?.(abs);
      if (taken) return;
      if (read !== undefined) return this.decoded(read, rel, team, early.hash);
    }
    try {
      stat = statSync(abs);
      if (stat.size > MAX_INPUT_FILE_BYTES) {
        this.error(
          'file-too-large',
          rel,
          `expected an input file of at most ${MAX_INPUT_FILE_BYTES} bytes (1 MiB), got ${stat.size} bytes; split it into smaller files`,
        );
        return;
      }
      const hash = this.reuse?.known(abs, stat);
      if (hash !== undefined && this.take(unread(rel, this.area, team, hash))) return;
      bytes = readFileSync(abs);
    } catch (e) {
      this.error('unreadable-file', rel, `cannot read this file (${errorCode(e)})`);
      return;
    }
    if (!this.reuse) {
      this.decoded(bytes, rel, team);
      return;
    }
    const hash = sha256(bytes);
    this.reuse.remember(abs, stat, hash);
    this.decoded(bytes, rel, team, hash);
  }

  /** Adds the file of these bytes (of SHA-256 `hash`, when known) as UTF-8 text, or reports that it is not. */
  private decoded(bytes: Buffer, rel: string, team: string | undefined, hash?: string): void {
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      this.error('not-utf8', rel, 'expected UTF-8 text, got bytes that are not valid UTF-8');
      return;
    }
    if (hash === undefined) {
      this.files.push(team === undefined ? { path: rel, area: this.area, text } : { path: rel, area: this.area, team, text });
      return;
    }
    const file = unread(rel, this.area, team, hash);
    file.setText(text);
    this.files.push(file);
  }
}

/**
 * An input file known by its SHA-256, its text set once read (or kept: see InputReuse.take). `text` is an accessor of
 * the class, so a kept text is made only when read; a copy of the file (`{ ...file }`) must set `text` itself, as
 * loadFile does.
 */
class Unread implements SourceFile {
  public declare readonly team?: string;
  #text: KeptText = '';

  public constructor(public readonly path: string, public readonly area: Area, team: string | undefined, public readonly hash: string) {
    if (team !== undefined) (this as { team?: string }).team = team;
  }

  public get text(): string {
    const text = this.#text;
    return typeof text === 'string' ? text : (this.#text = text());
  }

  /** Sets the text, read or kept (made on first read when a function). */
  public setText(text: KeptText): void {
    this.#text = text;
  }
}

/** A file known by its SHA-256, its text not set yet. */
function unread(path: string, area: Area, team: string | undefined, hash: string): Unread {
  return new Unread(path, area, team, hash);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function isInside(real: string, root: string): boolean {
  return real === root || real.startsWith(root + sep);
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}
