import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { IncrementalCache } from '../../src/cache/incremental-cache';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { runPipeline } from '../../src/pipeline';
import { main } from '../../src/cli/main';
import { CliIo } from '../../src/cli/io';
import { listFiles } from '../../src/util/list-files';
import { generateProject } from '../../src/bench/generate';

/**
 * A cluster-file edit costs what it changes (issue 14): tables are keyed by what they take from the cluster file
 * (src/cache/slot-inputs.ts), so a comment, a key order, another environment or a patch release of the same version
 * class reuses the cluster's other tables whole (no compile, no render); a change of what a table is made of
 * recompiles and renders it again; and the diagnostics of a reused table stay exact.
 */
const TOOL = 'test-build';
const EXAMPLE = join(__dirname, '..', '..');

function synth(root: string): ReturnType<typeof runPipeline> {
  const cache = IncrementalCache.open(root, TOOL);
  const result = runPipeline({ root, write: true, cache });
  cache.save();
  return result;
}

/** Every output file with its bytes (ownership records aside). */
function outputOf(root: string): Record<string, string> {
  const dist = join(root, 'dist');
  return Object.fromEntries(listFiles(dist).filter((f) => !f.endsWith('.kfaas-published')).map((f) => [f, readFileSync(join(dist, f), 'utf8')]));
}

