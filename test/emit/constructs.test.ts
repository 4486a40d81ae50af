import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as istio from '../../imports/istio-networking.istio.io';
import { EnvironmentChart } from '../../src/emit/environment-chart';
import { assertSchemaKeepsHttpFields, firstDifference, GatewayRoutesVirtualService } from '../../src/emit/gateway-routes-virtual-service';
import { httpRouteJson } from '../../src/emit/istio/http-route';
import { KsvcGatewayService } from '../../src/emit/ksvc-gateway-service';
import { profileFor, VirtualServiceApiVersion } from '../../src/versions/profile';
import { makeCluster } from '../support/project-builder';
import { validateManifest } from '../support/validate-objects';
import { delegate, dest, environmentTable, forward, match, PROFILE_1_4, PROFILE_V1 } from './tables';

// cdk8s's Testing.app() makes a temp folder per call and never removes it: one folder for the whole file instead.
const OUT_DIR = mkdtempSync(join(tmpdir(), 'kfaas-constructs-'));
afterAll(() => rmSync(OUT_DIR, { recursive: true, force: true }));
const testApp = (): App => new App({ outdir: OUT_DIR });
const testChart = (): Chart => new Chart(testApp(), 'test');

describe('KsvcGatewayService', () => {
  test('is an ExternalName Service and nothing else: no ports, selector, clusterIP or defaults', () => {
    // GIVEN
    const chart = testChart();
    // WHEN
    new KsvcGatewayService(chart, 'Gw', {
      name: 'faas-alpha-ksvc-gateway',
      externalName: 'knative-local-gateway.istio-system.svc.cluster.local',
    });
    // THEN
    const [svc] = Testing.synth(chart);
    expect(svc).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'faas-alpha-ksvc-gateway', namespace: 'kfaas-system' },
      spec: { type: 'ExternalName', externalName: 'knative-local-gateway.istio-system.svc.cluster.local' },
    });
    expect(validateManifest(svc)).toEqual([]);
  });

  test('declares the given ports (a sidecar caller before Istio 1.21 needs them for an ExternalName Service)', () => {
    // GIVEN
    const chart = testChart();
    // WHEN
    new KsvcGatewayService(chart, 'Gw', {
      name: 'faas-alpha-ksvc-gateway',
      externalName: 'cluster-local-gateway.istio-system.svc.cluster.local',
      ports: [{ name: 'http', port: 80 }],
    });
    // THEN
    const [svc] = Testing.synth(chart);
    expect(svc.spec).toEqual({
      type: 'ExternalName',
      externalName: 'cluster-local-gateway.istio-system.svc.cluster.local',
      ports: [{ name: 'http', port: 80 }],
    });
    expect(validateManifest(svc)).toEqual([]);
  });

  test('an environment chart declares port 80 named http on its gateway Service, on every profile', () => {
    for (const profile of [PROFILE_1_4, PROFILE_V1]) {
      const [svc] = Testing.synth(new EnvironmentChart(testApp(), 'E', { table: environmentTable('c', 'prod', [], profile) }));
      expect(svc.kind).toBe('Service');
      expect(svc.spec.ports).toEqual([{ name: 'http', port: 80 }]);
    }
  });

  test('refuses an empty externalName, quoting the name', () => {
    expect(() => new KsvcGatewayService(testChart(), 'Gw', { name: 'x-ksvc-gateway', externalName: '' })).toThrow(/x-ksvc-gateway/);
  });
});

