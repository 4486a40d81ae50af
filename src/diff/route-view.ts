import { inlineDelegates } from '../explain/delegate';
import { formatCondition, toPathCondition } from '../explain/match';
import { compareText } from '../util/compare';
import { HttpRoute, VirtualService, isVirtualService, vsRef } from '../explain/virtual-service';
import { FieldValue, canonicalJson, flattenFields, formatFieldValue } from './fields';
import { RenderedFolder, RenderedObject } from './rendered-tree';

/**
 * What a folder's routes are, by route name, whatever objects they were written to: kfaas writes a route as
 * one or more `spec.http` entries sharing its name (merged layout: one per specificity rank; delegate
 * VirtualServices hold the entries of big hosts). Delegation is inlined with the explain engine, so a route
 * that moves into a delegate reads the same as before. Matching across objects by name is what makes a
 * re-packing of the host show as no route change at all.
 */
export interface RouteView {
  /** The route name (`http[].name`; the Route's metadata.name). */
  readonly name: string;
  /** Object keys (`kind namespace/name`) holding the route's entries, sorted. */
  readonly objects: readonly string[];
  /** Every match of every entry, as `prefix "/a"`, sorted: the order of entries is the host's business. */
  readonly matches: readonly string[];
  /** The entries' other fields, flattened (`timeout`, `route[0].destination.host`, ...). */
  readonly fields: ReadonlyMap<string, FieldValue>;
}

/**
 * Routes of the VirtualServices in `folder` (other kinds have no route view), by name, sorted. With `only`, just
 * the routes of those names (a diff needs the views of the routes that changed objects hold, no others).
 */
export function routeViews(folder: RenderedFolder, only?: ReadonlySet<string>): Map<string, RouteView> {
  const objects = [...folder.objects.values()];
  const all: VirtualService[] = objects.map((o): unknown => o.object).filter(isVirtualService);
  const entries = new Map<string, { objects: Set<string>; matches: Set<string>; fields: Map<string, FieldValue> }>();
  for (const o of objects) {
    if (!isVirtualService(o.object)) continue;
    const vs = o.object;
    if (!vs.spec.hosts || vs.spec.hosts.length === 0) continue; // a delegate: reached through its root
    const { routes } = inlineDelegates(vs, all);
    routes.forEach((route, i) => {
      const name = route.ownName ?? route.http.name ?? `(unnamed ${o.name} http[${route.origin.httpIndex}] #${i})`;
      if (only && !only.has(name) && !name.startsWith('(unnamed ')) return;
      const entry = entries.get(name) ?? { objects: new Set<string>(), matches: new Set<string>(), fields: new Map<string, FieldValue>() };
      entries.set(name, entry);
      entry.objects.add(`${o.kind} ${o.namespace}/${o.name}`);
      if (route.delegate) entry.objects.add(`${o.kind} ${route.delegate.virtualService.namespace}/${route.delegate.virtualService.name}`);
      for (const m of route.http.match ?? [{}]) entry.matches.add(describeMatch(m));
      for (const [path, value] of flattenFields(actionOf(route.http, vs))) {
        const seen = entry.fields.get(path);
        // Entries of one route agree on everything but matches; if not, both values show.
        const same = seen !== undefined && formatFieldValue(seen) === formatFieldValue(value);
        entry.fields.set(path, seen === undefined || same ? value : `${formatFieldValue(seen)} | ${formatFieldValue(value)}`);
      }
    });
  }
  const out = new Map<string, RouteView>();
  for (const name of [...entries.keys()].sort(compareText)) {
    const e = entries.get(name)!;
    out.set(name, {
      name,
      objects: [...e.objects].sort(compareText),
      matches: [...e.matches].sort(compareText),
      fields: e.fields,
    });
  }
  return out;
}

/** The entry without its name and matches, plus the host it serves (a host change re-routes the route). */
function actionOf(http: HttpRoute, vs: VirtualService): Record<string, unknown> {
  const { name: _name, match: _match, ...rest } = http;
  return { hosts: [...(vs.spec.hosts ?? [])].sort(compareText), ...rest };
}

/** `prefix "/a"`, plus any other condition (`method`, `headers`, ...) as canonical JSON. */
function describeMatch(m: Readonly<Record<string, unknown>>): string {
  const { uri, ignoreUriCase, name: _name, ...rest } = m as { uri?: never; ignoreUriCase?: boolean; name?: string };
  const condition = toPathCondition(uri, ignoreUriCase === true);
  const path = condition ? formatCondition(condition) : 'every path';
  const extra = Object.keys(rest).sort(compareText);
  return extra.length === 0 ? path : `${path} ${extra.map((k) => `${k}=${canonicalJson((rest as Record<string, unknown>)[k])}`).join(' ')}`;
}

/**
 * Route names a change of these objects can touch: the names of their `spec.http` entries, and for a root
 * entry that delegates, the names of the delegate's entries (they are inlined under the root's match).
 */
export function routeNamesOf(objects: Iterable<RenderedObject>, folder: RenderedFolder | undefined): Set<string> {
  const names = new Set<string>();
  const all: VirtualService[] = folder ? [...folder.objects.values()].map((o): unknown => o.object).filter(isVirtualService) : [];
  const addEntries = (vs: VirtualService): void => {
    for (const http of vs.spec.http ?? []) {
      if (http.name !== undefined) names.add(http.name);
      if (!http.delegate) continue;
      const target = { name: http.delegate.name, namespace: http.delegate.namespace ?? vsRef(vs).namespace };
      for (const child of all) {
        const ref = vsRef(child);
        if (ref.name === target.name && ref.namespace === target.namespace) {
          for (const c of child.spec.http ?? []) if (c.name !== undefined) names.add(c.name);
        }
      }
    }
  };
  for (const o of objects) if (isVirtualService(o.object)) addEntries(o.object);
  return names;
}
