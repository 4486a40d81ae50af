import { ProjectBuilder } from '../support/project-builder';
import { compile } from './helpers';

/**
 * Regexes the cluster's gateways would refuse (RE2 program over the limit) or read differently (ECMAScript before
 * Istio 1.4): an error on the route's regex, naming the cluster, and the route is left out of that cluster's table.
 */
describe('regex checks by cluster version', () => {
  const HUGE = '/faas/api/shop/x/.{200}'; // RE2 program size 1621; [a-f0-9]{40} below: 101 (measured, test/fixtures/regex)
  const build = (istio: string, regex: string, gatewayProxy?: string) =>
    new ProjectBuilder().cluster('c1', { istio, knative: '0.15.0', ...(gatewayProxy ? { gatewayProxy } : {}) })
      .cluster('c2', { istio: '1.22.6', knative: '1.15.2' })
      .route('r', { match: [{ regex }] }).build();

  test('over the 1024 limit of Istio 1.9: refused on that cluster only, naming it, the limit and where it comes from', () => {
    const result = compile(build('1.9.9', HUGE));
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((e) => e.code)).toEqual(['regex-program-size']);
    expect(errors[0].message).toContain('cluster c1');
    expect(errors[0].message).toContain('limit of 1024');
    expect(errors[0].message).toContain('max_program_size');
    expect(errors[0].path).toBe('spec.match[0].regex');
    // c2 (Istio 1.22, limit 32768) renders it
    const c2 = result.tables.find((t) => t.cluster === 'c2')!;
    expect(c2.virtualServices.flatMap((vs) => vs.http.map((h) => h.route))).toContain('r');
  });

  test('Istio 1.4.0-1.4.2 set no limit, so Envoy\'s default of 100 applies', () => {
    const result = compile(build('1.4.2', '/faas/api/shop/x/[a-f0-9]{40}'));
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      expect.stringContaining('over the limit of 100 on cluster c1 (Istio 1.4.2: Envoy\'s default'),
    ]);
    expect(compile(build('1.4.3', '/faas/api/shop/x/[a-f0-9]{40}')).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  test('a 1.13 control plane with 1.7 gateway proxies: Envoy\'s default of 100 (no limit in those proxies\' bootstrap)', () => {
    const result = compile(build('1.13.9', '/faas/api/shop/x/[a-f0-9]{40}', '1.7.8'));
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      expect.stringContaining('limit of 100 on cluster c1 (Istio 1.13.9 with gateway proxies 1.7.8'),
    ]);
  });

  test('ECMAScript before Istio 1.4 and for gateway proxies older than 1.4: RE2-only syntax is refused', () => {
    for (const [istio, proxy] of [['1.3.8', undefined], ['1.5.4', '1.3.8']] as const) {
      const result = compile(build(istio, '(?i)/faas/api/shop/x/.*', proxy));
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((e) => e.code)).toEqual(['regex-dialect']);
      expect(errors[0].message).toContain('cluster c1');
      expect(errors[0].message).toContain('"(?i)" at character 1: a flag group');
    }
    // the same regex is fine where gateways run RE2, and a portable one is fine everywhere
    expect(compile(build('1.5.4', '(?i)/faas/api/shop/x/.*')).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(compile(build('1.3.8', '/faas/api/shop/x/v[0-9]+/.*')).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  test('header and query regexes are checked too', () => {
    const project = new ProjectBuilder().cluster('c1', { istio: '1.3.8', knative: '0.11.2' })
      .route('r', { match: [{ prefix: '/faas/api/shop/x/', conditions: { headers: { 'x-v': { kind: 'regex', value: '\\pL+' } } } }] }).build();
    const errors = compile(project).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((e) => e.code)).toEqual(['regex-dialect']);
  });
});
