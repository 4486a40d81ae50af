import type { SourceLocation } from '../diagnostics/diagnostic';
import type { MatchKind, Origin, PathMatch, Route, RouteBehaviour } from '../model/project';

/**
 * Route stubs: what a run that changed a few route files needs of the routes of every other file to plan the project
 * (where each route lands, path ownership, the forwarding table's patterns, the cache keys), made from a summary
 * kept from an earlier run instead of decoding each file's model. A stub holds every field of its Route with the
 * values the route's model has, the matches of each behaviour (kind, value and field path of each), and nothing else
 * of a behaviour: reading any other field of a stub's behaviour throws {@link StubFieldRead}, and the run is done
 * again from the files' models (pipeline.ts). A route whose entries are built is decoded first (the loader's
 * `materialize`). Locations of a stub point at its document's first line: a run that reports anything is done again
 * from the models too, so no diagnostic ever quotes a stub.
 */

/** Read of a field a route stub does not hold: the run must load the models of the files it stands for. */
export class StubFieldRead extends Error {
  public constructor(field: string) {
    super(`a route stub was asked for ${field}`);
  }
}

/**
 * A route as kept between runs: name, index of its document in the file, team, `environments` and `clusters` (null
 * when absent), the base behaviour's matches and, per environment with an override, the override's matches (null
 * when the override keeps the base's). Matches: kind, value and field path of each, in a row.
 */
export type RouteSummary = readonly [
  name: string, document: number, team: string, environments: readonly string[] | null, clusters: readonly string[] | null,
  base: readonly string[], overrides: Readonly<Record<string, readonly string[] | null>>,
];

/**
 * The summary of a route (document `document` of its file), or undefined when a stub could not stand for it: a
 * fallback route, one with business-domain hostnames, or a match with request conditions (what planning reads of
 * them is not kept).
 */
export function summarizeRoute(route: Route, document: number): RouteSummary | undefined {
  if (route.fallback || route.hostnames !== undefined) return undefined;
  const base = matchesOf(route.base.match);
  if (base === undefined) return undefined;
  const overrides: Record<string, readonly string[] | null> = {};
  for (const env of Object.keys(route.overrides)) {
    const match = route.overrides[env].match;
    const own = match === route.base.match ? null : matchesOf(match);
    if (own === undefined) return undefined;
    overrides[env] = own;
  }
  return [route.name, document, route.team, route.environments ?? null, route.clusters ?? null, base, overrides];
}

function matchesOf(matches: readonly PathMatch[]): string[] | undefined {
  const out: string[] = [];
  for (const m of matches) {
    if (m.conditions !== undefined) return undefined;
    out.push(m.kind, m.value, m.origin.path);
  }
  return out;
}

/** Whether `summary` is well formed (a summary read from the cache is checked before use). */
function isRouteSummary(summary: unknown): summary is RouteSummary {
  if (!Array.isArray(summary) || summary.length !== 7) return false;
  const [name, document, team, environments, clusters, base, overrides] = summary as unknown[];
  if (typeof name !== 'string' || typeof document !== 'number' || typeof team !== 'string') return false;
  if (!(environments === null || isStrings(environments)) || !(clusters === null || isStrings(clusters))) return false;
  if (!isMatches(base) || overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) return false;
  return Object.values(overrides as object).every((m) => m === null || isMatches(m));
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

function isMatches(v: unknown): v is string[] {
  return isStrings(v) && v.length % 3 === 0 && v.every((s, i) => i % 3 !== 0 || s === 'prefix' || s === 'exact' || s === 'regex');
}

/** The stubs of a file's routes (`file`: its path relative to the project root). */
export function stubRoutes(file: string, summaries: readonly RouteSummary[]): Route[] {
  const at: SourceLocation = { file, line: 1, col: 1 };
  const origin: Origin = { at, path: 'metadata.name' };
  return summaries.map((summary) => {
    // kept by the cache as read (its checksum holds): a summary of another shape means the cache is not ours
    if (!isRouteSummary(summary)) throw new StubFieldRead('a route summary of another shape');
    const [name, document, team, environments, clusters, base, overrides] = summary;
    const baseBehaviour = new StubBehaviour(stubMatches(base, at));
    const byEnvironment: Record<string, RouteBehaviour> = {};
    for (const env of Object.keys(overrides)) {
      const own = overrides[env];
      byEnvironment[env] = new StubBehaviour(own === null ? baseBehaviour.match : stubMatches(own, at));
    }
    return new StubRoute(name, team, baseBehaviour, byEnvironment, environments, clusters, origin, document);
  });
}

/** The document of a stub in its file (the summary's), to decode it. */
export function stubDocument(route: Route): number | undefined {
  return route instanceof StubRoute ? route.document : undefined;
}

/** Whether `route` is a stub (see the module comment). */
export function isStub(route: Route): boolean {
  return route instanceof StubRoute;
}

function stubMatches(flat: readonly string[], at: SourceLocation): PathMatch[] {
  const out: PathMatch[] = [];
  for (let i = 0; i < flat.length; i += 3) out.push({ kind: flat[i] as MatchKind, value: flat[i + 1], origin: { at, path: flat[i + 2] } });
  return out;
}

class StubRoute implements Route {
  public declare readonly environments?: readonly string[];
  public declare readonly clusters?: readonly string[];
  /** Its document's index in the file (private: not a field of the Route it stands for). */
  readonly #document: number;

  public get document(): number {
    return this.#document;
  }

  public constructor(
    public readonly name: string,
    public readonly team: string,
    public readonly base: RouteBehaviour,
    public readonly overrides: Readonly<Record<string, RouteBehaviour>>,
    environments: readonly string[] | null,
    clusters: readonly string[] | null,
    public readonly origin: Origin,
    document: number,
  ) {
    this.#document = document;
    if (environments !== null) (this as { environments?: readonly string[] }).environments = environments;
    if (clusters !== null) (this as { clusters?: readonly string[] }).clusters = clusters;
  }
}

/** A behaviour of a stub: its matches; every other field throws StubFieldRead. */
class StubBehaviour implements RouteBehaviour {
  public constructor(public readonly match: readonly PathMatch[]) {}
  public get service(): string { return unheld('service'); }
  public get rewriteUri(): string | undefined { return unheld('rewriteUri'); }
  public get timeoutMs(): number | undefined { return unheld('timeoutMs'); }
  public get retries(): RouteBehaviour['retries'] { return unheld('retries'); }
  public get traffic(): RouteBehaviour['traffic'] { return unheld('traffic'); }
  public get tag(): string | undefined { return unheld('tag'); }
  public get tagOrigin(): Origin | undefined { return unheld('tagOrigin'); }
  public get fault(): RouteBehaviour['fault'] { return unheld('fault'); }
  public get cors(): RouteBehaviour['cors'] { return unheld('cors'); }
  public get headers(): RouteBehaviour['headers'] { return unheld('headers'); }
  public get redirect(): RouteBehaviour['redirect'] { return unheld('redirect'); }
  public get directResponse(): RouteBehaviour['directResponse'] { return unheld('directResponse'); }
}

function unheld(field: string): never {
  throw new StubFieldRead(`behaviour.${field}`);
}
