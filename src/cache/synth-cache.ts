import { Dirent, mkdirSync, Stats, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, statSync, writeFileSync } from 'fs';
import { basename, join, sep } from 'path';
import { StatMemo } from './stat-memo';
import { compareText } from '../util/compare';
import { sha256 } from '../util/sha256';

/**
 * Lets a `kfaas synth` whose inputs, kfaas build and output folder are all exactly as the last successful run
 * left them finish without loading, compiling or rendering anything.
 *
 * Everything is keyed by content, file by file (relative path -> SHA-256):
 * - inputs: every file under clusters/ and routes/, followed through symlinks (a symlinked folder or file is
 *   hashed as what it points at, plus the link text), so editing a link's target misses; the record keeps one
 *   digest over all of them (their paths and hashes: the incremental cache keys its own records by file);
 * - the tool: the code that runs (ToolLayout: the bundle lib/kfaas.js, or every file of lib/ that a command can
 *   read), package.json, package-lock.json and node_modules/.package-lock.json (the dependency versions npm installed);
 * - the settings: Node version and platform, the output folder and the options that change the output;
 * - the outputs: every file under the output folder, hashed, so a hand edit that keeps size and modification
 *   time still misses.
 * A file that cannot be read makes the fingerprint unusable (a miss; the pipeline then reports it as a
 * diagnostic). Anything else, or any doubt, is a miss and the full pipeline runs. Only Node built-ins are
 * imported: the point is to stay cheap.
 */
export const CACHE_DIR = '.kfaas-cache';
const FORMAT = 3;

/** Relative path -> SHA-256 (hex) of its content; a symlink adds `<path>@link` -> its target text. */
export type FileHashes = Record<string, string>;

/** What decides a synth's output. */
export interface Fingerprint {
  /** Node version, platform, output folder and options, as canonical JSON. */
  readonly settings: string;
  /**
   * SHA-256 over the inputs' relative paths (`clusters/...`, `routes/...`) and hashes, in path order: one string to
   * compare, where a record of 7,000 paths took a large JSON object to parse and compare on every run.
   */
  readonly inputs: string;
  /** Tool files (`tool:lib/...`, `tool:package-lock.json`, ...). */
  readonly files: FileHashes;
  /** False when some file could not be read: never looked up nor stored. */
  readonly usable: boolean;
}

interface CacheRecord {
  readonly format: number;
  readonly settings: string;
  readonly inputs: string;
  readonly files: FileHashes;
  readonly outDir: string;
  readonly outputs: FileHashes;
  /** Formatted warnings of the run, printed again on a hit. */
  readonly warnings: readonly string[];
  /** The summary line of the run, printed again on a hit. */
  readonly summary: string;
}

/**
 * Which of kfaas's files are the code that runs, so the tool key covers exactly that:
 * - from the bundle (bin/kfaas loads `lib/kfaas.js` only while every file it was built from is unchanged:
 *   src/cli/write-bundle.ts), the bundle itself: it holds all of the command line's code, node_modules' included
 *   (the route map's modules stay outside it, and the map command keeps no cache);
 * - from the modules of the build (`lib/src`, when the bundle is not current or KFAAS_NO_BUNDLE=1), every file of
 *   `lib/` but source maps and tsc's incremental state (`.map`, `.tsbuildinfo`: nothing reads them while a command
 *   runs; a map only rewrites a stack trace under --enable-source-maps), so the compiled JSON Schema and imports too;
 * - from the sources (ts-jest), `src/`, `schema/` and `imports/`.
 * With each, package.json, package-lock.json and node_modules/.package-lock.json (the dependency versions npm
 * installed).
 */
export interface ToolLayout {
  /** The kfaas package folder (holding package.json). */
  readonly packageRoot: string;
  /** The bundle that runs, relative to packageRoot (`lib/kfaas.js`). @default - modules run: `dirs` */
  readonly bundle?: string;
  /** The folders of the code that runs, relative to packageRoot (when no bundle runs). */
  readonly dirs: readonly string[];
}

const RUNNING_FROM_BUNDLE = basename(__dirname) === 'lib';
const RUNNING_FROM_BUILD = RUNNING_FROM_BUNDLE || basename(join(__dirname, '..', '..')) === 'lib';
/** The layout of this process (see ToolLayout). */
export const RUNNING_TOOL: ToolLayout = RUNNING_FROM_BUNDLE
  ? { packageRoot: join(__dirname, '..'), bundle: `lib/${basename(__filename)}`, dirs: [] }
  : RUNNING_FROM_BUILD
    ? { packageRoot: join(__dirname, '..', '..', '..'), dirs: ['lib'] }
    : { packageRoot: join(__dirname, '..', '..'), dirs: ['src', 'schema', 'imports'] };

