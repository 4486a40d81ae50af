import { OwnedPrefix, PathMatch, RouteBehaviour, Route, Team } from '../model/project';
import { compareText } from '../util/compare';
import { describeMatch, Findings, where } from './findings';
import { covers, MatchLike, overlapWitness, ownPath } from './overlap';
import { matchLiteral } from './specificity';

/**
 * Path ownership from `kind: Team` documents. A team owns every path starting with one of its prefixes (the
 * loader refuses a prefix claimed inside another team's). The invariant: no path inside a team's owned prefix
 * can reach another team's route. It is checked on what matches can match (RE2's program for regexes, so
 * `(?i)`, `[p]` or `\x70` cannot slip in), with a sample path in every message. With no Team document at all
 * the check is off.
 */
export interface OwnershipIndex {
  /** Every owned prefix with its team, by prefix text. */
  readonly owned: readonly Owner[];
  /** Teams that have a Team document, by name. */
  readonly teams: ReadonlyMap<string, Team>;
}

export interface Owner {
  readonly team: Team;
  readonly prefix: OwnedPrefix;
}

export function makeOwnershipIndex(teams: readonly Team[]): OwnershipIndex {
  const sorted = [...teams].sort((a, b) => compareText(a.name, b.name));
  const owned = sorted.flatMap((team) => team.owns.map((prefix) => ({ team, prefix })));
  return { owned, teams: new Map(sorted.map((t) => [t.name, t])) };
}

const asPrefix = (o: Owner): MatchLike => ({ kind: 'prefix', value: o.prefix.prefix });

/** Owned prefixes a match may reach: its literal and the prefix must be comparable (one starts with the other). */
function candidates(index: OwnershipIndex, match: MatchLike): Owner[] {
  const literal = matchLiteral(match.kind, match.value);
  return index.owned.filter((o) => literal.startsWith(o.prefix.prefix) || o.prefix.prefix.startsWith(literal));
}

/**
 * What is wrong with `team` using `match`, or undefined when allowed:
 * - no path the match can match may lie inside a prefix another team owns;
 * - a team with a Team document may only match paths inside its own prefixes.
 * A `fallback` route is exempt here; {@link checkFallbacks} proves it never wins inside an owned prefix.
 */
export function ownershipProblem(index: OwnershipIndex, team: string, match: Pick<PathMatch, 'kind' | 'value'>): string | undefined {
  if (index.teams.size === 0) return undefined;
  const own = index.teams.get(team);
  const reached = candidates(index, match)
    .filter((o) => o.team.name !== team)
    .map((owner) => ({ owner, sample: overlapWitness(match, asPrefix(owner)) }))
    .filter((r) => r.sample !== 'none');
  if (reached.length > 0) {
    const { owner, sample } = reached[0];
    const inside = covers(asPrefix(owner), match);
    const how = inside ? 'is inside' : 'can match paths inside';
    const example = inside ? '' : sample === 'unknown' ? ' (too complex to prove otherwise)' : `, such as ${JSON.stringify(sample)}`;
    const more = reached.length > 1
      ? ` (and ${reached.length - 1} more owned prefix${reached.length > 2 ? 'es' : ''}: ${reached.slice(1, 4).map((r) => JSON.stringify(r.owner.prefix.prefix)).join(', ')}${reached.length > 4 ? ', ...' : ''})`
      : '';
    return `${describeMatch(match)} ${how} prefix ${JSON.stringify(owner.prefix.prefix)} owned by team ` +
      `${JSON.stringify(owner.team.name)} (${where(owner.prefix.origin)})${example}${more}; team ${JSON.stringify(team)} may not route there` +
      (own ? `; it owns ${own.owns.map((p) => JSON.stringify(p.prefix)).join(', ')}` : '') +
      (inside ? '' : '; narrow the match so it cannot reach another team\'s prefix');
  }
  if (!own) return undefined;
  const outside = ownPath([match], own.owns.map((p) => ({ kind: 'prefix', value: p.prefix })));
  if (outside === 'covered') return undefined;
  const owned = own.owns.map((p) => JSON.stringify(p.prefix)).join(', ') || '(nothing)';
  const literal = matchLiteral(match.kind, match.value);
  const matchText = match.kind === 'regex' && literal !== match.value
    ? `${describeMatch(match)} (literal part ${JSON.stringify(literal)})` : describeMatch(match);
  const partly = match.kind !== 'exact' && own.owns.some((p) => overlapWitness(match, { kind: 'prefix', value: p.prefix }) !== 'none');
  const example = outside === 'unknown' ? ' (too complex to prove it stays inside)'
    : partly ? ` for paths such as ${JSON.stringify(outside)}` : '';
  return `${matchText} is outside the prefixes team ${JSON.stringify(team)} owns (${where(own.origin)}): ${owned}${example}`;
}

