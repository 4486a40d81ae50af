import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Browser } from 'puppeteer-core';
import { main } from '../../src/cli/main';
import { domainHost, environmentHost, javaExportHost } from '../../src/explain/environment-host';
import { explainRequest } from '../../src/explain/explain';
import { mergeVirtualHost } from '../../src/explain/merge';
import { samplePaths } from '../../src/explain/sample-path';
import { runPipeline } from '../../src/pipeline';
import { chromiumPath } from '../support/browser';

const ROOT = join(__dirname, '..', '..');
let out: string;
let browser: Browser;

beforeAll(async () => {
  out = join(mkdtempSync(join(tmpdir(), 'kfaas-map-')), 'route-map');
  let stderr = '';
  const code = await main(['map', '--root', ROOT, '--out', out], { stdout: () => undefined, stderr: (t) => (stderr += t), env: {}, cwd: ROOT });
  // only the warnings of the example's gateway-api cluster (us-east-prod), no error
  expect(stderr.split('\n').filter((l) => l !== '' && !l.includes(' warning: ') && !/^kfaas: 0 error\(s\)/.test(l))).toEqual([]);
  expect(code).toBe(0);
  const puppeteer = await import('puppeteer-core');
  browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(join(out, '..'), { recursive: true, force: true });
});

const pipeline = runPipeline({ root: ROOT, write: false });
const tables = (pipeline.tables ?? []).filter((t) => t.virtualServices.length > 0 || (t.gatewayApi?.httpRoutes.length ?? 0) > 0);
const javaExports = (pipeline.platforms ?? []).filter((p) => p.javaExport !== undefined);
/** Every business domain an environment serves, with the page `kfaas map` writes for it. */
const domains = tables.flatMap((t) => (t.domains ?? []).map((d) => ({ table: t, domain: d, page: `${t.cluster}/${t.environment}.${d.virtualService.name}.html` })));

async function open(rel: string): Promise<{ page: import('puppeteer-core').Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push(`failed to load ${r.url()}`));
  page.on('request', (r) => { if (!r.url().startsWith('file://')) errors.push(`network request ${r.url()}`); });
  await page.goto(`file://${join(out, rel)}`, { waitUntil: 'load' });
  return { page, errors };
}

