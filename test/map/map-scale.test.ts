import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Browser } from 'puppeteer-core';
import { generateProject } from '../../src/bench/generate';
import { main } from '../../src/cli/main';
import { chromiumPath } from '../support/browser';

/** The page of an environment with many routes keeps only the rows in view in the DOM, and scrolls to all of them. */
const ROUTES = 300;
let dir: string;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kfaas-map-scale-'));
  generateProject(join(dir, 'project'), ROUTES);
  let stderr = '';
  const io = { stdout: () => undefined, stderr: (t: string) => (stderr += t), env: {}, cwd: dir };
  expect(await main(['map', '--root', join(dir, 'project'), '--out', join(dir, 'map')], io)).toBe(0);
  expect(stderr).toBe('');
  const puppeteer = await import('puppeteer-core');
  browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('draws only the rows in view, announces the row count, and reaches the last route by keyboard', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.setViewport({ width: 1366, height: 768 });
  await page.goto(`file://${join(dir, 'map', 'us-west-prod', 'prod.html')}`, { waitUntil: 'load' });
  await page.waitForFunction('window.kfaasReady === true', { timeout: 30_000 });
  const count = Number(await page.$eval('#routes', (t) => t.getAttribute('aria-rowcount'))) - 1;
  expect(count).toBeGreaterThanOrEqual(ROUTES);
  const rows = async (): Promise<string[]> => page.$$eval('#routes-body tr:not(.gap) td:first-child', (tds) => tds.map((t) => t.textContent ?? ''));
  const first = await rows();
  expect(first[0]).toBe('0');
  expect(first.length).toBeLessThan(100);
  // The scroll height is that of every row, so the scrollbar tells where one is.
  const heights = await page.$eval('#routes-scroll', (s) => [s.scrollHeight, s.clientHeight]);
  expect(heights[0]).toBeGreaterThan(count * 28 - 1);

  await page.focus('#routes-scroll');
  await page.keyboard.press('End');
  await page.waitForFunction((n) => Array.from(document.querySelectorAll("#routes-body td:first-child")).some((td) => td.textContent === String(n)), { timeout: 5_000 }, count - 1);
  const last = await rows();
  expect(last.length).toBeLessThan(100);
  expect(last).not.toContain('0');
  expect(await page.$eval(`#route-${count - 1}`, (tr) => tr.getAttribute('aria-rowindex'))).toBe(String(count + 1));

  // A search for a route far down marks it and brings it into view.
  const prefixRows = await page.$$eval('#routes-body tr:not(.gap)', (trs) => trs.map((tr) => [tr.children[1].textContent ?? '', tr.children[4].textContent ?? '']));
  const [name, match] = prefixRows.filter(([, m]) => m.startsWith('prefix "'))[0];
  const target = `${JSON.parse(match.slice('prefix '.length))}probe`;
  const winner = await page.evaluate((p) => window.kfaasExplain(p).winner, target);
  expect(winner).toBe(name);
  await page.evaluate(() => { document.getElementById('routes-scroll')!.scrollTop = 0; });
  await page.type('#path', target);
  await page.keyboard.press('Enter');
  await page.waitForSelector('tr.hit');
  const box = await page.$eval('tr.hit', (tr) => {
    const r = tr.getBoundingClientRect();
    const s = document.getElementById('routes-scroll')!.getBoundingClientRect();
    return { inside: r.top >= s.top && r.bottom <= s.bottom, name: tr.children[1].textContent };
  });
  expect(box).toEqual({ inside: true, name: winner });
  expect(errors).toEqual([]);
  await page.close();
}, 60_000);
