import { readFileSync } from 'fs';
import { join } from 'path';
import { Cluster, GatewayApiSettings } from '../../src/model/project';
import { Version, versionOf } from '../../src/model/version';
import { gatewayApiProfileFor, GatewayApiFeature, whyUnavailable } from '../../src/versions/gateway-api';
import { platformProfileFor } from '../../src/versions/platform-profile';
import { profileFor } from '../../src/versions/profile';
import { ROUTE_FEATURE_GATES, RouteFeature, supportsFeature } from '../../src/versions/route-features';
import { isVersion, patchSensitiveMinors, versionClassOf } from '../../src/versions/version-class';
import { listFiles } from '../../src/util/list-files';

/**
 * A version class (src/versions/version-class.ts) stands for a version in the keys of cached tables
 * (src/cache/slot-inputs.ts): two versions of one class must give every fact the compiler and the emitter derive
 * from versions alike. Checked over every version from 0.0.0 to 1.31.12 in each role a version plays.
 */
const GRID: Version[] = [0, 1, 4].flatMap((major) =>
  Array.from({ length: 32 }, (_, minor) => Array.from({ length: 13 }, (_, patch) => versionOf(major, minor, patch))).flat());

const cluster = (over: Partial<Cluster>): Cluster => ({
  name: 'c', istio: versionOf(1, 30, 0), knative: versionOf(1, 23, 0), clusterDomain: 'cluster.local', environments: [],
  layout: 'merged', origin: { at: { file: 'clusters/c.yaml', line: 1, col: 1 }, path: 'metadata.name' }, ...over,
});
const gatewayApi = (version: Version): GatewayApiSettings => ({
  version, channel: 'experimental', gateway: { namespace: 'gw', name: 'gw' }, address: 'gw.gw.svc',
  origin: { at: { file: 'clusters/c.yaml', line: 1, col: 1 }, path: 'spec.gatewayApi' },
});

/** Everything derived from `v` in each role, with the version texts (which a class does not fix) left out. */
function derived(v: Version): unknown {
  // The versions themselves (and the proxy image named after one) are what a class leaves open; the rest must agree.
  const withoutTexts = (value: object): unknown =>
    JSON.parse(JSON.stringify(value, (k, x) => (isVersion(x) ? 'a version' : k === 'proxyImage' ? undefined : x)));
  const features = (Object.keys(ROUTE_FEATURE_GATES) as RouteFeature[]).map((f) => supportsFeature(v, f));
  const gwFeatures: GatewayApiFeature[] = ['httpRouteV1', 'urlRewrite', 'weights', 'backendHeaderModifier', 'timeouts', 'retry', 'retryZeroAttempts', 'mirrorPercent', 'cors'];
  return withoutTexts({
    asIstio: profileFor(cluster({ istio: v, gatewayProxy: undefined })),
    asProxy: profileFor(cluster({ gatewayProxy: v })),
    asKnative: profileFor(cluster({ knative: v })),
    features,
    platformAsIstio: platformProfileFor(cluster({ istio: v })),
    platformAsKubernetes: platformProfileFor(cluster({ kubernetes: v })),
    platformAsCertManager: platformProfileFor(cluster({ gateway: { domains: { certManager: v } } } as unknown as Partial<Cluster>)),
    platformAsSpringCloudGateway: platformProfileFor(cluster({ javaGateway: { springCloudGateway: v } } as unknown as Partial<Cluster>)),
    gatewayApiAsIstio: { ...gatewayApiProfileFor(gatewayApi(versionOf(1, 6)), v), why: gwFeatures.map((f) => whyUnavailable(gatewayApi(versionOf(1, 6)), v, f) === undefined) },
    gatewayApiAsRelease: { ...gatewayApiProfileFor(gatewayApi(v), versionOf(1, 30)), why: gwFeatures.map((f) => whyUnavailable(gatewayApi(v), versionOf(1, 30), f) === undefined) },
  });
}

describe('version classes', () => {
  test('versions of one class derive the same facts in every role (control plane, gateway proxy, Knative, Kubernetes, Gateway API)', () => {
    const byClass = new Map<string, Version[]>();
    for (const v of GRID) byClass.set(versionClassOf(v), [...(byClass.get(versionClassOf(v)) ?? []), v]);
    for (const [, members] of byClass) {
      const first = JSON.stringify(derived(members[0]));
      for (const v of members.slice(1)) expect([v.raw, JSON.stringify(derived(v))]).toEqual([v.raw, first]);
    }
    // and classes are narrow enough to matter: a minor's patches share one class unless a threshold has a patch there
    expect(versionClassOf(versionOf(1, 22, 6))).toBe(versionClassOf(versionOf(1, 22, 7)));
    expect(byClass.size).toBeLessThan(GRID.length / 5);
  });

  test('a threshold with a patch splits its minor: 1.2.0 | 1.2.1 (attempts: 0), 1.4.2 | 1.4.3 (regex limit), 1.12.1 | 1.12.2 (delegate push bug)', () => {
    expect([...patchSensitiveMinors()].sort()).toEqual(['1.12', '1.2', '1.4']);
    expect(versionClassOf(versionOf(1, 2, 0))).not.toBe(versionClassOf(versionOf(1, 2, 1)));
    expect(versionClassOf(versionOf(1, 4, 2))).not.toBe(versionClassOf(versionOf(1, 4, 3)));
    expect(versionClassOf(versionOf(1, 12, 1))).not.toBe(versionClassOf(versionOf(1, 12, 2)));
    expect(versionClassOf(versionOf(1, 22, 0))).not.toBe(versionClassOf(versionOf(1, 23, 0)));
  });

  test('every version literal with a patch in src/ compares in a patch-sensitive minor (a new one belongs in facts.ts)', () => {
    const src = join(__dirname, '..', '..', 'src');
    // A default value the user may omit is a version, not a threshold: nothing is compared against it.
    const notThresholds = new Set(['model/defaults.ts DEFAULT_CERT_MANAGER']);
    const found: string[] = [];
    for (const file of listFiles(src).filter((f) => f.endsWith('.ts') && !f.startsWith('load/generated/'))) {
      const text = readFileSync(join(src, file), 'utf8');
      const patterns = [
        /versionOf\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)/g,
        /atLeast\([^()]*?,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)/g,
        /(\w+)\s*=\s*\{\s*major:\s*(\d+),\s*minor:\s*(\d+),\s*patch:\s*(\d+)/g,
      ];
      for (const [i, pattern] of patterns.entries()) {
        for (const m of text.matchAll(pattern)) {
          const [major, minor, patch] = i === 2 ? m.slice(2, 5) : m.slice(1, 4);
          if (Number(patch) === 0 || (i === 2 && notThresholds.has(`${file} ${m[1]}`))) continue;
          found.push(`${file}: ${major}.${minor}.${patch}`);
          expect([file, patchSensitiveMinors().has(`${major}.${minor}`)]).toEqual([file, true]);
        }
      }
    }
    expect(found.length).toBeGreaterThanOrEqual(4);
  });

  test('the compiler and the emitter compare versions only through src/versions (the profiles and facts.ts)', () => {
    const src = join(__dirname, '..', '..', 'src');
    const outside = listFiles(src)
      .filter((f) => f.endsWith('.ts') && /^(compile|emit|cache|explain)\//.test(f))
      .flatMap((f) => [...readFileSync(join(src, f), 'utf8').matchAll(/(atLeast|compareVersions)\([^()]*\d+\s*[,)]/g)].map((m) => `${f}: ${m[0]}`));
    expect(outside).toEqual([]);
  });
});
