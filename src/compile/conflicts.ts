import { originIn } from '../model/project';
import { RouteEntry } from './entries';
import { conditionsImply, conditionsKey, describeConditions, isUnconditioned, NO_CONDITIONS } from './conditions';
import { describeMatch, Findings, where } from './findings';
import { covers, mayOverlap, MatchLike, ownPath } from './overlap';
import { regexFacts } from '../regex';
import { compareText } from '../util/compare';
import { BoundedMemo, MEMO_ENTRIES } from '../util/bounded-memo';
import { literalChains, sortedLiterals } from './partition';
import { groupBy, groupRepeated } from '../util/group-by';

/** Which conflicts to look for. */
export interface ConflictScope {
  /**
   * Check pairs of different routes too (layout `merged`). The `per-route` layout reports every cross-route
   * overlap on its own, so it only checks matches within one route.
   */
  readonly crossRoute: boolean;
}

/**
 * Reports, in one (cluster, environment) whose entries are in final (specificity) order:
 * - `duplicate-match`: two routes with the same match (kind and value), at every place, naming the others;
 * - `match-shadowed`: a match covered by an earlier one (Istio IST0131), at both places;
 * - `route-unreachable`: a route all of whose matches are covered (Istio IST0130), at the route.
 * `scope` (the environment) is appended by {@link Findings} so one problem in many tables is reported once.
 */
export function findConflicts(sorted: readonly RouteEntry[], scope: string, findings: Findings, options: ConflictScope): void {
  if (options.crossRoute) reportDuplicates(sorted, scope, findings);
  const covered = reportShadowed(sorted, scope, findings, options);
  if (options.crossRoute) reportRegexLosses(sorted, covered, scope, findings);
  if (options.crossRoute) reportUnreachable(sorted, covered, scope, findings);
}

function reportDuplicates(sorted: readonly RouteEntry[], scope: string, findings: Findings): void {
  const groups = groupRepeated(sorted, (e) => `${e.kind}\u0000${e.value}\u0000${conditionsKey(e.conditions)}`);
  for (const group of groups.values()) {
    for (const e of group) {
      const others = group.filter((o) => o.route !== e.route);
      if (others.length === 0) continue;
      const list = others.map((o) => `route ${JSON.stringify(o.routeName)} (${where(o.match.origin)})`).join(', ');
      findings.error('duplicate-match', e.match.origin,
        `${describeEntry(e)} is also declared by ${list}; Envoy would only ever use the first: remove one or make them differ`,
        scope);
    }
  }
}

/** Returns the entries covered by an earlier one (including cross-route duplicates). */
function reportShadowed(sorted: readonly RouteEntry[], scope: string, findings: Findings, options: ConflictScope): Set<RouteEntry> {
  const byLiteral = groupBy(sorted.map((entry, position) => ({ position, entry })), (p) => p.entry.literal);
  const chains = literalChains(sorted);
  const covered = new Set<RouteEntry>();
  sorted.forEach((b, position) => {
    // covers(a, b) implies literal(b) starts with literal(a): only look at those.
    let first: { readonly position: number; readonly entry: RouteEntry } | undefined;
    for (const literal of chains.get(b.literal)!) {
      for (const c of byLiteral.get(literal)!) {
        if (c.position >= position || (c.entry.route !== b.route && !options.crossRoute)) continue;
        if ((!first || c.position < first.position) && covers(c.entry, b)) first = c;
      }
    }
    if (!first) return;
    covered.add(b);
    const a = first.entry;
    if (a.route !== b.route && a.kind === b.kind && a.value === b.value && conditionsKey(a.conditions) === conditionsKey(b.conditions)) {
      return; // reported as duplicate-match
    }
    const owner = a.route === b.route ? 'this route' : `route ${JSON.stringify(a.routeName)}`;
    const other = b.route === a.route ? 'this route' : `route ${JSON.stringify(b.routeName)}`;
    const unit = isUnconditioned(a.conditions) && isUnconditioned(b.conditions) ? 'path' : 'request';
    findings.error('match-shadowed', b.match.origin,
      `${describeEntry(b)} can never match: the earlier ${describeEntry(a)} of ${owner} (${where(a.match.origin)}) ` +
        `matches every ${unit} it does, and Envoy takes the first match`, scope);
    findings.error('match-shadowed', a.match.origin,
      `${describeEntry(a)} matches every ${unit} of the later ${describeEntry(b)} of ${other} (${where(b.match.origin)}), ` +
        'which can therefore never match', scope);
  });
  return covered;
}

