/// <reference lib="dom" />
/**
 * The route map's page script, bundled for the browser with the explain engine itself (src/explain), so a search
 * answers exactly as `kfaas explain` does. Reads `window.KFAAS_MAP` (one environment, written by `kfaas map`).
 */
import { explainPath, RouteHit } from '../../explain/explain';
import { mergeVirtualHost } from '../../explain/merge';
import { RouteIndex } from '../../explain/route-index';
import type { EnvironmentMap } from '../map-data';
import type { PrefixNode } from '../prefix-tree';

declare global {
  interface Window {
    KFAAS_MAP: EnvironmentMap;
    /** For tests and the curious: explain a request in this environment, as the search box does. */
    kfaasExplain: (path: string, method?: string, headers?: Record<string, string>) => { winner?: string; losers: string[]; ms: number };
    kfaasReady: boolean;
    /** `performance.now()` when the page became interactive (table, tree and search ready). */
    kfaasReadyAt: number;
  }
}

const data = window.KFAAS_MAP;
const merged = mergeVirtualHost(data.objects, { host: data.host, gateway: data.gateway });
const index = new RouteIndex(merged);
const byPosition = new Map(data.routes.map((r) => [r.position, r]));

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function teamBadge(team: string): string {
  const colour = data.teams[team] ?? '#666666';
  return `<span class="team" style="background:${colour}">${escapeHtml(team || '?')}</span>`;
}

function describeHit(hit: RouteHit): string {
  const r = byPosition.get(hit.position + 1);
  const to = hit.destinations.length > 0
    ? hit.destinations.map((d) => `${escapeHtml(d.authority)}${hit.destinations.length > 1 ? ` (${d.weight}%)` : ''}, path ${escapeHtml(d.path)}`).join('; ')
    : escapeHtml(hit.action);
  return `#${hit.position + 1} route <strong>${escapeHtml(hit.routeName ?? '')}</strong> ${r ? teamBadge(r.team) : ''} ` +
    `${escapeHtml(r?.match ?? '')}${r?.conditions ? ` with ${escapeHtml(r.conditions)}` : ''} ` +
    `<span class="source">${escapeHtml(r?.source ?? '')}</span><br>&rarr; ${to}`;
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

function search(): void {
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
    parts.push(`<p>Also match, but lose because #${(winner?.position ?? 0) + 1} comes first in Envoy's order:</p><ol class="losers">` +
      losers.map((l) => `<li>${describeHit(l)}</li>`).join('') + '</ol>');
  }
  out.innerHTML = parts.join('');
  document.querySelectorAll('tr.hit').forEach((tr) => tr.classList.remove('hit'));
  if (winner) document.getElementById(`route-${winner.position + 1}`)?.classList.add('hit');
}

function renderTable(): void {
  const rows = data.routes.map((r) =>
    `<tr id="route-${r.position}"${r.catchAll ? ' class="catch-all"' : ''}><td>${r.position}</td><td>${escapeHtml(r.route)}</td>` +
    `<td>${teamBadge(r.team)}</td><td class="source">${escapeHtml(r.source)}</td><td><code>${escapeHtml(r.match)}</code></td>` +
    `<td>${escapeHtml(r.conditions)}</td><td>${r.destinations.map(escapeHtml).join('<br>')}</td>` +
    `<td>${escapeHtml(r.timeout ?? '')}</td><td>${escapeHtml(r.retries ?? '')}</td></tr>`);
  $('routes-body').innerHTML = rows.join('');
}

const WIDTH = 1000;
const ROW = 26;

/** An icicle of the prefix tree: each node a bar as wide as its share of routes, children below; click to zoom. */
function renderTree(focus: PrefixNode): void {
  const svg = $('tree');
  const parts: string[] = [];
  let depth = 0;
  const draw = (node: PrefixNode, x: number, width: number, level: number): void => {
    depth = Math.max(depth, level + 1);
    const colour = node.team ? data.teams[node.team] ?? '#6b6b6b' : '#6b6b6b';
    const label = `${node.path}: ${node.size} route(s)${node.owner ? `, owned by ${node.owner}` : node.team ? `, team ${node.team}` : ''}${node.catchAll ? ', catch-all here' : ''}`;
    parts.push(`<g class="node${node.catchAll ? ' catch-all' : ''}${node.owner ? ' owned' : ''}" data-prefix="${escapeHtml(node.path)}" tabindex="0" role="button" aria-label="${escapeHtml(label)}">` +
      `<title>${escapeHtml(label)}</title><rect x="${x.toFixed(1)}" y="${level * ROW}" width="${Math.max(width - 1, 1).toFixed(1)}" height="${ROW - 2}" fill="${colour}"></rect>` +
      (width > 40 ? `<text x="${(x + 4).toFixed(1)}" y="${level * ROW + 17}">${escapeHtml(node.label)}${node.catchAll ? ' *' : ''}</text>` : '') + '</g>');
    let cx = x;
    for (const child of node.children) {
      const w = node.size > 0 ? (width * child.size) / node.size : width / node.children.length;
      // Owned prefixes are always drawn (and findable), however few routes they hold.
      if (w >= 2 || child.owner) draw(child, cx, Math.max(w, 2), level + 1);
      cx += w;
    }
  };
  draw(focus, 0, WIDTH, 0);
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${depth * ROW}`);
  svg.setAttribute('height', String(depth * ROW));
  svg.innerHTML = parts.join('');
  $('tree-focus').textContent = focus.path;
}

function findNode(node: PrefixNode, path: string): PrefixNode | undefined {
  if (node.path === path) return node;
  for (const c of node.children) if (path.startsWith(c.path)) return findNode(c, path);
  return undefined;
}

function onTreeActivate(target: Element | null): void {
  const g = target?.closest('g.node');
  const path = g?.getAttribute('data-prefix');
  if (!path) return;
  const node = findNode(data.tree, path);
  if (node && node !== data.tree) renderTree(node);
  $<HTMLInputElement>('path').value = path;
}

function main(): void {
  renderTable();
  renderTree(data.tree);
  $('warnings').innerHTML = data.warnings.length > 0 ? data.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('') : '<li>none</li>';
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    search();
  });
  const tree = $('tree');
  tree.addEventListener('click', (e) => onTreeActivate(e.target as Element));
  tree.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onTreeActivate(e.target as Element);
    }
  });
  $('tree-up').addEventListener('click', () => renderTree(data.tree));
  window.kfaasExplain = (path, method = 'GET', headers = {}) => {
    const start = performance.now();
    const { winner, losers } = explain(path, method, headers);
    return { winner: winner?.routeName, losers: losers.map((l) => l.routeName ?? ''), ms: performance.now() - start };
  };
  window.kfaasReadyAt = performance.now();
  window.kfaasReady = true;
}

main();
