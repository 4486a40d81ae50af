import { conditionLiteral } from '../regex';
import { splitPath } from './match';
import { MergedRoute, MergedVirtualHost } from './merge';
import { groupBy } from '../util/group-by';

/**
 * An index of a merged virtual host's routes by the literal text every path they match starts with, so that
 * explaining many paths over thousands of routes tests only the routes that can match (the importer's
 * equivalence proof and `kfaas diff` explain tens of thousands of sample paths). It never changes an answer:
 * it only skips routes whose literal is not a prefix of the path, which cannot match it.
 */
export class RouteIndex {
  private readonly byLiteral: ReadonlyMap<string, readonly number[]>;
  private readonly byFoldedLiteral: ReadonlyMap<string, readonly number[]>;

  /**
   * @param regexLiterals the literal of each regex pattern, computed earlier by {@link regexLiterals} (the route
   * map's page gets them with its data instead of analysing every pattern while it loads)
   * @default - computed from each pattern
   */
  public constructor(private readonly merged: MergedVirtualHost, regexLiterals?: Readonly<Record<string, string>>) {
    const literals = merged.routes.map((route, i) => ({ i, ...literalOf(route, regexLiterals) }));
    this.byLiteral = groupBy(literals.filter((l) => !l.folded), (l) => l.literal, (l) => l.i);
    this.byFoldedLiteral = groupBy(literals.filter((l) => l.folded), (l) => l.literal, (l) => l.i);
  }

  /** Routes that may match `requestPath` (a superset of those that do), in route order. */
  public candidates(requestPath: string): MergedRoute[] {
    const { path } = splitPath(requestPath);
    const lower = path.toLowerCase();
    const found: number[] = [];
    for (let i = 0; i <= path.length; i++) {
      const exact = this.byLiteral.get(path.slice(0, i));
      if (exact) found.push(...exact);
      if (this.byFoldedLiteral.size > 0) {
        const folded = this.byFoldedLiteral.get(lower.slice(0, i));
        if (folded) found.push(...folded);
      }
    }
    return found.sort((a, b) => a - b).map((i) => this.merged.routes[i]);
  }
}

/**
 * What {@link RouteIndex.candidates} gives for `requestPath`, without building the index: for one request (`kfaas
 * explain`), testing each route's literal once costs less than grouping thousands of routes by it.
 */
export function candidatesOf(merged: MergedVirtualHost, requestPath: string): MergedRoute[] {
  const { path } = splitPath(requestPath);
  const lower = path.toLowerCase();
  return merged.routes.filter((route) => {
    const { literal, folded } = literalOf(route);
    return (folded ? lower : path).startsWith(literal);
  });
}

/**
 * The literal every path the route matches starts with: the prefix or exact value (lower-cased under
 * `ignoreCase`), or the regex's literal leading part (`src/regex`, the one RE2 module
 * the compiler orders by). Conservative: a shorter literal only makes more routes candidates.
 */
function literalOf(route: MergedRoute, regexLiterals?: Readonly<Record<string, string>>): { literal: string; folded: boolean } {
  const c = route.condition;
  if (c.kind !== 'regex') return c.ignoreCase ? { literal: c.value.toLowerCase(), folded: true } : { literal: c.value, folded: false };
  const known = regexLiterals && Object.prototype.hasOwnProperty.call(regexLiterals, c.value) ? regexLiterals[c.value] : undefined;
  return { literal: known ?? conditionLiteral({ kind: 'regex', value: c.value }), folded: false };
}

/** Pattern -> literal of every regex route of the host: what {@link RouteIndex} would compute, to ship with data. */
export function regexLiterals(merged: MergedVirtualHost): Record<string, string> {
  const out: Record<string, string> = {};
  for (const route of merged.routes) {
    if (route.condition.kind === 'regex') out[route.condition.value] = literalOf(route).literal;
  }
  return out;
}
