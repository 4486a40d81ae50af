import { rmSync } from 'fs';
import { join } from 'path';
import type { RouteSummaries, SummaryEntry } from '../load/load-project';
import type { RouteSummary } from '../load/route-stubs';
import { sha256 } from '../util/sha256';
import { checkedBytes, readCheckedFile, writeChecked } from './checked-json';
import { compareText } from '../util/compare';

const BASE = 'route-summaries.json';
const DELTA = 'route-summaries.delta.json';
/** Below this many files of its own, a delta is never too large (a small project just rewrites it). */
const DELTA_MIN = 64;

type Summary = { readonly hash: string; readonly routes: readonly RouteSummary[] | null };

/**
 * The route summaries of the input files as the last run without any diagnostic loaded them (load-project.ts
 * RouteSummaries), read whole (one parse for every route of the project) in two files of the cache folder:
 * - `route-summaries.json`: every file as of the last compaction;
 * - `route-summaries.delta.json`: the files written since that the base lacks or holds otherwise, and the base's
 *   files that are gone, written over one base (named by its checksum): a one-route edit writes one file's entry, not
 *   the whole project's (1.5 MB at the bench's tier L). A new base is written when the delta passes an eighth of it.
 * Keyed by each file's content (its SHA-256) and tagged with the cache format and the kfaas build: another build's
 * files, a damaged one (checksum), a delta over another base or one of another shape read as absent.
 */
export class RouteSummaryStore {
  private read?: { readonly summaries: RouteSummaries; readonly refusedFor: string | null; readonly base: BaseLayer } | null;
  private next?: { readonly files: readonly SummaryEntry[]; readonly refusedFor: string | null };

  public constructor(private readonly dir: string | undefined, private readonly tag: string) {}

  /** What the last clean run kept, if anything. */
  public summaries(): RouteSummaries | undefined {
    return this.layers()?.summaries;
  }

  /**
   * The entries a {@link save} writes (this run's, when it found nothing). `refused`: a run with stubs was done again
   * from the models (something read what a stub does not hold, or it found something); stubs are then not tried
   * again while the held files (clusters, Teams...) are the ones of `entries`, since such a project asks for what
   * stubs do not hold on every run (a table compiled whole). A refusal of the same held files stays.
   */
  public set(entries: readonly SummaryEntry[], refused = false): void {
    const held = heldDigest(entries);
    const before = this.layers()?.refusedFor ?? null;
    this.next = { files: entries, refusedFor: refused || before === held ? held : null };
  }

  /** Writes the entries {@link set} gave, if any: a delta over the base read when it stays small. Never throws. */
  public save(): void {
    if (this.dir === undefined || this.next === undefined) return;
    const { files, refusedFor } = this.next;
    const base = this.layers()?.base;
    try {
      if (base !== undefined) {
        const own: SummaryEntry[] = [];
        const paths = new Set<string>();
        for (const entry of files) {
          paths.add(entry[0]);
          const found = base.get(entry[0]);
          // same content, same summary (a refusal aside, which the delta's own field holds)
          if (found === undefined || found.hash !== entry[1] || (found.routes === null) !== (entry[2] === null)) own.push(entry);
        }
        const gone = base.paths().filter((path) => !paths.has(path));
        if (own.length + gone.length <= Math.max(DELTA_MIN, base.size / 8)) {
          writeChecked(join(this.dir, DELTA), checkedBytes({ tag: this.tag, base: base.sum, refusedFor, files: own, gone }));
          return;
        }
      }
      const body = checkedBytes({ tag: this.tag, refusedFor, files });
      writeChecked(join(this.dir, BASE), body);
      rmSync(join(this.dir, DELTA), { force: true });
    } catch {
      // a read-only checkout: no stubs next time
    }
  }

  private layers(): RouteSummaryStore['read'] {
    if (this.read === undefined) this.read = (this.dir === undefined ? undefined : readLayers(this.dir, this.tag)) ?? null;
    return this.read ?? undefined;
  }
}

/** The base file as read: each path's summary, its paths, how many. */
interface BaseLayer {
  get(path: string): Summary | undefined;
  paths(): readonly string[];
  readonly size: number;
  /** Its checksum, which a delta names. */
  readonly sum: string;
}

