import { gatewayApiViolations, istioRules, regexViolations } from '../support/istio-rules';

/** The rule tables catch what they claim to (a rule table that flags nothing would let every golden pass). */
describe('rule tables', () => {
  test('regex rules: program size by release and proxy, ECMAScript before 1.4', () => {
    const huge = '/faas/api/shop/x/.{200}'; // measured 1621
    expect(regexViolations('r', huge, istioRules('1.12.9'))).toEqual([expect.stringContaining('1621 > 1024')]);
    expect(regexViolations('r', huge, istioRules('1.13.0'))).toEqual([]);
    expect(regexViolations('r', huge, istioRules('1.13.9', '1.12.0'))).toEqual([expect.stringContaining('> 1024')]);
    expect(regexViolations('r', '/faas/api/shop/x/[a-f0-9]{40}', istioRules('1.4.2'))).toEqual([expect.stringContaining('101 > 100')]);
    expect(regexViolations('r', '/faas/api/shop/x/[a-f0-9]{40}', istioRules('1.13.9', '1.7.8'))).toEqual([expect.stringContaining('> 100')]);
    expect(regexViolations('r', '(?i)/faas/api/shop/x/.*', istioRules('1.3.8'))).toEqual([expect.stringContaining('not ECMAScript')]);
    expect(regexViolations('r', '(?i)/faas/api/shop/x/.*', istioRules('1.5.4', '1.3.8'))).toEqual([expect.stringContaining('not ECMAScript')]);
    expect(regexViolations('r', '/faas/api/shop/x/v[0-9]+/.*', istioRules('1.3.8'))).toEqual([]);
    expect(regexViolations('r', 'never-measured{2}', istioRules('1.22.0'))).toEqual([expect.stringContaining('no measured program size')]);
  });

  test('Gateway API rules: timeouts and retry by channel and Istio, attempts 0 before gw 1.6, whole-segment prefixes', () => {
    const route = (rule: object) => ({ kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'kfaas-system' }, spec: { rules: [rule] } });
    expect(gatewayApiViolations(route({ retry: { attempts: 2 } }), '1.24.3', '1.5.1', 'experimental')).toEqual([expect.stringContaining('retry not available')]);
    expect(gatewayApiViolations(route({ retry: { attempts: 2 } }), '1.25.0', '1.6.1', 'standard')).toEqual([expect.stringContaining('retry not available')]);
    expect(gatewayApiViolations(route({ retry: { attempts: 2 } }), '1.25.0', '1.2.0', 'experimental')).toEqual([]);
    expect(gatewayApiViolations(route({ retry: { attempts: 0 } }), '1.30.3', '1.6.1', 'experimental')).toEqual([expect.stringContaining('attempts 0')]);
    expect(gatewayApiViolations(route({ timeouts: { request: '1s' } }), '1.30.3', '1.1.0', 'standard')).toEqual([expect.stringContaining('timeouts')]);
    expect(gatewayApiViolations(route({ timeouts: { request: '1s' } }), '1.30.3', '1.2.0', 'standard')).toEqual([]);
    expect(gatewayApiViolations(route({ matches: [{ path: { type: 'PathPrefix', value: '/a' } }] }), '1.30.3', '1.2.0', 'standard'))
      .toEqual([expect.stringContaining('without a trailing /')]);
  });
});
