import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { dump, loadAll } from 'js-yaml';
import { asKubectlList, generateSeedEnvironment } from '../../src/bench/generate-virtual-services';
import { importCommand } from '../../src/cli/import';
import { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { explainPath, explainRequest } from '../../src/explain/explain';
import { mergeVirtualHost } from '../../src/explain/merge';
import { RouteIndex } from '../../src/explain/route-index';
import { samplePaths } from '../../src/explain/sample-path';
import { toPathCondition } from '../../src/explain/match';
import { outcome } from '../../src/import/equivalence';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kfaas-import-'));
  mkdirSync(join(root, 'routes'));
  mkdirSync(join(root, 'clusters'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function runImport(argv: string[], stdin = ''): Run {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: root };
  const code = importCommand(argv, io, () => stdin);
  return { code, stdout, stderr };
}

async function synth(): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(['synth', '--root', root], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: root });
  return { code, stdout, stderr };
}

/** Every file under the project (relative path -> bytes and mtime), to prove a failed import wrote nothing. */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(root, p)] = `${readFileSync(p, 'base64')}|${statSync(p).mtimeMs}`;
    }
  };
  walk(root);
  return out;
}

function write(rel: string, text: string): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
}

function read(rel: string): string {
  return readFileSync(join(root, rel), 'utf8');
}

/** The rendered VirtualServices of dist/C/E. */
function distObjects(cluster: string, env: string): unknown[] {
  const dir = join(root, 'dist', cluster, env);
  return readdirSync(dir)
    .filter((f) => f.startsWith('virtualservice-'))
    .flatMap((f) => loadAll(readFileSync(join(dir, f), 'utf8')));
}

interface Vs {
  metadata: { name: string; namespace?: string; creationTimestamp?: string };
  spec: { hosts?: string[]; gateways?: string[]; http?: { match?: { uri?: Record<string, string> }[] }[] };
}

/**
 * Independent of the importer's own proof: for sample paths of every original match, the outcome (authority,
 * weight, forwarded path) through the originals under Istio's default order equals the one through dist/.
 */
function expectSameRouting(originals: Vs[], rendered: unknown[], host: string, gateway: string): number {
  // Merged once per side (Istio's default order for the originals); the index only skips routes that cannot match.
  const beforeHost = mergeVirtualHost(originals, { host, gateway });
  const afterHost = mergeVirtualHost(rendered, { host, gateway });
  const beforeIndex = new RouteIndex(beforeHost);
  const afterIndex = new RouteIndex(afterHost);
  let checked = 0;
  for (const vs of originals) {
    for (const http of vs.spec.http ?? []) {
      for (const m of http.match ?? [{}]) {
        const condition = toPathCondition(m.uri as never) ?? { kind: 'prefix' as const, value: '/' };
        for (const path of samplePaths(condition)) {
          const before = outcome(explainPath(beforeHost, path, beforeIndex).winner);
          const after = outcome(explainPath(afterHost, path, afterIndex).winner);
          expect(`${path} -> ${after}`).toBe(`${path} -> ${before}`);
          checked++;
        }
      }
    }
  }
  return checked;
}

const SEED: Vs & Record<string, unknown> = {
  apiVersion: 'networking.istio.io/v1alpha3',
  kind: 'VirtualService',
  metadata: { name: 'faas-alpha-ns-saas-showroom-ksvc-virtualservice', namespace: 'kfaas-system' },
  spec: {
    gateways: ['knative-serving/cluster-local-gateway'],
    hosts: ['faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local'],
    http: [
      {
        match: [{ uri: { prefix: '/faas/api/saas/showroom/' } }],
        rewrite: { authority: 'saas-showroom.faas-alpha.svc.cluster.local' },
        route: [{ destination: { host: 'cluster-local-gateway.istio-system.svc.cluster.local' } }],
      } as never,
    ],
    weight: 100,
  } as never,
};

