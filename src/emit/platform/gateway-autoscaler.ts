import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PlatformProfile } from '../../versions/platform-profile';

/**
 * Properties for `GatewayAutoscaler`.
 */
export interface GatewayAutoscalerProps {
  /** Name of the HorizontalPodAutoscaler (the Deployment's). */
  readonly name: string;
  /** Namespace of the HorizontalPodAutoscaler. */
  readonly namespace: string;
  /** Name of the gateway Deployment it scales (`apps/v1`, in the same namespace). */
  readonly deployment: string;
  /** Fewest replicas (>= 1, <= maxReplicas). */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /** Target average CPU utilisation in percent of the request. */
  readonly targetCpuUtilization: number;
  /** Picks the API version: `autoscaling/v2` (k8s >= 1.23), `v2beta2` (1.12-1.22) or `v1`. */
  readonly profile: PlatformProfile;
}

/**
 * `autoscaling/v2`'s scaling behaviour, as cdk8s-plus-27's `HorizontalPodAutoscaler` wrote it (kfaas built the v2
 * object on it before; the bytes stay the same), Kubernetes' own defaults: up by at most 4 pods or 200 % a minute,
 * right away; down by at most 3 pods per 5 minutes, after 5 minutes of lower load.
 */
const V2_BEHAVIOR = {
  scaleDown: { policies: [{ periodSeconds: 300, type: 'Pods', value: 3 }], selectPolicy: 'Max', stabilizationWindowSeconds: 300 },
  scaleUp: {
    policies: [{ periodSeconds: 60, type: 'Pods', value: 4 }, { periodSeconds: 60, type: 'Percent', value: 200 }],
    selectPolicy: 'Max',
    stabilizationWindowSeconds: 0,
  },
} as const;

/**
 * A HorizontalPodAutoscaler on CPU for the gateway, in the API version the cluster's Kubernetes serves
 * (version-facts.md D: v2 from 1.23; v2beta2 no longer served from 1.26; v2beta1 from 1.25), as a plain ApiObject
 * with the fields of that version, checked against kubernetes-models' v2, v2beta2 and v1 schemas in the tests.
 */
export class GatewayAutoscaler extends Construct {
  public readonly apiVersion: string;

  public constructor(scope: Construct, id: string, props: GatewayAutoscalerProps) {
    super(scope, id);
    const apiVersion = props.profile.hpaApiVersion;
    this.apiVersion = apiVersion;
    const metadata = { name: props.name, namespace: props.namespace };
    const scaleTargetRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deployment };
    const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.targetCpuUtilization } } };
    const spec = apiVersion === 'autoscaling/v1'
      ? { scaleTargetRef, minReplicas: props.minReplicas, maxReplicas: props.maxReplicas, targetCPUUtilizationPercentage: props.targetCpuUtilization }
      : {
        ...(apiVersion === 'autoscaling/v2' ? { behavior: V2_BEHAVIOR } : {}),
        scaleTargetRef,
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [cpu],
      };
    new ApiObject(this, 'Resource', { apiVersion, kind: 'HorizontalPodAutoscaler', metadata, spec });
  }
}