/** What a synth without a cache, in a fresh copy of root's inputs, gives. */
function fromScratch(root: string): { output: Record<string, string>; messages: string[] } {
  const copy = mkdtempSync(join(tmpdir(), 'kfaas-scratch-'));
  try {
    cpSync(join(root, 'clusters'), join(copy, 'clusters'), { recursive: true });
    cpSync(join(root, 'routes'), join(copy, 'routes'), { recursive: true });
    const result = runPipeline({ root: copy, write: true });
    return { output: outputOf(copy), messages: result.diagnostics.map(formatDiagnostic) };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const tablesOf = (result: ReturnType<typeof runPipeline>): string[] => result.tables!.map((t) => `${t.cluster}/${t.environment}`);

describe('cluster-file edits', () => {
  let root: string;
  const edit = (file: string, change: (text: string) => string): void => {
    const path = join(root, 'clusters', file);
    writeFileSync(path, change(readFileSync(path, 'utf8')));
  };
  beforeEach(() => {
    // GIVEN the bench's project (6 clusters x 3 environments) at 300 routes, synthesized once
    root = mkdtempSync(join(tmpdir(), 'kfaas-cluster-edit-'));
    generateProject(root, 300);
    expect(synth(root).diagnostics).toEqual([]);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test.each([
    ['an Istio patch release of the same profile', (t: string) => t.replace('istio: "1.22.6"', 'istio: "1.22.7"')],
    ['a comment', (t: string) => `# owned by the platform team\n\n${t}`],
    ['a key order', (t: string) => t.replace('  istio: "1.22.6"\n', '').replace('  environments:', '  environments:').concat('  istio: "1.22.6"\n')],
  ])('%s compiles and renders none of the cluster\'s environments and writes nothing', (_what, change) => {
    edit('cn-bj-prod.yaml', change);
    const after = synth(root);
    expect(after.diagnostics).toEqual([]);
    expect(tablesOf(after)).toEqual([]);
    expect([...after.tree!.keys()].filter((p) => /^cn-bj-prod\/(?!platform\/)/.test(p))).toEqual([]);
    expect(after.report!.written).toEqual([]);
    expect(outputOf(root)).toEqual(fromScratch(root).output);
  });

  test('dropping an environment reuses the cluster\'s other environments whole', () => {
    edit('cn-bj-prod.yaml', (t) => t.replace(/    - name: beta\n(      .*\n)*/, ''));
    const after = synth(root);
    expect(after.diagnostics).toEqual([]);
    expect(tablesOf(after)).toEqual([]);
    expect([...after.tree!.keys()].filter((p) => /^cn-bj-prod\/(alpha|prod)\//.test(p))).toEqual([]);
    expect(after.report!.deleted.some((p) => p.startsWith('cn-bj-prod/beta/'))).toBe(true);
    expect(outputOf(root)).toEqual(fromScratch(root).output);
  });

  test.each([
    ['a version of another profile (Istio 1.22 -> 1.23: retryOn names)', (t: string) => t.replace('istio: "1.22.6"', 'istio: "1.23.0"'), false],
    ['a version of another API version (Istio 1.22 -> 1.21: v1beta1)', (t: string) => t.replace('istio: "1.22.6"', 'istio: "1.21.2"'), true],
    ['the cluster domain', (t: string) => t.replace('  environments:', '  clusterDomain: corp.local\n  environments:'), true],
    ['the public ingress (one more Gateway)', (t: string) => t.replace('  environments:', '  publicIngress: true\n  environments:'), true],
  ])('%s recompiles and renders every environment of the cluster again', (_what, change, bytesChange) => {
    edit('cn-bj-prod.yaml', change);
    const after = synth(root);
    expect(after.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(tablesOf(after)).toEqual(['cn-bj-prod/alpha', 'cn-bj-prod/beta', 'cn-bj-prod/prod']);
    // rendered, not taken from dist/ (their objects' keys changed with their tables')
    for (const env of ['alpha', 'beta', 'prod']) {
      expect([...after.tree!.keys()].some((p) => p.startsWith(`cn-bj-prod/${env}/virtualservice-`))).toBe(true);
      expect([...after.kept!.keys()].some((p) => p.startsWith(`cn-bj-prod/${env}/virtualservice-`))).toBe(false);
    }
    expect(after.report!.written.some((p) => /^cn-bj-prod\/alpha\/virtualservice-/.test(p))).toBe(bytesChange);
    expect(after.tables!.length + after.platforms!.length + after.reused!).toBe(18 + 6);
    expect(outputOf(root)).toEqual(fromScratch(root).output);
  });

});

describe('cluster-file edits and the platform folder', () => {
  let root: string;
  const edit = (file: string, change: (text: string) => string): void => {
    const path = join(root, 'clusters', file);
    const text = readFileSync(path, 'utf8');
    expect(change(text)).not.toBe(text);
    writeFileSync(path, change(text));
  };
  beforeEach(() => {
    // GIVEN a copy of the example project (east-west gateways on us-west-prod, Istio 1.30, and cn-hz-test, Istio 1.5)
    root = mkdtempSync(join(tmpdir(), 'kfaas-cluster-platform-'));
    cpSync(join(EXAMPLE, 'clusters'), join(root, 'clusters'), { recursive: true });
    cpSync(join(EXAMPLE, 'routes'), join(root, 'routes'), { recursive: true });
    expect(synth(root).diagnostics).toEqual([]);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('a patch release or a comment on a cluster whose gateway takes the injection template changes nothing at all', () => {
    edit('us-west-prod.yaml', (t) => `# comment\n${t.replace('istio: "1.30.3"', 'istio: "1.30.4"')}`);
    const after = synth(root);
    expect([tablesOf(after), after.platforms!.map((p) => p.cluster), after.report!.written]).toEqual([[], [], []]);
    expect(outputOf(root)).toEqual(fromScratch(root).output);
  });

  test('a patch release on Istio < 1.10 (the gateway names the exact proxy image) renders the platform folder again, and only it', () => {
    edit('cn-hz-test.yaml', (t) => t.replace('istio: "1.5.4"', 'istio: "1.5.5"'));
    const after = synth(root);
    expect([tablesOf(after), after.platforms!.map((p) => p.cluster)]).toEqual([[], ['cn-hz-test']]);
    const deployment = after.report!.written.find((p) => p.startsWith('cn-hz-test/platform/deployment-'))!;
    expect(readFileSync(join(root, 'dist', deployment), 'utf8')).toContain('image: docker.io/istio/proxyv2:1.5.5');
    expect(after.report!.written.every((p) => p.startsWith('cn-hz-test/platform/'))).toBe(true);
    expect(outputOf(root)).toEqual(fromScratch(root).output);
  });

  test.each([
    ['the gateway\'s replicas', (t: string) => t.replace('replicas: { min: 3, max: 10 }', 'replicas: { min: 3, max: 12 }'), 'horizontalpodautoscaler-'],
    ['the Java export\'s port (where the Egress prefixes go)', (t: string) => t.replace('    port: 8080\n', '    port: 8081\n'), 'virtualservice-java-export'],
  ])('a platform field (%s) compiles and renders that platform folder again, no other folder', (_what, change, kind) => {
    edit('us-west-prod.yaml', change);
    const after = synth(root);
    // (the example's Egress documents land on us-west-prod and cn-sh-prod: cn-sh-prod's own prefixes do not change)
    expect([tablesOf(after), after.platforms!.map((p) => p.cluster)]).toEqual([[], ['us-west-prod']]);
    expect(after.report!.written.some((p) => p.startsWith(`us-west-prod/platform/${kind}`))).toBe(true);
    expect(after.report!.written.every((p) => p.startsWith('us-west-prod/platform/'))).toBe(true);
    expect(outputOf(root)).toEqual(fromScratch(root).output);
  });

  test('a cluster without its Java export any more: its platform folder loses the Egress prefixes, the other cluster keeps its own', () => {
    edit('us-west-prod.yaml', (t) => t.replace(/  javaExport:.*\n(    .*\n)*/, ''));
    const after = synth(root);
    expect(after.diagnostics).toEqual([]);
    expect([tablesOf(after), after.platforms!.map((p) => p.cluster)]).toEqual([[], ['us-west-prod']]);
    expect(after.report!.deleted).toEqual(expect.arrayContaining(['us-west-prod/platform/virtualservice-java-export.yaml']));
    expect(outputOf(root)).toEqual(fromScratch(root).output);
  });

  test('an Egress edit compiles the platform folders it lands on again', () => {
    const path = join(root, 'routes', 'shop', 'java-orders.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('    - /java/api/stock/\n', '    - /java/api/stock/\n    - /java/api/invoice/\n'));
    const after = synth(root);
    expect(after.diagnostics).toEqual([]);
    expect(after.platforms!.map((p) => p.cluster)).toEqual(expect.arrayContaining(['cn-sh-prod', 'us-west-prod']));
    expect(after.report!.written).toEqual(expect.arrayContaining(['cn-sh-prod/platform/virtualservice-java-export.yaml', 'us-west-prod/platform/virtualservice-java-export.yaml']));
    expect(outputOf(root)).toEqual(fromScratch(root).output);
  });
});

describe('cluster-file edits of a cluster with warnings', () => {
  let root: string;
  const write = (file: string, text: string): void => writeFileSync(join(root, file), text);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kfaas-cluster-warn-'));
    mkdirSync(join(root, 'clusters'));
    mkdirSync(join(root, 'routes', 'shop'), { recursive: true });
    write('routes/shop/team.yaml', 'apiVersion: kfaas/v1\nkind: Team\nmetadata: { name: shop }\nspec:\n  owns: [/faas/api/shop/]\n');
    write('routes/shop/cart.yaml', 'apiVersion: kfaas/v1\nkind: Route\nmetadata: { name: shop-cart }\nspec:\n  match: [{ prefix: /faas/api/shop/cart/ }]\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('a table with findings is reused only from the very cluster file: moved lines are reported where they are now', () => {
    // GIVEN a cluster whose Istio warns in every environment (istio-default-retries, at spec.istio)
    const cluster = 'apiVersion: kfaas/v1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  istio: "1.2.0"\n  knative: "0.9.0"\n' +
      '  environments:\n    - name: alpha\n    - name: prod\n';
    write('clusters/c.yaml', cluster);
    expect(synth(root).diagnostics.map(formatDiagnostic)).toEqual([expect.stringMatching(/^clusters\/c\.yaml:6:10 spec\.istio: warning: Istio 1\.2\.0 rejects/)]);
    // WHEN comments move every line of the file down, twice
    for (const [line, comment] of [[8, '# the test cluster\n\n'], [9, '# the test cluster\n\n# (the oldest)\n']] as const) {
      write('clusters/c.yaml', `${comment}${cluster}`);
      const after = synth(root);
      // THEN the warning points at the line it is on now, exactly as a synth from scratch reports it
      expect(after.diagnostics.map(formatDiagnostic)).toEqual([expect.stringMatching(new RegExp(`^clusters/c\\.yaml:${line}:10 spec\\.istio: warning`))]);
      expect(after.diagnostics.map(formatDiagnostic)).toEqual(fromScratch(root).messages);
      expect(tablesOf(after)).toEqual(['c/alpha', 'c/prod']);
    }
    // and with the file as it is, the tables are reused, findings and all
    const again = synth(root);
    expect(tablesOf(again)).toEqual([]);
    expect(again.diagnostics.map(formatDiagnostic)).toEqual(fromScratch(root).messages);
  });

  test('kfaas synth with nothing changed prints the warnings as the synth before it did, summary line and all', async () => {
    write('clusters/c.yaml', 'apiVersion: kfaas/v1\nkind: Cluster\nmetadata: { name: c }\nspec:\n  istio: "1.2.0"\n  knative: "0.9.0"\n  environments: [{ name: prod }]\n');
    const cli = async (): Promise<string> => {
      let err = '';
      const io: CliIo = { stdout: () => undefined, stderr: (t) => (err += t), env: {}, cwd: root };
      expect(await main(['synth', '--root', root], io)).toBe(0);
      return err;
    };
    const first = await cli();
    expect(first).toMatch(/^clusters\/c\.yaml:5:10 spec\.istio: warning: .*\nkfaas: 0 error\(s\), 1 warning\(s\)\n$/);
    expect(await cli()).toBe(first);
  });
});
