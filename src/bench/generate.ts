import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';

/**
 * Synthetic kfaas projects for the benchmark: 6 clusters x 3 environments, 50 teams with Team documents, and a
 * realistic route mix (prefix 80%, exact 10%, regex 5%, two matches 5%; weighted splits on 10%; retries and
 * timeouts on half). Deterministic: the same size always gives the same files.
 */
export interface GeneratedProject {
  readonly routes: number;
  readonly teams: number;
  readonly clusters: number;
  readonly files: number;
}

/** Cluster versions: all >= Istio 1.12 (splits need per-destination authority), both API versions and gateway names. */
const CLUSTERS: ReadonlyArray<{ name: string; istio: string; knative: string }> = [
  { name: 'cn-hz-test', istio: '1.12.9', knative: '0.26.0' },
  { name: 'cn-sh-prod', istio: '1.16.7', knative: '1.8.6' },
  { name: 'cn-bj-prod', istio: '1.22.6', knative: '1.14.1' },
  { name: 'sg-test', istio: '1.18.7', knative: '1.10.2' },
  { name: 'us-west-prod', istio: '1.30.3', knative: '1.23.0' },
  { name: 'eu-fra-prod', istio: '1.26.4', knative: '1.18.2' },
];

const ENVIRONMENTS = ['alpha', 'beta', 'prod'];

export const BENCH_TEAMS = 50;

export function generateProject(root: string, routeCount: number): GeneratedProject {
  mkdirSync(join(root, 'clusters'), { recursive: true });
  for (const c of CLUSTERS) {
    const envs = ENVIRONMENTS.map((e) => `    - name: ${e}`).join('\n');
    writeFileSync(
      join(root, 'clusters', `${c.name}.yaml`),
      `apiVersion: kfaas/v1\nkind: Cluster\nmetadata:\n  name: ${c.name}\nspec:\n  istio: "${c.istio}"\n  knative: "${c.knative}"\n  environments:\n${envs}\n`,
    );
  }
  let files = CLUSTERS.length;
  for (let t = 0; t < BENCH_TEAMS; t++) {
    const team = teamName(t);
    mkdirSync(join(root, 'routes', team), { recursive: true });
    writeFileSync(
      join(root, 'routes', team, 'team.yaml'),
      `apiVersion: kfaas/v1\nkind: Team\nmetadata:\n  name: ${team}\nspec:\n  owns:\n    - /faas/api/${team}/\n`,
    );
    files++;
  }
  for (let i = 0; i < routeCount; i++) {
    const team = teamName(i % BENCH_TEAMS);
    writeFileSync(join(root, 'routes', team, `r${i}.yaml`), routeDocument(i, team));
    files++;
  }
  return { routes: routeCount, teams: BENCH_TEAMS, clusters: CLUSTERS.length, files };
}

function teamName(t: number): string {
  return `team-${String(t).padStart(2, '0')}`;
}

/** One route; `i` decides its shape so that the mix holds for every size that is a multiple of 20. */
function routeDocument(i: number, team: string): string {
  const name = `${team}-svc-${i}`;
  const base = `/faas/api/${team}/svc-${i}`;
  const slot = i % 20;
  let match: string;
  if (slot < 16) match = `    - prefix: ${base}/`; // 80%
  else if (slot < 18) match = `    - exact: ${base}`; // 10%
  else if (slot < 19) match = `    - regex: ${base}/v[0-9]+/.*`; // 5%
  else match = `    - exact: ${base}\n    - prefix: ${base}/`; // 5%: two matches
  const lines = [
    'apiVersion: kfaas/v1',
    'kind: Route',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  match:',
    match,
  ];
  if (i % 4 === 0) lines.push('  rewrite:', '    uri: /');
  if (i % 2 === 0) {
    lines.push(`  timeout: ${(i % 5) + 2}s`);
    lines.push('  retries:', '    attempts: 2', '    perTryTimeout: 1500ms', '    retryOn: [connect-failure, refused-stream]');
  }
  if (i % 10 === 3) {
    lines.push('  traffic:', `    - service: ${name}`, '      weight: 90', `    - service: ${name}-next`, '      weight: 10');
  }
  if (i % 7 === 5) lines.push('  overrides:', '    prod:', '      timeout: 30s');
  return lines.join('\n') + '\n';
}
