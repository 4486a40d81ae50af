/** One node of the `/faas/api/...` prefix tree the route map draws. */
export interface PrefixNode {
  /** The path prefix this node stands for, e.g. `/faas/api/shop/` (the root is `/`). */
  readonly path: string;
  /** The last segment, e.g. `shop/`. */
  readonly label: string;
  /** Routes whose match starts exactly here (their literal path ends at this node). */
  own: number;
  /** Routes in this node and below. */
  size: number;
  /** The team whose Team document owns exactly this prefix. */
  owner?: string;
  /** The owner, or else the one team every route in this subtree belongs to (absent when teams share it). */
  team?: string;
  /** A catch-all route (prefix `/` without conditions) sits here. */
  catchAll?: boolean;
  readonly children: PrefixNode[];
}

interface RouteLike {
  readonly team: string;
  /** The Envoy path specifier's kind (`exact`, `prefix`, `regex`, `pathSeparatedPrefix`). */
  readonly kind: string;
  readonly value: string;
  readonly catchAll: boolean;
}

/**
 * The prefix tree of an environment: one node per `/`-ended prefix of every route's literal path (the prefix or
 * exact path, or the literal start of a regex), a leaf for a literal that ends inside a segment, and a node for
 * every prefix a Team document owns, so nesting between teams shows. Children sorted by path.
 */
export function buildPrefixTree(routes: readonly RouteLike[], owned: Readonly<Record<string, readonly string[]>>): PrefixNode {
  const root: PrefixNode = { path: '/', label: '/', own: 0, size: 0, children: [] };
  const index = new Map<string, PrefixNode>([['/', root]]);
  const nodeFor = (literal: string): PrefixNode => {
    let node = root;
    let at = 1;
    while (at <= literal.length) {
      const slash = literal.indexOf('/', at);
      const end = slash < 0 ? literal.length : slash + 1;
      if (end === at) break;
      const path = literal.slice(0, end);
      let child = index.get(path);
      if (!child) {
        child = { path, label: literal.slice(at, end), own: 0, size: 0, children: [] };
        node.children.push(child);
        index.set(path, child);
      }
      node = child;
      at = end;
    }
    return node;
  };
  for (const [team, prefixes] of Object.entries(owned)) {
    for (const p of prefixes) nodeFor(p).owner = team;
  }
  const teamCounts = new Map<PrefixNode, Map<string, number>>();
  for (const r of routes) {
    const node = nodeFor(literalOf(r.kind, r.value));
    node.own++;
    if (r.catchAll) node.catchAll = true;
    const counts = teamCounts.get(node) ?? new Map<string, number>();
    counts.set(r.team, (counts.get(r.team) ?? 0) + 1);
    teamCounts.set(node, counts);
  }
  finish(root, teamCounts);
  return root;
}

/** Sizes, dominant teams and sorted children, bottom-up. */
function finish(node: PrefixNode, teamCounts: Map<PrefixNode, Map<string, number>>): Map<string, number> {
  const counts = new Map(teamCounts.get(node) ?? []);
  node.size = node.own;
  node.children.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const child of node.children) {
    for (const [t, n] of finish(child, teamCounts)) counts.set(t, (counts.get(t) ?? 0) + n);
    node.size += child.size;
  }
  // A prefix is coloured by the team owning it, or by the one team all routes below belong to; shared ones stay neutral.
  const only = counts.size === 1 ? [...counts.keys()][0] : undefined;
  const team = node.owner ?? only;
  if (team !== undefined) node.team = team;
  return counts;
}

/** The literal path every path of the match starts with (a regex's plain leading characters). */
function literalOf(kind: RouteLike['kind'], value: string): string {
  // A path-separated prefix (Gateway API) is written without its trailing `/` and matches whole segments only.
  if (kind === 'pathSeparatedPrefix') return `${value}/`;
  if (kind !== 'regex') return value || '/';
  let end = 0;
  while (end < value.length && !'\\.*+?()[]{}|^$'.includes(value[end])) end++;
  if (end > 0 && '*+?{'.includes(value[end] ?? '')) end--;
  return value.slice(0, end) || '/';
}
