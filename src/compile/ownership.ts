import { OwnedPrefix, PathMatch, RouteBehaviour, Route, Team } from '../model/project';
import { describeMatch, Findings, where } from './findings';
import { matchLiteral } from './specificity';
import { compareText } from '../util/compare';

/**
 * Path ownership from `kind: Team` documents. The owner of a path literal is the team owning the LONGEST owned
 * prefix it starts with. With no Team documents at all the check is off.
 */
export interface OwnershipIndex {
  /** Owned prefix text → its owner (the first team by name when two claim it; the loader reports that). */
  readonly byPrefix: ReadonlyMap<string, Owner>;
  /** Teams that have a Team document, by name. */
  readonly teams: ReadonlyMap<string, Team>;
}

export interface Owner {
  readonly team: Team;
  readonly prefix: OwnedPrefix;
}

export function makeOwnershipIndex(teams: readonly Team[]): OwnershipIndex {
  const sorted = [...teams].sort((a, b) => compareText(a.name, b.name));
  const byPrefix = new Map<string, Owner>();
  for (const team of sorted) {
    for (const prefix of team.owns) if (!byPrefix.has(prefix.prefix)) byPrefix.set(prefix.prefix, { team, prefix });
  }
  return { byPrefix, teams: new Map(sorted.map((t) => [t.name, t])) };
}

/** The team owning the longest owned prefix `literal` starts with, if any. */
export function ownerOf(index: OwnershipIndex, literal: string): Owner | undefined {
  for (let len = literal.length; len >= 0; len--) {
    const owner = index.byPrefix.get(literal.slice(0, len));
    if (owner) return owner;
  }
  return undefined;
}

/**
 * What is wrong with `team` using `match`, or undefined when allowed:
 * - a team with a Team document may only use paths it owns (owner = itself);
 * - no team may use a path owned by another team.
 */
export function ownershipProblem(index: OwnershipIndex, team: string, match: Pick<PathMatch, 'kind' | 'value'>): string | undefined {
  if (index.teams.size === 0) return undefined;
  const literal = matchLiteral(match.kind, match.value);
  const owner = ownerOf(index, literal);
  const own = index.teams.get(team);
  if (owner && owner.team.name !== team) {
    return `${describeMatch(match)} is inside prefix ${JSON.stringify(owner.prefix.prefix)} owned by team ` +
      `${JSON.stringify(owner.team.name)} (${where(owner.prefix.origin)}); team ${JSON.stringify(team)} may not route there` +
      (own ? `; it owns ${own.owns.map((p) => JSON.stringify(p.prefix)).join(', ')}` : '');
  }
  if (!owner && own) {
    const owned = own.owns.map((p) => JSON.stringify(p.prefix)).join(', ') || '(nothing)';
    const matchText = match.kind === 'regex' && literal !== match.value
      ? `${describeMatch(match)} (literal part ${JSON.stringify(literal)})` : describeMatch(match);
    return `${matchText} is outside the prefixes team ${JSON.stringify(team)} owns (${where(own.origin)}): ${owned}`;
  }
  return undefined;
}

/** Checks every match of every behaviour a route actually uses somewhere. */
export function checkOwnership(index: OwnershipIndex, landings: Iterable<{ readonly route: Route; readonly behaviour: RouteBehaviour }>, findings: Findings): void {
  if (index.teams.size === 0) return;
  const seen = new Set<PathMatch>();
  for (const { route, behaviour } of landings) {
    for (const match of behaviour.match) {
      if (seen.has(match)) continue;
      seen.add(match);
      const problem = ownershipProblem(index, route.team, match);
      if (problem) findings.error('path-not-owned', match.origin, problem);
    }
  }
}