function reportUnreachable(sorted: readonly RouteEntry[], covered: Set<RouteEntry>, scope: string, findings: Findings): void {
  const byRoute = groupBy(sorted, (e) => e.routeName);
  for (const entries of byRoute.values()) {
    if (!entries.every((e) => covered.has(e))) continue;
    const route = entries[0].route;
    // Matches from `overrides.<env>` are blamed on that override, not on the whole route.
    const override = /^spec\.overrides\.([^.]+)\./.exec(entries[0].match.origin.path)?.[1];
    findings.error('route-unreachable', override !== undefined ? originIn(route, override) : route.origin,
      `route ${JSON.stringify(route.name)} can never be reached: every one of its matches is covered by an earlier route`,
      scope);
  }
}

/** `prefix "/a/" with header x-canary exact "true"`. */
function describeEntry(e: RouteEntry): string {
  return describeMatch(e) + describeConditions(e.conditions);
}

/**
 * Results of the regex-loss search, shared by every (cluster, environment) that has the same neighbours, and by the
 * compiles of a process that compiles again (`kfaas watch`): bounded, since every edit may bring keys of its own.
 */
const lossMemo = new BoundedMemo<string | 'covered' | 'unknown'>(MEMO_ENTRIES);

/**
 * A regex (other than `<literal>.*`, which nests like a prefix) that several earlier matches of other routes
 * take paths from: an error when together they match every path it does (IST0130), a warning with a path that
 * goes elsewhere when they take part of them. Single covering matches are reported by `reportShadowed`.
 */
function reportRegexLosses(sorted: readonly RouteEntry[], covered: Set<RouteEntry>, scope: string, findings: Findings): void {
  const literals = sortedLiterals(sorted);
  const positions = new Map(sorted.map((e, i) => [e, i] as const));
  const byLiteral = groupBy(sorted, (e) => e.literal);
  const chains = literalChains(sorted);
  sorted.forEach((b, position) => {
    if (b.kind !== 'regex' || covered.has(b) || regexFacts(b.value).prefixEquivalent) return;
    const related = [...chains.get(b.literal)!, ...extensions(literals, b.literal)];
    const earlier = [...new Set(related)].flatMap((l) => byLiteral.get(l) ?? [])
      .filter((c) => positions.get(c)! < position && c.route !== b.route && mayOverlap(c, b))
      .sort((x, y) => positions.get(x)! - positions.get(y)!);
    if (earlier.length === 0) return;
    // Only earlier matches whose request conditions b's imply take b's requests for certain.
    const certain = earlier.filter((c) => conditionsImply(b.conditions ?? NO_CONDITIONS, c.conditions ?? NO_CONDITIONS));
    const key = [b, ...certain].map((e) => `${e.kind}:${e.value}`).join('\u0000');
    let own = lossMemo.get(key);
    if (own === undefined) {
      own = certain.length === 0 ? 'unknown' : ownPath([b], certain.map((e): MatchLike => ({ kind: e.kind, value: e.value })));
      lossMemo.set(key, own);
    }
    const list = earlier.slice(0, 3).map((c) => `${describeEntry(c)} of route ${JSON.stringify(c.routeName)} (${where(c.match.origin)})`)
      .join(', ') + (earlier.length > 3 ? `, and ${earlier.length - 3} more` : '');
    if (own === 'covered') {
      covered.add(b);
      findings.error('match-shadowed', b.match.origin,
        `${describeEntry(b)} can never match: the earlier ${list} together match every ` +
          `${[b, ...certain].every((e) => isUnconditioned(e.conditions)) ? 'path' : 'request'} it does, and Envoy takes the first match`, scope);
      return;
    }
    const lost = earlier.map((c) => ({ c, sample: samplePathOf(b, c) })).find((x) => x.sample !== undefined);
    if (!lost) return;
    findings.warning('match-partly-shadowed', b.match.origin,
      `${describeEntry(b)} loses some of its paths to earlier matches: ${JSON.stringify(lost.sample)} goes to ` +
        `${describeEntry(lost.c)} of route ${JSON.stringify(lost.c.routeName)} (${where(lost.c.match.origin)}), since Envoy takes ` +
        `the first match; narrow the regex if that is not intended` + (earlier.length > 1 ? ` (earlier overlapping matches: ${list})` : ''),
      scope);
  });
}

function samplePathOf(b: MatchLike, c: MatchLike): string | undefined {
  const r = ownPath([b, c], []);
  return r === 'covered' || r === 'unknown' ? undefined : r;
}

/** The literals in `sorted` that extend `literal` (start with it and are longer). */
function extensions(sorted: readonly string[], literal: string): string[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareText(sorted[mid], literal) <= 0) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < sorted.length && sorted[i].startsWith(literal); i++) out.push(sorted[i]);
  return out;
}
