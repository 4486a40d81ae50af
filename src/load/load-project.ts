import { Diagnostic, DiagnosticBag, SourceLocation } from '../diagnostics/diagnostic';
import { Origin, Project, Route } from '../model/project';
import { DocumentContext } from './document-context';
import { Built } from './built';
import { DOCUMENT_KINDS, DocumentKind, ProjectDraft, resolveKind } from './document-kinds';
import { readCareful, readFast, RawDocument, TOO_DEEP_MESSAGE, tooDeepPath, withoutDocumentBoms, YamlSource } from './parse-yaml';
import { InputReuse, KeptText, readTree, SourceFile, Tree } from './read-tree';
import { RouteSummary, StubFieldRead, stubDocument, stubRoutes, summarizeRoute } from './route-stubs';
import { checkSchema } from './schema-check';
import { describeValue, isMapping } from './values';
import { Target, YamlLocator } from './yaml-locator';
import { compareText } from '../util/compare';
import { DecodedPaths, decodeValues, encodeValues } from './document-codec';
import { FieldPath } from './field-path';

export interface LoadResult {
  readonly project: Project;
  readonly diagnostics: Diagnostic[];
  /** The input files read (overlay applied), sorted by path: what the project was built from. */
  readonly files: readonly SourceFile[];
  /**
   * How many of `project.routes` are stubs (route-stubs.ts: made from DocumentStore.summaries instead of decoding
   * their files). 0 unless the store has summaries and they stand for the project (see loadProject).
   */
  readonly stubs: number;
  /** The route itself, or for a stub the route its file's model holds (decoded once per file). */
  readonly materialize: (route: Route) => Route;
  /**
   * The summary of every input file for a later run (RouteSummaries), in path order; undefined when a file has no
   * content hash (no DocumentStore.hashes) or is not clean. Meant for a run that found nothing at all.
   */
  readonly summaryEntries: () => readonly SummaryEntry[] | undefined;
}

/**
 * The route summaries of the input files as an earlier run loaded them (src/cache/route-summaries.ts keeps them):
 * with them, a file whose content is the one summarized and that held only Route documents is not decoded; its routes
 * are stubs (route-stubs.ts). They stand for the project only while every other summarized file is there unchanged
 * (clusters, Team, Egress and Delivery documents: what decides where routes land and who owns which paths), and the
 * files that changed or are new hold only Route documents, load without any diagnostic and name no route a stub
 * names; otherwise every file is loaded as without them.
 */
export interface RouteSummaries {
  /** By path: the file's SHA-256 then, and its routes' summaries, or null for a file that must be loaded (held). */
  readonly byPath: ReadonlyMap<string, { readonly hash: string; readonly routes: readonly RouteSummary[] | null }>;
  /** How many files of `byPath` are held (null). */
  readonly held: number;
}

/** One file of RouteSummaries: its path, SHA-256, and its routes' summaries (null: held). */
export type SummaryEntry = readonly [path: string, hash: string, routes: readonly RouteSummary[] | null];

/** A document after dispatch, schema and semantic checks. */
interface Checked {
  readonly ctx: DocumentContext;
  readonly kind?: DocumentKind<unknown>;
  readonly value?: unknown;
}

interface FileOutcome {
  readonly documents: readonly Checked[];
  /** Problems not tied to one document's fields (YAML syntax). */
  readonly diagnostics: readonly Diagnostic[];
}

/** In Tree.taken: a file the summaries stand for, whose documents are not decoded yet (see loadProject). */
const DEFERRED: FileOutcome = { documents: [], diagnostics: [] };

/**
 * Loads `clusters/*.yaml` and `routes/<team>/*.yaml` under `root` into the typed model.
 *
 * Never throws on bad input: every problem in every file and document becomes a diagnostic, and documents with
 * errors are left out of the Project. The Project's lists are sorted by name. With `store.summaries`, routes of
 * files the summaries stand for are stubs (see RouteSummaries); a stub whose file's kept documents are gone from the
 * store throws StubFieldRead when its model is asked for.
 */
