import { Route } from '../model/project';
import { conditionsKey } from './conditions';
import { RouteEntry, sortEntries } from './entries';
import { FindingRecord, Findings } from './findings';
import { Landing } from './expand';
import { LayoutContext } from './layout-context';
import { VirtualServiceTable } from './route-table';

/**
 * What the (cluster, environment) tables of one compile share beyond their route entries (SharedEntries). The
 * clusters hosting an environment mostly give every route the same entries (same namespace, and versions that
 * render them alike): their tables then sort, check and lay out the very same list, which is done once.
 * Everything here is keyed by the objects it was computed from (entries are shared and never changed) and by
 * what else the result depends on; results that name their table (findings) are never shared, only those without.
 */
export class TableMemo {
  private readonly lists = new Map<string, { readonly placed: readonly Landing[]; readonly entries: readonly RouteEntry[] }[]>();
  private readonly sorts = new Map<string, { readonly entries: readonly RouteEntry[]; readonly sorted: readonly RouteEntry[] }[]>();
  private readonly layouts = new WeakMap<readonly RouteEntry[], Map<string, readonly VirtualServiceTable[]>>();

  /**
   * The entries of the landings `placed` (in order, `entriesOf` each), or the very list an earlier table made for
   * the same landings in the same order under the same `key` (everything else of the table they depend on:
   * compile-environment.ts landingKey). Clusters hosting an environment mostly place the same landings: their
   * tables then neither look up nor collect 7,000 entries again, and sort the same array (see {@link sorted}).
   * Callers must not change it.
   */
  public entries(key: string, placed: readonly Landing[], entriesOf: (landing: Landing) => readonly RouteEntry[]): readonly RouteEntry[] {
    let known = this.lists.get(key);
    if (!known) this.lists.set(key, (known = []));
    const same = known.find((k) => sameItems(k.placed, placed));
    if (same) return same.entries;
    const entries: RouteEntry[] = [];
    for (const landing of placed) for (const entry of entriesOf(landing)) entries.push(entry);
    known.push({ placed, entries });
    return entries;
  }

  /**
   * `sortEntries(entries)`; the same array for a list of the same entries in the same order sorted before in
   * `scope` (its environment: lists of other environments hold other entries). Callers must not change it.
   */
  public sorted(scope: string, entries: readonly RouteEntry[]): readonly RouteEntry[] {
    let known = this.sorts.get(scope);
    if (!known) this.sorts.set(scope, (known = []));
    const same = known.find((k) => sameItems(k.entries, entries));
    if (same) return same.sorted;
    const sorted = sortEntries(entries);
    known.push({ entries, sorted });
    return sorted;
  }

  /**
   * `lay(sorted, ctx)` (a layout), or the result of an earlier table's layout of the same `sorted` list under the
   * same {@link layoutKey} when that layout found nothing to report. Findings name the cluster, so a layout that
   * found something is never shared.
   */
  public layout(
    sorted: readonly RouteEntry[], ctx: LayoutContext, sizeKey: string,
    lay: (sorted: readonly RouteEntry[], ctx: LayoutContext) => VirtualServiceTable[],
  ): readonly VirtualServiceTable[] {
    const key = layoutKey(ctx, sizeKey);
    let byKey = this.layouts.get(sorted);
    if (!byKey) this.layouts.set(sorted, (byKey = new Map()));
    const known = byKey.get(key);
    if (known) return known;
    const own = new Findings();
    const tables = lay(sorted, { ...ctx, findings: own });
    const records = own.records;
    ctx.findings.addRecords(records);
    if (records.length === 0) byKey.set(key, tables);
    return tables;
  }
}

/**
 * What of a layout context a merged layout depends on, and whether it reports anything: the cluster's name and
 * versions appear only in its findings (delegation problems, the delegate push bug), which a layout with findings
 * never shares; whether Istio delegates, and whether it has the delegate push bug (a warning wherever something
 * is delegated), decide the layout and whether it finds something. `sizeKey`: what the sizes ctx.sizeOf gives
 * depend on (CompileOptions.sizeKeyOf).
 */
function layoutKey(ctx: LayoutContext, sizeKey: string): string {
  return JSON.stringify([
    ctx.namespace, ctx.maxObjectBytes, ctx.budget, ctx.preferredBudget, ctx.maxObjectsPerFolder,
    ctx.profile.delegation, ctx.profile.delegatePushBug, sizeKey,
  ]);
}

