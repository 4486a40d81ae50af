import { join } from 'path';
import { load } from 'js-yaml';
import { runPipeline } from '../../src/pipeline';

/**
 * The seed case: Route `saas-showroom` in environment `alpha` of the seed cluster (Istio 1.5, Knative 0.15,
 * per-route layout) renders a VirtualService equivalent to the hand-written
 * `faas-alpha-ns-saas-showroom-ksvc-virtualservice` the platform ran before kfaas: same name and namespace,
 * host, gateways, match, authority rewrite and destination. kfaas adds only labels, the route name, and the
 * explicit timeout/retry policy.
 */
const SEED_VIRTUAL_SERVICE = {
  apiVersion: 'networking.istio.io/v1beta1',
  kind: 'VirtualService',
  metadata: { name: 'faas-alpha-ns-saas-showroom-ksvc-virtualservice', namespace: 'kfaas-system' },
  spec: {
    hosts: ['faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local'],
    gateways: ['knative-serving/cluster-local-gateway', 'knative-serving/knative-ingress-gateway'],
    http: [
      {
        match: [{ uri: { prefix: '/faas/api/saas/showroom/' } }],
        rewrite: { uri: '/', authority: 'saas-showroom.faas-alpha.svc.cluster.local' },
        route: [{ destination: { host: 'cluster-local-gateway.istio-system.svc.cluster.local', port: { number: 80 } } }],
      },
    ],
  },
};

const SEED_SERVICE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'faas-alpha-ksvc-gateway', namespace: 'kfaas-system' },
  spec: {
    type: 'ExternalName',
    externalName: 'cluster-local-gateway.istio-system.svc.cluster.local',
    // kfaas declares the port: before Istio 1.21 a sidecar caller gets no route for an ExternalName without ports.
    ports: [{ name: 'http', port: 80 }],
  },
};

function withoutKfaasAdditions(vs: any): any {
  const { labels, ...metadata } = vs.metadata;
  expect(labels['app.kubernetes.io/managed-by']).toBe('kfaas');
  return {
    ...vs,
    metadata,
    spec: { ...vs.spec, http: vs.spec.http.map(({ name, timeout, retries, ...rest }: any) => rest) },
  };
}

describe('seed case', () => {
  const root = join(__dirname, '..', 'fixtures', 'golden', '02-seed-istio-1.5-knative-0.15-per-route', 'input');
  const tree = runPipeline({ root, write: false }).tree!;

  test('saas-showroom in alpha equals the seed VirtualService, plus explicit timeout and retries', () => {
    const vs = load(tree.get('cn-hz-test/alpha/virtualservice-faas-alpha-ns-saas-showroom-ksvc-virtualservice.yaml')!) as any;
    expect(withoutKfaasAdditions(vs)).toEqual(SEED_VIRTUAL_SERVICE);
    expect(vs.spec.http[0].timeout).toBe('10s');
    expect(vs.spec.http[0].retries).toEqual({ attempts: 0 });
  });

  test('the gateway host is an ExternalName Service in kfaas-system pointing at the local gateway', () => {
    const svc = load(tree.get('cn-hz-test/alpha/service-faas-alpha-ksvc-gateway.yaml')!) as any;
    const { labels, ...metadata } = svc.metadata;
    expect({ ...svc, metadata }).toEqual(SEED_SERVICE);
  });
});