export function loadProject(root: string, overlay?: SourceOverlay, store?: DocumentStore): LoadResult {
  const bag = new DiagnosticBag();
  const paths = new DecodedPaths();
  const hashes = store?.hashes;
  const summaries = overlay === undefined || overlay.size === 0 ? store?.summaries : undefined;
  // A kept file's documents, decoded (fromStore) from the store's entry; undefined when the store has none.
  const takeStored = (file: SourceFile & { readonly hash: string }): { readonly text: KeptText; readonly value: FileOutcome } | undefined => {
    const held = store!.decoded?.get(file);
    if (held !== undefined) return { text: held.text, value: reused(file, held) };
    const entry = storedFileOf(store!.get(file));
    // The file object gets its text from the entry (read-tree.ts take), made when first read: its documents point
    // at that text.
    const value = entry === undefined ? undefined : fromStore(file, entry.documents, paths);
    if (value === undefined) return undefined;
    if (store!.decoded === undefined) return { text: entry!.text, value };
    const text = entry!.text();
    store!.decoded.set(file, heldOf(text, value));
    return { text, value };
  };
  // A file kept in the store is not read: readTree takes its text from the entry, and its documents are decoded at
  // once (the stored entry, a large plain tree, dies young instead of surviving the whole walk). A file the summaries
  // stand for is not decoded either (DEFERRED): whether its routes are stubs is decided once every file is known.
  let heldChanged = false;
  const reuse: InputReuse<FileOutcome> | undefined = hashes && {
    known: (abs, stat) => hashes.known(abs, stat),
    seen: (abs) => hashes.seen?.(abs),
    bytes: (abs) => hashes.bytes?.(abs),
    listing: (abs) => hashes.listing?.(abs),
    remember: (abs, stat, hash) => hashes.remember(abs, stat, hash),
    take: (file) => {
      const summary = summaries?.byPath.get(file.path);
      // A held file (or a cluster file) not as summarized: the summaries cannot stand, so no later file is deferred
      // (clusters/ is walked first: a cluster edit defers nothing).
      if (summaries !== undefined && (summary === undefined ? file.area === 'clusters' : summary.routes === null && summary.hash !== file.hash)) heldChanged = true;
      if (!heldChanged && summary !== undefined && summary.routes !== null && summary.hash === file.hash) {
        return {
          text: () => {
            const entry = storedFileOf(store!.get(file));
            if (entry === undefined) throw new StubFieldRead('the text of a file the store no longer keeps');
            return entry.text();
          },
          value: DEFERRED,
        };
      }
      return takeStored(file);
    },
  };
  const read = readTree(root, reuse);
  const tree = withOverlay(read, overlay);
  bag.addAll(tree.diagnostics);

  // Each file's outcome, in file order; deferred files are decided after the others are loaded.
  const outcomes: (FileOutcome | undefined)[] = [];
  const deferred: number[] = [];
  // A file read (not kept: a new stat) whose content is the one summarized is deferred too: its text is read, but its
  // documents are decoded only if the summaries do not stand.
  const outcomeOf = (file: SourceFile): FileOutcome => {
    let outcome = read.taken.get(file);
    if (outcome === DEFERRED) outcome = takeStored(file as SourceFile & { readonly hash: string })?.value;
    const held = outcome === undefined ? store?.decoded?.get(file) : undefined;
    if (held !== undefined && held.text === file.text) outcome = reused(file, held);
    if (outcome === undefined) {
      const stored = storedFileOf(store?.get(file));
      // same content key, other text: never (a damaged entry)
      outcome = (stored !== undefined && stored.text() === file.text ? fromStore(file, stored.documents, paths) : undefined) ?? loadFile(file);
      if (stored === undefined && store) {
        const entry = toStore(file, outcome);
        if (entry !== undefined) store.set(file, entry);
      }
      if (store?.decoded && isClean(outcome)) store.decoded.set(file, heldOf(file.text, outcome));
    }
    return outcome;
  };
  // Indexed loops over every file (here and below): a command runs them before V8 optimizes them, and a for-of there
  // makes an iterator result (and for entries() an array) per item.
  for (let i = 0; i < tree.files.length; i++) {
    const file = tree.files[i];
    const summary = summaries?.byPath.get(file.path);
    if (read.taken.get(file) === DEFERRED || (!heldChanged && summary !== undefined && summary.routes !== null && file.hash !== undefined && summary.hash === file.hash)) {
      outcomes.push(undefined);
      deferred.push(i);
      continue;
    }
    outcomes.push(outcomeOf(file));
  }
  const stubbing = deferred.length > 0 && summariesStand(summaries!, tree.files, outcomes, deferred);
  const stubs: Route[] = [];
  const stubFiles = new Map<Route, SourceFile>();
  for (let d = 0; d < deferred.length; d++) {
    const i = deferred[d];
    const file = tree.files[i] as SourceFile & { readonly hash: string };
    if (stubbing) {
      const routes = stubRoutes(file.path, summaries!.byPath.get(file.path)!.routes!);
      for (let r = 0; r < routes.length; r++) {
        stubs.push(routes[r]);
        stubFiles.set(routes[r], file);
      }
      store!.keep?.(file);
      continue;
    }
    outcomes[i] = outcomeOf(file);
  }

  const checked: Checked[] = [];
  // The documents of each kind, in file order: what its cross-document checks are given.
  const byKind = new Map<DocumentKind<unknown>, (Built<unknown> & Checked)[]>();
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i];
    if (outcome === undefined) continue;
    if (outcome.diagnostics.length > 0) bag.addAll(outcome.diagnostics);
    for (let d = 0; d < outcome.documents.length; d++) {
      const document = outcome.documents[d];
      checked.push(document);
      if (document.kind === undefined) continue;
      const mine = byKind.get(document.kind);
      if (mine === undefined) byKind.set(document.kind, [document as Built<unknown> & Checked]);
      else mine.push(document as Built<unknown> & Checked);
    }
  }

  const draft: ProjectDraft = { clusters: [], teams: [], routes: [], deliveries: [], egresses: [] };
  for (const kind of DOCUMENT_KINDS) {
    const mine = byKind.get(kind) ?? [];
    kind.checkAll?.(mine);
    if (kind.required && mine.length === 0 && !tree.missing.has(kind.area)) {
      bag.error('missing-document', undefined, undefined, kind.required);
    }
  }
  for (let i = 0; i < checked.length; i++) {
    const c = checked[i];
    if (c.ctx.diagnostics.length > 0) bag.addAll(c.ctx.diagnostics);
    if (c.kind && !c.ctx.failed) c.kind.add(draft, c.value);
  }
  for (let i = 0; i < stubs.length; i++) draft.routes.push(stubs[i]);
  const byName = (a: { name: string }, b: { name: string }): number => compareText(a.name, b.name);
  const diagnostics = bag.all;
  // Stubs' models, decoded on demand (once per file).
  const decodedFiles = new Map<SourceFile, FileOutcome>();
  const materialize = (route: Route): Route => {
    const file = stubFiles.get(route);
    if (file === undefined) return route;
    let outcome = decodedFiles.get(file);
    if (outcome === undefined) decodedFiles.set(file, (outcome = outcomeOf(file)));
    const document = stubDocument(route);
    const found = outcome.documents.find((d) => d.ctx.documentIndex === document && d.kind?.kind === 'Route')?.value as Route | undefined;
    if (found === undefined || found.name !== route.name) throw new StubFieldRead('a route its file no longer holds');
    return found;
  };
  return {
    project: {
      clusters: draft.clusters.sort(byName),
      teams: draft.teams.sort(byName),
      routes: draft.routes.sort(byName),
      egresses: draft.egresses.sort(byName),
      // checkDeliveries reports a second one, so a kept Delivery is the only one
      ...(draft.deliveries.length === 1 ? { delivery: draft.deliveries[0] } : {}),
    },
    diagnostics,
    files: tree.files,
    stubs: stubs.length,
    materialize,
    summaryEntries: () => summaryEntriesOf(tree.files, outcomes, summaries, diagnostics.length === 0),
  };
}

