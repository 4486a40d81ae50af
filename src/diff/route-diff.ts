import { compareText } from '../util/compare';
import { FieldChange, compareFields, formatFieldValue } from './fields';
import { RouteView } from './route-view';

/** How one route differs between base and head of a folder. */
export interface RouteChange {
  readonly name: string;
  /** `moved`: same matches and fields, written to other objects (Argo CD deletes and re-creates its entries). */
  readonly change: 'added' | 'removed' | 'changed' | 'moved';
  /** Field by field (`timeout 10s -> 30s`); matches as `match +prefix "/a"` / `match -exact "/b"`. */
  readonly fields: readonly FieldChange[];
  /** The objects holding the route before and after (object keys), when they differ. */
  readonly objects?: { readonly before: readonly string[]; readonly after: readonly string[] };
}

/** Routes added, removed, changed (field by field) or moved between objects, sorted by name. */
export function diffRoutes(base: ReadonlyMap<string, RouteView>, head: ReadonlyMap<string, RouteView>): RouteChange[] {
  const names = [...new Set([...base.keys(), ...head.keys()])].sort(compareText);
  const out: RouteChange[] = [];
  for (const name of names) {
    const b = base.get(name);
    const h = head.get(name);
    if (!b) {
      out.push({ name, change: 'added', fields: describe(h!) });
      continue;
    }
    if (!h) {
      out.push({ name, change: 'removed', fields: describe(b).map((f) => ({ path: f.path, before: f.after })) });
      continue;
    }
    const fields = [...matchChanges(b.matches, h.matches), ...compareFields(b.fields, h.fields)];
    const moved = b.objects.join('\n') !== h.objects.join('\n');
    const objects = moved ? { objects: { before: b.objects, after: h.objects } } : {};
    if (fields.length > 0) out.push({ name, change: 'changed', fields, ...objects });
    else if (moved) out.push({ name, change: 'moved', fields, ...objects });
  }
  return out;
}

function matchChanges(before: readonly string[], after: readonly string[]): FieldChange[] {
  const b = new Set(before);
  const a = new Set(after);
  return [
    ...before.filter((m) => !a.has(m)).map((m) => ({ path: 'match', before: m })),
    ...after.filter((m) => !b.has(m)).map((m) => ({ path: 'match', after: m })),
  ];
}

/** An added route as `match +...` and its fields as additions. */
function describe(view: RouteView): FieldChange[] {
  return [...view.matches.map((m) => ({ path: 'match', after: m })), ...[...view.fields].map(([path, after]) => ({ path, after: formatFieldValue(after) }))];
}
