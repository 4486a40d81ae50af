import { existsSync, mkdtempSync, rmSync, mkdirSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import { generateProject } from './generate';
import { timedNode } from './timed';

/**
 * Route map benchmark at tier L (7,000 routes in each environment): `kfaas map` against one full `kfaas synth`
 * (target <= 2x) and its peak RSS (target < 1 GiB), then one environment's page in headless Chromium: time from
 * navigation until the first frame with the table, tree and search ready was painted (median of three, target
 * <= 1 s) and the time of a search over 100 sample paths (target <= 50 ms each). The machine's load average goes
 * with the figures: on a shared machine every time grows with it. Figures to bench-results/map.json.
 */
const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');
const KFAAS = join(PROJECT_ROOT, 'bin', 'kfaas');

async function main(): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'kfaas-bench-map-'));
  generateProject(root, 7000);
  const loadBefore = loadavg()[0];
  const synth = timedNode([KFAAS, 'synth', '--no-cache', '--root', root, '--out', join(root, 'dist')]);
  const map = timedNode([KFAAS, 'map', '--root', root, '--out', join(root, 'route-map')]);
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? process.env.CHROMIUM_PATH;
  let page: { interactiveMs: number[]; searchMedianMs: number; searchMaxMs: number } | { skipped: string };
  if (!chromium) {
    page = { skipped: 'no Chromium (apt-get install -y chromium)' };
  } else {
    const puppeteer = await import('puppeteer-core');
    const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox'] });
    const interactiveMs: number[] = [];
    let searches: number[] = [];
    for (let run = 0; run < 3; run++) {
      const tab = await browser.newPage();
      await tab.goto(`file://${join(root, 'route-map', 'us-west-prod', 'prod.html')}`, { waitUntil: 'load', timeout: 120_000 });
      await tab.waitForFunction('window.kfaasReady === true', { timeout: 60_000 });
      interactiveMs.push(await tab.evaluate(() => window.kfaasReadyAt));
      if (run === 0) {
        searches = await tab.evaluate(() => {
          const out: number[] = [];
          for (let i = 0; i < 100; i++) out.push(window.kfaasExplain(`/faas/api/team-${String(i % 50).padStart(2, '0')}/svc-${i * 70}/x`).ms);
          return out;
        });
      }
      await tab.close();
    }
    await browser.close();
    searches.sort((a, b) => a - b);
    page = { interactiveMs: interactiveMs.map((m) => Math.round(m)), searchMedianMs: round(searches[50]), searchMaxMs: round(searches[99]) };
  }
  const ratio = round(map.wallMs / synth.wallMs);
  const lines = [
    'map: tier L (7,000 routes per environment, 18 environments)',
    `  synth         ${synth.wallMs} ms`,
    `  map           ${map.wallMs} ms (${ratio} of synth), peak RSS ${map.peakRssMiB} MiB, exit ${map.exitCode}`,
    `  load average  ${round(loadBefore)} before, ${round(loadavg()[0])} after (${cpus().length} CPUs)`,
  ];
  if ('skipped' in page) lines.push(`  page          skipped: ${page.skipped}`);
  else {
    const median = [...page.interactiveMs].sort((a, b) => a - b)[1];
    lines.push(`  interactive   ${median} ms median of ${page.interactiveMs.join(', ')}`);
    lines.push(`  search        median ${page.searchMedianMs} ms, max ${page.searchMaxMs} ms over 100 paths`);
    lines.push(`  ${median <= 1000 ? 'ok  ' : 'MISS'} interactive ${median} ms <= 1000 ms`);
    lines.push(`  ${page.searchMaxMs <= 50 ? 'ok  ' : 'MISS'} search ${page.searchMaxMs} ms <= 50 ms`);
  }
  lines.push(`  ${ratio <= 2 ? 'ok  ' : 'MISS'} map ${ratio} of synth <= 2`);
  lines.push(`  ${map.peakRssMiB < 1024 ? 'ok  ' : 'MISS'} map peak RSS ${map.peakRssMiB} MiB < 1024 MiB`);
  process.stdout.write(lines.join('\n') + '\n');
  const outDir = join(PROJECT_ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'map.json'), JSON.stringify({ node: process.version, synth: synth.wallMs, map: map.wallMs, ratio, mapPeakRssMiB: map.peakRssMiB, synthPeakRssMiB: synth.peakRssMiB, loadAverage: [round(loadBefore), round(loadavg()[0])], page }, null, 2) + '\n');
  process.stdout.write(`figures written to ${relative(process.cwd(), join(outDir, 'map.json'))}\n`);
  rmSync(root, { recursive: true, force: true });
  return 0;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

main().then((code) => (process.exitCode = code), (e) => {
  process.stderr.write(`${String(e)}\n`);
  process.exitCode = 1;
});