/**
 * Whether the summaries stand for the project (see RouteSummaries): every held file is there unchanged, and every
 * other file that is not deferred (changed or new) loaded clean with Route documents only, naming no route a deferred
 * file's summaries name.
 */
function summariesStand(summaries: RouteSummaries, files: readonly SourceFile[], outcomes: readonly (FileOutcome | undefined)[], deferred: readonly number[]): boolean {
  let held = 0;
  const names = new Set<string>();
  for (let d = 0; d < deferred.length; d++) {
    const routes = summaries.byPath.get(files[deferred[d]].path)!.routes!;
    for (let r = 0; r < routes.length; r++) names.add(routes[r][0]);
  }
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const outcome = outcomes[i];
    if (outcome === undefined) continue;
    const summary = summaries.byPath.get(file.path);
    if (summary !== undefined && summary.routes === null && summary.hash === file.hash) {
      held++;
      continue;
    }
    if (!isClean(outcome)) return false;
    for (const d of outcome.documents) {
      if (d.kind?.kind !== 'Route' || names.has((d.value as Route).name)) return false;
    }
  }
  return held === summaries.held;
}

/** See LoadResult.summaryEntries. */
function summaryEntriesOf(
  files: readonly SourceFile[], outcomes: readonly (FileOutcome | undefined)[], summaries: RouteSummaries | undefined, clean: boolean,
): SummaryEntry[] | undefined {
  if (!clean) return undefined;
  const entries: SummaryEntry[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    if (file.hash === undefined) return undefined;
    const outcome = outcomes[i];
    if (outcome === undefined) {
      entries.push([file.path, file.hash, summaries!.byPath.get(file.path)!.routes]);
      continue;
    }
    let routes: RouteSummary[] | null = [];
    for (const d of outcome.documents) {
      const summary = d.kind?.kind === 'Route' ? summarizeRoute(d.value as Route, d.ctx.documentIndex) : undefined;
      if (summary === undefined) {
        routes = null;
        break;
      }
      routes.push(summary);
    }
    entries.push([file.path, file.hash, routes]);
  }
  return entries;
}

