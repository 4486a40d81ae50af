import { join } from 'path';
import { load } from 'js-yaml';
import { GatewayApiTable, HttpRouteObjectTable } from '../../src/compile/gateway-api/table';
import { assertBindingKeepsRules } from '../../src/emit/gateway-api/environment-http-route';
import { gatewayDuration, ruleJson } from '../../src/emit/gateway-api/http-route-json';
import { runPipeline } from '../../src/pipeline';
import { gatewayApiProfileFor } from '../../src/versions/gateway-api';
import { crdsAvailable, validateAgainstCrd } from '../support/crd-schema';
import { origin, version } from '../support/project-builder';
import { nonCanonicalValues, validateManifest } from '../support/validate-objects';

const ROOTS = [
  join(__dirname, '..', 'fixtures', 'golden', '10-gateway-api', 'input'),
  join(__dirname, '..', '..'), // the shipped example: one cluster renders Gateway API
];

function renderedObjects(): { path: string; obj: Record<string, any> }[] {
  return ROOTS.flatMap((root) => {
    const result = runPipeline({ root, write: false });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return [...result.tree!]
      .filter(([path]) => !path.endsWith('kustomization.yaml'))
      .map(([path, text]) => ({ path, obj: load(text) as Record<string, any> }));
  });
}

const backend = { name: 'faas-prod-ksvc-backend', namespace: 'kfaas-system', externalName: 'knative-local-gateway.istio-system.svc.cluster.local', port: 80 };
const authority = (s: string): string => `${s}.faas-prod.svc.cluster.local`;

