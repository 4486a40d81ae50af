import { loadAll } from 'js-yaml';
import { compileProject } from '../../src/compile/compile-project';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { sizeOfHttpRoute } from '../../src/emit/istio/http-route';
import { renderTables } from '../../src/emit/render';
import { Project } from '../../src/model/project';
import { parseVersion } from '../../src/model/version';
import { checkSupported, ISTIO_SUPPORT } from '../../src/versions/support';
import { crdsAvailable, validateAgainstCrd } from '../support/crd-schema';
import { gatewayApiViolations, istioRules, regexViolations, ruleViolations } from '../support/istio-rules';
import { ProjectBuilder, RouteSpec } from '../support/project-builder';
import { validateManifest } from '../support/validate-objects';

/**
 * No version kfaas accepts gets an object its webhook would reject or that routes differently from what the route
 * says: every route variant below, on every listed Istio release, is either refused with a diagnostic naming the
 * cluster, or rendered into objects that pass the independent rule table (test/support/istio-rules.ts) and the
 * upstream schemas. Variants that every release can express must render (refusing everything would pass too
 * easily).
 */
const VERSIONS: readonly (readonly [istio: string, knative: string, proxy: string | undefined])[] = [
  ['1.1.0', '0.8.1', undefined], ['1.2.0', '0.8.1', undefined], ['1.2.1', '0.9.0', undefined], ['1.3.8', '0.11.2', undefined], ['1.4.2', '0.11.2', undefined], ['1.4.3', '0.8.0', undefined],
  ['1.5.4', '0.15.0', undefined], ['1.8.6', '0.19.0', undefined], ['1.9.9', '0.22.0', undefined], ['1.11.8', '0.26.0', undefined], ['1.12.0', '0.26.0', undefined],
  ['1.12.9', '0.26.0', '1.11.4'], ['1.13.9', '1.2.0', '1.12.0'], ['1.21.6', '1.14.1', undefined], ['1.22.6', '1.15.2', undefined], ['1.23.0', '1.15.2', undefined],
  ['1.24.3', '1.16.0', undefined], ['1.30.3', '1.23.0', undefined],
  // Gateway proxies lagging behind: ECMAScript regexes on a 1.5 control plane, Envoy's default regex limit on 1.13.
  ['1.5.4', '0.15.0', '1.3.8'], ['1.13.9', '1.2.0', '1.7.8'],
];

const PREFIX = { match: ['/faas/api/shop/x/'] };
/** Variants every supported release can express. */
const ALWAYS: Readonly<Record<string, RouteSpec>> = {
  plain: PREFIX,
  'retries with a status code': { ...PREFIX, retries: { attempts: 2, perTryTimeoutMs: 500, retryOn: ['503', 'connect-failure'] } },
  'rewrite and timeout': { ...PREFIX, rewriteUri: '/', timeoutMs: 1500 },
  'exact and regex': { match: [{ exact: '/faas/api/shop/x' }, { regex: '/faas/api/shop/x/v[0-9]+/.*' }] },
};
/** Variants some releases refuse. */
const SOMETIMES: Readonly<Record<string, RouteSpec>> = {
  'retry on reset': { ...PREFIX, retries: { attempts: 1, retryOn: ['reset'] } },
  'retry on retriable-headers': { ...PREFIX, retries: { attempts: 1, retryOn: ['retriable-headers', 'envoy-ratelimited'] } },
  'retry on reset-before-request': { ...PREFIX, retries: { attempts: 1, retryOn: ['reset-before-request', 'http3-post-connect-failure'] } },
  'explicit attempts 0': { ...PREFIX, retries: { attempts: 0 } },
  'split between services': { ...PREFIX, traffic: [{ service: 'a', weight: 90 }, { service: 'b', weight: 10 }] },
  // RE2 program sizes 621 and 1621 (measured, test/fixtures/regex): over 100, over 1024.
  'regex of program size 621': { match: [{ regex: '/faas/api/shop/x/[a-f0-9]{300}' }] },
  'regex of program size 1621': { match: [{ regex: '/faas/api/shop/x/.{200}' }] },
  'regex with an RE2-only flag group': { match: [{ regex: '(?i)/faas/api/shop/x/.*' }] },
};

function render(project: Project, budget?: number) {
  const compiled = compileProject(project, {
    sizeOf: (http, table) => sizeOfHttpRoute(http, table.profile),
    ...(budget ? { maxObjectBytes: budget, maxObjectsPerFolder: 200 } : {}),
  });
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { errors, objects: [] as any[] };
  const tree = renderTables(compiled.tables);
  const objects = [...tree].filter(([f]) => !f.endsWith('kustomization.yaml')).flatMap(([, text]) => loadAll(text) as any[]);
  return { errors, objects };
}

function checkObjects(objects: readonly any[], istio: string, proxy: string | undefined, publicIngress: boolean): void {
  const rules = istioRules(istio, proxy);
  for (const o of objects) {
    expect({ name: o.metadata.name, violations: ruleViolations(o, rules, publicIngress) }).toEqual({ name: o.metadata.name, violations: [] });
    expect(validateManifest(o)).toEqual([]);
    if (crdsAvailable() && o.kind === 'VirtualService') expect(validateAgainstCrd(o)).toEqual([]);
  }
}

