import { MatchKind } from '../model/project';
import { compareConditions, Conditions, NO_CONDITIONS } from './conditions';
import { compareText } from '../util/compare';
import { conditionLiteral, regexFacts } from '../regex';

/**
 * Specificity: the one total order in which kfaas lists HTTP routes, most specific first, so Envoy's
 * first-match picks the narrowest route no matter how Istio merges VirtualServices.
 *
 * 1. Every exact match first, by path.
 * 2. Then prefix and regex matches by their literal leading part, longer first: a match whose literal extends
 *    another's is tried before it. Catch-alls (prefix `/`, regex `.*`) fall last by themselves.
 * 3. At an equal literal: a regex first (it only matches paths starting with the literal, so it is narrower
 *    than the prefix), then the prefix, then a regex of the form `<literal>.*` (the same paths as the prefix).
 * 4. For the same path match (kind and value): a method match first, then more header matches, then more
 *    query matches (Gateway API's precedence), see {@link compareConditions}. Conditions never lift a match
 *    above a more specific path: a conditioned shorter prefix stays behind a longer plain one.
 * 5. Then literal text, value, route name and field path, so the order is total and deterministic.
 */
export interface Ranked {
  readonly kind: MatchKind;
  readonly value: string;
  /** What every matched path starts with: the exact path, the prefix, or the regex's literal part. */
  readonly literal: string;
  /** Tie-break at an equal literal, see {@link kindRank}. */
  readonly kindRank: number;
  /** Route (`metadata.name`) the match belongs to. */
  readonly routeName: string;
  /** Field path of the match, the last tie-break (two equal matches in one route). */
  readonly originPath: string;
  /** Method, header and query conditions. @default none */
  readonly conditions?: Conditions;
}

/** The literal leading part of a match: every path it matches starts with this text. */
export function matchLiteral(kind: MatchKind, value: string): string {
  return conditionLiteral({ kind, value });
}

/** Order of kinds at an equal literal: exact 0, regex 1, prefix 2, regex `<literal>.*` 3. */
export function kindRank(kind: MatchKind, value: string): number {
  switch (kind) {
    case 'exact':
      return 0;
    case 'prefix':
      return 2;
    case 'regex':
      return regexFacts(value).prefixEquivalent ? 3 : 1;
  }
}

/** Builds the ranking key of a match. */
export function rank(kind: MatchKind, value: string, routeName: string, originPath = '', conditions: Conditions = NO_CONDITIONS): Ranked {
  return { kind, value, literal: matchLiteral(kind, value), kindRank: kindRank(kind, value), routeName, originPath, conditions };
}

/** Negative when `a` must be tried before `b`. */
export function compareSpecificity(a: Ranked, b: Ranked): number {
  const ga = a.kind === 'exact' ? 0 : 1;
  const gb = b.kind === 'exact' ? 0 : 1;
  if (ga !== gb) return ga - gb;
  if (a.literal.length !== b.literal.length) return b.literal.length - a.literal.length;
  return (
    compareText(a.literal, b.literal) ||
    a.kindRank - b.kindRank ||
    compareText(a.value, b.value) ||
    compareConditions(a.conditions ?? NO_CONDITIONS, b.conditions ?? NO_CONDITIONS) ||
    compareText(a.routeName, b.routeName) ||
    compareText(a.originPath, b.originPath)
  );
}
