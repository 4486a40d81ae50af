import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import { asKubectlList, generateSeedEnvironment } from './generate-virtual-services';
import { timedNode } from './timed';

/**
 * `kfaas import` benchmark: 7,000 hand-written VirtualServices of one environment (seed naming, the bench's
 * route mix with weighted splits, as `kubectl get -o yaml` prints them) imported into an empty project, as a
 * separate process: read, convert, merge, render, prove every sample path equivalent, write. Target: <= 10 s.
 * Median of three runs; figures to bench-results/import.json. Options: `--count N` (default 7000).
 */
const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');
const KFAAS = join(PROJECT_ROOT, 'bin', 'kfaas');
const TARGET_MS = 10_000;

function main(argv: readonly string[]): number {
  const count = argv.includes('--count') ? Number(argv[argv.indexOf('--count') + 1]) : 7000;
  const work = mkdtempSync(join(tmpdir(), 'kfaas-bench-import-'));
  const input = join(work, 'prod.yaml');
  writeFileSync(input, asKubectlList(generateSeedEnvironment({
    namespace: 'faas-prod', count, splits: true, apiVersion: 'networking.istio.io/v1',
    localGatewayHost: 'knative-local-gateway.istio-system.svc.cluster.local', localGateway: 'knative-serving/knative-local-gateway',
  })));
  const runs = [0, 1, 2].map(() => {
    const root = join(work, `project-${Math.random().toString(36).slice(2)}`);
    mkdirSync(join(root, 'routes'), { recursive: true });
    mkdirSync(join(root, 'clusters'), { recursive: true });
    const r = timedNode([KFAAS, 'import', '--root', root, '--cluster', 'bench', '--env', 'prod', '--istio', '1.30.3', '--knative', '1.23.0', '--team-from', 'label:team', input]);
    if (r.exitCode !== 0) process.stderr.write(r.stdout + r.stderr);
    rmSync(root, { recursive: true, force: true });
    return r;
  });
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const median = sorted[1];
  const proof = /Proof: .*/.exec(median.stdout)?.[0] ?? '(no proof line)';
  const ok = median.exitCode === 0 && median.wallMs <= TARGET_MS;
  process.stdout.write([
    `import: ${count} VirtualServices (${Math.round(readFileSync(input).length / 1024)} KiB of kubectl List YAML)`,
    `  import        ${median.wallMs} ms median of ${runs.map((r) => r.wallMs).join(', ')}, peak RSS ${median.peakRssMiB} MiB, exit ${median.exitCode}`,
    `  ${proof}`,
    `  ${ok ? 'ok  ' : 'MISS'} import ${median.wallMs} ms <= ${TARGET_MS} ms`,
    '',
  ].join('\n'));
  const outDir = join(PROJECT_ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'import.json'), JSON.stringify({ node: process.version, count, runs: runs.map(({ wallMs, peakRssMiB, exitCode }) => ({ wallMs, peakRssMiB, exitCode })), median: median.wallMs, proof }, null, 2) + '\n');
  process.stdout.write(`figures written to ${relative(process.cwd(), join(outDir, 'import.json'))}\n`);
  rmSync(work, { recursive: true, force: true });
  return 0;
}

process.exitCode = main(process.argv.slice(2));