describe('kfaas map on the shipped example, in headless Chromium', () => {
  it('writes an index linking every environment, with no external resource', async () => {
    const { page, errors } = await open('index.html');
    const links = await page.$$eval('a', (as) => as.map((a) => a.getAttribute('href')));
    expect(links.sort()).toEqual([
      ...tables.map((t) => `${t.cluster}/${t.environment}.html`), ...javaExports.map((p) => `${p.cluster}/platform.html`), ...domains.map((d) => d.page),
    ].sort());
    // A business domain is listed under its environment.
    for (const { table, domain, page: href } of domains) {
      const parent = await page.$eval(`a[href="${href}"]`, (a) => a.parentElement?.parentElement?.parentElement?.querySelector('a')?.getAttribute('href'));
      expect({ domain: domain.hostname, parent }).toEqual({ domain: domain.hostname, parent: `${table.cluster}/${table.environment}.html` });
    }
    expect(errors).toEqual([]);
    for (const file of ['index.html', ...tables.map((t) => `${t.cluster}/${t.environment}.html`)]) {
      expect(readFileSync(join(out, file), 'utf8')).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
    await page.close();
  });

  it.each(tables.map((t) => [`${t.cluster}/${t.environment}`, t] as const))('%s: loads without console errors, and every search agrees with kfaas explain', async (_name, table) => {
    const { page, errors } = await open(`${table.cluster}/${table.environment}.html`);
    // The tree is drawn after the first frame: wait for it too, so that its errors would show.
    await page.waitForFunction('window.kfaasReady === true && window.kfaasTreeReady === true', { timeout: 10_000 });
    expect(await page.$$eval('g.node', (gs) => gs.length)).toBeGreaterThan(0);
    const rows = await page.$$eval('#routes-body tr', (trs) => trs.length);
    // What kfaas explain simulates: the published VirtualServices, or what Istio derives from the HTTPRoutes.
    const host = environmentHost(table, pipeline.tree!);
    const objects = host.objects;
    const query = { host: table.host, gateway: host.gateway };
    const paths = new Set<string>(['/', '/faas/api/nobody/here']);
    for (const r of mergeVirtualHost(objects, query).routes) for (const p of samplePaths(r.condition)) paths.add(p);
    let compared = 0;
    for (const path of paths) {
      const expected = explainRequest(objects, { ...query, path });
      const got = await page.evaluate((p) => window.kfaasExplain(p), path) as { winner?: string; losers: string[] };
      expect({ path, winner: got.winner, losers: got.losers }).toEqual({
        path, winner: expected.winner?.routeName, losers: expected.losers.map((l) => l.routeName ?? ''),
      });
      compared++;
    }
    expect(compared).toBeGreaterThan(table.virtualServices.flatMap((v) => v.http).length + (table.gatewayApi?.httpRoutes.length ?? 0));
    expect(rows).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it.each(javaExports.map((p) => [p.cluster, p] as const))('%s: the Java export host\'s page answers as kfaas explain --host does (a sidecar\'s view)', async (_name, platform) => {
    const host = javaExportHost(platform, pipeline.tree!)!;
    const { page, errors } = await open(`${platform.cluster}/platform.html`);
    await page.waitForFunction('window.kfaasReady === true && window.kfaasTreeReady === true');
    expect(await page.$eval('h1', (h) => h.textContent)).toBe(`${platform.cluster} / Java export host (${host.host})`);
    expect(await page.$eval('header', (h) => h.textContent)).toContain('on gateway mesh');
    const declared = platform.javaExport!.http.map((h) => h.match.value);
    expect(declared.length).toBeGreaterThan(0);
    const paths = new Set(['/', '/java/api/undeclared/1', ...declared.flatMap((p) => [p, `${p}x/1`])]);
    for (const path of paths) {
      let text = '';
      const io = { stdout: (t: string) => (text += t), stderr: () => undefined, env: {}, cwd: ROOT };
      expect(await main(['explain', '--root', ROOT, '--cluster', platform.cluster, '--host', host.host, path], io)).toBe(0);
      const cli = /^Winner: #(\d+) route "([^"]+)"/m.exec(text);
      const got = await page.evaluate((p) => window.kfaasExplain(p), path) as { winner?: string };
      expect({ path, winner: got.winner }).toEqual({ path, winner: cli?.[2] });
    }
    // Declared prefixes go to Java with their Egress document's team; the rest is the 403 catch-all.
    await page.type('#path', `${declared[0]}42`);
    await page.keyboard.press('Enter');
    const egress = platform.javaExport!.http[0];
    expect(await page.$eval('#result .winner', (el) => el.textContent)).toMatch(new RegExp(`route ${egress.name} ${egress.team} `));
    await page.$eval('#path', (el) => ((el as HTMLInputElement).value = ''));
    await page.type('#path', '/java/api/undeclared/1');
    await page.keyboard.press('Enter');
    // A direct response, or on an Istio without one a fault abort for every request.
    expect(await page.$eval('#result .winner', (el) => el.textContent)).toMatch(/→ (direct response|abort) 403$/);
    // No Team prefixes on this host: the tree holds the Egress prefixes only.
    const prefixes = await page.$$eval('g.node', (gs) => gs.map((g) => g.getAttribute('data-prefix') ?? ''));
    expect(prefixes.filter((p) => p.startsWith('/faas/'))).toEqual([]);
    expect(prefixes).toEqual(expect.arrayContaining(declared.filter((p) => p.endsWith('/'))));
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('has a page for every business domain an environment serves (the example has several)', () => {
    expect(domains.map((d) => `${d.table.cluster}/${d.table.environment} ${d.domain.hostname}`).sort()).toEqual([
      'cn-hz-test/alpha showroom.test.example.com', 'cn-hz-test/beta showroom.beta.test.example.com',
      'cn-sh-prod/prod showroom.example.cn', 'us-west-prod/prod showroom.example.com',
    ]);
  });

  it.each(domains.map((d) => [`${d.table.cluster}/${d.table.environment} ${d.domain.hostname}`, d] as const))('%s: the business domain\'s page answers as kfaas explain --host does (the east-west gateway)', async (_name, { table, domain, page: rel }) => {
    const { page, errors } = await open(rel);
    await page.waitForFunction('window.kfaasReady === true && window.kfaasTreeReady === true');
    expect(await page.$eval('h1', (h) => h.textContent)).toBe(`${table.cluster} / Business domain ${domain.hostname} (${table.environment})`);
    expect(await page.$eval('header', (h) => h.textContent)).toContain(`Host ${domain.hostname} on gateway ${domain.gateway}`);
    const routes = domain.virtualService.http;
    expect(await page.$$eval('#routes-body tr:not(.gap)', (trs) => trs.length)).toBe(routes.reduce((n, r) => n + Math.max(1, r.matches.length), 0));
    // Every route's sample paths, a path only the environment's own host routes, and nothing at all.
    const paths = new Set(['/', '/faas/api/shop/cart/1', '/faas/api/nobody/here']);
    for (const r of mergeVirtualHost(domainHost(table, pipeline.tree!, domain.hostname)!.objects, { host: domain.hostname, gateway: domain.gateway }).routes) {
      for (const p of samplePaths(r.condition)) paths.add(p);
    }
    let winners = 0;
    for (const path of paths) {
      let text = '';
      const io = { stdout: (t: string) => (text += t), stderr: () => undefined, env: {}, cwd: ROOT };
      expect(await main(['explain', '--root', ROOT, '--cluster', table.cluster, '--env', table.environment, '--host', domain.hostname, path], io)).toBe(0);
      const cli = /^Winner: #(\d+) route "([^"]+)"/m.exec(text);
      const got = await page.evaluate((p) => window.kfaasExplain(p), path) as { winner?: string };
      expect({ path, winner: got.winner }).toEqual({ path, winner: cli?.[2] });
      if (!cli) continue;
      winners++;
      // The page shows the same position, the route's team and its Route document's file:line.
      await page.$eval('#path', (el) => ((el as HTMLInputElement).value = ''));
      await page.type('#path', path);
      await page.keyboard.press('Enter');
      const route = routes.find((r) => r.name === cli[2])!;
      const shown = await page.$eval('#result .winner', (el) => el.textContent ?? '');
      expect(shown).toMatch(new RegExp(`^Winner #${cli[1]} route ${route.route} ${route.team} `));
      expect(shown).toContain(`${route.origin.at.file}:${route.origin.at.line}`);
      expect(text).toContain(`(${route.origin.at.file}:${route.origin.at.line})`);
    }
    expect(winners).toBeGreaterThanOrEqual(routes.length);
    // The team's colour, as on every page of the project.
    const badge = await page.$eval('#result .winner .team', (el) => (el as HTMLElement).style.background);
    expect(badge).not.toBe('');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('the search form shows the winner and the routes that lose, as kfaas explain does', async () => {
    const { page, errors } = await open('us-west-prod/prod.html');
    await page.waitForFunction('window.kfaasReady === true');
    await page.type('#path', '/faas/api/shop/checkout/pay');
    await page.keyboard.press('Enter');
    const result = await page.$eval('#result', (el) => el.textContent ?? '');
    let text = '';
    const io = { stdout: (t: string) => (text += t), stderr: () => undefined, env: {}, cwd: ROOT };
    expect(await main(['explain', '--root', ROOT, '--cluster', 'us-west-prod', '--env', 'prod', '/faas/api/shop/checkout/pay'], io)).toBe(0);
    const position = /^Winner: #(\d+) route "shop-checkout"/m.exec(text)![1];
    expect(result).toMatch(new RegExp(`Winner\\s+#${position} route shop-checkout`));
    expect(result).toContain('shop-checkout-next.faas-prod.svc.cluster.local (10%)');
    expect(result).toMatch(/lose because #\d+ comes first/);
    expect(result).toContain('shop-catalog');
    expect(await page.$$eval('tr.hit', (trs) => trs.map((t) => t.textContent))).toEqual([expect.stringContaining('shop-checkout')]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the prefix tree has a node per team prefix, coloured by team, and zooms with the keyboard', async () => {
    const { page, errors } = await open('us-west-prod/prod.html');
    await page.waitForFunction('window.kfaasTreeReady === true');
    const teams = pipeline.project!.teams;
    expect(teams.length).toBeGreaterThan(0);
    for (const team of teams) {
      for (const owned of team.owns) {
        const label = await page.$eval(`g.node[data-prefix="${owned.prefix}"]`, (g) => g.getAttribute('aria-label'));
        expect(label).toContain(`owned by ${team.name}`);
      }
    }
    // SVG nodes are focusable (tabindex=0) but not HTMLElements, which page.focus() requires.
    await page.$eval('g.node[data-prefix="/faas/api/shop/"]', (g) => (g as SVGGElement).focus());
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-prefix'))).toBe('/faas/api/shop/');
    await page.keyboard.press('Enter');
    expect(await page.$eval('#tree-focus', (el) => el.textContent)).toBe('/faas/api/shop/');
    expect(await page.$eval('#path', (el) => (el as HTMLInputElement).value)).toBe('/faas/api/shop/');
    expect(await page.$$eval('g.node', (gs) => gs.every((g) => (g.getAttribute('data-prefix') ?? '').startsWith('/faas/api/shop/')))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the routes filter narrows the table, and a search result links to its row', async () => {
    const { page, errors } = await open('us-west-prod/prod.html');
    await page.waitForFunction('window.kfaasReady === true');
    const all = await page.$$eval('#routes-body tr:not(.gap)', (trs) => trs.length);
    await page.type('#filter', 'shop-cart');
    await page.waitForFunction(() => document.getElementById('routes-count')!.textContent!.includes('contain'));
    const shown = await page.$$eval('#routes-body tr:not(.gap)', (trs) => trs.map((t) => t.textContent ?? ''));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(all);
    for (const row of shown) expect(row).toContain('shop-cart');
    expect(await page.$eval('#routes', (t) => t.getAttribute('aria-rowcount'))).toBe(String(shown.length + 1));

    await page.type('#path', '/faas/api/pay/refund/1');
    await page.keyboard.press('Enter');
    // A search clears the filter so that its winner is in the table, marked.
    expect(await page.$eval('#filter', (el) => (el as HTMLInputElement).value)).toBe('');
    const winner = await page.$eval('#result .winner strong', (el) => el.textContent);
    expect(await page.$$eval('tr.hit td:nth-child(2)', (tds) => tds.map((t) => t.textContent))).toEqual([winner]);
    await page.click('#result .winner button.show-row');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('routes-scroll');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a Gateway API environment shows its HTTPRoutes in Istio\'s precedence, and its winners are kfaas explain\'s', async () => {
    const table = tables.find((t) => t.gatewayApi !== undefined)!;
    expect(table).toBeDefined();
    const { page, errors } = await open(`${table.cluster}/${table.environment}.html`);
    await page.waitForFunction('window.kfaasReady === true');
    expect(await page.$eval('header', (h) => h.textContent)).toMatch(/Gateway API v?[0-9.]+ \((standard|experimental)\) routes in Istio's precedence/);
    const rows = await page.$$eval('#routes-body tr:not(.gap)', (trs) => trs.map((tr) => [tr.children[1].textContent, tr.children[2].textContent]));
    // Rows name the kfaas route and its team, not Istio's rule name.
    expect(rows.length).toBeGreaterThan(0);
    for (const [route, team] of rows) {
      expect(route).not.toContain('kfaas-system.');
      expect(pipeline.project!.routes.find((r) => r.name === route)?.team).toBe(team);
    }
    for (const path of ['/faas/api/shop/cart', '/faas/api/shop/cart/items', '/faas/api/pay/refund/9', '/faas/api/nobody']) {
      let text = '';
      const io = { stdout: (t: string) => (text += t), stderr: () => undefined, env: {}, cwd: ROOT };
      expect(await main(['explain', '--root', ROOT, '--cluster', table.cluster, '--env', table.environment, path], io)).toBe(0);
      const cli = /^Winner: #(\d+) route "([^"]+)"/m.exec(text);
      await page.$eval('#path', (el) => ((el as HTMLInputElement).value = ''));
      await page.type('#path', path);
      await page.keyboard.press('Enter');
      const shown = await page.$eval('#result', (el) => el.textContent ?? '');
      if (cli === null) expect(shown).toContain('No route');
      else {
        const winner = await page.evaluate((p) => window.kfaasExplain(p).winner, path);
        expect(winner).toBe(cli[2]);
        // Same position as kfaas explain reports.
        expect(shown).toMatch(new RegExp(`Winner #${cli[1]} route \\S+`));
        expect(shown).toContain('HTTPRoute kfaas-system/');
      }
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('every form control has a label', async () => {
    const { page } = await open('us-west-prod/prod.html');
    const unlabelled = await page.$$eval('input, select, textarea', (els) => els.filter((e) => !document.querySelector(`label[for="${e.id}"]`)).map((e) => e.id));
    expect(unlabelled).toEqual([]);
    await page.close();
  });

  it('refuses an --out that would overwrite the project or a folder it did not write', async () => {
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (t: string) => (stderr += t), env: {}, cwd: ROOT };
    expect(await main(['map', '--root', ROOT, '--out', join(ROOT, 'routes')], io)).toBe(2);
    expect(stderr).toContain('would overlap');
    const foreign = mkdtempSync(join(tmpdir(), 'kfaas-map-foreign-'));
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    expect(await main(['map', '--root', ROOT, '--out', foreign], io)).toBe(2);
    expect(stderr).toContain('was not written by kfaas map');
    rmSync(foreign, { recursive: true, force: true });
  });
});
