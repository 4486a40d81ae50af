import { ApiObject } from 'cdk8s';
import { Deployment, HorizontalPodAutoscaler, Metric, MetricTarget } from 'cdk8s-plus-27';
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
  /** The gateway Deployment it scales. */
  readonly deployment: Deployment;
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
 * A HorizontalPodAutoscaler on CPU for the gateway, in the API version the cluster's Kubernetes serves
 * (version-facts.md D: v2 from 1.23; v2beta2 no longer served from 1.26; v2beta1 from 1.25). `autoscaling/v2`
 * is cdk8s-plus-27's `HorizontalPodAutoscaler`; older versions have no cdk8s-plus construct (cdk8s-plus-27
 * imports Kubernetes 1.27), so they are written with the same fields as a plain ApiObject and checked against
 * kubernetes-models' v2beta2/v1 schemas in the tests.
 */
export class GatewayAutoscaler extends Construct {
  public readonly apiVersion: string;

  public constructor(scope: Construct, id: string, props: GatewayAutoscalerProps) {
    super(scope, id);
    const apiVersion = props.profile.hpaApiVersion;
    this.apiVersion = apiVersion;
    const metadata = { name: props.name, namespace: props.namespace };
    if (apiVersion === 'autoscaling/v2') {
      new HorizontalPodAutoscaler(this, 'Resource', {
        metadata,
        target: props.deployment,
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [Metric.resourceCpu(MetricTarget.averageUtilization(props.targetCpuUtilization))],
      });
      return;
    }
    const scaleTargetRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deployment.name };
    const spec = apiVersion === 'autoscaling/v2beta2'
      ? {
        scaleTargetRef,
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.targetCpuUtilization } } }],
      }
      : {
        scaleTargetRef,
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        targetCPUUtilizationPercentage: props.targetCpuUtilization,
      };
    new ApiObject(this, 'Resource', { apiVersion, kind: 'HorizontalPodAutoscaler', metadata, spec });
  }
}
