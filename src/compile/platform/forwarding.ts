import { FORWARDING_TABLE_NAME, forwardingTableName, gatewayHost, MAX_FORWARDING_TABLE_BYTES } from '../../model/defaults';
import { Cluster, MatchKind } from '../../model/project';
import { platformProfileFor } from '../../versions/platform-profile';
import { compareText } from '../../util/compare';
import { EnvironmentSlot, Landing } from '../expand';
import { Findings } from '../findings';
import { OwnershipIndex } from '../ownership';
import { matchLiteral } from '../specificity';
import { configMapBytes, forwardingData, forwardingIndexJson } from './forwarding-formats';
import { ForwardingEntry, ForwardingTable } from './platform-table';

/** Spring Cloud Gateway moved its route properties in 4.3.0 (version-facts.md H). */
function springPropertyPrefix(cluster: Cluster): string {
  return platformProfileFor(cluster).springCloudGatewayWebflux ? 'spring.cloud.gateway.server.webflux' : 'spring.cloud.gateway';
}

/**
 * The Java site gateway's forwarding table of one cluster: per environment, the path patterns its routes use,
 * where to send them and the Host header they must carry, in a ConfigMap of its own
 * (`kfaas-forwarding-table-<env>`), and an index naming every environment's gateway host. Derived from the same
 * landings as the VirtualServices. An environment whose ConfigMap would exceed `budget` bytes (an upper bound of
 * the rendered YAML, see configMapBytes) is an error at the cluster's environment entry, never an oversized object.
 */
export function makeForwardingTable(
  cluster: Cluster, slots: readonly EnvironmentSlot[], ownership: OwnershipIndex, findings: Findings,
  budget: number = MAX_FORWARDING_TABLE_BYTES,
): ForwardingTable {
  const prefix = springPropertyPrefix(cluster);
  const entries: ForwardingEntry[] = slots
    .filter((s) => s.cluster === cluster)
    .map((slot) => {
      const host = gatewayHost(slot.environment.namespace, cluster.clusterDomain);
      const facts = {
        environment: slot.environment.name,
        namespace: slot.environment.namespace,
        paths: forwardedPatterns(slot, ownership),
        target: `http://${cluster.javaGateway?.address ?? host}`,
        host,
      };
      const data = forwardingData(facts, prefix);
      const bytes = configMapBytes(data);
      if (bytes > budget) {
        findings.error('forwarding-table-too-large', slot.environment.origin,
          `the forwarding table of environment ${slot.environment.name} on cluster ${cluster.name} would take ${bytes} bytes ` +
            `(${facts.paths.length} path patterns in three formats), more than one object may take (${budget}); give the teams ` +
            'routing here Team documents (kind: Team, spec.owns: each owned prefix is forwarded as one pattern), or merge ' +
            'exact paths into prefixes');
      }
      return { ...facts, configMap: forwardingTableName(facts.environment), data };
    })
    .sort((a, b) => compareText(a.environment, b.environment));
  return {
    name: FORWARDING_TABLE_NAME,
    data: { 'forwarding-table.json': forwardingIndexJson(entries) },
    springPropertyPrefix: prefix,
    entries,
  };
}

/** Patterns found per ownership index (one per compile), with the landings they were found for. */
const patternsMemo = new WeakMap<OwnershipIndex, { readonly landings: readonly Landing[]; readonly patterns: readonly string[] }[]>();

/**
 * `pathPatterns(forwardedMatches(slot, ownership))`: they depend on the routes and their behaviours alone, so slots
 * whose landings hold the same ones (the clusters hosting an environment, and often environments alike) share them.
 */
function forwardedPatterns(slot: EnvironmentSlot, ownership: OwnershipIndex): string[] {
  let known = patternsMemo.get(ownership);
  if (!known) patternsMemo.set(ownership, (known = []));
  const same = known.find((k) => sameLandings(k.landings, slot.landings));
  if (same) return [...same.patterns];
  const patterns = pathPatterns(forwardedMatches(slot, ownership));
  known.push({ landings: slot.landings, patterns });
  return [...patterns];
}

function sameLandings(a: readonly Landing[], b: readonly Landing[]): boolean {
  if (a.length !== b.length) return false;
  // The same landing object first (the slots of the clusters hosting an environment share them): no read of either.
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && (a[i].route !== b[i].route || a[i].behaviour !== b[i].behaviour)) return false;
  return true;
}

/** A match reduced to what the forwarding table needs: paths it may take are those starting with `literal` (or equal to it). */
export interface ForwardedMatch {
  readonly kind: MatchKind;
  readonly value: string;
}

