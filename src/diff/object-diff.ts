import { compareText } from '../util/compare';
import { boundGateways, isVirtualService } from '../explain/virtual-service';
import { FieldChange, canonicalJson, compareFields, deepEqual, flattenFields, isMapping } from './fields';
import { RenderedFolder, RenderedObject } from './rendered-tree';
import { groupBy } from '../util/group-by';

/**
 * Object-level difference of one folder, for any kind: added, removed, changed (field by field) and renamed
 * (same content under a new name: Argo CD and Flux delete the old object and create the new one, a window in
 * which its routes answer 404). Objects are matched by group, kind, namespace and name, so reordering files or
 * documents, or an apiVersion bump, is never an add plus a remove.
 */
export interface ObjectChange {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** File in the head tree (the base tree for a removed object). */
  readonly file: string;
  readonly change: 'added' | 'removed' | 'changed' | 'renamed';
  /** For `renamed`: the old name and file. */
  readonly renamedFrom?: { readonly name: string; readonly file: string };
  /** For `changed`: fields other than a VirtualService's `spec.http` (routes are compared by name instead). */
  readonly fields: readonly FieldChange[];
  /** For a changed VirtualService: names of `spec.http` entries added, removed or changed in this object. */
  readonly entries?: { readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly string[] };
}

/** A gateway (`namespace/name`) that objects of the folder start or stop binding to. */
export interface GatewayBindingChange {
  readonly gateway: string;
  readonly change: 'bound' | 'unbound';
  /** Objects bound to it before and after. */
  readonly before: number;
  readonly after: number;
}

/** Object changes, sorted by kind, namespace and name. An absent folder is an empty one. */
export function diffObjects(base: RenderedFolder | undefined, head: RenderedFolder | undefined): ObjectChange[] {
  const b = base?.objects ?? new Map<string, RenderedObject>();
  const h = head?.objects ?? new Map<string, RenderedObject>();
  const changes: ObjectChange[] = [];
  const removed: RenderedObject[] = [];
  const added: RenderedObject[] = [];
  for (const [key, before] of b) {
    const after = h.get(key);
    if (!after) removed.push(before);
    else if (!deepEqual(before.object, after.object)) changes.push(changedObject(before, after));
  }
  for (const [key, after] of h) if (!b.has(key)) added.push(after);

  // Renames: a removed and an added object of the same kind whose content differs only in metadata.name.
  const addedByContent = groupBy(added, contentKey);
  const renamedTo = new Set<RenderedObject>();
  const renamedFrom = new Set<RenderedObject>();
  for (const r of removed) {
    const match = addedByContent.get(contentKey(r))?.find((a) => !renamedTo.has(a));
    if (match) {
      renamedTo.add(match);
      renamedFrom.add(r);
      changes.push({ ...identity(match), change: 'renamed', renamedFrom: { name: r.name, file: r.file }, fields: [] });
    }
  }
  // VirtualServices re-cut under a new name: a removed and an added one sharing most of the removed one's routes.
  for (const [r, a] of pairByRoutes(removed.filter((r) => !renamedFrom.has(r)), added.filter((a) => !renamedTo.has(a)))) {
    renamedFrom.add(r);
    renamedTo.add(a);
    const changed = changedObject(r, a);
    const fields = changed.fields.filter((f) => f.path !== 'metadata.name');
    changes.push({ ...changed, change: 'renamed', renamedFrom: { name: r.name, file: r.file }, fields });
  }
  for (const r of removed) if (!renamedFrom.has(r)) changes.push({ ...identity(r), change: 'removed', fields: [] });
  for (const a of added) if (!renamedTo.has(a)) changes.push({ ...identity(a), change: 'added', fields: [] });
  return changes.sort((x, y) => compareText(x.kind, y.kind) || compareText(x.namespace, y.namespace) || compareText(x.name, y.name));
}

/** Gateways that the folder's objects (VirtualService `spec.gateways`, Gateway API `parentRefs`) start or stop using. */
export function diffGatewayBindings(base: RenderedFolder | undefined, head: RenderedFolder | undefined): GatewayBindingChange[] {
  const b = gatewayCounts(base);
  const h = gatewayCounts(head);
  const out: GatewayBindingChange[] = [];
  for (const gateway of [...new Set([...b.keys(), ...h.keys()])].sort(compareText)) {
    const before = b.get(gateway) ?? 0;
    const after = h.get(gateway) ?? 0;
    if (before === 0 && after > 0) out.push({ gateway, change: 'bound', before, after });
    if (before > 0 && after === 0) out.push({ gateway, change: 'unbound', before, after });
  }
  return out;
}

