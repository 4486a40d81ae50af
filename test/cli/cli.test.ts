import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { cdk8sSynth } from '../../src/cdk8s-app';
import { main } from '../../src/cli/main';
import { CliIo } from '../../src/cli/io';
import * as render from '../../src/emit/render';

const FIXTURES = join(__dirname, '..', 'fixtures');
const GOOD = join(FIXTURES, 'golden', '04-istio-1.22-knative-0.19', 'input');
const BAD_ROUTING = join(FIXTURES, 'bad-routing', '01-duplicate-prefix');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: string[], env: Record<string, string | undefined> = {}, cwd = process.cwd()): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Every file under dir: relative path → bytes, mtime and inode (to prove nothing was touched). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        out[relative(dir, p)] = `${readFileSync(p, 'base64')}|${s.mtimeMs}|${s.ino}`;
      }
    }
  };
  walk(dir);
  return out;
}

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'kfaas-cli-'));
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(tmp, { recursive: true, force: true });
});

/** A copy of a fixture project with a dist/ holding an old tree (and a stale file a synth would delete). */
function projectWithDist(fixture: string): { root: string; dist: string } {
  const root = join(tmp, 'project');
  cpSync(fixture, root, { recursive: true });
  const dist = join(root, 'dist');
  mkdirSync(join(dist, 'c1', 'alpha'), { recursive: true });
  writeFileSync(join(dist, 'c1', 'alpha', 'kustomization.yaml'), 'resources: [stale.yaml]\n');
  writeFileSync(join(dist, 'c1', 'alpha', 'stale.yaml'), 'kind: Stale\n');
  return { root, dist };
}

