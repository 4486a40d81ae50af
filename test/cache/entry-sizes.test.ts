import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { entryContext } from '../../src/compile/compile-environment';
import { compileSlot, planProject, ProjectPlan } from '../../src/compile/compile-project';
import { EntrySizeMemo } from '../../src/compile/entries';
import { EntrySizeStore } from '../../src/cache/entry-sizes';
import { fileKeyOf } from '../../src/cache/file-key';
import { httpRouteProfileKey, sizeOfHttpRoute } from '../../src/emit/istio/http-route';
import { loadProject } from '../../src/load/load-project';
import { makeRoute } from '../support/project-builder';

/**
 * Sizes of route entries kept between runs (src/cache/entry-sizes.ts) stand for measuring only when they are the
 * sizes measuring gives: every answer the store gives is checked against a fresh measure, over a sequence of
 * projects where each input a size depends on changes while the route's own file does not (or the other way round).
 * Each step opens the store again from disk, as the next run does.
 */
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-entry-sizes-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

interface Inputs {
  /** Cluster c1's domain (part of every authority). @default cluster.local */
  readonly domain?: string;
  /** Cluster c2's local gateway host (where routes forward to: another size profile, the same action context). */
  readonly c2Gateway?: string;
  /** The first route's first prefix. */
  readonly cartPrefix?: string;
  /** Prod's timeout override of route `pay-go`. */
  readonly prodTimeout?: string;
}

/**
 * Two clusters on the same Istio, with alpha's namespace on one the namespace of prod on the other (so the
 * environment alone tells those tables' behaviours apart); c2 may have its own local gateway. Two routes in one file, the first with two
 * matches of different lengths; a route in another file with a prod override.
 */
function write(inputs: Inputs): void {
  rmSync(join(root, 'clusters'), { recursive: true, force: true });
  rmSync(join(root, 'routes'), { recursive: true, force: true });
  mkdirSync(join(root, 'clusters'), { recursive: true });
  mkdirSync(join(root, 'routes', 'shop'), { recursive: true });
  mkdirSync(join(root, 'routes', 'pay'), { recursive: true });
  const envs = (alpha: string, prod: string): string => `  environments:\n    - name: alpha\n      namespace: ${alpha}\n    - name: prod\n      namespace: ${prod}\n`;
  writeFileSync(join(root, 'clusters', 'c1.yaml'),
    `apiVersion: kfaas/v1\nkind: Cluster\nmetadata:\n  name: c1\nspec:\n  istio: "1.22.6"\n  knative: "1.14.1"\n` +
      `${inputs.domain ? `  clusterDomain: ${inputs.domain}\n` : ''}${envs('ns-one', 'ns-two')}`);
  writeFileSync(join(root, 'clusters', 'c2.yaml'),
    `apiVersion: kfaas/v1\nkind: Cluster\nmetadata:\n  name: c2\nspec:\n  istio: "1.22.6"\n  knative: "1.14.1"\n` +
      `${inputs.c2Gateway ? `  localGateway: { gateway: knative-serving/knative-local-gateway, host: ${inputs.c2Gateway} }\n` : ''}${envs('ns-two', 'ns-one')}`);
  writeFileSync(join(root, 'routes', 'shop', 'a.yaml'), [
    `apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: shop-cart\nspec:\n  match:\n    - prefix: ${inputs.cartPrefix ?? '/faas/api/shop/cart/'}\n` +
      '    - exact: /faas/api/shop/cart-with-a-much-longer-path\n',
    'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: shop-list-of-everything\nspec:\n  match:\n    - prefix: /faas/api/shop/list/\n  timeout: 3s\n',
  ].join('---\n'));
  writeFileSync(join(root, 'routes', 'pay', 'go.yaml'),
    'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: pay-go\nspec:\n  match:\n    - prefix: /faas/api/pay/go/\n' +
      `  overrides:\n    prod: { timeout: ${inputs.prodTimeout ?? '30s'}, retries: { attempts: 3, perTryTimeout: 2s } }\n`);
}