function readLayers(dir: string, tag: string): { summaries: RouteSummaries; refusedFor: string | null; base: BaseLayer } | undefined {
  const baseFile = readCheckedFile(join(dir, BASE));
  const base = baseFile && parseLayer(baseFile.body, tag);
  if (base === undefined) return undefined;
  const byPath = new Map<string, Summary>();
  for (let i = 0; i < base.files.length; i++) byPath.set(base.files[i][0], base.files[i][1]);
  let refusedFor = base.refusedFor;
  const deltaFile = readCheckedFile(join(dir, DELTA));
  const delta = deltaFile && parseLayer(deltaFile.body, tag);
  // The base's summary of each path the delta sets or drops (undefined: not in the base), so that one map serves as
  // both the files now and, with it, the base a save writes its delta against.
  const replaced = new Map<string, Summary | undefined>();
  if (delta !== undefined && delta.base === baseFile!.sum) {
    for (const [path, summary] of delta.files) {
      if (!replaced.has(path)) replaced.set(path, byPath.get(path));
      byPath.set(path, summary);
    }
    for (const path of delta.gone) {
      if (!replaced.has(path)) replaced.set(path, byPath.get(path));
      byPath.delete(path);
    }
    refusedFor = delta.refusedFor;
  }
  const held: [string, string][] = [];
  byPath.forEach(({ hash, routes }, path) => {
    if (routes === null) held.push([path, hash]);
  });
  held.sort((a, b) => compareText(a[0], b[0]));
  const refused = refusedFor !== null && refusedFor === sha256(JSON.stringify(held));
  // refused: no file is summarized for this run (the loader then decodes every file)
  const summaries: RouteSummaries = refused ? { byPath: new Map(), held: 0 } : { byPath, held: held.length };
  const baseLayer: BaseLayer = {
    get: (path) => (replaced.has(path) ? replaced.get(path) : byPath.get(path)),
    paths: () => {
      const paths: string[] = [];
      byPath.forEach((_summary, path) => {
        if (!replaced.has(path) || replaced.get(path) !== undefined) paths.push(path);
      });
      replaced.forEach((summary, path) => {
        if (summary !== undefined && !byPath.has(path)) paths.push(path);
      });
      return paths;
    },
    size: base.files.length,
    sum: baseFile!.sum,
  };
  return { summaries, refusedFor, base: baseLayer };
}

interface Layer {
  readonly files: readonly (readonly [string, Summary])[];
  readonly gone: readonly string[];
  readonly refusedFor: string | null;
  /** A delta's base checksum. */
  readonly base?: string;
}

function parseLayer(body: Buffer, tag: string): Layer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const { tag: own, refusedFor, files, gone = [], base } = value as Record<string, unknown>;
  if (own !== tag || (refusedFor !== null && typeof refusedFor !== 'string') || !Array.isArray(files) || !Array.isArray(gone)) return undefined;
  if (base !== undefined && typeof base !== 'string') return undefined;
  const out: [string, Summary][] = [];
  for (let i = 0; i < (files as unknown[]).length; i++) {
    const entry = (files as unknown[])[i];
    if (!Array.isArray(entry) || entry.length !== 3) return undefined;
    const [path, hash, routes] = entry as unknown[];
    // each route summary is checked where it is used (route-stubs.ts stubRoutes)
    if (typeof path !== 'string' || typeof hash !== 'string' || !(routes === null || Array.isArray(routes))) return undefined;
    out.push([path, { hash, routes: routes as readonly RouteSummary[] | null }]);
  }
  if (!gone.every((p) => typeof p === 'string')) return undefined;
  return { files: out, gone: gone as string[], refusedFor: refusedFor as string | null, ...(base !== undefined ? { base: base as string } : {}) };
}

/** A digest of the held files (null routes) of `entries` (in path order): their paths and SHA-256. */
function heldDigest(entries: readonly SummaryEntry[]): string {
  return sha256(JSON.stringify(entries.filter((e) => e[2] === null).map((e) => [e[0], e[1]])));
}