/**
 * What the slot's routes make the Java gateway forward. A match of a team with a Team document that lies inside
 * one of the team's owned prefixes is forwarded as that prefix (the widest, when the team owns nested ones): no other team may route inside it (the ownership
 * check, compile/ownership.ts; a fallback route only where the owner's routes answer first), so every request in
 * it belongs to this team, and one pattern replaces however many routes it has there. Paths in the prefix that no
 * route of the team matches reach the environment's gateway, which answers 404.
 */
export function forwardedMatches(slot: EnvironmentSlot, ownership: OwnershipIndex): ForwardedMatch[] {
  const out: ForwardedMatch[] = [];
  // An owned prefix is forwarded once, however many matches lie in it (pathPatterns would drop the repeats, after
  // sorting them: at the bench's tier L, 7,000 matches of a slot come down to one owned prefix per team).
  const ownedSeen = new Set<string>();
  const landings = slot.landings;
  for (let i = 0; i < landings.length; i++) {
    const { route, behaviour } = landings[i];
    const owns = ownership.teams.get(route.team)?.owns;
    const matches = behaviour.match;
    for (let j = 0; j < matches.length; j++) {
      const m = matches[j];
      const owned = owns === undefined || owns.length === 0 ? undefined : widestOwned(owns, m.kind === 'exact' ? m.value : matchLiteral(m.kind, m.value));
      if (owned === undefined) out.push(m);
      else if (!ownedSeen.has(owned)) {
        ownedSeen.add(owned);
        out.push({ kind: 'prefix', value: owned });
      }
    }
  }
  return out;
}

/**
 * The shortest of a team's owned prefixes that `literal` starts with (a team may own nested prefixes; the widest
 * one holds the others, and choosing it makes the patterns independent of the order of `owns`), or undefined.
 */
function widestOwned(owns: readonly { readonly prefix: string }[], literal: string): string | undefined {
  let widest: string | undefined;
  for (let i = 0; i < owns.length; i++) {
    const { prefix } = owns[i];
    if (literal.startsWith(prefix) && (widest === undefined || prefix.length < widest.length)) widest = prefix;
  }
  return widest;
}

/**
 * Characters with a meaning in Ant patterns (`*`, `?`, `{`, `}`), in Spring Cloud Gateway's `Path=` shortcut
 * (`,` separates patterns) or in a .properties value (`\`): a literal is cut before the first of them and
 * widened to a prefix, so the pattern still covers every path the match can take.
 */
const PATTERN_SPECIAL = /[*?{}\\,]/;

/**
 * Segment-aligned Ant patterns (Zuul's AntPathMatcher, Spring's PathPattern) covering every path the matches can
 * match:
 * - an exact path stays itself;
 * - a prefix becomes `<prefix>**` when it ends in `/`, else `<directory>/<last segment>*` followed by `/**`
 *   (`*` matches within one segment, a final `**` zero or more segments: exactly the paths starting with the prefix);
 * - a regex becomes the prefix of its literal leading part (wider than the regex: a pattern cannot say more).
 * A pattern another pattern's prefix already covers is dropped, and the result is sorted.
 */
export function pathPatterns(matches: readonly ForwardedMatch[]): string[] {
  const items = matches.map((m) => {
    const literal = m.kind === 'exact' ? m.value : matchLiteral(m.kind, m.value);
    const cut = literal.search(PATTERN_SPECIAL);
    return cut >= 0 ? { literal: literal.slice(0, cut), exact: false }
      : { literal, exact: m.kind === 'exact' };
  });
  // Sorted by literal (a prefix before an exact path of the same text), every literal that starts with a kept
  // prefix comes right after it, before any literal that does not: one pass with the last kept prefix decides.
  items.sort((a, b) => compareText(a.literal, b.literal) || Number(a.exact) - Number(b.exact));
  const patterns: string[] = [];
  let lastPrefix: string | undefined;
  let lastExact: string | undefined;
  for (const { literal, exact } of items) {
    if (lastPrefix !== undefined && literal.startsWith(lastPrefix)) continue;
    if (exact) {
      if (literal !== lastExact) patterns.push(literal);
      lastExact = literal;
      continue;
    }
    lastPrefix = literal;
    patterns.push(prefixPattern(literal));
  }
  return patterns.sort(compareText);
}

/** The Ant pattern of every path starting with `literal`. */
function prefixPattern(literal: string): string {
  const slash = literal.lastIndexOf('/');
  if (slash < 0) return '/**';
  const last = literal.slice(slash + 1);
  return last === '' ? `${literal}**` : `${literal}*/**`;
}
