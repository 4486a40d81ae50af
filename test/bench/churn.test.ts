import { dump } from 'js-yaml';
import { measureChurn } from '../../src/bench/churn';

/** A rendered VirtualService file with http routes named `routes` (and delegations to `delegates`). */
function vs(name: string, routes: readonly string[], delegates: readonly string[] = []): string {
  const http = [
    ...routes.map((r) => ({ name: r, match: [{ uri: { prefix: `/${r}/` } }], route: [{ destination: { host: 'gw' } }] })),
    ...delegates.map((d) => ({ name: 'anchor', match: [{ uri: { prefix: '/big/' } }], delegate: { name: d, namespace: 'kfaas-system' } })),
  ];
  return dump({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: 'kfaas-system' }, spec: { http } });
}

const file = (name: string): string => `c1/alpha/virtualservice-${name}.yaml`;
const kustomization = (names: readonly string[]): [string, string] => ['c1/alpha/kustomization.yaml', names.join('\n')];

describe('measureChurn', () => {
  test('GIVEN a route added to its own object THEN one file, nothing without the route', () => {
    const before = new Map([[file('a'), vs('a', ['x', 'y'])], [file('b'), vs('b', ['z'])], kustomization(['a', 'b'])]);
    const after = new Map([[file('a'), vs('a', ['x', 'y', 'new'])], [file('b'), vs('b', ['z'])], kustomization(['a', 'b'])]);
    expect(measureChurn(before, after, 'new')).toEqual({
      filesRewritten: 1, kustomizationsRewritten: 0, objectsCreated: 0, objectsDeleted: 0, objectsRenamed: 0, objectsWithoutTheRoute: 0,
    });
  });

  test('GIVEN an insertion that shifts later objects THEN renames and rewrites without the route are counted', () => {
    // Sequential packing: `new` pushes y into b's place, and b's z into a new object c.
    const before = new Map([[file('a'), vs('a', ['x', 'y'])], [file('b'), vs('b', ['z'])], kustomization(['a', 'b'])]);
    const after = new Map([[file('a'), vs('a', ['x', 'new'])], [file('y'), vs('y', ['y', 'z'])], kustomization(['a', 'y'])]);
    expect(measureChurn(before, after, 'new')).toEqual({
      filesRewritten: 4, kustomizationsRewritten: 1, objectsCreated: 1, objectsDeleted: 1, objectsRenamed: 1, objectsWithoutTheRoute: 2,
    });
  });

  test('GIVEN a new delegate slice THEN the root delegating to it belongs to the route', () => {
    const before = new Map([[file('root'), vs('root', ['x'], ['d1'])], [file('d1'), vs('d1', ['m'])], kustomization(['d1', 'root'])]);
    const after = new Map([
      [file('root'), vs('root', ['x'], ['d1', 'd2'])], [file('d1'), vs('d1', ['m'])], [file('d2'), vs('d2', ['new'])], kustomization(['d1', 'd2', 'root']),
    ]);
    expect(measureChurn(before, after, 'new')).toMatchObject({ filesRewritten: 3, objectsCreated: 1, objectsRenamed: 0, objectsWithoutTheRoute: 0 });
  });
});
