import { execFileSync } from 'child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { MARKDOWN_LIMIT } from '../../src/diff/format-markdown';

const REPO = join(__dirname, '..', '..');

async function run(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

let tmp: string;
let root: string;
beforeAll(async () => {
  // A repository whose project lives in a sub-folder, so dist/ is not at the repository's top level.
  tmp = mkdtempSync(join(tmpdir(), 'kfaas-diff-git-'));
  root = join(tmp, 'deploy');
  for (const dir of ['clusters', 'routes', 'schema']) cpSync(join(REPO, dir), join(root, dir), { recursive: true });
  // A cluster no route or delivery setting names, so that removing it is the only change.
  writeFileSync(
    join(root, 'clusters', 'ap-tokyo-prod.yaml'),
    'apiVersion: kfaas/v1\nkind: Cluster\nmetadata:\n  name: ap-tokyo-prod\nspec:\n  istio: "1.22.6"\n  knative: "1.14.1"\n  environments:\n    - name: prod\n',
  );
  git(tmp, 'init', '-q', '-b', 'main');
  expect((await run(['synth', '--no-cache'], root)).code).toBe(0);
  writeFileSync(join(root, 'dist', 'README.md'), 'not kfaas output\n');
  git(tmp, 'add', '-A');
  git(tmp, 'commit', '-q', '-m', 'base');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  git(tmp, 'checkout', '-q', '--', '.');
  git(tmp, 'clean', '-fdq');
});

describe('kfaas diff --base with a real git repository', () => {
  test('GIVEN no change THEN exit 0 and "no change"', async () => {
    const r = await run(['diff', '--base', 'HEAD'], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no change \(\d+ folder\(s\) compared\)/);
  });

  test('GIVEN one edited route THEN exactly that change, per environment, and the working tree untouched', async () => {
    const file = join(root, 'routes', 'saas', 'showroom.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('timeout: 10s', 'timeout: 30s'));
    const status = git(tmp, 'status', '--porcelain');
    const r = await run(['diff', '--base', 'main'], root);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => / [~+-] /.test(l) && !l.includes(' object '));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^[a-z0-9-]+\/[a-z]+ ~ saas-showroom timeout 10s -> 30s$/);
    expect(r.stdout).toContain('cn-hz-test/alpha ~ saas-showroom timeout 10s -> 30s');
    expect(r.stdout).not.toContain('impact:');
    expect(git(tmp, 'status', '--porcelain')).toBe(status); // dist/ not rewritten, nothing staged
  });

  test('GIVEN a route that takes paths from another THEN the routing impact names them; JSON has the same', async () => {
    writeFileSync(
      join(root, 'routes', 'shop', 'cart-items.yaml'),
      'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: shop-cart-items\nspec:\n  service: shop-cart\n  match:\n    - prefix: /faas/api/shop/cart/items/\n  environments: [prod]\n',
    );
    const text = await run(['diff', '--base', 'HEAD'], root);
    expect(text.stdout).toContain('us-west-prod/prod impact: /faas/api/shop/cart/items/kfaas-sample: shop-cart -> shop-cart-items (shop-cart)');
    const json = await run(['diff', '--base', 'HEAD', '--format', 'json'], root);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.base).toBe('HEAD');
    expect(report.folder).toBe('deploy/dist');
    const folder = report.folders.find((f: { folder: string }) => f.folder === 'us-west-prod/prod');
    expect(folder.routes[0]).toMatchObject({ name: 'shop-cart-items', change: 'added' });
    expect(folder.impact.entries.map((e: { request: { path: string } }) => e.request.path)).toContain('/faas/api/shop/cart/items/');
  });

  test('GIVEN a removed production cluster THEN the guard comes first in Markdown, in collapsible sections under the limit', async () => {
    rmSync(join(root, 'clusters', 'ap-tokyo-prod.yaml'));
    const r = await run(['diff', '--base', 'HEAD', '--format', 'markdown'], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const guard = r.stdout.indexOf('production cluster ap-tokyo-prod removed');
    expect(guard).toBeGreaterThan(0);
    expect(guard).toBeLessThan(r.stdout.indexOf('<details>'));
    expect(r.stdout).toContain('<details><summary><b>ap-tokyo-prod</b>');
    expect(r.stdout.length).toBeLessThan(MARKDOWN_LIMIT);
  });

  test('GIVEN a bad ref, a folder outside git, invalid routes or a bad format THEN exit 2 with a message, no stack', async () => {
    const bad = await run(['diff', '--base', 'no-such-branch'], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'no-such-branch' is not a commit");
    const option = await run(['diff', '--base', '--upload-pack=x'], root);
    expect(option.code).toBe(2);
    const outside = mkdtempSync(join(tmpdir(), 'kfaas-not-git-'));
    try {
      cpSync(join(root, 'clusters'), join(outside, 'clusters'), { recursive: true });
      const notGit = await run(['diff', '--base', 'HEAD'], outside);
      expect(notGit.code).toBe(2);
      expect(notGit.stderr).toContain('is not inside a git repository');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    writeFileSync(join(root, 'routes', 'shop', 'broken.yaml'), 'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: broken\nspec:\n  match:\n    - prefix: /faas/api/shop/x\n  timout: 1s\n');
    const invalid = await run(['diff', '--base', 'HEAD'], root);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('routes/shop/broken.yaml:8:3 spec.timout');
    expect(invalid.stdout).toBe('');
    const format = await run(['diff', '--base', 'HEAD', '--format', 'html'], root);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be one of text, markdown, json');
  });
});
