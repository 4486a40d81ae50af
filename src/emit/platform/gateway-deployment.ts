import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayTable } from '../../compile/platform/platform-table';
import { PlatformProfile } from '../../versions/platform-profile';
import {
  ENVOY_PROM_PORT, HTTP_TARGET_PORT, HTTPS_TARGET_PORT, podAnnotations, podLabels, PROXY_UID, proxyArgs, proxyEnv,
  proxyVolumes,
} from './gateway-pod';

/**
 * Properties for `GatewayDeployment`.
 */
export interface GatewayDeploymentProps {
  /** The compiled gateway (name, selector, revision, resources). */
  readonly table: GatewayTable;
  /** Picks `image: auto` with the gateway injection template (Istio >= 1.10) or the exact proxyv2 image. */
  readonly profile: PlatformProfile;
  /** Name of the ServiceAccount the proxy runs as (its Role reads the certificates' Secrets). */
  readonly serviceAccountName: string;
  /** Namespace of the Deployment. */
  readonly namespace: string;
  /** Cluster DNS domain (the explicit image's `--domain`). */
  readonly clusterDomain: string;
}

/**
 * Pod-level fields Kubernetes would default anyway, written out as cdk8s-plus-27's `Deployment` wrote them (kfaas
 * built this object on it before; the bytes stay the same): a rollout that waits 600 s, replaces a quarter of the
 * pods at a time, DNS `ClusterFirst`, pods restarted `Always`, 30 s to terminate.
 */
const DEPLOYMENT_DEFAULTS = {
  minReadySeconds: 0,
  progressDeadlineSeconds: 600,
  strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
} as const;
const POD_DEFAULTS = {
  dnsPolicy: 'ClusterFirst',
  hostNetwork: false,
  restartPolicy: 'Always',
  setHostnameAsFQDN: false,
  terminationGracePeriodSeconds: 30,
} as const;

/**
 * The east-west gateway's Istio proxy (`apps/v1` Deployment, a plain ApiObject: the fields are all written here,
 * checked against the upstream schema by the tests), with every default that would break Envoy set deliberately:
 * - container `istio-proxy` (the injector merges into the container of that name), `imagePullPolicy:
 *   IfNotPresent` (not `Always`: a registry hiccup must not stop a gateway restart);
 * - resources from the cluster spec;
 * - readiness `GET /healthz/ready` on the status port as Istio's chart does, no liveness and no startup probe
 *   (a liveness probe that kills a busy proxy turns load into an outage);
 * - runs as 1337:1337, non-root, read-only root file system, no privilege escalation, all capabilities dropped;
 *   ports 8080/8443 so no privileged port or sysctl is needed on any Kubernetes;
 * - the service account token is mounted: Istio < 1.10 proxies and clusters using first-party JWTs read it;
 * - pod labels are the gateway's own (no construct-path label: renaming a construct must not roll every pod);
 * - preferred anti-affinity across nodes by those labels; `replicas` left to the HorizontalPodAutoscaler.
 */
export class GatewayDeployment extends Construct {
  /** The Deployment's name (what the HorizontalPodAutoscaler scales). */
  public readonly name: string;

  public constructor(scope: Construct, id: string, props: GatewayDeploymentProps) {
    super(scope, id);
    const { table, profile } = props;
    const revisionLabel: Record<string, string> = table.revision !== undefined ? { 'istio.io/rev': table.revision } : {};
    const r = table.resources;
    const image = profile.gatewayInjection === 'image';
    const { volumes, mounts } = proxyVolumes(table.revision);
    const port = (name: string, containerPort: number): Record<string, unknown> => ({ containerPort, name, protocol: 'TCP' });
    const container = {
      ...(image ? { args: proxyArgs(props.clusterDomain), env: proxyEnv(table.name, props.namespace, table.revision) } : {}),
      image: profile.proxyImage ?? 'auto',
      imagePullPolicy: 'IfNotPresent',
      name: 'istio-proxy',
      ports: [
        port('http', HTTP_TARGET_PORT), port('https', HTTPS_TARGET_PORT), port('status-port', profile.proxyStatusPort),
        port('http-envoy-prom', ENVOY_PROM_PORT),
      ],
      readinessProbe: {
        failureThreshold: 30,
        httpGet: { path: '/healthz/ready', port: profile.proxyStatusPort, scheme: 'HTTP' },
        initialDelaySeconds: 1,
        periodSeconds: 2,
        successThreshold: 1,
        timeoutSeconds: 1,
      },
      resources: {
        limits: { cpu: `${r.limits.cpuMillis}m`, memory: `${r.limits.memoryMiB}Mi` },
        requests: { cpu: `${r.requests.cpuMillis}m`, memory: `${r.requests.memoryMiB}Mi` },
      },
      securityContext: {
        allowPrivilegeEscalation: false,
        // Istio's charts drop every capability.
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsGroup: PROXY_UID,
        runAsNonRoot: true,
        runAsUser: PROXY_UID,
      },
      ...(image ? { volumeMounts: mounts } : {}),
    };
    this.name = table.name;
    new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: table.name, namespace: props.namespace, labels: { ...table.selector, ...revisionLabel } },
      spec: {
        ...DEPLOYMENT_DEFAULTS,
        selector: { matchLabels: { ...table.selector } },
        template: {
          metadata: { annotations: podAnnotations(profile), labels: podLabels(table, profile) },
          spec: {
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [{
                  podAffinityTerm: { labelSelector: { matchLabels: { ...table.selector } }, topologyKey: 'kubernetes.io/hostname' },
                  weight: 100,
                }],
              },
            },
            automountServiceAccountToken: true,
            containers: [container],
            ...POD_DEFAULTS,
            securityContext: { fsGroup: PROXY_UID, fsGroupChangePolicy: 'Always', runAsGroup: PROXY_UID, runAsNonRoot: true, runAsUser: PROXY_UID },
            serviceAccountName: props.serviceAccountName,
            ...(image ? { volumes } : {}),
          },
        },
      },
    });
  }
}