describe('kfaas import: the seed VirtualService', () => {
  it('refuses the stray spec.weight without --lossy, naming file, document and field, and writes nothing', () => {
    write('in/seed.yaml', dump(SEED));
    const before = snapshot();
    const r = runImport(['--cluster', 'cn-hz-test', '--env', 'alpha', '--istio', '1.5.4', '--knative', '0.15.0', 'in/seed.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('in/seed.yaml:1:1 spec.weight: document 1, kfaas-system/faas-alpha-ns-saas-showroom-ksvc-virtualservice: a Route has no equivalent of spec.weight (100)');
    expect(r.stdout).toContain('Nothing written.');
    expect(snapshot()).toEqual(before);
  });

  it('with --lossy imports it as the seed route, keeps the object name (per-route) and routes identically', async () => {
    write('in/seed.yaml', dump(SEED));
    const r = runImport(['--cluster', 'cn-hz-test', '--env', 'alpha', '--istio', '1.5.4', '--knative', '0.15.0', '--lossy', 'in/seed.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('spec.weight: a Route has no equivalent of spec.weight (100) [field dropped]');
    expect(r.stdout).toContain('spec.http[0].retries: no retries: Istio retried twice by default');
    expect(r.stdout).toContain('Proof: 3 sample request(s) from every match of the input: 3 reach the same service, authority and path; 0 order-dependent; 0 different');
    expect(r.stdout).toContain('Object names: 1 of 1 original name(s) kept');
    expect(read('routes/imported/saas-showroom.yaml')).toBe(
      '# yaml-language-server: $schema=../../schema/kfaas.schema.json\n' +
        '# Imported by kfaas import from cn-hz-test/alpha.\n' +
        'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: saas-showroom\nspec:\n  match:\n    - prefix: /faas/api/saas/showroom/\n',
    );
    const cluster = read('clusters/cn-hz-test.yaml');
    expect(cluster).toContain('layout: per-route');
    expect(cluster).toContain('istio: "1.5.4"');
    expect((await synth()).code).toBe(0);
    const rendered = distObjects('cn-hz-test', 'alpha');
    expect(rendered.map((o) => (o as Vs).metadata.name)).toEqual(['faas-alpha-ns-saas-showroom-ksvc-virtualservice']);
    const checked = expectSameRouting([SEED], rendered, 'faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local', 'knative-serving/cluster-local-gateway');
    expect(checked).toBe(3);
  });

  it('is idempotent: importing the same objects again writes nothing', () => {
    write('in/seed.yaml', dump(SEED));
    const args = ['--cluster', 'cn-hz-test', '--env', 'alpha', '--istio', '1.5.4', '--knative', '0.15.0', '--lossy', 'in/seed.yaml'];
    expect(runImport(args).code).toBe(0);
    const before = snapshot();
    const again = runImport(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Wrote 0 file(s)');
    expect(snapshot()).toEqual(before);
  });
});

describe('kfaas import: a generated 700-object environment in the seed naming, two environments in turn', () => {
  it('merges alpha and beta into one Route each with a beta override, and dist routes every sample like the originals', async () => {
    const alpha = generateSeedEnvironment({ namespace: 'faas-alpha', count: 700 });
    const beta = generateSeedEnvironment({ namespace: 'faas-beta', count: 700, timeoutOffset: 1 });
    const a = runImport(['--cluster', 'c1', '--env', 'alpha', '--istio', '1.5.4', '--knative', '0.15.0', '--team-from', 'label:team', '-'], asKubectlList(alpha));
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('700 VirtualService(s) read, 700 route(s) imported');
    expect(a.stdout).toMatch(/Proof: 2030 sample request\(s\) .* 0 different/);
    // 700 objects are more than one folder holds one per route: merged, and the report says why.
    expect(read('clusters/c1.yaml')).toContain('layout: merged');
    expect(a.stdout).toContain('Cluster file clusters/c1.yaml: created, layout merged (merged: 700 objects, one per route');
    const b = runImport(['--cluster', 'c1', '--env', 'beta', '--team-from', 'label:team', '-'], asKubectlList(beta));
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(readdirSync(join(root, 'routes')).length).toBe(50);
    const routeFiles = readdirSync(join(root, 'routes')).flatMap((t) => readdirSync(join(root, 'routes', t)));
    expect(routeFiles.length).toBe(700);
    expect(read('routes/team00/team00-svc-0.yaml')).toContain('  timeout: 2s\n');
    expect(read('routes/team00/team00-svc-0.yaml')).toContain('  overrides:\n    beta:\n      timeout: 3s\n');
    // Same in both environments: no overrides, no environments list.
    expect(read('routes/team01/team01-svc-1.yaml')).not.toContain('overrides');
    expect(read('routes/team01/team01-svc-1.yaml')).not.toContain('environments');
    expect(read('clusters/c1.yaml')).toContain('- name: beta');
    const s = await synth();
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    for (const [env, originals] of [['alpha', alpha], ['beta', beta]] as const) {
      const checked = expectSameRouting(originals as Vs[], distObjects('c1', env), `faas-${env}-ksvc-gateway.kfaas-system.svc.cluster.local`, 'knative-serving/cluster-local-gateway');
      expect(checked).toBe(2030);
    }
  });

  it('keeps weighted splits (per-destination host, Istio >= 1.12) and carries the team from the name pattern', async () => {
    const objects = generateSeedEnvironment({
      namespace: 'faas-prod', count: 40, splits: true, apiVersion: 'networking.istio.io/v1beta1',
      localGatewayHost: 'knative-local-gateway.istio-system.svc.cluster.local', localGateway: 'knative-serving/knative-local-gateway',
    });
    write('in/prod.yaml', objects.map((o) => dump(o)).join('---\n'));
    const r = runImport(['--cluster', 'c2', '--env', 'prod', '--istio', '1.22.6', '--knative', '1.14.1', '--team-from', 'name:<ns>-ns-<team>-<svc>-ksvc-virtualservice', 'in/prod.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(read('routes/team03/team03-svc-3.yaml')).toContain('  traffic:\n    - service: team03-svc-3\n      weight: 90\n    - service: team03-svc-3-next\n      weight: 10\n');
    expect((await synth()).code).toBe(0);
    const checked = expectSameRouting(objects as Vs[], distObjects('c2', 'prod'), 'faas-prod-ksvc-gateway.kfaas-system.svc.cluster.local', 'knative-serving/knative-local-gateway');
    expect(checked).toBeGreaterThan(100);
  });
});

function vs(name: string, prefix: string, service: string, extra: Record<string, unknown> = {}): Vs & Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name, namespace: 'kfaas-system', ...((extra.metadata as object | undefined) ?? {}) },
    spec: {
      gateways: ['knative-serving/knative-local-gateway'],
      hosts: ['faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local'],
      http: [
        {
          match: [{ uri: { prefix } }],
          rewrite: { authority: `${service}.faas-alpha.svc.cluster.local` },
          route: [{ destination: { host: 'knative-local-gateway.istio-system.svc.cluster.local', port: { number: 80 } } }],
          retries: { attempts: 0 },
          ...((extra.http as object | undefined) ?? {}),
        } as never,
      ],
    },
  };
}

const NEW_CLUSTER = ['--cluster', 'c3', '--env', 'alpha', '--istio', '1.22.6', '--knative', '1.14.1'];

describe('kfaas import: overlapping objects (the shadowing kfaas removes)', () => {
  it('reports order-dependent samples, picks merged, and takes the most specific route', async () => {
    const broad = vs('shop', '/faas/api/shop/', 'shop', { metadata: { creationTimestamp: '2024-01-01T00:00:00Z' } });
    const narrow = vs('shop-cart', '/faas/api/shop/cart/', 'shop-cart', { metadata: { creationTimestamp: '2024-06-01T00:00:00Z' } });
    write('in/overlap.yaml', [broad, narrow].map((o) => dump(o)).join('---\n'));
    const r = runImport([...NEW_CLUSTER, 'in/overlap.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('layout merged (merged: ');
    expect(r.stdout).toContain(
      'order-dependent /faas/api/shop/cart/: the originals reach shop-cart.faas-alpha.svc.cluster.local path /faas/api/shop/cart/ or shop.faas-alpha.svc.cluster.local path /faas/api/shop/cart/ ' +
        "depending on Istio's merge order; by creation time today: shop.faas-alpha.svc.cluster.local path /faas/api/shop/cart/; kfaas: shop-cart.faas-alpha.svc.cluster.local path /faas/api/shop/cart/",
    );
    expect((await synth()).code).toBe(0);
    const explained = explainRequest(distObjects('c3', 'alpha'), {
      host: 'faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local', gateway: 'knative-serving/knative-local-gateway', path: '/faas/api/shop/cart/x',
    });
    expect(outcome(explained.winner)).toBe('shop-cart.faas-alpha.svc.cluster.local path /faas/api/shop/cart/x');
  });
});

describe('kfaas import: method, header and query conditions', () => {
  it('carries them over; a canary by header that shares its path with the plain route is order-dependent, and kfaas puts the canary first', async () => {
    const plain = vs('shop', '/faas/api/shop/', 'shop');
    const canary = vs('shop-green', '/faas/api/shop/', 'shop-green', {
      http: { match: [{ uri: { prefix: '/faas/api/shop/' }, method: { exact: 'POST' }, headers: { 'X-Canary': { exact: 'true' } }, withoutHeaders: { 'x-legacy': {} }, queryParams: { v: { regex: '[0-9]+' } } }] },
    });
    write('in/canary.yaml', [plain, canary].map((o) => dump(o)).join('---\n'));
    const r = runImport([...NEW_CLUSTER, 'in/canary.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(read('routes/imported/shop-green.yaml')).toContain(
      '  match:\n    - prefix: /faas/api/shop/\n      methods:\n        - POST\n      headers:\n        x-canary:\n          exact: \'true\'\n        x-legacy:\n          absent: true\n      query:\n        v:\n          regex: \'[0-9]+\'\n',
    );
    expect(r.stdout).toMatch(/order-dependent POST \/faas\/api\/shop\/ header x-canary=true query v=\d+: the originals reach shop-green\.faas-alpha\.svc\.cluster\.local path \/faas\/api\/shop\/ or shop\.faas-alpha/);
    expect(r.stdout).toContain('; kfaas: shop-green.faas-alpha.svc.cluster.local path /faas/api/shop/');
    expect((await synth()).code).toBe(0);
    const host = 'faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local';
    const rendered = distObjects('c3', 'alpha');
    const gateway = 'knative-serving/knative-local-gateway';
    expect(outcome(explainRequest(rendered, { host, gateway, path: '/faas/api/shop/x', method: 'POST', headers: { 'x-canary': 'true' }, query: { v: '7' } }).winner))
      .toBe('shop-green.faas-alpha.svc.cluster.local path /faas/api/shop/x');
    expect(outcome(explainRequest(rendered, { host, gateway, path: '/faas/api/shop/x', method: 'POST', headers: { 'x-canary': 'true', 'x-legacy': '1' }, query: { v: '7' } }).winner))
      .toBe('shop.faas-alpha.svc.cluster.local path /faas/api/shop/x');
  });
});

describe('kfaas import: what a Route cannot express is reported, never dropped silently', () => {
  const objects = (): object[] => [
    vs('ok', '/faas/api/ok/', 'ok'),
    vs('faulty', '/faas/api/faulty/', 'faulty', { http: { fault: { abort: { httpStatus: 503, percentage: { value: 1 } } } } }),
    vs('java', '/faas/api/java/', 'java', { http: { route: [{ destination: { host: 'java-gateway.default.svc.cluster.local', port: { number: 80 } } }] } }),
    vs('other-ns', '/faas/api/other/', 'x', { http: { rewrite: { authority: 'x.faas-beta.svc.cluster.local' } } }),
    vs('by-source', '/faas/api/src/', 'src', { http: { match: [{ uri: { prefix: '/faas/api/src/' }, sourceLabels: { app: 'web' } }] } }),
  ];

  it('without --lossy: every field with object and path, exit 2, nothing written', () => {
    write('in/mixed.yaml', objects().map((o) => dump(o)).join('---\n'));
    const before = snapshot();
    const r = runImport([...NEW_CLUSTER, 'in/mixed.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('spec.http[0].fault: document 2, kfaas-system/faas-alpha-ns-faulty-ksvc-virtualservice'.replace('faas-alpha-ns-faulty-ksvc-virtualservice', 'faulty'));
    expect(r.stderr).toContain('(use --lossy to import it without this field)');
    expect(r.stderr).toContain("spec.http[0].route[0].destination.host: document 3, kfaas-system/java: expected Knative's local gateway knative-local-gateway.istio-system.svc.cluster.local, got \"java-gateway.default.svc.cluster.local\"");
    expect(r.stderr).toContain('spec.http[0].rewrite.authority: document 4, kfaas-system/other-ns: expected the authority of a Knative service in the environment\'s namespace');
    expect(r.stderr).toContain('spec.http[0].match[0].sourceLabels: document 5, kfaas-system/by-source: a Route matches on the path, method, headers and query parameters, not on sourceLabels');
    expect(r.stderr).toMatch(/kfaas: 4 error\(s\)/);
    expect(snapshot()).toEqual(before);
  });

  it('with --lossy: drops the fault, skips what cannot be expressed, and lists both', () => {
    write('in/mixed.yaml', objects().map((o) => dump(o)).join('---\n'));
    const r = runImport([...NEW_CLUSTER, '--lossy', 'in/mixed.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('5 VirtualService(s) read, 2 route(s) imported, 3 object(s) skipped (--lossy)');
    expect(r.stdout).toMatch(/kfaas-system\/faulty spec\.http\[0\]\.fault: .*\[field dropped\]/);
    expect(r.stdout).toMatch(/kfaas-system\/java spec\.http\[0\]\.route\[0\]\.destination\.host: .*\[object skipped\]/);
    expect(read('routes/imported/faulty.yaml')).toContain('prefix: /faas/api/faulty/');
    expect(() => read('routes/imported/java.yaml')).toThrow();
  });
});

describe('kfaas import: bad input', () => {
  it('reports not-YAML, not-a-VirtualService, wrong namespace and duplicate names with file and document, exit 2, nothing written', () => {
    write('in/broken.yaml', 'apiVersion: v1\nkind: [unclosed\n');
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'kfaas-system' }, spec: {} };
    const elsewhere = vs('elsewhere', '/faas/api/x/', 'x');
    elsewhere.metadata.namespace = 'istio-system';
    write('in/mixed.yaml', [service, vs('dup', '/faas/api/a/', 'a'), elsewhere, vs('dup', '/faas/api/b/', 'b')].map((o) => dump(o)).join('---\n'));
    const before = snapshot();
    const r = runImport([...NEW_CLUSTER, 'in/broken.yaml', 'in/mixed.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/in\/broken\.yaml:3:1: invalid YAML: Flow sequence/);
    expect(r.stderr).toMatch(/in\/mixed\.yaml:1:1: document 1: expected a networking\.istio\.io VirtualService .* got kind "Service"/);
    expect(r.stderr).toMatch(/in\/mixed\.yaml:\d+:1 metadata\.namespace: document 3, istio-system\/elsewhere: expected namespace kfaas-system/);
    expect(r.stderr).toMatch(/in\/mixed\.yaml:\d+:1 metadata\.name: document 4: VirtualService dup is also at in\/mixed\.yaml:\d+ \(document 2\)/);
    expect(snapshot()).toEqual(before);
  });

  it('needs versions for a cluster without a file, and a known --team-from rule', () => {
    write('in/seed.yaml', dump(vs('a', '/faas/api/a/', 'a')));
    const r = runImport(['--cluster', 'new', '--env', 'alpha', 'in/seed.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cluster new has no file under clusters/; give its versions with --istio and --knative');
    expect(() => runImport([...NEW_CLUSTER, '--team-from', 'owner', 'in/seed.yaml'])).toThrow(/--team-from expects label:<key>, name:<pattern>, path:<n> or default/);
  });
});

describe('kfaas import: several clusters', () => {
  it('one Route where clusters agree; one Route per cluster where the same environment differs', () => {
    const same = vs('same', '/faas/api/same/', 'same');
    const c1Diff = vs('diff', '/faas/api/diff/', 'diff', { http: { timeout: '5s' } });
    const c2Diff = vs('diff', '/faas/api/diff/', 'diff', { http: { timeout: '9s' } });
    write('in/c1.yaml', [same, c1Diff].map((o) => dump(o)).join('---\n'));
    write('in/c2.yaml', [same, c2Diff].map((o) => dump(o)).join('---\n'));
    expect(runImport(['--cluster', 'c1', '--env', 'alpha', '--istio', '1.22.6', '--knative', '1.14.1', 'in/c1.yaml']).code).toBe(0);
    const r = runImport(['--cluster', 'c2', '--env', 'alpha', '--istio', '1.22.6', '--knative', '1.14.1', 'in/c2.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(read('routes/imported/same.yaml')).not.toContain('clusters');
    expect(read('routes/imported/same.yaml')).toContain('from c1/alpha, c2/alpha.');
    expect(read('routes/imported/diff-c1.yaml')).toContain('  timeout: 5s\n  retries:\n    attempts: 0\n  clusters:\n    - c1\n');
    expect(read('routes/imported/diff-c2.yaml')).toContain('  timeout: 9s\n  retries:\n    attempts: 0\n  clusters:\n    - c2\n');
    expect(read('routes/imported/diff-c1.yaml')).toContain('# Split from one imported route: the route differs between clusters in the same environment; one Route per cluster.');
    expect(() => read('routes/imported/diff.yaml')).toThrow();
  });
});
