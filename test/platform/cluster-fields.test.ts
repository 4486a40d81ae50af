import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { loadProject } from '../../src/load/load-project';
import { useTempProjects } from '../support/temp-projects';

/** The platform fields of a Cluster: defaults, and every bad value reported at file:line:col. */
const writeProject = useTempProjects();
const load = (cluster: string): ReturnType<typeof loadProject> => loadProject(writeProject({ 'clusters/c.yaml': cluster }));

const HEAD = `apiVersion: kfaas/v1
kind: Cluster
metadata: { name: c }
spec:
  istio: "1.22.6"
  knative: "1.14.1"
  environments: [{ name: prod }]
`;

describe('cluster platform fields', () => {
  test('GIVEN a gateway with only domains THEN every other field gets its documented default', () => {
    const { project, diagnostics } = load(`${HEAD}  kubernetes: "1.29.4"
  gateway:
    domains: { suffixes: [example.com], issuer: { name: letsencrypt } }
`);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    const c = project.clusters[0];
    expect(c.kubernetes?.raw).toBe('1.29.4');
    expect(c.gateway).toMatchObject({
      minReplicas: 2, maxReplicas: 5, targetCpuUtilization: 80,
      service: { type: 'ClusterIP', annotations: {} },
      resources: { requests: { cpuMillis: 100, memoryMiB: 128 }, limits: { cpuMillis: 2000, memoryMiB: 1024 } },
      domains: { suffixes: ['example.com'], wildcards: false, issuer: { name: 'letsencrypt', kind: 'ClusterIssuer' } },
    });
  });

  test('GIVEN bad replica bounds, CPU target, resources, addresses and ports THEN all are reported at once, at their fields', () => {
    const { diagnostics } = load(`${HEAD}  kubernetes: "1.29.4"
  gateway:
    replicas: { min: 6, max: 3 }
    targetCPUUtilization: 0
    service: { type: LoadBalancer }
    resources: { requests: { cpu: "3", memory: 2Gi }, limits: { cpu: 1500m, memory: 1Gi } }
  javaExport:
    addresses: [10.0.0.1, 10.0.0.300, 10.0.0.1]
    port: 70000
  javaGateway:
    address: "10.1.2.3:99999"
`);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^clusters\/c\.yaml:10:22 spec\.gateway\.replicas\.min: expected replicas\.min <= replicas\.max, got min 6 > max 3$/),
      expect.stringMatching(/^clusters\/c\.yaml:11:27 spec\.gateway\.targetCPUUtilization: .*1/),
      expect.stringMatching(/^clusters\/c\.yaml:12:22 spec\.gateway\.service\.type: a LoadBalancer without annotations is public/),
      expect.stringMatching(/^clusters\/c\.yaml:13:35 spec\.gateway\.resources\.requests\.cpu: expected a CPU request <= the limit \(1500m\), got 3000m$/),
      expect.stringMatching(/^clusters\/c\.yaml:13:48 spec\.gateway\.resources\.requests\.memory: expected a memory request <= the limit \(1024Mi\), got 2048Mi$/),
      expect.stringMatching(/^clusters\/c\.yaml:15:27 spec\.javaExport\.addresses\[1\]: expected an IPv4 address such as 10\.20\.0\.11, got "10\.0\.0\.300"$/),
      expect.stringMatching(/^clusters\/c\.yaml:15:39 spec\.javaExport\.addresses\[2\]: address 10\.0\.0\.1 is listed more than once/),
      expect.stringMatching(/^clusters\/c\.yaml:16:11 spec\.javaExport\.port: .*65535/),
      expect.stringMatching(/^clusters\/c\.yaml:18:14 spec\.javaGateway\.address: expected a port from 1 to 65535, got 99999/),
    ]);
  });

  test('GIVEN a gateway without spec.kubernetes THEN it asks for the version that picks the HPA/PDB APIs', () => {
    const { diagnostics } = load(`${HEAD}  gateway: {}\n`);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^clusters\/c\.yaml:8:3 spec\.gateway: spec\.gateway needs spec\.kubernetes/),
    ]);
  });

  test('GIVEN javaExport with both or neither of host and addresses THEN exactly one is asked for', () => {
    expect(load(`${HEAD}  javaExport: { port: 8080 }\n`).diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/spec\.javaExport: expected exactly one of host .* or addresses .*, got neither$/),
    ]);
    expect(load(`${HEAD}  javaExport: { host: java.example.svc.cluster.local, addresses: [10.0.0.1] }\n`).diagnostics.map(formatDiagnostic))
      .toEqual([expect.stringMatching(/got both$/)]);
  });

  test('GIVEN an environment named platform THEN it is refused: the folder is reserved', () => {
    const { diagnostics } = load(HEAD.replace('{ name: prod }', '{ name: prod }, { name: platform }'));
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^clusters\/c\.yaml:7:42 spec\.environments\[1\]\.name: "platform" is reserved/),
    ]);
  });
});