describe('kfaas CLI', () => {
  test('--help prints usage and exits 0; no command is a usage error (2)', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage:\n {2}kfaas synth/);
    expect(help.stdout).toMatch(/kfaas explain +--cluster C --env E PATH/);
    expect((await run(['synth', '--help'])).code).toBe(0);
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage:/);
  });

  test('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r).toEqual({ code: 0, stdout: `kfaas ${JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version}\n`, stderr: '' });
  });

  test.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['synth', '--bogus'], /synth: .*bogus/],
    [['validate', 'extra'], /validate: .*extra/],
    [['explain', '--cluster', 'c1', '/x'], /--cluster and --env are required/],
    [['explain', '--cluster', 'c1', '--env', 'alpha'], /expected one request path/],
    [['explain', '--cluster', 'c1', '--env', 'alpha', 'no-slash'], /must start with '\/'/],
  ])('bad usage %p exits 2', async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/kfaas --help/);
  });

  test('synth writes dist/, a second run rewrites nothing, --check then passes', async () => {
    const { root, dist } = projectWithDist(GOOD);
    const first = await run(['synth', '--root', root]);
    expect(first.stderr).not.toMatch(/error/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^kfaas: \d+ folder\(s\), \d+ object\(s\) -> .*dist: \d+ written, 2 deleted, 0 unchanged\n$/);
    expect(snapshot(dist)['c1/alpha/stale.yaml']).toBeUndefined();

    const before = snapshot(dist);
    const second = await run(['synth', '--root', root, '--no-cache']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/: 0 written, 0 deleted, \d+ unchanged\n$/);
    expect(snapshot(dist)).toEqual(before);

    const check = await run(['synth', '--root', root, '--check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/is up to date/);
  });

  test('synth --check on an out-of-date folder exits 2, lists the files and writes nothing', async () => {
    const { root, dist } = projectWithDist(GOOD);
    const before = snapshot(dist);
    const r = await run(['synth', '--root', root, '--check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stale: .*c1\/alpha\/stale\.yaml/);
    expect(r.stderr).toMatch(/is out of date: \d+ file\(s\) to write, 2 to delete; run kfaas synth/);
    expect(snapshot(dist)).toEqual(before);
  });

  test('--out is resolved from the working folder', async () => {
    const { root } = projectWithDist(GOOD);
    const r = await run(['synth', '--root', 'project', '--out', 'elsewhere'], {}, tmp);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/-> elsewhere:/);
    expect(readdirSync(join(tmp, 'elsewhere')).length).toBeGreaterThan(0);
    expect(root).toBe(join(tmp, 'project'));
  });

  test.each([
    ['a routing conflict', BAD_ROUTING, undefined],
    ['a broken cluster file', BAD_ROUTING, 'apiVersion: kfaas/v1\nkind: Cluster\nmetadata: [unclosed\n'],
  ])('synth on %s exits 2 with file:line diagnostics and leaves dist/ byte-for-byte untouched', async (_t, fixture, clusterText) => {
    const { root, dist } = projectWithDist(fixture);
    if (clusterText) writeFileSync(join(root, 'clusters', 'c.yaml'), clusterText);
    const before = snapshot(dist);
    const r = await run(['synth', '--root', root]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^(clusters|routes)\/[^:]+\.yaml:\d+:\d+/m);
    expect(r.stderr).toMatch(/\nkfaas: [1-9]\d* error\(s\)/);
    expect(r.stdout).toBe('');
    expect(snapshot(dist)).toEqual(before);
    expect((await run(['validate', '--root', root])).code).toBe(2);
  });

  test('validate checks and renders in memory, writing nothing', async () => {
    const root = join(tmp, 'project');
    cpSync(GOOD, root, { recursive: true });
    const r = await run(['validate', '--root', root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^kfaas: ok, \d+ folder\(s\), \d+ object\(s\)\n$/);
    expect(readdirSync(root).sort()).toEqual(readdirSync(GOOD).sort());
  });

  test('explain shows the winning route with its file:line, its authority, and the routes that lost', async () => {
    const r = await run(['explain', '--cluster', 'new-cluster', '--env', 'prod', '/faas/api/web/checkout/cart', '--root', GOOD]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Cluster new-cluster, environment prod/);
    expect(r.stdout).toMatch(/Winner: .*"web-checkout".*\(routes\/web\/routes\.yaml:\d+\)/);
    expect(r.stdout).toMatch(/authority web-checkout\.faas-prod\.svc\.cluster\.local/);
    expect(r.stdout).toMatch(/lost[^]*"web-fallback".*\(routes\/web\/routes\.yaml:\d+\)/);
  });

  test('explain for an unknown cluster/environment is a usage error listing the known ones', async () => {
    const r = await run(['explain', '--cluster', 'nope', '--env', 'prod', '/x', '--root', GOOD]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no environment prod on cluster nope \(known: new-cluster\/prod\)/);
  });

  test('an unexpected exception is an internal error: exit 1, message, stack only with KFAAS_DEBUG=1', async () => {
    jest.spyOn(render, 'renderTables').mockImplementation(() => {
      throw new Error('simulated bug');
    });
    const quiet = await run(['validate', '--root', GOOD]);
    expect(quiet).toEqual({ code: 1, stdout: '', stderr: 'kfaas: internal error: simulated bug\n' });
    const debug = await run(['validate', '--root', GOOD], { KFAAS_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^kfaas: internal error: simulated bug\nError: simulated bug\n\s+at /);
  });

  test('the cdk8s entry point publishes into $CDK8S_OUTDIR with the same checks', async () => {
    const root = join(tmp, 'project');
    cpSync(GOOD, root, { recursive: true });
    let stdout = '';
    const code = await cdk8sSynth({ CDK8S_OUTDIR: 'cdk8s.out' }, root, { stdout: (t) => (stdout += t), stderr: (t) => (stdout += t) });
    expect(code).toBe(0);
    expect(stdout).toMatch(/-> cdk8s\.out: \d+ written/);
    expect(readdirSync(join(root, 'cdk8s.out')).length).toBeGreaterThan(0);
    expect(readdirSync(root)).not.toContain('dist');
  });
});