describe('GatewayRoutesVirtualService', () => {
  test.each<[string, string, string, VirtualServiceApiVersion]>([
    ['Istio 1.4', '1.4.6', '0.15.0', 'networking.istio.io/v1alpha3'],
    ['Istio 1.5', '1.5.0', '0.15.0', 'networking.istio.io/v1beta1'],
    ['Istio 1.21', '1.21.6', '1.14.1', 'networking.istio.io/v1beta1'],
    ['Istio 1.22', '1.22.0', '1.14.1', 'networking.istio.io/v1'],
  ])('%s (istio %s, knative %s) renders %s with the matching typed class', (_t, istioVersion, knative, apiVersion) => {
    // GIVEN
    const chart = testChart();
    const profile = profileFor(makeCluster('c', { istio: istioVersion, knative }));
    // WHEN
    const vs = new GatewayRoutesVirtualService(chart, 'Vs', {
      table: { name: 'faas-alpha-ksvc-gateway', role: 'root', http: [forward('cart')] },
      profile,
      host: 'faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local',
      gateways: ['knative-serving/knative-ingress-gateway', profile.localGateway],
    });
    // THEN
    const [obj] = Testing.synth(chart);
    expect(obj.apiVersion).toBe(apiVersion);
    expect(vs.apiObject).toBeInstanceOf(
      { 'networking.istio.io/v1alpha3': istio.VirtualServiceV1Alpha3, 'networking.istio.io/v1beta1': istio.VirtualServiceV1Beta1, 'networking.istio.io/v1': istio.VirtualService }[apiVersion],
    );
    expect(validateManifest(obj)).toEqual([]);
  });

  test('a root VirtualService binds the host on the gateways; http is httpRouteJson, in order', () => {
    // GIVEN
    const chart = testChart();
    const http = [forward('cart', { rewriteUri: '/', timeoutMs: 1500 }), forward('all', { matches: [match('prefix', '/faas/api/shop/')] })];
    // WHEN
    new GatewayRoutesVirtualService(chart, 'Vs', {
      table: { name: 'faas-alpha-ksvc-gateway', role: 'root', http },
      profile: PROFILE_V1,
      host: 'faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local',
      gateways: ['knative-serving/knative-ingress-gateway', 'knative-serving/knative-local-gateway'],
    });
    // THEN
    const [obj] = Testing.synth(chart);
    expect(obj).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'faas-alpha-ksvc-gateway', namespace: 'kfaas-system' },
      spec: {
        gateways: ['knative-serving/knative-ingress-gateway', 'knative-serving/knative-local-gateway'],
        hosts: ['faas-alpha-ksvc-gateway.kfaas-system.svc.cluster.local'],
        http: http.map((h) => httpRouteJson(h, PROFILE_V1)),
      },
    });
    // Route keys keep the canonical order (the generated toJson would sort them).
    expect(Object.keys(obj.spec.http[0])).toEqual(['name', 'match', 'rewrite', 'route', 'timeout', 'retries']);
  });

  test('a delegate VirtualService has neither hosts nor gateways', () => {
    // GIVEN
    const chart = testChart();
    // WHEN
    new GatewayRoutesVirtualService(chart, 'Vs', {
      table: { name: 'faas-alpha-shop', role: 'delegate', http: [forward('cart')] },
      profile: PROFILE_V1,
      host: 'ignored',
      gateways: ['ignored/ignored'],
    });
    // THEN
    const [obj] = Testing.synth(chart);
    expect(Object.keys(obj.spec)).toEqual(['http']);
    expect(validateManifest(obj)).toEqual([]);
  });

  test('a root VirtualService without host or gateways is a bug, reported with the name', () => {
    const table = { name: 'faas-alpha-ksvc-gateway', role: 'root' as const, http: [forward('cart')] };
    expect(() => new GatewayRoutesVirtualService(testChart(), 'A', { table, profile: PROFILE_V1, gateways: ['a/b'] })).toThrow(
      /faas-alpha-ksvc-gateway.*host/,
    );
    expect(() => new GatewayRoutesVirtualService(testChart(), 'B', { table, profile: PROFILE_V1, host: 'h', gateways: [] })).toThrow(
      /gateways/,
    );
  });

  describe('the typed binding keeps every field kfaas emits (its generated toJson drops unknown ones)', () => {
    const converters: [VirtualServiceApiVersion, (x: any) => unknown][] = [
      ['networking.istio.io/v1', istio.toJson_VirtualServiceSpecHttp],
      ['networking.istio.io/v1beta1', istio.toJson_VirtualServiceV1Beta1SpecHttp],
      ['networking.istio.io/v1alpha3', istio.toJson_VirtualServiceV1Alpha3SpecHttp],
    ];
    const entries = [
      forward('cart'),
      forward('cart', {
        matches: [match('exact', '/a'), match('prefix', '/a/'), match('regex', '/a/[0-9]+')],
        rewriteUri: '/',
        timeoutMs: 1,
        retries: { attempts: 3, perTryTimeoutMs: 2500, retryOn: ['5xx', '503'] },
      }),
      forward('split', { destinations: [dest('a', 30), dest('b', 70)] }),
      delegate('shop', 'faas-alpha-shop', [match('prefix', '/faas/api/shop/')]),
    ];
    test.each(converters)('%s', (_v, toJson) => {
      for (const http of entries) {
        const json = httpRouteJson(http, PROFILE_V1);
        expect(firstDifference(json, toJson(json), 'http')).toBeUndefined();
      }
    });

    // What the typed class keeps is a fact of the build: checked here for every profile kfaas supports, instead of at
    // the start of every render (assertSchemaKeepsHttpFields: every field httpRouteJson emits, redirects, direct
    // responses, policies and splits included).
    test('for the VirtualService API version and local gateway of every supported Istio minor', () => {
      const seen = new Set<string>();
      for (let minor = 1; minor <= 30; minor++) {
        const profile = profileFor(makeCluster('c', { istio: `1.${minor}.0`, knative: minor < 5 ? '0.15.0' : '1.14.1' }));
        seen.add(`${profile.virtualServiceApiVersion} ${profile.perDestinationAuthority}`);
        expect(() => assertSchemaKeepsHttpFields(profile.virtualServiceApiVersion, profile)).not.toThrow();
      }
      expect([...seen].sort()).toEqual([
        'networking.istio.io/v1 true', 'networking.istio.io/v1alpha3 false', 'networking.istio.io/v1beta1 false', 'networking.istio.io/v1beta1 true',
      ]);
    });

    test('a field the binding does not know is reported', () => {
      const json = { ...httpRouteJson(forward('cart'), PROFILE_V1), bogus: 1 };
      expect(firstDifference(json, istio.toJson_VirtualServiceSpecHttp(json as any), 'http')).toBe('http.bogus: expected 1, got undefined');
    });
  });
});

