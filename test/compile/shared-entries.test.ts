import { compileEnvironment } from '../../src/compile/compile-environment';
import { planProject } from '../../src/compile/compile-project';
import { Findings } from '../../src/compile/findings';
import { EnvironmentTable, HttpRouteTable } from '../../src/compile/route-table';
import { sizeOfHttpRoute } from '../../src/emit/istio/http-route';
import { ProjectBuilder } from '../support/project-builder';

/**
 * The tables of one compile share the route entries their clusters make alike (SharedEntries): what a table holds
 * must be exactly what it would hold compiled alone.
 */
const project = new ProjectBuilder()
  .cluster('c1', { istio: '1.22.3', environments: ['alpha', 'prod'] })
  .cluster('c2', { istio: '1.26.1', environments: ['alpha', 'prod'] })
  .cluster('old', { istio: '1.10.3', environments: ['prod'] })
  .team('shop', ['/faas/api/shop/'])
  .route('shop-all', { match: ['/faas/api/shop/'], retries: { attempts: 2, retryOn: ['5xx', '503'] } })
  .route('shop-cart', { match: ['/faas/api/shop/cart/', { exact: '/faas/api/shop/cart' }], overrides: { prod: { timeoutMs: 2000 } } })
  .route('shop-split', { match: ['/faas/api/shop/beta/'], traffic: [{ service: 'a', weight: 30 }, { service: 'b', weight: 70 }], environments: ['alpha'] })
  .build();

const options = { sizeOf: (http: HttpRouteTable, t: { profile: Parameters<typeof sizeOfHttpRoute>[1] }) => sizeOfHttpRoute(http, t.profile) };

function compileAll(shared: boolean): EnvironmentTable[] {
  const plan = planProject(project, options);
  const resolved = shared ? plan.options : { ...plan.options, sharedEntries: undefined };
  return plan.slots.map((slot) => compileEnvironment(slot, resolved, new Findings()));
}

test('a table compiled with shared entries equals the table compiled alone', () => {
  expect(compileAll(true)).toEqual(compileAll(false));
});

test('clusters rendering an environment alike share its route entries; other environments and versions do not', () => {
  const tables = compileAll(true);
  const http = (cluster: string, environment: string): HttpRouteTable[] =>
    tables.find((t) => t.cluster === cluster && t.environment === environment)!.virtualServices.flatMap((vs) => vs.http);
  const first = (list: HttpRouteTable[], route: string): HttpRouteTable => list.find((h) => h.route === route)!;
  expect(first(http('c1', 'prod'), 'shop-all')).toBe(first(http('c2', 'prod'), 'shop-all'));
  expect(first(http('c1', 'alpha'), 'shop-split')).toBe(first(http('c2', 'alpha'), 'shop-split'));
  // another environment is another namespace: another authority, another action
  expect(first(http('c1', 'alpha'), 'shop-all').action).not.toEqual(first(http('c1', 'prod'), 'shop-all').action);
  expect(first(http('c1', 'alpha'), 'shop-all')).not.toBe(first(http('c1', 'prod'), 'shop-all'));
});
