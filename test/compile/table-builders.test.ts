import { makeDestinations, makeRetries } from '../../src/compile/table-builders';
import { ForwardAction } from '../../src/compile/route-table';
import { RetryPolicy } from '../../src/model/project';
import { profileFor } from '../../src/versions/profile';
import { makeCluster, makeRoute, origin, ProjectBuilder } from '../support/project-builder';
import { codes, compile, lines } from './helpers';

const forward = (a: unknown) => a as ForwardAction;

const profile = (istio: string) => profileFor(makeCluster('c', { istio, knative: '0.26.0' }));
const policy = (retries: Omit<RetryPolicy, 'origin'>): RetryPolicy => ({ ...retries, origin: origin('f', 1, 'spec.retries') });

describe('retries are explicit wherever Istio can say so', () => {
  test.each([
    ['absent → attempts 0', undefined, { attempts: 0 }],
    ['given → copied, retryOn sorted and distinct', { attempts: 2, perTryTimeoutMs: 500, retryOn: ['reset', '503', 'reset'] },
      { attempts: 2, perTryTimeoutMs: 500, retryOn: ['503', 'reset'] }],
    ['attempts only', { attempts: 3 }, { attempts: 3 }],
  ])('Istio 1.12: %s', (_, retries, expected) => {
    expect(makeRetries(retries && policy(retries), profile('1.12.0'))).toEqual(expected);
  });

  test('in the compiled table', () => {
    const result = compile(new ProjectBuilder().cluster('c1').route('r').build());
    expect(forward(result.tables[0].virtualServices[0].http[0].action).retries).toEqual({ attempts: 0 });
  });

  test.each([
    // istio/istio #34825: Istio adds retriable-status-codes itself only from 1.12
    ['1.11.8', ['503', 'gateway-error'], ['503', 'gateway-error', 'retriable-status-codes']],
    ['1.4.3', ['502', '503'], ['502', '503', 'retriable-status-codes']],
    ['1.11.8', ['503', 'retriable-status-codes'], ['503', 'retriable-status-codes']],
    ['1.11.8', ['5xx'], ['5xx']],
    ['1.12.0', ['503', 'gateway-error'], ['503', 'gateway-error']],
  ])('Istio %s: retryOn %j is emitted as %j (a bare status code retries nothing before 1.12)', (istio, retryOn, expected) => {
    expect(makeRetries(policy({ attempts: 2, retryOn }), profile(istio))?.retryOn).toEqual(expected);
  });

  test.each([['1.1.0'], ['1.2.0']])('Istio %s rejects attempts: 0, so a route without retries gets no retries field', (istio) => {
    expect(makeRetries(undefined, profile(istio))).toBeUndefined();
  });

  test.each([['1.2.1'], ['1.3.0']])('Istio %s accepts attempts: 0', (istio) => {
    expect(makeRetries(undefined, profile(istio))).toEqual({ attempts: 0 });
  });
});

describe('destinations', () => {
  test.each([
    ['one service: weight 100', {}, [['r', 100]]],
    ['split, sorted by service', { traffic: [{ service: 'v2', weight: 10 }, { service: 'v1', weight: 90 }] }, [['v1', 90], ['v2', 10]]],
    ['same service twice merges', { traffic: [{ service: 'v1', weight: 30 }, { service: 'v1', weight: 70 }] }, [['v1', 100]]],
  ])('%s', (_, spec, expected) => {
    const route = makeRoute('r', spec);
    expect(makeDestinations(route.base, 'faas-alpha', 'cluster.local').map((d) => [d.service, d.weight])).toEqual(expected);
  });

  test('the authority is always <service>.<namespace>.svc.<clusterDomain>', () => {
    const result = compile(new ProjectBuilder()
      .cluster('c1', { clusterDomain: 'corp.example', environments: [{ name: 'alpha', namespace: 'team-alpha' }] })
      .route('r', { traffic: [{ service: 'v1', weight: 50 }, { service: 'v2', weight: 50 }] })
      .build());
    expect(forward(result.tables[0].virtualServices[0].http[0].action).destinations).toEqual([
      { service: 'v1', authority: 'v1.team-alpha.svc.corp.example', weight: 50 },
      { service: 'v2', authority: 'v2.team-alpha.svc.corp.example', weight: 50 },
    ]);
  });
});

