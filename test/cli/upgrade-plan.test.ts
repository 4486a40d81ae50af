import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { diffRenderedTrees } from '../../src/diff/diff-trees';
import { editClusterVersions } from '../../src/upgrade/edit-cluster-versions';
import { planUpgrade, readOutputFolder } from '../../src/upgrade/plan-upgrade';
import { listFiles } from '../../src/util/list-files';

const REPO = join(__dirname, '..', '..');

async function run(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Every file under dir with its bytes (what "writes nothing" and "touches only" are checked against). */
function snapshot(dir: string): Map<string, string> {
  // Ownership records (.kfaas-published) are publishing's bookkeeping, not rendered output.
  return new Map(listFiles(dir).filter((f) => !f.endsWith('/.kfaas-published')).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

let tmp: string;
let root: string;
let dist: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'kfaas-upgrade-plan-'));
  root = join(tmp, 'project');
  dist = join(root, 'dist');
  for (const d of ['clusters', 'routes', 'schema']) cpSync(join(REPO, d), join(root, d), { recursive: true });
  expect((await run(['synth', '--no-cache'], root)).code).toBe(0);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Edits the cluster file the way a user would (plain text replacement) and returns the old text. */
function editByHand(cluster: string, istio: string | undefined, knative: string | undefined): string {
  const file = join(root, 'clusters', `${cluster}.yaml`);
  const old = readFileSync(file, 'utf8');
  let text = old;
  if (istio) text = text.replace(/istio: "[^"]*"/, `istio: "${istio}"`);
  if (knative) text = text.replace(/knative: "[^"]*"/, `knative: "${knative}"`);
  writeFileSync(file, text);
  return old;
}

describe('kfaas upgrade-plan predicts exactly what a synth after editing the versions writes', () => {
  test.each([
    ['cn-hz-test', '1.12.9', '0.26.0'], // local gateway renamed, every route's destination moves
    ['sg-test', '1.5.4', undefined], // v1alpha3 -> v1beta1
    ['cn-sh-prod', '1.22.6', '1.14.1'], // v1beta1 -> v1
    ['us-west-prod', '1.21.6', undefined], // a downgrade: v1 -> v1beta1
    ['eu-fra-prod', undefined, '0.18.0'], // back to cluster-local-gateway
    ['cn-bj-prod', '1.22.6', '1.14.1'], // the same versions: nothing changes
    ['us-east-prod', undefined, '0.18.0'], // Gateway API output: the backend ExternalName follows the local gateway
    ['us-east-prod', '1.25.2', undefined], // Gateway API output: retry still translated (1.25+), nothing changes
  ])('%s to Istio %s, Knative %s', async (cluster, istio, knative) => {
    const before = snapshot(dist);
    const plan = planUpgrade(root, dist, cluster, { istio, knative });
    const json = await run(['upgrade-plan', '--cluster', cluster, ...(istio ? ['--istio', istio] : []), ...(knative ? ['--knative', knative] : []), '--format', 'json'], root);
    expect(json.code).toBe(0);
    expect(snapshot(dist)).toEqual(before); // upgrade-plan wrote nothing

    const old = editByHand(cluster, istio, knative);
    try {
      expect((await run(['synth', '--no-cache'], root)).code).toBe(0);
      const after = snapshot(dist);
      // The planned folder is byte for byte what the synth wrote.
      const written = readOutputFolder(dist, cluster);
      expect(new Map([...plan.planned!].sort())).toEqual(new Map([...written].sort()));
      // Every other cluster's output is untouched.
      const others = (m: Map<string, string>): Map<string, string> => new Map([...m].filter(([f]) => !f.startsWith(`${cluster}/`)));
      expect(others(after)).toEqual(others(before));
      // The predicted diff is the diff of the folder before and after the synth.
      const beforeCluster = new Map([...before].filter(([f]) => f.startsWith(`${cluster}/`)));
      const actual = diffRenderedTrees(beforeCluster, written);
      expect(plan.report).toEqual(actual);
      expect(JSON.parse(json.stdout).diff).toEqual(JSON.parse(JSON.stringify(actual)));
      if (cluster === 'cn-bj-prod' || istio === '1.25.2') expect(actual.folders).toEqual([]);
      else expect(actual.folders.length).toBeGreaterThan(0);
    } finally {
      writeFileSync(join(root, 'clusters', `${cluster}.yaml`), old);
      expect((await run(['synth', '--no-cache'], root)).code).toBe(0);
    }
  });

  test('GIVEN versions that cannot express a route THEN exit 2 with the raised diagnostic, and nothing written', async () => {
    const before = snapshot(dist);
    const r = await run(['upgrade-plan', '--cluster', 'cn-sh-prod', '--istio', '1.11.0'], root);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Raised by the new versions \(\d+\):\n( {2}.*\n)* {2}routes\/shop\/checkout\.yaml:\d+:\d+ /);
    expect(snapshot(dist)).toEqual(before);
  });

  test('GIVEN a Gateway API cluster moved to an Istio without retry translation THEN exit 2 naming the routes, nothing written', async () => {
    const before = snapshot(dist);
    const r = await run(['upgrade-plan', '--cluster', 'us-east-prod', '--istio', '1.24.3'], root);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('routes/shop/cart.yaml');
    expect(r.stdout).toContain('needs Istio 1.25+');
    expect(snapshot(dist)).toEqual(before);
  });

  test('GIVEN a split refused today THEN the newer versions list it as resolved', async () => {
    const old = editByHand('cn-sh-prod', '1.11.0', undefined);
    try {
      const plan = planUpgrade(root, dist, 'cn-sh-prod', { istio: '1.12.9' });
      expect(plan.raised).toEqual([]);
      expect(plan.resolved.map((d) => d.location?.file)).toContain('routes/shop/checkout.yaml');
      expect(plan.planned).toBeDefined();
    } finally {
      writeFileSync(join(root, 'clusters', 'cn-sh-prod.yaml'), old);
    }
  });

  test('GIVEN an unknown cluster or no versions THEN a usage error (exit 2)', async () => {
    expect((await run(['upgrade-plan', '--cluster', 'nope', '--istio', '1.22.0'], root)).stderr).toContain('no cluster nope (known: cn-bj-prod');
    expect((await run(['upgrade-plan', '--cluster', 'sg-test'], root)).code).toBe(2);
  });
});

describe('editClusterVersions', () => {
  test('replaces only the version scalars, byte for byte elsewhere, in the right document', () => {
    const text = '# c\napiVersion: kfaas/v1\nkind: Cluster\nmetadata: { name: a }\nspec:\n  istio: 1.5.4   # installed\n  knative: "0.15.0"\n---\nkind: Cluster\nmetadata: { name: b }\nspec: { istio: "1.5.4", knative: "0.15.0" }\n';
    expect(editClusterVersions(text, 'b', { istio: '1.12.9' })).toBe(text.replace('{ istio: "1.5.4"', '{ istio: "1.12.9"'));
    expect(editClusterVersions(text, 'a', { istio: '1.12.9', knative: '0.26.0' })).toBe(
      text.replace('istio: 1.5.4   #', 'istio: "1.12.9"   #').replace('knative: "0.15.0"\n---', 'knative: "0.26.0"\n---'),
    );
    expect(editClusterVersions(text, 'c', { istio: '1.12.9' })).toBeUndefined();
  });
});
