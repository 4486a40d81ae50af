import { existsSync, mkdtempSync, rmSync, mkdirSync, statSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import { generateProject } from './generate';
import { RunFigures, timedNode } from './timed';

/**
 * Route map benchmark at tier L (7,000 routes in each environment): `kfaas map` against one full `kfaas synth`
 * (target <= 2x; the two alternate, median of `--runs`, CPU and wall) and its peak RSS (target < 1 GiB), then
 * one environment's page in headless Chromium, median of `--runs` fresh tabs:
 * - interactive: from navigation until a request path put in the search box (the form submitted as soon as the
 *   document is parsed) has its winner painted on screen (target <= 1 s); the winner is checked against the
 *   page's engine;
 * - first frame: the page's own mark, the first painted frame with the search box and the table;
 * - tree: the prefix tree drawn (it comes after the first frame);
 * and the time of a search over 100 sample paths (target <= 50 ms each). The machine's load average goes with
 * the figures: on a shared machine every time grows with it. Figures to bench-results/map.json.
 */
const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');
const KFAAS = join(PROJECT_ROOT, 'bin', 'kfaas');
const PROBE = '/faas/api/team-07/svc-3507/orders/1';

interface PageFigures {
  readonly interactiveMs: number[];
  readonly firstFrameMs: number[];
  readonly treeMs: number[];
  /** CPU time of the page's main thread from navigation until the answer was painted (Chromium's ThreadTime). */
  readonly mainThreadCpuMs: number[];
  readonly searchMedianMs: number;
  readonly searchMaxMs: number;
  readonly dataBytes: number;
}

async function main(): Promise<number> {
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;
  const root = mkdtempSync(join(tmpdir(), 'kfaas-bench-map-'));
  generateProject(root, 7000);
  const loadBefore = loadavg()[0];
  const synths: RunFigures[] = [];
  const maps: RunFigures[] = [];
  for (let run = 0; run < runs; run++) {
    synths.push(timedNode([KFAAS, 'synth', '--no-cache', '--root', root, '--out', join(root, 'dist')]));
    maps.push(timedNode([KFAAS, 'map', '--root', root, '--out', join(root, 'route-map')]));
  }
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? process.env.CHROMIUM_PATH;
  const page = chromium ? await measurePage(chromium, join(root, 'route-map', 'us-west-prod'), runs) : { skipped: 'no Chromium (apt-get install -y chromium)' };
  const synth = medianRun(synths);
  const map = medianRun(maps);
  const ratio = round(map.wallMs / synth.wallMs);
  // CPU: the median of each side's CPU times (the run with the median wall time may not have the median CPU).
  const cpuRatio = round(median(maps.map((m) => m.cpuMs)) / median(synths.map((m) => m.cpuMs)));
  const lines = [
    'map: tier L (7,000 routes per environment, 18 environments)',
    `  synth         ${synth.wallMs} ms wall, ${median(synths.map((m) => m.cpuMs))} ms CPU (medians of ${runs})`,
    `  map           ${map.wallMs} ms wall (${ratio} of synth), ${median(maps.map((m) => m.cpuMs))} ms CPU (${cpuRatio} of synth), peak RSS ${map.peakRssMiB} MiB, exit ${map.exitCode}`,
    `  load average  ${round(loadBefore)} before, ${round(loadavg()[0])} after (${cpus().length} CPUs)`,
  ];
  if ('skipped' in page) lines.push(`  page          skipped: ${page.skipped}`);
  else {
    const interactive = median(page.interactiveMs);
    lines.push(`  data          ${round(page.dataBytes / 1024)} KiB for 7,000+ routes (us-west-prod/prod.data.js)`);
    lines.push(`  interactive   ${interactive} ms median of ${page.interactiveMs.join(', ')} (a search answered on screen)`);
    lines.push(`  main thread   ${median(page.mainThreadCpuMs)} ms CPU until the answer, median of ${page.mainThreadCpuMs.join(', ')}`);
    lines.push(`  first frame   ${median(page.firstFrameMs)} ms median of ${page.firstFrameMs.join(', ')}; tree drawn ${median(page.treeMs)} ms`);
    lines.push(`  search        median ${page.searchMedianMs} ms, max ${page.searchMaxMs} ms over 100 paths`);
    lines.push(`  ${interactive <= 1000 ? 'ok  ' : 'MISS'} interactive ${interactive} ms <= 1000 ms`);
    lines.push(`  ${page.searchMaxMs <= 50 ? 'ok  ' : 'MISS'} search ${page.searchMaxMs} ms <= 50 ms`);
  }
  lines.push(`  ${ratio <= 2 ? 'ok  ' : 'MISS'} map ${ratio} of synth <= 2 (wall; CPU ${cpuRatio})`);
  lines.push(`  ${map.peakRssMiB < 1024 ? 'ok  ' : 'MISS'} map peak RSS ${map.peakRssMiB} MiB < 1024 MiB`);
  process.stdout.write(lines.join('\n') + '\n');
  const outDir = join(PROJECT_ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'map.json'), JSON.stringify({
    node: process.version, runs, synth: synths, map: maps, ratio, cpuRatio, loadAverage: [round(loadBefore), round(loadavg()[0])], page,
  }, null, 2) + '\n');
  process.stdout.write(`figures written to ${relative(process.cwd(), join(outDir, 'map.json'))}\n`);
  rmSync(root, { recursive: true, force: true });
  return 0;
}