describe('weighted split between services', () => {
  const project = (istio: string) => new ProjectBuilder()
    .cluster('c1', { istio, environments: ['alpha', 'prod'] })
    .route('r', { traffic: [{ service: 'v1', weight: 90 }, { service: 'v2', weight: 10 }] })
    .build();

  test('Istio 1.10: refused once, at spec.traffic, with the way out', () => {
    expect(lines(compile(project('1.10.3')))).toEqual([
      'routes/shop/r.yaml:20:9 spec.traffic: route "r" splits traffic between services v1, v2, but on cluster c1 it runs Istio 1.10.3, ' +
        'and Istio < 1.12 cannot rewrite the authority per destination; split between Knative revisions behind one service ' +
        '(Knative traffic), or upgrade to 1.12+ (in environments alpha, prod)',
    ]);
  });

  test('Istio 1.12 with gateway proxies still on 1.11: refused, naming spec.gatewayProxy (istio/istio #37575)', () => {
    const p = new ProjectBuilder().cluster('c1', { istio: '1.12.9', gatewayProxy: '1.11.4' })
      .route('r', { traffic: [{ service: 'v1', weight: 90 }, { service: 'v2', weight: 10 }] }).build();
    expect(lines(compile(p))).toEqual([
      'routes/shop/r.yaml:20:9 spec.traffic: route "r" splits traffic between services v1, v2, but on cluster c1 its oldest ' +
        'gateway proxy runs 1.11.4 (spec.gatewayProxy), and gateway proxies before 1.12 ignore the per-destination authority ' +
        '(istio/istio #37575); split between Knative revisions behind one service (Knative traffic), or upgrade to 1.12+ (in environment alpha)',
    ]);
  });

  test('a split between tagged revisions is named as tags of their service, not as services', () => {
    const p = new ProjectBuilder().cluster('c1', { istio: '1.10.3', knative: '0.26.0' })
      .route('r', { traffic: [{ service: 'pay', tag: 'green', weight: 10 }, { service: 'pay', tag: 'blue', weight: 90 }] }).build();
    expect(lines(compile(p))).toEqual([
      'routes/shop/r.yaml:20:9 spec.traffic: route "r" splits traffic between destinations tag blue of service pay, ' +
        'tag green of service pay, but on cluster c1 it runs Istio 1.10.3, and Istio < 1.12 cannot rewrite the authority ' +
        'per destination; split between Knative revisions behind one service (Knative traffic), or upgrade to 1.12+ (in environment alpha)',
    ]);
  });

  test('Istio 1.13 with gateway proxies on 1.12: accepted', () => {
    const p = new ProjectBuilder().cluster('c1', { istio: '1.13.0', gatewayProxy: '1.12.0' })
      .route('r', { traffic: [{ service: 'v1', weight: 90 }, { service: 'v2', weight: 10 }] }).build();
    expect(codes(compile(p))).toEqual([]);
  });

  test('Istio 1.12: accepted', () => {
    expect(codes(compile(project('1.12.0')))).toEqual([]);
  });

  test('Istio 1.10 with every target on one service: accepted', () => {
    const p = new ProjectBuilder().cluster('c1', { istio: '1.10.3' })
      .route('r', { traffic: [{ service: 'v1', weight: 50 }, { service: 'v1', weight: 50 }] }).build();
    expect(codes(compile(p))).toEqual([]);
  });
});

describe('environment table', () => {
  test.each([
    ['Knative 1.x', '1.14.1', 'knative-serving/knative-local-gateway', 'knative-local-gateway.istio-system.svc.cluster.local'],
    ['Knative 0.15', '0.15.2', 'knative-serving/cluster-local-gateway', 'cluster-local-gateway.istio-system.svc.cluster.local'],
  ])('%s: gateway Service, host and only the local gateway (private by default)', (_, knative, localGateway, externalName) => {
    const t = compile(new ProjectBuilder().cluster('c1', { knative }).route('r').build()).tables[0];
    expect(t.gatewayService).toEqual({
      name: 'faas-alpha-ksvc-gateway', namespace: 'kfaas-system', externalName, ports: [{ name: 'http', port: 80 }],
    });
    expect(t.host).toBe('faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local');
    expect(t.gateways).toEqual([localGateway]);
  });

  test('publicIngress: true also binds the public ingress gateway, sorted', () => {
    // GIVEN a cluster whose ingress is intranet-only and opts in
    const p = new ProjectBuilder().cluster('c1', { knative: '0.15.2', publicIngress: true }).route('r').build();
    // WHEN compiled
    const t = compile(p).tables[0];
    // THEN both Knative gateways are bound
    expect(t.gateways).toEqual(['knative-serving/cluster-local-gateway', 'knative-serving/knative-ingress-gateway']);
  });

  test('no undefined fields anywhere (canonical output)', () => {
    const t = compile(new ProjectBuilder().cluster('c1').route('r').build()).tables[0];
    const walk = (v: unknown): void => {
      if (v && typeof v === 'object') for (const x of Object.values(v)) { expect(x).not.toBeUndefined(); walk(x); }
    };
    walk(t);
  });
});
