import { load } from 'js-yaml';

/**
 * What one change did to a rendered tree, as Argo CD and a pull request see it: files rewritten, objects
 * created, deleted and renamed, and objects rewritten that do not hold the changed route.
 */
export interface Churn {
  /** Files whose bytes changed, created or deleted (kustomization.yaml included). */
  readonly filesRewritten: number;
  /** Of those, kustomization.yaml files (an object appeared or disappeared in their folder). */
  readonly kustomizationsRewritten: number;
  readonly objectsCreated: number;
  readonly objectsDeleted: number;
  /**
   * Deleted objects some of whose routes (other than the changed one) live on in a created object: a delete and a
   * create of the same routes under another name, Argo CD's window for 404s.
   */
  readonly objectsRenamed: number;
  /** Objects rewritten, created or deleted that hold the changed route neither before nor after. */
  readonly objectsWithoutTheRoute: number;
}

/** Object files (not kustomization.yaml) whose route names are read: `<folder>/virtualservice-*.yaml`. */
function isVirtualServiceFile(path: string): boolean {
  return /(^|\/)virtualservice-[^/]*\.yaml$/.test(path);
}

/** Names of the http routes of a rendered VirtualService file, and of the delegates it points at. */
function routesOf(text: string): { routes: Set<string>; delegates: Set<string> } {
  const object = load(text) as { spec?: { http?: { name?: string; delegate?: { name: string } }[] } };
  const routes = new Set<string>();
  const delegates = new Set<string>();
  for (const http of object.spec?.http ?? []) {
    if (http.delegate) delegates.add(http.delegate.name);
    else if (http.name) routes.add(http.name);
  }
  return { routes, delegates };
}

/** `<folder>/virtualservice-<name>.yaml` → the folder-qualified file of the delegate `name` in the same folder. */
function delegateFile(path: string, name: string): string {
  return `${path.slice(0, path.lastIndexOf('/') + 1)}virtualservice-${name}.yaml`;
}

/**
 * Compares two rendered trees (relative path → text) after a change to the route named `route`. Only files that
 * differ are parsed, so it stays cheap on large trees.
 */
export function measureChurn(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, route: string): Churn {
  const paths = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p));
  const objects = paths.filter(isVirtualServiceFile);
  const parsedBefore = new Map(objects.filter((p) => before.has(p)).map((p) => [p, routesOf(before.get(p)!)]));
  const parsedAfter = new Map(objects.filter((p) => after.has(p)).map((p) => [p, routesOf(after.get(p)!)]));

  const holds = (parsed: Map<string, ReturnType<typeof routesOf>>, tree: ReadonlyMap<string, string>, p: string): boolean => {
    const own = parsed.get(p);
    if (!own) return false;
    if (own.routes.has(route)) return true;
    // A root object delegating to a slice that holds the route belongs to the route too.
    return [...own.delegates].some((d) => {
      const file = delegateFile(p, d);
      const text = tree.get(file);
      return text !== undefined && (parsed.get(file) ?? routesOf(text)).routes.has(route);
    });
  };

  const created = objects.filter((p) => !before.has(p));
  const deleted = objects.filter((p) => !after.has(p));
  const createdRoutes = new Set(created.flatMap((p) => [...parsedAfter.get(p)!.routes]));
  const renamed = deleted.filter((p) => [...parsedBefore.get(p)!.routes].some((r) => r !== route && createdRoutes.has(r)));
  return {
    filesRewritten: paths.length,
    kustomizationsRewritten: paths.filter((p) => p.endsWith('/kustomization.yaml')).length,
    objectsCreated: created.length,
    objectsDeleted: deleted.length,
    objectsRenamed: renamed.length,
    objectsWithoutTheRoute: objects.filter((p) => !holds(parsedBefore, before, p) && !holds(parsedAfter, after, p)).length,
  };
}
