/// <reference lib="dom" />
/**
 * The route map's page script, bundled for the browser with the explain engine itself (src/explain), so a search
 * answers exactly as `kfaas explain` does. Reads `window.KFAAS_MAP` (one environment, written by `kfaas map`):
 * the virtual host the engine merged from the published objects when the map was written, which the engine's
 * first-match step (`explainPath`) runs on here.
 */
import { explainPath, RouteHit } from '../../explain/explain';
import { MergedRoute } from '../../explain/merge';
import { RouteIndex } from '../../explain/route-index';
import { CompactReader } from '../compact-json';
import { EnvironmentMap, unpackSources } from '../map-data';
import { unpackHost } from '../packed-host';
import { buildPrefixTree, PrefixNode } from '../prefix-tree';
import { RouteRow, routeRow } from '../route-row';
import { $, escapeHtml, teamBadge } from './dom';
import { RouteTableView } from './route-table-view';
import { drawTree, findNode } from './tree-view';

declare global {
  interface Window {
    KFAAS_MAP: EnvironmentMap;
    /** For tests and the curious: explain a request in this environment, as the search box does. */
    kfaasExplain: (path: string, method?: string, headers?: Record<string, string>) => { winner?: string; losers: string[]; ms: number };
    kfaasReady: boolean;
    /** `performance.now()` when the page had painted with its search box and table ready (the tree comes after). */
    kfaasReadyAt: number;
    /** Set once the prefix tree is drawn. */
    kfaasTreeReady: boolean;
  }
}

performance.mark('kfaas-map:script');
const data = window.KFAAS_MAP;
const reader = new CompactReader(data.tables);
const merged = unpackHost(data.virtualHost, reader);
const index = new RouteIndex(merged, data.virtualHost.regexLiterals);
const sources = unpackSources(data.sources, reader);
performance.mark('kfaas-map:unpacked');
/** Built after the first frame (`drawTreeLater`). */
let prefixTree: PrefixNode | undefined;
const rowOf = (route: MergedRoute): RouteRow =>
  routeRow(route, merged.host, sources, data.origins ? reader.string(data.origins[route.position]) : undefined);

function describeHit(hit: RouteHit): string {
  const r = rowOf(merged.routes[hit.position]);
  const to = hit.destinations.length > 0
    ? hit.destinations.map((d) => `${escapeHtml(d.authority)}${hit.destinations.length > 1 ? ` (${d.weight}%)` : ''}, path ${escapeHtml(d.path)}`).join('; ')
    : escapeHtml(r.destinations.join(', '));
  return `#${hit.position} route <strong>${escapeHtml(r.route)}</strong> ${teamBadge(r.team, data.teams)} ` +
    `${escapeHtml(r.match)}${r.conditions ? ` with ${escapeHtml(r.conditions)}` : ''} ` +
    `<span class="source">${escapeHtml(r.source)}${data.origins ? `, ${escapeHtml(r.object)}` : ''}</span>` +
    `<button type="button" class="show-row" data-position="${hit.position}">show in table</button><br>&rarr; ${to}`;
}

function explain(path: string, method: string, headers: Record<string, string>): { winner?: RouteHit; losers: RouteHit[] } {
  return explainPath(merged, { path, method, ...(Object.keys(headers).length > 0 ? { headers } : {}) }, index);
}

function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.search(/[:=]/);
    if (at > 0) out[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return out;
}

function search(table: RouteTableView): void {
  const path = $<HTMLInputElement>('path').value.trim();
  const out = $('result');
  if (!path.startsWith('/')) {
    out.innerHTML = '<p class="problem">A request path starts with <code>/</code>.</p>';
    return;
  }
  const { winner, losers } = explain(path, $<HTMLSelectElement>('method').value, parseHeaders($<HTMLTextAreaElement>('headers').value));
  const parts: string[] = [];
  parts.push(winner
    ? `<p class="winner"><span class="label">Winner</span> ${describeHit(winner)}</p>`
    : '<p class="problem"><span class="label">No route</span> no route matches: the gateway answers 404.</p>');
  if (losers.length > 0) {
    parts.push(`<p>Also match, but lose because #${winner?.position ?? 0} comes first in Envoy's order:</p><ol class="losers">` +
      losers.map((l) => `<li>${describeHit(l)}</li>`).join('') + '</ol>');
  }
  out.innerHTML = parts.join('');
  if ($<HTMLInputElement>('filter').value !== '') showFiltered(table, '');
  table.highlight(winner?.position);
}

function showFiltered(table: RouteTableView, text: string): void {
  $<HTMLInputElement>('filter').value = text;
  const n = table.filter(text);
  $('routes-count').textContent = text === '' ? `${merged.routes.length} route(s)` : `${n} of ${merged.routes.length} route(s) contain "${text}"`;
}

function onTreeActivate(target: Element | null, table: RouteTableView): void {
  const g = target?.closest('g.node');
  const path = g?.getAttribute('data-prefix');
  if (!path || !prefixTree) return;
  const node = findNode(prefixTree, path);
  if (node && node !== prefixTree) drawTree(node, data.teams);
  $<HTMLInputElement>('path').value = path;
  showFiltered(table, node === prefixTree ? '' : path);
}

function main(): void {
  const table = new RouteTableView(merged.routes, rowOf, data.teams);
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    search(table);
  });
  $('result').addEventListener('click', (e) => {
    const button = (e.target as Element).closest('button.show-row');
    if (!button) return;
    const position = Number(button.getAttribute('data-position'));
    if ($<HTMLInputElement>('filter').value !== '') showFiltered(table, '');
    table.highlight(position);
    $('routes-scroll').focus();
  });
  let typing: number | undefined;
  $('filter').addEventListener('input', () => {
    window.clearTimeout(typing);
    typing = window.setTimeout(() => showFiltered(table, $<HTMLInputElement>('filter').value), 120);
  });
  const tree = $('tree');
  tree.addEventListener('click', (e) => onTreeActivate(e.target as Element, table));
  tree.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onTreeActivate(e.target as Element, table);
    }
  });
  $('tree-up').addEventListener('click', () => {
    if (prefixTree) drawTree(prefixTree, data.teams);
    showFiltered(table, '');
  });
  performance.mark('kfaas-map:drawn');
  window.kfaasExplain = (path, method = 'GET', headers = {}) => {
    const start = performance.now();
    const { winner, losers } = explain(path, method, headers);
    return { winner: winner?.routeName, losers: losers.map((l) => l.routeName ?? ''), ms: performance.now() - start };
  };
  // Interactive once the first frame with the search box and the table is on screen: the frame callback runs
  // before that paint, the task it queues after it. The tree follows in a task of its own.
  afterNextPaint(() => {
    window.kfaasReadyAt = performance.now();
    window.kfaasReady = true;
    // When the page is idle: a search typed meanwhile answers (and is painted) first.
    if ('requestIdleCallback' in window) requestIdleCallback(drawTreeLater, { timeout: 2000 });
    else setTimeout(drawTreeLater, 0);
  });
}

function afterNextPaint(then: () => void): void {
  requestAnimationFrame(() => setTimeout(then, 0));
}

/** Builds and draws the prefix tree, which the search and the table do not need, after the first frame. */
function drawTreeLater(): void {
  const routes = merged.routes.map((r) => ({ team: sources.get(r.routeName ?? '')?.team ?? '', kind: r.condition.kind, value: r.condition.value, catchAll: r.catchAll }));
  prefixTree = buildPrefixTree(routes, data.owned);
  drawTree(prefixTree, data.teams);
  performance.mark('kfaas-map:tree');
  afterNextPaint(() => (window.kfaasTreeReady = true));
}

main();