/**
 * Where a caller keeps the documents of files that loaded without any diagnostic, as plain data, by file path
 * and content (src/cache does; the loader only encodes and decodes). Cross-document checks (duplicate names,
 * claims) still run on every load, over stored and fresh documents alike.
 */
export interface DocumentStore {
  /**
   * The JSON text of what `set` was given for a file with this path and content (its `hash` when it has one, else its
   * text), if anything: the loader parses what it needs of it (the documents at once, the text when read).
   */
  get(file: SourceFile): string | undefined;
  set(file: SourceFile, entry: unknown): void;
  /**
   * SHA-256 of input files by their stat (src/cache/stat-memo.ts): with it, a file whose stat shows it unchanged
   * since it was hashed and whose documents (and text) the store keeps is not read at all.
   *
   * @default - every file is read
   */
  readonly hashes?: Pick<InputReuse, 'known' | 'remember' | 'seen' | 'listing' | 'bytes'>;
  /**
   * Clean files' documents as decoded or loaded before in this process, by path and content (see HeldFile); `get`
   * must tell the store the file's entry is still used (so a save keeps it), `set` is given every clean file loaded.
   *
   * @default - none: documents are decoded from the store on each load
   */
  readonly decoded?: { get(file: SourceFile): HeldFile | undefined; set(file: SourceFile, held: HeldFile): void };
  /**
   * Route summaries of an earlier run (see RouteSummaries): routes of files they stand for are stubs. Not used with
   * an overlay. @default - none: every file's documents are decoded
   */
  readonly summaries?: RouteSummaries;
  /**
   * Tells the store that a file whose routes are stubs still uses its entry (a later run may decode it), without
   * reading it. @default - nothing told
   */
  keep?(file: SourceFile): void;
}