/** Gateways an object binds to, `namespace/name`. */
function gatewaysOf(o: RenderedObject): string[] {
  if (isVirtualService(o.object)) return (o.object.spec.hosts ?? []).length === 0 ? [] : boundGateways(o.object);
  const spec = o.object.spec;
  if (!isMapping(spec) || !Array.isArray(spec.parentRefs)) return [];
  return spec.parentRefs.filter(isMapping).map((p) => `${typeof p.namespace === 'string' ? p.namespace : o.namespace}/${String(p.name)}`);
}

function gatewayCounts(folder: RenderedFolder | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of folder?.objects.values() ?? []) {
    for (const g of new Set(gatewaysOf(o))) counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

function changedObject(before: RenderedObject, after: RenderedObject): ObjectChange {
  const fields = compareFields(flattenFields(withoutHttp(before)), flattenFields(withoutHttp(after)));
  const entries = isVirtualService(before.object) && isVirtualService(after.object) ? entryChanges(before, after) : undefined;
  return { ...identity(after), change: 'changed', fields, ...(entries ? { entries } : {}) };
}

/** The object with the apiVersion (compared as a field) and without a VirtualService's route list. */
function withoutHttp(o: RenderedObject): Record<string, unknown> {
  const spec = o.object.spec;
  if (!isVirtualService(o.object) || !isMapping(spec)) return o.object;
  const { http: _http, ...rest } = spec;
  return { ...o.object, spec: rest };
}

function entryChanges(before: RenderedObject, after: RenderedObject): NonNullable<ObjectChange['entries']> {
  const b = entriesByName(before);
  const a = entriesByName(after);
  const names = [...new Set([...b.keys(), ...a.keys()])].sort(compareText);
  return {
    added: names.filter((n) => !b.has(n)),
    removed: names.filter((n) => !a.has(n)),
    changed: names.filter((n) => b.has(n) && a.has(n) && b.get(n) !== a.get(n)),
  };
}

function entriesByName(o: RenderedObject): Map<string, string> {
  const out = new Map<string, string>();
  const http = (o.object.spec as { http?: unknown[] }).http ?? [];
  http.forEach((entry, i) => {
    const name = isMapping(entry) && typeof entry.name === 'string' ? entry.name : `(unnamed http[${i}])`;
    out.set(name, (out.has(name) ? out.get(name)! + '\n' : '') + canonicalJson(entry));
  });
  return out;
}

/**
 * Pairs removed and added VirtualServices of the same namespace that share routes: each removed one (in name
 * order) with the added one holding most of its routes, when that is at least half of them. Argo CD deletes
 * the one and creates the other, so for the reader it is a rename, whatever else moved with it.
 */
function pairByRoutes(removed: readonly RenderedObject[], added: readonly RenderedObject[]): [RenderedObject, RenderedObject][] {
  const routeNames = (o: RenderedObject): Set<string> => new Set(isVirtualService(o.object) ? entriesByName(o).keys() : []);
  const addedRoutes = new Map(added.map((a) => [a, routeNames(a)]));
  const taken = new Set<RenderedObject>();
  const pairs: [RenderedObject, RenderedObject][] = [];
  for (const r of [...removed].sort((x, y) => compareText(x.name, y.name))) {
    const names = routeNames(r);
    if (names.size === 0) continue;
    let best: { a: RenderedObject; shared: number } | undefined;
    for (const a of added) {
      if (taken.has(a) || a.kind !== r.kind || a.namespace !== r.namespace) continue;
      const other = addedRoutes.get(a)!;
      const shared = [...names].filter((n) => other.has(n)).length;
      if (shared > (best?.shared ?? 0) || (shared === best?.shared && compareText(a.name, best.a.name) < 0)) best = { a, shared };
    }
    if (best && best.shared * 2 >= names.size) {
      taken.add(best.a);
      pairs.push([r, best.a]);
    }
  }
  return pairs;
}

function contentKey(o: RenderedObject): string {
  const metadata = isMapping(o.object.metadata) ? o.object.metadata : {};
  const { name: _name, ...rest } = metadata;
  return `${o.kind}\n${canonicalJson({ ...o.object, apiVersion: undefined, metadata: rest })}`;
}

function identity(o: RenderedObject): Pick<ObjectChange, 'kind' | 'namespace' | 'name' | 'file'> {
  return { kind: o.kind, namespace: o.namespace, name: o.name, file: o.file };
}
