import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { runSynth } from '../../src/cli/synth-run';
import { WatchSession } from '../../src/watch/watch-session';

/**
 * What a watch session keeps from compile to compile (the model of unchanged files, the route entries and the
 * compiler's per-object memos) never hides what a cluster-file edit changes for an unchanged route: the next cycle
 * reports what a synth from scratch reports. (Written for a per-landing memo of passed checks, kept across compiles,
 * which this test caught when its key lost the slot's part; the memo was dropped: it saved nothing measurable, the
 * checks being memoized by behaviour already.)
 */
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-watch-memos-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const cluster = (istio: string, knative: string): string =>
  `apiVersion: kfaas/v1\nkind: Cluster\nmetadata:\n  name: c-one\nspec:\n  istio: "${istio}"\n  knative: "${knative}"\n  environments:\n    - name: prod\n`;
const ROUTE = 'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: shop-cart\nspec:\n  match: [{ prefix: /faas/api/shop/cart/ }]\n' +
  '  traffic:\n    - { service: shop-cart, weight: 90 }\n    - { service: shop-cart-next, weight: 10 }\n';

function capture(): { io: CliIo; err: () => string } {
  let err = '';
  return { io: { stdout: () => undefined, stderr: (t) => (err += t), env: {}, cwd: root }, err: () => err };
}

async function fresh(): Promise<{ code: number; err: string }> {
  const scratch = mkdtempSync(join(tmpdir(), 'kfaas-scratch-'));
  try {
    mkdirSync(join(scratch, 'clusters'));
    mkdirSync(join(scratch, 'routes', 'shop'), { recursive: true });
    for (const f of ['clusters/c-one.yaml', 'routes/shop/cart.yaml']) writeFileSync(join(scratch, f), readFileSync(join(root, f)));
    let err = '';
    const code = await main(['synth', '--no-cache', '--root', scratch], { stdout: () => undefined, stderr: (t) => (err += t), env: {}, cwd: scratch });
    return { code, err };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

test('a route whose weighted split passed on one Istio is refused when the cluster moves to one that cannot do it', async () => {
  mkdirSync(join(root, 'clusters'));
  mkdirSync(join(root, 'routes', 'shop'), { recursive: true });
  writeFileSync(join(root, 'clusters', 'c-one.yaml'), cluster('1.22.6', '1.14.1'));
  writeFileSync(join(root, 'routes', 'shop', 'cart.yaml'), ROUTE);
  const session = new WatchSession({ root, outDir: join(root, 'dist'), shown: 'dist', runSynth });
  // GIVEN a cycle where the weighted split passed (Istio 1.22 rewrites the authority per destination)
  expect(session.cycle(capture().io).code).toBe(0);
  // WHEN the cluster goes back to Istio 1.5, which cannot (the route file, and so its objects, unchanged)
  writeFileSync(join(root, 'clusters', 'c-one.yaml'), cluster('1.5.4', '0.15.0'));
  const watched = capture();
  const outcome = session.cycle(watched.io);
  // THEN the split is refused as a synth from scratch refuses it
  const expected = await fresh();
  expect(expected.code).toBe(2);
  expect(expected.err).toContain('cannot rewrite the authority per destination');
  expect({ code: outcome.code, err: watched.err() }).toEqual(expected);
  // and moving back publishes again
  writeFileSync(join(root, 'clusters', 'c-one.yaml'), cluster('1.22.6', '1.14.1'));
  expect(session.cycle(capture().io).code).toBe(0);
});
