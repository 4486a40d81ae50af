import { ClusterOutput, GatewayApiChannel, GatewayApiSettings } from '../model/project';
import { atLeast, parseVersion, Version } from '../model/version';
import { fmt, GATEWAY_API_MAX_VERSION, GATEWAY_API_MIN_ISTIO, GATEWAY_API_MIN_VERSION } from '../versions/gateway-api';
import { DocumentContext } from './document-context';
import { mapping, Mapping, str } from './values';

/** `spec.output` and `spec.gatewayApi` of a cluster document, checked together. */
export interface OutputChoice {
  readonly output?: ClusterOutput;
  readonly gatewayApi?: GatewayApiSettings;
}

/**
 * Reads the cluster's output choice. With `output: gateway-api`: `gatewayApi` is required, `layout` does not
 * apply, and both the Gateway API version (1.0-1.6: HTTPRoute v1 to the newest release kfaas knows) and the
 * Istio version (>= 1.20) must be in range. `gatewayApi` without `output: gateway-api` is an error, so a
 * half-done switch never renders silently as VirtualServices.
 */
export function buildOutputChoice(ctx: DocumentContext, spec: Mapping, istio: Version, clusterDomain: string): OutputChoice {
  const output = str(spec, 'output') as ClusterOutput | undefined;
  const raw = mapping(spec, 'gatewayApi');
  if (output !== 'gateway-api') {
    if (raw) {
      ctx.error('gateway-api-without-output', ['spec', 'gatewayApi'],
        'gatewayApi is only read with output: gateway-api; add `output: gateway-api` or remove gatewayApi', 'key');
    }
    return output ? { output } : {};
  }
  if (!raw) {
    ctx.error('gateway-api-missing', ['spec', 'output'],
      'output: gateway-api needs spec.gatewayApi with the installed Gateway API version and the Gateway to attach to, ' +
        'e.g. gatewayApi: { version: "1.2.0", gateway: kfaas-system/faas-gateway }');
    return { output };
  }
  if (str(spec, 'layout') === 'per-route') {
    ctx.error('gateway-api-layout', ['spec', 'layout'],
      'layout: per-route names VirtualServices; with output: gateway-api kfaas emits one HTTPRoute per route anyway. Remove layout');
  }
  if (istio.raw !== '' && !atLeast(istio, GATEWAY_API_MIN_ISTIO.major, GATEWAY_API_MIN_ISTIO.minor)) {
    ctx.error('gateway-api-istio-too-old', ['spec', 'istio'],
      `output: gateway-api needs Istio ${fmt(GATEWAY_API_MIN_ISTIO)}+ (the first built against Gateway API v1.0.0, ` +
        `HTTPRoute v1, and translating timeouts), got "${istio.raw}"; use output: virtualservice`);
  }
  const versionText = str(raw, 'version') ?? '';
  const version = parseVersion(versionText);
  if (version && !inRange(version)) {
    ctx.error('gateway-api-version', ['spec', 'gatewayApi', 'version'],
      `expected a Gateway API release from ${fmt(GATEWAY_API_MIN_VERSION)}.0 (the first serving HTTPRoute v1) to ` +
        `${fmt(GATEWAY_API_MAX_VERSION)}.x (the newest kfaas knows), got "${versionText}"`);
  }
  const [namespace = '', name = ''] = (str(raw, 'gateway') ?? '').split('/');
  const sectionName = str(raw, 'sectionName');
  return {
    output,
    gatewayApi: {
      version: version ?? { major: 0, minor: 0, patch: 0, raw: versionText },
      channel: (str(raw, 'channel') ?? 'standard') as GatewayApiChannel,
      gateway: { namespace, name },
      ...(sectionName !== undefined ? { sectionName } : {}),
      address: str(raw, 'address') ?? defaultGatewayAddress(namespace, name, clusterDomain),
      origin: ctx.origin(['spec', 'gatewayApi']),
    },
  };
}

/**
 * The Service Istio deploys for a Gateway of class `istio`: `<name>-<gatewayClassName>` in the Gateway's
 * namespace (istio@1.30.0 pilot/pkg/config/kube/gatewaycommon/gateway_utils.go L36-41, GetDefaultName).
 */
function defaultGatewayAddress(namespace: string, name: string, clusterDomain: string): string {
  return `${name}-istio.${namespace}.svc.${clusterDomain}`;
}

function inRange(v: Version): boolean {
  return atLeast(v, GATEWAY_API_MIN_VERSION.major, GATEWAY_API_MIN_VERSION.minor) &&
    !atLeast(v, GATEWAY_API_MAX_VERSION.major, GATEWAY_API_MAX_VERSION.minor + 1);
}