/**
 * The model values of a clean file's documents as a load made them, kept in memory by a process that loads the
 * project again (`kfaas watch`, DocumentStore.decoded): a later load of the same path and content takes the very same
 * objects, so what the compiler remembers by object (its WeakMap memos keyed by routes and their parts) holds.
 */
export interface HeldFile {
  readonly text: string;
  /** Kind and index in the file of each document. */
  readonly documents: readonly (readonly [kind: DocumentKind<unknown>, index: number])[];
  /** Each document's model value (never changed by a load or the compiler). */
  readonly values: readonly unknown[];
}

/** Whether a file loaded without any diagnostic (before the cross-document checks). */
function isClean(outcome: FileOutcome): boolean {
  return outcome.diagnostics.length === 0 && outcome.documents.every((d) => d.kind !== undefined && d.ctx.diagnostics.length === 0);
}

/** What a clean file's outcome holds, to be reused. */
function heldOf(text: string, outcome: FileOutcome): HeldFile {
  return { text, documents: outcome.documents.map((d) => [d.kind!, d.ctx.documentIndex] as const), values: outcome.documents.map((d) => d.value) };
}

/** A held file's documents with fresh contexts (the cross-document checks report into them) and the same values. */
function reused(file: SourceFile, held: HeldFile): FileOutcome {
  const source = new YamlSource(file);
  const documents = held.documents.map(([kind, index], i) => ({ ctx: new DocumentContext(file, new YamlLocator(source, index), index), kind, value: held.values[i] }));
  return { documents, diagnostics: [] };
}

/**
 * What the store keeps of a clean file: its documents, then its text, so an unchanged file need not be read
 * (diagnostics of later checks point into its text). Each is a JSON text of its own within the entry's (storedFileOf):
 * the documents are parsed on every load, the text only when read (only a diagnostic pointing into the file reads it).
 */
type StoredFile = readonly [documents: StoredDocuments, text: string];

/**
 * Kind name, index in the file and model value (document-codec.ts) of each document, in a row: one array per file
 * (every load parses one per input file).
 */
type StoredDocuments = readonly unknown[];

/** A clean file's documents as plain data; undefined when the file had any diagnostic or a value cannot be kept. */
function toStore(file: SourceFile, outcome: FileOutcome): StoredFile | undefined {
  if (!isClean(outcome)) return undefined;
  const values = encodeValues(outcome.documents.map((d) => d.value)) as unknown[] | undefined;
  if (values === undefined) return undefined;
  const documents = outcome.documents.flatMap((d, i) => [d.kind!.kind, d.ctx.documentIndex, values[i]]);
  return [documents, file.text];
}

/**
 * A stored entry (the JSON text of a StoredFile): its documents, parsed (a copy of its own, which fromStore decodes in
 * place), and a function that parses its text. The two are told apart without parsing the text: JSON writes every `"`
 * within a string escaped, so the last `,"` before the text's closing quote opens the text. Undefined when malformed.
 */
function storedFileOf(json: string | undefined): { readonly documents: StoredDocuments; readonly text: () => string } | undefined {
  if (json === undefined) return undefined;
  // `[`, the documents, `,"`, the text's characters, `"]`
  const cut = json.lastIndexOf(',"', json.length - 4);
  if (cut < 0 || json.charCodeAt(0) !== OPEN_BRACKET || !json.endsWith('"]')) return undefined;
  let documents: unknown;
  try {
    documents = JSON.parse(json.slice(1, cut));
  } catch {
    return undefined;
  }
  if (!Array.isArray(documents) || documents.length % 3 !== 0) return undefined;
  const text = json.slice(cut + 1, json.length - 1);
  return { documents, text: () => JSON.parse(text) as string };
}

const OPEN_BRACKET = 0x5b;

/**
 * The documents a store kept for a file (with fresh contexts, for the cross-document checks); `paths`: the origin
 * paths decoded in this load.
 */
