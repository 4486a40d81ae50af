import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import {
  Cpu, Deployment, ImagePullPolicy, IServiceAccount, LabelSelector, Probe, Protocol,
} from 'cdk8s-plus-27';
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
  /** The ServiceAccount the proxy runs as (its Role reads the certificates' Secrets). */
  readonly serviceAccount: IServiceAccount;
  /** Namespace of the Deployment. */
  readonly namespace: string;
  /** Cluster DNS domain (the explicit image's `--domain`). */
  readonly clusterDomain: string;
}

/**
 * The east-west gateway's Istio proxy. Built on cdk8s-plus-27's `Deployment`, with every default that would
 * break Envoy set deliberately:
 * - container `istio-proxy` (the injector merges into the container of that name), `imagePullPolicy:
 *   IfNotPresent` (not `Always`: a registry hiccup must not stop a gateway restart);
 * - resources from the cluster spec (not cdk8s-plus' 1000m/512Mi..1500m/2048Mi);
 * - readiness `GET /healthz/ready` on the status port as Istio's chart does, no liveness and no startup probe
 *   (cdk8s-plus adds a TCP startup probe when a port number is given; a liveness probe that kills a busy proxy
 *   turns load into an outage);
 * - runs as 1337:1337, non-root, read-only root file system, no privilege escalation, all capabilities dropped;
 *   ports 8080/8443 so no privileged port or sysctl is needed on any Kubernetes;
 * - the service account token is mounted (cdk8s-plus turns it off): Istio < 1.10 proxies and clusters using
 *   first-party JWTs read it;
 * - preferred anti-affinity across nodes; `replicas` left to the HorizontalPodAutoscaler.
 */
export class GatewayDeployment extends Construct {
  public readonly deployment: Deployment;

  public constructor(scope: Construct, id: string, props: GatewayDeploymentProps) {
    super(scope, id);
    const { table, profile } = props;
    const labels = podLabels(table, profile);
    const revisionLabel: Record<string, string> = table.revision !== undefined ? { 'istio.io/rev': table.revision } : {};
    const deployment = new Deployment(this, 'Resource', {
      metadata: { name: table.name, namespace: props.namespace, labels: { ...table.selector, ...revisionLabel } },
      podMetadata: { labels, annotations: podAnnotations(profile) },
      select: false,
      spread: false,
      serviceAccount: props.serviceAccount,
      automountServiceAccountToken: true,
      securityContext: { user: PROXY_UID, group: PROXY_UID, fsGroup: PROXY_UID, ensureNonRoot: true },
    });
    deployment.select(LabelSelector.of({ labels: table.selector }));
    deployment.markHasAutoscaler();
    const r = table.resources;
    deployment.addContainer({
      name: 'istio-proxy',
      image: profile.gatewayInjection === 'template' ? 'auto' : profile.proxyImage,
      imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
      ...(profile.gatewayInjection === 'image' ? { args: proxyArgs(props.clusterDomain) } : {}),
      ports: [
        { name: 'http', number: HTTP_TARGET_PORT, protocol: Protocol.TCP },
        { name: 'https', number: HTTPS_TARGET_PORT, protocol: Protocol.TCP },
        { name: 'status-port', number: profile.proxyStatusPort, protocol: Protocol.TCP },
        { name: 'http-envoy-prom', number: ENVOY_PROM_PORT, protocol: Protocol.TCP },
      ],
      readiness: Probe.fromHttpGet('/healthz/ready', {
        port: profile.proxyStatusPort,
        initialDelaySeconds: Duration.seconds(1),
        periodSeconds: Duration.seconds(2),
        timeoutSeconds: Duration.seconds(1),
        failureThreshold: 30,
        successThreshold: 1,
      }),
      resources: {
        cpu: { request: Cpu.millis(r.requests.cpuMillis), limit: Cpu.millis(r.limits.cpuMillis) },
        memory: { request: Size.mebibytes(r.requests.memoryMiB), limit: Size.mebibytes(r.limits.memoryMiB) },
      },
      securityContext: {
        user: PROXY_UID,
        group: PROXY_UID,
        ensureNonRoot: true,
        privileged: false,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      },
    });
    const base = '/spec/template/spec';
    // cdk8s-plus' Capability enum has no ALL: drop every capability, as Istio's charts do.
    ApiObject.of(deployment).addJsonPatch(
      JsonPatch.add(`${base}/containers/0/securityContext/capabilities`, { drop: ['ALL'] }),
      // cdk8s-plus labels every pod with its construct path; pod labels are part of the rollout, keep them ours.
      JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
      // Spread across nodes by the gateway's own labels (cdk8s-plus' spread() would add a construct-path label
      // to the pod template, so renaming a construct would roll every gateway pod).
      JsonPatch.add(`${base}/affinity`, {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{
            weight: 100,
            podAffinityTerm: { labelSelector: { matchLabels: { ...table.selector } }, topologyKey: 'kubernetes.io/hostname' },
          }],
        },
      }),
    );
    if (profile.gatewayInjection === 'image') {
      const { volumes, mounts } = proxyVolumes(table.revision);
      ApiObject.of(deployment).addJsonPatch(
        JsonPatch.add(`${base}/containers/0/env`, proxyEnv(table.name, props.namespace, table.revision)),
        JsonPatch.add(`${base}/containers/0/volumeMounts`, mounts),
        JsonPatch.add(`${base}/volumes`, volumes),
      );
    }
    this.deployment = deployment;
  }
}