/** Files of the tool folders that no command reads while it runs: left out of the tool key. */
const NOT_RUN = /\.(map|tsbuildinfo)$/;

/** The folders of a project holding its inputs (every file under them is hashed, symlinks followed). */
export const INPUT_AREAS: readonly string[] = ['clusters', 'routes'];

/**
 * Hashes everything a synth of `root` reads, with the options that change its output. `memo` spares reading files
 * whose stat shows no write since they were last hashed (stat-memo.ts).
 */
export function inputKey(
  root: string, options: Readonly<Record<string, unknown>> = {}, memo: StatMemo = StatMemo.none(), tool?: FileHashes,
): Fingerprint {
  // Path, hash, path, hash...: one JSON array, hashed once.
  const inputs: string[] = [];
  const into: Sink = (rel, value) => inputs.push(rel, value);
  let usable = true;
  const fail = (): void => {
    usable = false;
  };
  // The bytes of input files read here are kept for the loader, which would read them next (stat-memo.ts bytes)
  for (const area of INPUT_AREAS) hashTree(join(root, area), area, into, new Set(), fail, memo, { keep: true });
  // `tool`: a process that runs more than once (`kfaas watch`) runs the code it loaded at its start, whatever lib/ holds now.
  const files = tool ?? toolHashes(fail, memo);
  const settings = JSON.stringify({ format: FORMAT, node: process.version, platform: process.platform, arch: process.arch, options });
  return { settings, inputs: sha256(JSON.stringify(inputs)), files, usable };
}

/**
 * Hashes of the code that runs (see ToolLayout), keyed `tool:<path>`, and of package.json, package-lock.json and
 * node_modules/.package-lock.json. `fail` is told when a file of the code cannot be read.
 */
export function toolHashes(fail: () => void = () => undefined, memo: StatMemo = StatMemo.none(), layout: ToolLayout = RUNNING_TOOL): FileHashes {
  const tool: FileHashes = {};
  const into: Sink = (rel, value) => (tool[`tool:${rel}`] = value);
  const root = layout.packageRoot;
  if (layout.bundle !== undefined) hashFile(join(root, layout.bundle), layout.bundle, into, fail, memo);
  else for (const dir of layout.dirs) hashTree(join(root, dir), dir, into, new Set(), fail, memo, { skip: NOT_RUN });
  for (const f of ['package.json', 'package-lock.json', join('node_modules', '.package-lock.json')]) hashFile(join(root, f), f, into, () => undefined, memo);
  return tool;
}

/**
 * Hashes of every file under `dir` (not following symlinks: what a reader of that folder sees). `written` gives
 * the SHA-256 of files this process just published with those bytes, which are not read again; `memo`, those of
 * files whose stat shows no write since they were last hashed (a hand edit that keeps size and modification time
 * still changes the ctime: read again, as kept-files.ts does).
 */
function hashOutputs(dir: string, written?: ReadonlyMap<string, string>, memo?: StatMemo): FileHashes | undefined {
  const files: FileHashes = {};
  const into: Sink = (rel, value) => (files[rel] = value);
  let ok = true;
  const walk = (abs: string, rel: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      ok = false;
      return;
    }
    for (const e of entries) {
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      const childAbs = join(abs, e.name);
      if (e.isDirectory()) walk(childAbs, childRel);
      else if (e.isSymbolicLink()) files[`${childRel}@link`] = readlinkSync(childAbs);
      else if (e.isFile() && written?.has(childRel)) files[childRel] = written.get(childRel)!;
      else if (e.isFile()) hashFile(childAbs, childRel, into, () => (ok = false), memo);
      else files[childRel] = 'special';
    }
  };
  walk(dir, '');
  return ok ? files : undefined;
}

/** Where the hashes of a walk go: a relative path and its SHA-256 (or what stands for it: `dir`, `missing:...`). */
type Sink = (rel: string, value: string) => void;

/** How a tree is walked: files named as `skip` says are left out; `keep` (input folders): the memo keeps the bytes it reads and the folder listings, for the loader. */
interface TreeOptions {
  readonly skip?: RegExp;
  readonly keep?: boolean;
}

function hashFile(abs: string, rel: string, into: Sink, fail: () => void, memo?: StatMemo, stat?: Stats, keep = false): void {
  let hash: string;
  try {
    hash = memo ? memo.hash(abs, stat ?? statSync(abs), keep) : sha256(readFileSync(abs));
  } catch (e) {
    hash = `unreadable:${(e as NodeJS.ErrnoException).code ?? 'error'}`;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail();
  }
  into(rel, hash);
}