function fromStore(file: SourceFile, entry: StoredDocuments, paths: DecodedPaths): FileOutcome | undefined {
  const source = new YamlSource(file);
  const documents: { ctx: DocumentContext; kind: DocumentKind<unknown>; value: unknown }[] = [];
  const encoded: unknown[] = [];
  for (let at = 0; at < entry.length; at += 3) {
    const kind = KINDS_BY_NAME.get(entry[at] as string);
    const index = entry[at + 1];
    if (kind === undefined || typeof index !== 'number') return undefined;
    documents.push({ ctx: new DocumentContext(file, new YamlLocator(source, index), index), kind, value: undefined });
    encoded.push(entry[at + 2]);
  }
  const locate = (i: number, path: FieldPath | string, target: Target): SourceLocation => documents[i].ctx.lazyLocation(path, target);
  // A document's own origin is read for its file by every later stage (cache keys, per table): made at once; a field's
  // origin is read only when a diagnostic points at it: a LazyOrigin.
  const origin = (i: number, path: string, target: Target): Origin =>
    path === DOCUMENT_ORIGIN ? { at: locate(i, path, target), path } : documents[i].ctx.lazyOrigin(path, target);
  const values = decodeValues(encoded as never, locate, paths, origin);
  for (let i = 0; i < documents.length; i++) documents[i].value = values[i];
  return { documents, diagnostics: [] };
}

/** The field path of every document's own origin (its name): see fromStore. */
const DOCUMENT_ORIGIN = 'metadata.name';

/** The document kinds by kind name (one apiVersion: kind names tell them apart), as the store names them. */
const KINDS_BY_NAME: ReadonlyMap<string, DocumentKind<unknown>> = new Map(DOCUMENT_KINDS.map((k) => [k.kind, k]));

/**
 * Input files to read instead of what is on disk (text) or to leave out (null), by path relative to the root
 * (`routes/<team>/<file>.yaml`, `clusters/<file>.yaml`). `kfaas import` renders the project as it will be
 * after the import this way, in memory, before it writes anything.
 */
export type SourceOverlay = ReadonlyMap<string, string | null>;

function withOverlay<T>(tree: Tree<T>, overlay: SourceOverlay | undefined): Tree<T> {
  if (!overlay || overlay.size === 0) return tree;
  const files: SourceFile[] = tree.files.filter((f) => !overlay.has(f.path));
  for (const [path, text] of overlay) {
    if (text === null) continue;
    const segments = path.split('/');
    const area = segments[0] === 'clusters' ? 'clusters' : 'routes';
    files.push({ path, area, text, ...(area === 'routes' ? { team: segments[1] } : {}) });
  }
  files.sort((a, b) => compareText(a.path, b.path));
  return { ...tree, files };
}

/**
 * Clean files (nearly all of them) take the fast path: js-yaml, no positions. A file with any problem is read
 * again with the `yaml` package, whose positions the diagnostics need, and only that reading counts.
 */
function loadFile(given: SourceFile): FileOutcome {
  const file = { ...given, text: withoutDocumentBoms(given.text) };
  const source = new YamlSource(file);
  const fast = readFast(file.text);
  if (fast) {
    const documents = checkDocuments(source, fast);
    if (documents.every((d) => d.ctx.diagnostics.length === 0)) return { documents, diagnostics: [] };
  }
  const diagnostics: Diagnostic[] = [];
  const raw = readCareful(source, diagnostics);
  return { documents: checkDocuments(source, raw), diagnostics };
}

function checkDocuments(source: YamlSource, raw: readonly RawDocument[]): Checked[] {
  return raw.map(({ index, data }) => {
    const ctx = new DocumentContext(source.file, new YamlLocator(source, index), index);
    const deep = tooDeepPath(data);
    if (deep) {
      ctx.error('too-deep', deep.slice(0, 3), TOO_DEEP_MESSAGE); // the field it starts in, not 64 indices
      return { ctx };
    }
    if (!isMapping(data)) {
      ctx.error('not-a-mapping', [], `expected a mapping with apiVersion, kind, metadata and spec, got ${describeValue(data)}`);
      return { ctx };
    }
    const kind = resolveKind(ctx, data);
    if (!kind) return { ctx };
    checkSchema(ctx, kind.definition, data);
    return { ctx, kind, value: kind.build(ctx, data) };
  });
}
