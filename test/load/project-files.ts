import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';

/** Writes a throw-away project (`relative path -> text`) and returns its root. */
export function writeProject(files: Readonly<Record<string, string>>): string {
  const root = mkdtempSync(join(tmpdir(), 'kfaas-load-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

export const CLUSTER_YAML = `# yaml-language-server: $schema=../schema/kfaas.schema.json
apiVersion: kfaas/v1
kind: Cluster
metadata:
  name: cn-hz-test
spec:
  istio: "1.5.4"
  knative: "0.15.0"
  clusterDomain: cluster.local
  layout: merged
  localGateway:
    gateway: knative-serving/knative-local-gateway
    host: knative-local-gateway.istio-system.svc.cluster.local
  environments:
    - name: prod
    - name: alpha
      namespace: faas-alpha
`;

export const ROUTE_YAML = `apiVersion: kfaas/v1
kind: Route
metadata:
  name: saas-showroom
spec:
  service: saas-showroom
  match:
    - prefix: /faas/api/saas/showroom/
  rewrite: { uri: / }
  timeout: 10s
  retries: { attempts: 3, perTryTimeout: 2s, retryOn: [5xx, connect-failure] }
  traffic:
    - { service: saas-showroom, weight: 90 }
    - { service: saas-showroom-next, weight: 10 }
  environments: [alpha, prod]
  clusters: [cn-hz-test]
  overrides:
    prod: { timeout: 30s }
`;

export const TEAM_YAML = `apiVersion: kfaas/v1
kind: Team
metadata: { name: saas }
spec:
  owns: [/faas/api/saas/]
`;