describe('Gateway API output', () => {
  const objects = renderedObjects();
  const httpRoutes = objects.filter((o) => o.obj.kind === 'HTTPRoute');

  test('renders HTTPRoutes for the golden fixture and the shipped example', () => {
    expect(httpRoutes.length).toBeGreaterThan(5);
    expect(new Set(httpRoutes.map((o) => o.path.split('/')[0])).size).toBeGreaterThanOrEqual(3);
  });

  test('every emitted object validates against @kubernetes-models (HTTPRoute v1, Service) and is canonical', () => {
    for (const { path, obj } of objects) {
      expect({ path, errors: validateManifest(obj) }).toEqual({ path, errors: [] });
      expect({ path, problems: nonCanonicalValues(obj) }).toEqual({ path, problems: [] });
    }
  });

  // Adds to the test above where ../shared/crds is (registered only there: nothing is ever skipped).
  if (crdsAvailable()) test('every HTTPRoute validates against the Gateway API 1.6.1 CRD schema, nothing pruned', () => {
    for (const { path, obj } of httpRoutes) {
      expect({ path, errors: validateAgainstCrd(obj as { apiVersion: string; kind: string }) }).toEqual({ path, errors: [] });
    }
  });

  test('a bad HTTPRoute is caught by the npm schema and by the experimental retry check', () => {
    const good = httpRoutes[0].obj;
    const bad = { ...good, spec: { ...good.spec, rules: [{ ...good.spec.rules[0], matches: [{ path: { type: 'Prefix', value: '/a' } }], retry: { attempts: 1, codes: [302] } }] } };
    const errors = validateManifest(bad);
    expect(errors.some((e) => e.includes('/spec/rules/0/matches/0/path/type'))).toBe(true);
    expect(errors).toContain('data/spec/rules/0/retry/codes must be integers 400-599');
  });

  test('HTTPRoutes live in kfaas-system, attach to the declared Gateway and forward only to the kfaas-system backend', () => {
    for (const { path, obj } of httpRoutes) {
      expect({ path, ns: obj.metadata.namespace }).toEqual({ path, ns: 'kfaas-system' });
      expect(obj.spec.parentRefs).toHaveLength(1);
      for (const rule of obj.spec.rules) {
        for (const b of rule.backendRefs ?? []) {
          expect({ path, namespace: b.namespace, name: b.name }).toEqual({ path, namespace: undefined, name: expect.stringMatching(/-ksvc-backend$/) });
        }
      }
    }
    expect(objects.some((o) => o.obj.kind === 'ReferenceGrant' || o.obj.metadata?.namespace === 'istio-system')).toBe(false);
  });

  test('every rule with a ReplacePrefixMatch has exactly one PathPrefix match (the CRD CEL rule)', () => {
    for (const { path, obj } of httpRoutes) {
      obj.spec.rules.forEach((rule: any, i: number) => {
        const prefixRewrite = (rule.filters ?? []).some((f: any) => f.urlRewrite?.path?.type === 'ReplacePrefixMatch');
        if (prefixRewrite) expect({ path, i, matches: rule.matches.map((m: any) => m.path.type) }).toEqual({ path, i, matches: ['PathPrefix'] });
      });
    }
  });

  test('one backend: rule-level hostname rewrite; a split: per-backend Host (Istio-specific); no forward: no backends', () => {
    const single = ruleJson({ matches: [{ type: 'PathPrefix', value: '/a/' }], pathRewrite: { type: 'ReplacePrefixMatch', value: '/' }, forward: { destinations: [{ service: 's', authority: authority('s'), weight: 100 }], timeoutMs: 1500 } }, backend);
    expect(single).toEqual({
      matches: [{ path: { type: 'PathPrefix', value: '/a/' } }],
      filters: [{ type: 'URLRewrite', urlRewrite: { hostname: authority('s'), path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
      backendRefs: [{ name: backend.name, port: 80 }],
      timeouts: { request: '1s500ms' },
    });
    const split = ruleJson({ matches: [{ type: 'Exact', value: '/a' }], forward: { destinations: [{ service: 'a', authority: authority('a'), weight: 90 }, { service: 'b', authority: authority('b'), weight: 10 }] } }, backend);
    expect(split.filters).toBeUndefined();
    expect(split.backendRefs).toEqual([
      { name: backend.name, port: 80, weight: 90, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'Host', value: authority('a') }] } }] },
      { name: backend.name, port: 80, weight: 10, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'Host', value: authority('b') }] } }] },
    ]);
    expect(ruleJson({ matches: [{ type: 'Exact', value: '/a' }], guardFor: '/a/' }, backend)).toEqual({ matches: [{ path: { type: 'Exact', value: '/a' } }] });
  });

  test.each([
    [0, '0s'], [1, '1ms'], [1500, '1s500ms'], [10_000, '10s'], [90_000, '1m30s'], [3_600_001, '1h1ms'], [99_999_000, '27h46m39s'],
  ])('gatewayDuration(%d) = %s (GEP-2257)', (ms, text) => {
    expect(gatewayDuration(ms)).toBe(text);
  });

  test('the imported binding keeps every field kfaas emits, and the check notices a field it would drop', () => {
    const route: HttpRouteObjectTable = {
      name: 'faas-prod-r', route: 'r', team: 't', origin: origin('routes/t/r.yaml', 4, 'metadata.name'),
      rules: [{ matches: [{ type: 'RegularExpression', value: '/r/[0-9]+' }], pathRewrite: { type: 'ReplaceFullPath', value: '/x' }, forward: { destinations: [{ service: 'r', authority: authority('r'), weight: 100 }], timeoutMs: 10, backendTimeoutMs: 5, retry: { attempts: 2, codes: [503] } } }],
    };
    const table: GatewayApiTable = {
      profile: gatewayApiProfileFor({ version: version('1.6.1'), channel: 'experimental', gateway: { namespace: 'g', name: 'gw' }, address: 'gw-istio.g.svc.cluster.local', origin: origin('clusters/c.yaml', 9, 'spec.gatewayApi') }, version('1.30.3')),
      parentRef: { namespace: 'g', name: 'gw', sectionName: 'http' }, backendService: backend, httpRoutes: [route],
    };
    const spec = { parentRefs: [{ namespace: 'g', name: 'gw' }], hostnames: ['h.example'], rules: [ruleJson(route.rules[0], table.backendService)] };
    expect(() => assertBindingKeepsRules(spec)).not.toThrow();
    expect(() => assertBindingKeepsRules({ ...spec, rules: [{ ...spec.rules[0], sessionPersistence: { type: 'Cookie' } }] })).toThrow(/rules\[0\]\.sessionPersistence: unexpected field|sessionPersistence/);
  });
});