/** Compiles every table of the project on disk with the store's sizes, checking each one it gives; then saves. */
function compileChecked(): { readonly known: number; readonly measured: number } {
  const loaded = loadProject(root);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const keys = new Map(loaded.files.map((f) => [f.path, fileKeyOf(f)]));
  const store = new EntrySizeStore(join(root, 'entry-sizes'), 'test build');
  let plan: ProjectPlan | undefined;
  const memo = store.forRun((path) => keys.get(path)!, loaded.project.routes, () => plan!.slots.map((s) => entryContext(s, plan!.options)));
  let known = 0;
  let measured = 0;
  const checked: EntrySizeMemo = {
    sizes: (route, match, context, measure) => {
      let fresh = false;
      const sizes = memo.sizes(route, match, context, () => {
        fresh = true;
        return measure();
      });
      if (fresh) measured++;
      else {
        known++;
        expect({ route: route.name, match: match.value, context, sizes }).toEqual({ route: route.name, match: match.value, context, sizes: measure() });
      }
      return sizes;
    },
  };
  plan = planProject(loaded.project, { sizeOf: (http, t) => sizeOfHttpRoute(http, t.profile), sizeKeyOf: httpRouteProfileKey, entrySizes: checked });
  for (const slot of plan.slots) {
    expect(compileSlot(plan, slot).findings.filter((f) => f.diagnostic.severity === 'error')).toEqual([]);
  }
  store.save();
  return { known, measured };
}

test('sizes kept between runs are the sizes measuring gives, whatever input changes', () => {
  write({});
  const first = compileChecked();
  expect(first.known).toBe(0);
  expect(first.measured).toBeGreaterThan(0);
  // Nothing changed: nothing is measured again.
  expect(compileChecked()).toEqual({ known: first.measured, measured: 0 });
  // A route's match changes (its file's content): that file's routes are measured again, the other file's are not.
  write({ cartPrefix: '/faas/api/shop/cart-and-more/' });
  const edited = compileChecked();
  expect(edited.measured).toBeGreaterThan(0);
  expect(edited.known).toBeGreaterThan(0);
  // The cluster domain (the action context) and the local gateway (the size profile) change, routes do not; then
  // an override (the route's file) changes, and everything changes back.
  for (const inputs of [{ domain: 'corp.example' }, { c2Gateway: 'a-much-longer-local-gateway.istio-system.svc.cluster.local' }, { prodTimeout: '45s' }]) {
    write({ cartPrefix: '/faas/api/shop/cart-and-more/', ...inputs });
    const run = compileChecked();
    expect(run.measured).toBeGreaterThan(0);
  }
  write({});
  compileChecked();
});

test('an unchanged project with a changed cluster reuses the sizes of the other contexts', () => {
  write({});
  compileChecked();
  write({ domain: 'corp.example' });
  const run = compileChecked();
  // c1's tables are measured again (another authority), c2's are not.
  expect(run.known).toBeGreaterThan(0);
  expect(run.measured).toBeGreaterThan(0);
});

test('routes of one name in one file are measured every time', () => {
  // The loader refuses such a file; the store does not rely on it.
  const twins = [makeRoute('pay-go', { team: 'pay', match: ['/faas/api/pay/go/'] }), makeRoute('pay-go', { team: 'pay', match: ['/faas/api/pay/go/and-on/'] })];
  const other = makeRoute('pay-other', { team: 'pay', match: ['/faas/api/pay/other/'] });
  const store = new EntrySizeStore(join(root, 'entry-sizes'), 'test build');
  const memo = store.forRun(() => 'one content', [...twins, other], () => ['ctx']);
  for (const route of twins) {
    const match = route.base.match[0];
    expect(memo.sizes(route, match, 'ctx', () => [match.value.length])).toEqual([match.value.length]);
    // Asked again, measured again: no key, nothing kept.
    expect(memo.sizes(route, match, 'ctx', () => [-1])).toEqual([-1]);
  }
  // A route of its own name is kept.
  expect(memo.sizes(other, other.base.match[0], 'ctx', () => [7])).toEqual([7]);
  expect(memo.sizes(other, other.base.match[0], 'ctx', () => [8])).toEqual([7]);
});

test('sizes kept by another kfaas build are not used', () => {
  write({});
  compileChecked();
  const loaded = loadProject(root);
  const keys = new Map(loaded.files.map((f) => [f.path, fileKeyOf(f)]));
  const route = loaded.project.routes[0];
  const other = new EntrySizeStore(join(root, 'entry-sizes'), 'another build').forRun((path) => keys.get(path)!, loaded.project.routes, () => []);
  const same = new EntrySizeStore(join(root, 'entry-sizes'), 'test build').forRun((path) => keys.get(path)!, loaded.project.routes, () => []);
  const contexts = planProject(loaded.project, { sizeOf: () => 0, sizeKeyOf: httpRouteProfileKey }).slots;
  const context = entryContext(contexts[0], { sizeKeyOf: httpRouteProfileKey });
  expect(same.sizes(route, route.base.match[0], context, () => [-1])).not.toEqual([-1]);
  expect(other.sizes(route, route.base.match[0], context, () => [-1])).toEqual([-1]);
});