describe('EnvironmentChart', () => {
  test('one chart per (cluster, env): kfaas-system, labels on every object, names from the table, no hashes', () => {
    // GIVEN
    const app = testApp();
    const table = environmentTable('cn-hz-test', 'alpha', [
      { name: 'faas-alpha-ksvc-gateway', role: 'root', http: [delegate('shop', 'faas-alpha-shop', [match('prefix', '/faas/api/shop/')])] },
      { name: 'faas-alpha-shop', role: 'delegate', http: [forward('cart')] },
    ]);
    // WHEN
    const chart = new EnvironmentChart(app, 'cn-hz-test_alpha', { table });
    // THEN
    const objects = chart.toJson();
    expect(objects.map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/faas-alpha-ksvc-gateway',
      'VirtualService/faas-alpha-ksvc-gateway',
      'VirtualService/faas-alpha-shop',
    ]);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe('kfaas-system');
      expect(o.metadata.labels).toEqual({
        'app.kubernetes.io/managed-by': 'kfaas',
        'kfaas.io/cluster': 'cn-hz-test',
        'kfaas.io/environment': 'alpha',
      });
      expect(validateManifest(o)).toEqual([]);
    }
    expect(chart.node.findAll().filter((c) => c instanceof ApiObject)).toHaveLength(3);
  });

  test('old clusters: v1alpha3 and the legacy local gateway as ExternalName target', () => {
    const chart = new EnvironmentChart(testApp(), 'old_alpha', {
      table: environmentTable('old', 'alpha', [{ name: 'faas-alpha-ksvc-gateway', role: 'root', http: [forward('cart')] }], PROFILE_1_4),
    });
    const [svc, vs] = chart.toJson();
    expect(svc.spec.externalName).toBe('cluster-local-gateway.istio-system.svc.cluster.local');
    expect(vs.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(vs.spec.http[0].route[0].destination.host).toBe('cluster-local-gateway.istio-system.svc.cluster.local');
  });
});