/**
 * Answers of {@link ownershipProblem} by team, match kind and value (`null`: allowed), valid for one set of Team
 * documents only: whoever keeps one across runs keys it by those documents (src/cache does, by content).
 */
export type OwnershipMemo = Map<string, string | null>;

/**
 * Checks every match of every behaviour a route actually uses somewhere (fallback routes: see checkFallbacks).
 * With `memo`, answers found there are reused and new ones added.
 */
export function checkOwnership(
  index: OwnershipIndex, landings: Iterable<{ readonly route: Route; readonly behaviour: RouteBehaviour }>, findings: Findings,
  memo?: OwnershipMemo,
): void {
  if (index.teams.size === 0) return;
  const seen = new Set<PathMatch>();
  // indexed loops: see expand.ts expandLandings
  const list = Array.isArray(landings) ? (landings as readonly { readonly route: Route; readonly behaviour: RouteBehaviour }[]) : [...landings];
  for (let i = 0; i < list.length; i++) {
    const { route, behaviour } = list[i];
    if (route.fallback) continue;
    const matches = behaviour.match;
    for (let j = 0; j < matches.length; j++) {
      const match = matches[j];
      if (seen.has(match)) continue;
      seen.add(match);
      const key = `${route.team}\u0000${match.kind}\u0000${match.value}`;
      let problem = memo?.get(key);
      if (problem === undefined) {
        problem = ownershipProblem(index, route.team, match) ?? null;
        memo?.set(key, problem);
      }
      if (problem !== null) findings.error('path-not-owned', match.origin, problem);
    }
  }
}

/** What {@link checkFallbacks} needs of an ordered entry. */
export interface OrderedMatch extends MatchLike {
  readonly route: Route;
  readonly match: PathMatch;
}

/**
 * A `fallback: true` route may match paths inside other teams' prefixes only where, in this (cluster,
 * environment), the owning team's routes match every such path first (Envoy takes the first match, and the
 * packer keeps overlapping entries in order in one object). `sorted` is in final order.
 */
export function checkFallbacks(index: OwnershipIndex, sorted: readonly OrderedMatch[], scope: string, findings: Findings): void {
  if (index.teams.size === 0) return;
  sorted.forEach((f, position) => {
    if (!f.route.fallback) return;
    for (const owner of candidates(index, f)) {
      if (owner.team.name === f.route.team || overlapWitness(f, asPrefix(owner)) === 'none') continue;
      const prefix = owner.prefix.prefix;
      const before = sorted.slice(0, position).filter((e) => e.route.team === owner.team.name && !e.route.fallback &&
        overlapWitness(e, asPrefix(owner)) !== 'none');
      const inside = ownPathInside(f, prefix, before);
      if (inside === 'covered') continue;
      const example = inside === 'unknown' ? 'some paths (too complex to prove otherwise)' : JSON.stringify(inside);
      findings.error('fallback-wins-owned-path', f.match.origin,
        `fallback route ${JSON.stringify(f.route.name)} would win ${example} inside prefix ${JSON.stringify(prefix)} owned by team ` +
          `${JSON.stringify(owner.team.name)} (${where(owner.prefix.origin)}); a fallback may only reach an owned prefix where that ` +
          `team's routes match every path first: team ${JSON.stringify(owner.team.name)} needs a route with prefix ` +
          `${JSON.stringify(prefix)} (or the fallback must not reach that prefix)`, scope);
    }
  });
}

/** A path inside `prefix` that `f` matches and none of `before` does; 'covered' when there is none. */
function ownPathInside(f: MatchLike, prefix: string, before: readonly MatchLike[]): string | 'covered' | 'unknown' {
  const inside: MatchLike = { kind: 'prefix', value: prefix };
  if (before.some((b) => covers(b, inside))) return 'covered';
  return ownPath([f, inside], before);
}