/** Follows symlinks (each real folder once, so loops end); records link texts too. */
function hashTree(abs: string, rel: string, into: Sink, seen: Set<string>, fail: () => void, memo: StatMemo, how: TreeOptions = {}): void {
  let real: string;
  let stat: Stats;
  try {
    const link = readlinkOrUndefined(abs);
    if (link !== undefined) into(`${rel}@link`, link);
    real = realpathSync(abs);
    stat = statSync(real);
  } catch (e) {
    into(rel, `missing:${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    return;
  }
  if (stat.isDirectory()) hashFolder(real, rel, into, seen, fail, memo, how);
  else if (!how.skip?.test(rel)) hashFile(real, rel, into, fail, memo, stat, how.keep);
}

/**
 * The entries of a real folder (no link on its path), in name order, but files named as `how.skip` says (neither
 * read nor recorded). What is neither a link nor a folder nor a
 * file, and every link, takes hashTree's way (readlink, realpath, stat); a plain file or folder needs none of
 * that, since its real path is the folder's plus its name: a readlink (a thrown EINVAL) and a realpath less per
 * file (the stat memo still takes one stat).
 */
function hashFolder(real: string, rel: string, into: Sink, seen: Set<string>, fail: () => void, memo: StatMemo, how: TreeOptions): void {
  if (seen.has(real)) {
    into(rel, `loop:${real}`);
    return;
  }
  seen.add(real);
  let entries: Dirent[];
  try {
    entries = readdirSync(real, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name));
  } catch (e) {
    into(rel, `unreadable:${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    fail();
    return;
  }
  into(`${rel}/`, 'dir');
  // `real` is a real path (no trailing separator but at the file system's root): its entries' paths by concatenation
  const prefix = real.endsWith(sep) ? real : real + sep;
  const paths = entries.map((entry) => prefix + entry.name);
  // input folders: the loader walks them next, and asks the memo about the same path strings (InputReuse.listing)
  if (how.keep) memo.listed(real, { entries, paths });
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    const childReal = paths[i];
    const childRel = `${rel}/${entry.name}`;
    if (entry.isFile()) {
      if (!how.skip?.test(entry.name)) hashFile(childReal, childRel, into, fail, memo, undefined, how.keep);
    } else if (entry.isDirectory()) hashFolder(childReal, childRel, into, seen, fail, memo, how);
    else hashTree(childReal, childRel, into, seen, fail, memo, how);
  }
  seen.delete(real);
}

function readlinkOrUndefined(abs: string): string | undefined {
  try {
    return readlinkSync(abs);
  } catch {
    return undefined;
  }
}

function recordPath(root: string, outDir: string): string {
  const id = sha256(outDir).slice(0, 16);
  return join(root, CACHE_DIR, `synth-${id}.json`);
}

/**
 * The previous run's record when inputs, kfaas, settings and every output byte are unchanged; else undefined.
 * `memo`: output files are hashed through it (read only when their stat changed since they were last hashed).
 */
export function lookup(root: string, outDir: string, key: Fingerprint, memo?: StatMemo): CacheRecord | undefined {
  if (!key.usable) return undefined;
  let record: CacheRecord;
  try {
    record = JSON.parse(readFileSync(recordPath(root, outDir), 'utf8')) as CacheRecord;
  } catch {
    return undefined;
  }
  if (record.format !== FORMAT || record.settings !== key.settings || record.outDir !== outDir || record.inputs !== key.inputs) return undefined;
  if (!sameHashes(record.files, key.files)) return undefined;
  const now = hashOutputs(outDir, undefined, memo);
  if (!now || !sameHashes(record.outputs, now)) return undefined;
  return record;
}

/**
 * Records a successful synth. `written`: SHA-256 of the files just published, by path in outDir (the record then
 * holds what was meant to be published; a lookup hashes every output file anyway). Failing to write the cache
 * never fails the synth.
 */
export function store(
  root: string, outDir: string, key: Fingerprint, warnings: readonly string[], summary: string, written?: ReadonlyMap<string, string>,
): void {
  if (!key.usable) return;
  try {
    const outputs = hashOutputs(outDir, written);
    if (!outputs) return;
    const record: CacheRecord = { format: FORMAT, settings: key.settings, inputs: key.inputs, files: key.files, outDir, outputs, warnings, summary };
    const path = recordPath(root, outDir);
    mkdirSync(join(root, CACHE_DIR), { recursive: true });
    writeFileSync(`${path}.${process.pid}.tmp`, JSON.stringify(record));
    renameSync(`${path}.${process.pid}.tmp`, path);
  } catch {
    // a read-only checkout: no cache, just slower re-runs
  }
}

function sameHashes(a: FileHashes, b: FileHashes): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}