/** Whether two lists hold the very same items in the same order. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Findings of the order checks (conflicts, fallbacks) by the ordered matches they ran on, shared by the tables of
 * one compile: clusters hosting the same environment mostly order the same matches, and so do environments whose
 * routes match alike (their actions differ, their matches do not). The findings depend on nothing else, and name no
 * environment but through their scope: found in one environment, they are found in another with that one's scope.
 */
export class OrderCheckMemo {
  /** Checks done, by the list checked and by its matches as text (with the kind of check). */
  private readonly byList = new WeakMap<readonly RouteEntry[], Map<string, OrderCheck[]>>();
  private readonly byTokens = new Map<string, OrderCheck[]>();
  /** The lists whose matches were read as text, with the checks of those matches. */
  private readonly tokenized: { readonly kind: string; readonly sorted: readonly RouteEntry[]; readonly checks: OrderCheck[] }[] = [];
  private readonly routeIds = new WeakMap<Route, number>();
  private readonly tokens = new WeakMap<RouteEntry, string>();
  private next = 0;

  /**
   * The findings of an earlier table's check of the same ordered matches, or those of `check`, run now (in `scope`)
   * and kept. The same list (TableMemo.sorted) is looked up as such; another list by its matches as text.
   */
  public findingsOf(sorted: readonly RouteEntry[], scope: string, crossRoute: boolean, check: () => readonly FindingRecord[]): readonly FindingRecord[] {
    const kind = String(crossRoute);
    let lists = this.byList.get(sorted);
    if (!lists) this.byList.set(sorted, (lists = new Map()));
    let sameList = lists.get(kind);
    if (!sameList) lists.set(kind, (sameList = []));
    const found = inScope(sameList, scope);
    if (found) return found;
    const sameTokens = this.checksOfMatches(sorted, kind);
    let records = inScope(sameTokens, scope);
    if (!records) {
      records = check();
      // Shared with other environments only when every finding is of this one alone (as the checks report them).
      const done = { scope, records, anyScope: records.every((r) => r.scopes.length === 1 && r.scopes[0] === scope) };
      sameTokens.push(done);
    }
    sameList.push({ scope, records, anyScope: false });
    return records;
  }

  /**
   * The checks done of lists with the same ordered matches as `sorted` (with the kind of check): found by the objects
   * its entries were made of when an earlier list was made of the same ones (the environments of a route mostly
   * share its match objects: no text is built then), else by its matches as text.
   */
  private checksOfMatches(sorted: readonly RouteEntry[], kind: string): OrderCheck[] {
    const same = this.tokenized.find((t) => t.kind === kind && sameMatches(t.sorted, sorted));
    if (same) return same.checks;
    const tokens = `${kind}\u0000${JSON.stringify(sorted.map((e) => this.entryToken(e)))}`;
    let checks = this.byTokens.get(tokens);
    if (!checks) this.byTokens.set(tokens, (checks = []));
    this.tokenized.push({ kind, sorted, checks });
    return checks;
  }

  /** What of an entry the order checks read, as text (entries shared by tables are read once). */
  private entryToken(e: RouteEntry): string {
    let token = this.tokens.get(e);
    if (token === undefined) {
      token = `${this.routeId(e.route)}\u0000${e.originPath}\u0000${e.kind}\u0000${e.value}\u0000${conditionsKey(e.conditions)}`;
      this.tokens.set(e, token);
    }
    return token;
  }

  /** A number per Route object: two routes of one name (an error, reported) still differ. */
  private routeId(route: Route): number {
    let id = this.routeIds.get(route);
    if (id === undefined) {
      id = ++this.next;
      this.routeIds.set(route, id);
    }
    return id;
  }
}

/**
 * Whether two lists hold entries of the same routes and match objects with the same method, in the same order: then
 * every part of their tokens (route, match field path, kind, value, conditions: the match's headers and query and
 * the entry's method) is equal.
 */
function sameMatches(a: readonly RouteEntry[], b: readonly RouteEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && (x.route !== y.route || x.match !== y.match || x.conditions.method !== y.conditions.method)) return false;
  }
  return true;
}

/** One order check done: its findings, found in `scope`. */
interface OrderCheck {
  readonly scope: string;
  readonly records: readonly FindingRecord[];
  /** The findings hold for any environment (with that environment as their scope). */
  readonly anyScope: boolean;
}

/** The findings of a check in `done` for `scope`: its own, or one valid in any environment re-scoped. */
function inScope(done: readonly OrderCheck[], scope: string): readonly FindingRecord[] | undefined {
  const own = done.find((d) => d.scope === scope);
  if (own) return own.records;
  const any = done.find((d) => d.anyScope);
  return any?.records.map((r) => ({ diagnostic: r.diagnostic, scopes: [scope] }));
}