describe.each(VERSIONS)('Istio %s, Knative %s, gateway proxy %s', (istio, knative, proxy) => {
  const cluster = { istio, knative, ...(proxy ? { gatewayProxy: proxy } : {}) };

  test.each(Object.keys(ALWAYS))('%s: rendered, and every object passes the rule table and the schemas', (variant) => {
    const project = new ProjectBuilder().cluster('c1', cluster).route('r', ALWAYS[variant]).build();
    const { errors, objects } = render(project);
    expect(errors.map(formatDiagnostic)).toEqual([]);
    expect(objects.length).toBeGreaterThanOrEqual(2);
    checkObjects(objects, istio, proxy, false);
  });

  test.each(Object.keys(SOMETIMES))('%s: refused naming the cluster, or rendered by the rules', (variant) => {
    const project = new ProjectBuilder().cluster('c1', cluster).route('r', SOMETIMES[variant]).build();
    const { errors, objects } = render(project);
    for (const e of errors) expect(e.message).toContain('cluster c1');
    checkObjects(objects, istio, proxy, false);
  });

  test.each(Object.keys(SOMETIMES).filter((v) => v.includes('regex')))('%s: refused exactly where the rule table says Envoy would refuse or misread it', (variant) => {
    // GIVEN a regex route WHEN rendered for this cluster THEN kfaas refuses it iff the independent rules flag it
    const regex = (SOMETIMES[variant].match as { regex: string }[])[0].regex;
    const project = new ProjectBuilder().cluster('c1', cluster).route('r', SOMETIMES[variant]).build();
    const { errors } = render(project);
    const flagged = regexViolations('r', regex, istioRules(istio, proxy));
    expect({ refused: errors.length > 0, flagged }).toEqual({ refused: flagged.length > 0, flagged });
    for (const e of errors) expect(e.code).toMatch(/^regex-(program-size|dialect)$/);
  });

  test('a delegated group and the public ingress opt-in', () => {
    const b = new ProjectBuilder().cluster('c1', { ...cluster, publicIngress: true }).route('big', { match: ['/big/'] });
    for (let i = 0; i < 60; i++) b.route(`r${i}`, { match: [`/big/${i}/`], retries: { attempts: 1, retryOn: ['503'] } });
    const { errors, objects } = render(b.build(), 1024 + 4000);
    if (errors.length > 0) expect(errors.map((e) => e.message).join('\n')).toContain('no VirtualService delegation (1.8+)');
    else expect(objects.some((o) => o.spec?.http?.some((h: any) => h.delegate))).toBe(true);
    checkObjects(objects, istio, proxy, true);
  });
});

/** Gateway API clusters: Istio releases that translate HTTPRoutes (1.20+) with the Gateway API CRDs they may have. */
const GATEWAY_API: readonly (readonly [istio: string, version: string, channel: 'standard' | 'experimental'])[] = [
  ['1.20.8', '1.0.0', 'standard'], ['1.20.8', '1.1.0', 'experimental'], ['1.24.3', '1.2.0', 'standard'],
  ['1.25.2', '1.2.1', 'experimental'], ['1.30.3', '1.5.1', 'experimental'], ['1.30.3', '1.6.1', 'experimental'], ['1.30.3', '1.6.1', 'standard'],
];
const GATEWAY_VARIANTS: Readonly<Record<string, RouteSpec>> = {
  plain: PREFIX,
  'no retries': { ...PREFIX, retries: { attempts: 0 } },
  'retries with a status code': { ...PREFIX, retries: { attempts: 2, retryOn: ['503', 'connect-failure', 'refused-stream', 'unavailable', 'cancelled'] } },
  'rewrite and timeout': { ...PREFIX, rewriteUri: '/', timeoutMs: 1500 },
  'exact and regex': { match: [{ exact: '/faas/api/shop/x' }, { regex: '/faas/api/shop/x/v[0-9]+/.*' }] },
  'regex of program size 1621': { match: [{ regex: '/faas/api/shop/x/.{200}' }] },
  'split between services': { ...PREFIX, traffic: [{ service: 'a', weight: 90 }, { service: 'b', weight: 10 }] },
};

describe.each(GATEWAY_API)('Gateway API output on Istio %s, Gateway API %s (%s)', (istio, version, channel) => {
  test.each(Object.keys(GATEWAY_VARIANTS))('%s: refused naming the cluster, or rendered by the rules and the schemas', (variant) => {
    const project = new ProjectBuilder().cluster('c1', { istio, knative: '1.15.2', gatewayApi: { version, channel } })
      .route('r', GATEWAY_VARIANTS[variant]).build();
    const { errors, objects } = render(project);
    for (const e of errors) expect(e.message).toContain('cluster c1');
    if (variant === 'plain' || variant === 'exact and regex') expect(errors.map(formatDiagnostic)).toEqual([]);
    const rules = istioRules(istio);
    for (const o of objects) {
      expect({ name: o.metadata.name, violations: [...ruleViolations(o, rules), ...gatewayApiViolations(o, istio, version, channel)] })
        .toEqual({ name: o.metadata.name, violations: [] });
      expect(validateManifest(o)).toEqual([]);
      if (crdsAvailable() && o.kind === 'HTTPRoute') expect(validateAgainstCrd(o)).toEqual([]);
    }
    if (errors.length === 0) expect(objects.filter((o) => o.kind === 'HTTPRoute').length).toBeGreaterThanOrEqual(1);
  });
});

describe('the Istio floor', () => {
  test.each([['1.0.6'], ['0.9.0']])('Istio %s is refused with the supported range', (istio) => {
    const verdict = checkSupported(ISTIO_SUPPORT, parseVersion(istio)!, false);
    expect(verdict).toEqual({ ok: false, error: expect.stringContaining('Istio 1.1.0 to 1.30.x') });
  });
});