async function measurePage(chromium: string, folder: string, runs: number): Promise<PageFigures> {
  const puppeteer = await import('puppeteer-core');
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox'] });
  const interactiveMs: number[] = [];
  const firstFrameMs: number[] = [];
  const treeMs: number[] = [];
  const mainThreadCpuMs: number[] = [];
  let searches: number[] = [];
  for (let run = 0; run < runs; run++) {
    const tab = await browser.newPage();
    // Types the probe into the search box and submits it as soon as the document is parsed (the page's scripts
    // have run), then notes when the frame showing the answer has been painted.
    await tab.evaluateOnNewDocument((probe: string) => {
      document.addEventListener('DOMContentLoaded', () => {
        (document.getElementById('path') as HTMLInputElement).value = probe;
        (document.getElementById('search-form') as HTMLFormElement).requestSubmit();
        requestAnimationFrame(() => setTimeout(() => {
          const w = window as unknown as { benchAnsweredAt: number; benchAnswer: string };
          w.benchAnswer = document.getElementById('result')?.textContent ?? '';
          w.benchAnsweredAt = performance.now();
        }, 0));
      });
    }, PROBE);
    const cdp = await tab.createCDPSession();
    await cdp.send('Performance.enable');
    const threadTime = async (): Promise<number> => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN) * 1000;
    const before = await threadTime();
    await tab.goto(`file://${join(folder, 'prod.html')}`, { waitUntil: 'load', timeout: 120_000 });
    await tab.waitForFunction('window.benchAnsweredAt > 0', { timeout: 60_000, polling: 'raf' });
    // Read as the answer is painted (before the tree, which the page draws when idle); a frame or two late at most.
    mainThreadCpuMs.push(Math.round((await threadTime()) - before));
    await tab.waitForFunction('window.kfaasTreeReady === true', { timeout: 60_000 });
    const figures = await tab.evaluate((probe: string) => {
      const w = window as unknown as { benchAnsweredAt: number; benchAnswer: string };
      const tree = performance.getEntriesByName('kfaas-map:tree')[0]?.startTime ?? NaN;
      return { answeredAt: w.benchAnsweredAt, answer: w.benchAnswer, winner: window.kfaasExplain(probe).winner, readyAt: window.kfaasReadyAt, tree };
    }, PROBE);
    if (!figures.winner || !new RegExp(`^Winner #\\d+ route ${figures.winner} `).test(figures.answer)) {
      throw new Error(`the search box answered ${JSON.stringify(figures.answer.slice(0, 120))}, not the winner ${figures.winner}`);
    }
    interactiveMs.push(Math.round(figures.answeredAt));
    firstFrameMs.push(Math.round(figures.readyAt));
    treeMs.push(Math.round(figures.tree));
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
  return { interactiveMs, firstFrameMs, treeMs, mainThreadCpuMs, searchMedianMs: round(searches[50]), searchMaxMs: round(searches[99]), dataBytes: statSync(join(folder, 'prod.data.js')).size };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The run with the median wall time. */
function medianRun(runs: readonly RunFigures[]): RunFigures {
  return [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)];
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

main().then((code) => (process.exitCode = code), (e) => {
  process.stderr.write(`${String(e)}\n`);
  process.exitCode = 1;
});
