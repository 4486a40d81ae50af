import { EnvironmentMap } from './map-data';
import { pageScript } from './bundle';

/** What the index lists of one environment. */
export interface EnvironmentSummary {
  readonly cluster: string;
  readonly environment: string;
  /**
   * The page's name when not the environment's; such a page (a business domain) is listed under its environment.
   * @default - the environment's name
   */
  readonly page?: string;
  /** @default - the environment's name */
  readonly label?: string;
  readonly namespace: string;
  readonly routes: number;
  readonly warnings: number;
}

/** The files every route map has, relative path -> content: the stylesheet and the page script. */
export function assetFiles(): Map<string, string> {
  return new Map([['assets/map.css', CSS], ['assets/app.js', pageScript()]]);
}

/**
 * One environment's page and data, relative path -> content. Pure: the CLI writes them, one environment at a
 * time, so a big project never holds every environment's data at once. The data is a JSON string parsed with
 * `JSON.parse` (much faster for the browser to load than the same object as a script literal); its records
 * (`compact-json.ts`) keep it small, since reading and parsing it is most of what the page does before it can
 * answer a search.
 */
export function environmentFiles(m: EnvironmentMap, title: string): Map<string, string> {
  // The warnings are written into the page itself.
  const json = JSON.stringify({ ...m, warnings: [] });
  const stem = m.page ?? m.environment;
  return new Map([
    [`${m.cluster}/${stem}.data.js`, `window.KFAAS_MAP = JSON.parse(${JSON.stringify(json).replace(/</g, '\\u003c')});\n`],
    [`${m.cluster}/${stem}.html`, environmentPage(m, title)],
  ]);
}

/** What the index says of an environment. */
export function summaryOf(m: EnvironmentMap): EnvironmentSummary {
  return {
    cluster: m.cluster, environment: m.environment, ...(m.page !== undefined ? { page: m.page } : {}), ...(m.label !== undefined ? { label: m.label } : {}), namespace: m.namespace, routes: m.virtualHost.routes.service.length, warnings: m.warnings.length,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, cssHref: string, body: string, scripts: readonly string[] = []): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kfaas map">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${cssHref}">
</head>
<body>
${body}
${scripts.map((s) => `<script src="${s}"></script>`).join('\n')}
</body>
</html>
`;
}

/** `index.html`: every cluster and its environments, each environment's business domains under it. */
export function indexPage(maps: readonly EnvironmentSummary[], title: string): string {
  const clusters = [...new Set(maps.map((m) => m.cluster))];
  const item = (m: EnvironmentSummary, nested: string): string =>
    `<li><a href="${encodeURI(`${m.cluster}/${m.page ?? m.environment}.html`)}">${escapeHtml(m.label ?? m.environment)}</a> ` +
    `<span class="muted">${m.routes} route(s), namespace ${escapeHtml(m.namespace)}${m.warnings > 0 ? `, ${m.warnings} warning(s)` : ''}</span>${nested}</li>`;
  const sections = clusters.map((c) => {
    const pages = maps.filter((m) => m.cluster === c);
    const items = pages.filter((m) => m.page === undefined).map((m) => {
      const domains = pages.filter((d) => d.page !== undefined && d.environment === m.environment);
      return item(m, domains.length > 0 ? `<ul>${domains.map((d) => item(d, '')).join('')}</ul>` : '');
    });
    return `<section><h2>${escapeHtml(c)}</h2><ul>${items.join('')}</ul></section>`;
  });
  return page(title, 'assets/map.css', `<header><h1>${escapeHtml(title)}</h1><p>Routes per cluster and environment (with the business domains it serves, and the Java export host functions call), in the order Envoy tries them. Pick one to search it.</p></header>
<main>${sections.join('\n')}</main>`);
}

/** Table columns: header, width (fixed layout, so rows scrolling in never move the columns). */
const COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['#', '4.5em'], ['Route', '14%'], ['Team', '8%'], ['Source', '14%'], ['Match', '19%'], ['Conditions', '11%'],
  ['Destination (authority, weight)', '19%'], ['Timeout', '5.5em'], ['Retries', '10%'],
];

function environmentPage(m: EnvironmentMap, title: string): string {
  const heading = `${m.cluster} / ${m.label ?? m.environment}`;
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
  const count = m.virtualHost.routes.service.length;
  const legend = Object.entries(m.teams)
    .map(([t, c]) => `<li><span class="swatch" style="background:${c}"></span>${escapeHtml(t)}${m.owned[t] ? ` <span class="muted">owns ${m.owned[t].map(escapeHtml).join(', ')}</span>` : ''}</li>`)
    .join('');
  const warnings = m.warnings.length > 0 ? m.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('') : '<li>none</li>';
  const body = `<header><p><a href="../index.html">${escapeHtml(title)}</a></p>
<h1>${escapeHtml(heading)}</h1>
<p class="muted">Host <code>${escapeHtml(m.host)}</code> on gateway <code>${escapeHtml(m.gateway)}</code>, namespace ${escapeHtml(m.namespace)}, ${count} route(s)${m.routing ? ` from ${escapeHtml(m.routing)}` : ''}</p></header>
<main>
<section aria-labelledby="search-h"><h2 id="search-h">Which route takes a request?</h2>
<form id="search-form" role="search">
<div class="field"><label for="path">Request path</label><input id="path" name="path" type="text" required placeholder="/faas/api/..." autocomplete="off" spellcheck="false"></div>
<div class="field"><label for="method">Method</label><select id="method">${methods.map((x) => `<option>${x}</option>`).join('')}</select></div>
<div class="field"><label for="headers">Headers <span class="muted">(name: value, one per line)</span></label><textarea id="headers" rows="2" spellcheck="false"></textarea></div>
<button type="submit">Explain</button>
</form>
<div id="result" aria-live="polite"></div>
</section>
<section aria-labelledby="tree-h"><h2 id="tree-h">Prefix tree</h2>
<p class="muted">Bars are as wide as the routes under a prefix, coloured by team; <code>*</code> marks a catch-all. Click or press Enter on a bar to zoom in, search it and list its routes. Showing <code id="tree-focus">/</code> <button type="button" id="tree-up">Whole tree</button></p>
<ul class="legend">${legend}</ul>
<svg id="tree" role="group" aria-label="Prefix tree of the routes" width="100%" preserveAspectRatio="none"></svg>
</section>
<section aria-labelledby="routes-h"><h2 id="routes-h">Routes in Envoy's order</h2>
<div class="field"><label for="filter">Show routes containing <span class="muted">(route, team, path or file)</span></label><input id="filter" type="search" autocomplete="off" spellcheck="false"></div>
<p class="muted">Envoy tries them top to bottom; <code>#</code> is the position <code>kfaas explain</code> reports (from 0).</p>
<p id="routes-count" class="muted" aria-live="polite">${count} route(s)</p>
<div class="table-wrap" id="routes-scroll" tabindex="0" role="region" aria-labelledby="routes-h">
<table id="routes" aria-rowcount="${count + 1}"><colgroup>${COLUMNS.map(([, w]) => `<col style="width:${w}">`).join('')}</colgroup>
<thead><tr aria-rowindex="1">${COLUMNS.map(([h]) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody id="routes-body"></tbody></table></div>
</section>
<section aria-labelledby="warnings-h"><h2 id="warnings-h">Warnings</h2><ul id="warnings">${warnings}</ul></section>
</main>`;
  return page(`${heading}: ${title}`, '../assets/map.css', body, [`${encodeURIComponent(m.page ?? m.environment)}.data.js`, '../assets/app.js']);
}

/** System fonts only (no downloads); colours chosen for 4.5:1 contrast. */
const CSS = `:root { color-scheme: light; --fg: #1a1a1a; --muted: #505050; --line: #d0d0d0; --hit: #fff3b0; --focus: #005fcc; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 1rem 1.5rem 3rem; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
h1 { font-size: 1.5rem; margin: .25rem 0; } h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
a { color: #0645ad; } .muted { color: var(--muted); } code { font: 13px/1.3 ui-monospace, Menlo, Consolas, monospace; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
form { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-end; }
.field { display: flex; flex-direction: column; gap: .2rem; } .field label { font-weight: 600; }
input, select, textarea, button { font: inherit; padding: .35rem .5rem; border: 1px solid #767676; border-radius: 4px; color: var(--fg); background: #fff; }
#path { width: 28rem; max-width: 80vw; } textarea { width: 18rem; }
button { background: #0b57d0; color: #fff; border-color: #0b57d0; cursor: pointer; } #tree-up { background: #fff; color: #0b57d0; padding: .1rem .5rem; }
#result { margin-top: .75rem; } .winner, .problem { padding: .5rem .75rem; border-left: 4px solid #1b7f3b; background: #f1f8f3; }
.problem { border-color: #b3261e; background: #fcefee; } .label { font-weight: 700; margin-right: .4rem; }
.team { display: inline-block; padding: 0 .4rem; border-radius: 3px; color: #fff; font-size: 12px; font-weight: 600; }
.source { color: var(--muted); font-size: 13px; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; margin: .25rem 0 .5rem; }
.swatch { display: inline-block; width: .9rem; height: .9rem; border-radius: 2px; margin-right: .3rem; vertical-align: -2px; }
#tree { display: block; border: 1px solid var(--line); } #tree text { fill: #fff; font-size: 12px; pointer-events: none; }
#tree g.node { cursor: pointer; } #tree g.node:focus rect, #tree g.node:hover rect { stroke: #000; stroke-width: 2; }
#tree g.catch-all rect { stroke: #b3261e; stroke-width: 2; stroke-dasharray: 4 2; }
.table-wrap { overflow: auto; max-height: 75vh; border: 1px solid var(--line); margin-top: .5rem; }
table { border-collapse: collapse; width: 100%; min-width: 1150px; table-layout: fixed; font-size: 13px; }
th, td { text-align: left; padding: 0 .4rem; border-bottom: 1px solid var(--line); height: 28px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
thead th { position: sticky; top: 0; z-index: 1; background: #f4f4f4; } tr.hit td { background: var(--hit); } tr.catch-all td:first-child { border-left: 3px solid #b3261e; }
tr.gap td { padding: 0; border: 0; } #filter { width: 24rem; max-width: 80vw; }
.losers li { margin: .2rem 0; } .show-row { margin-left: .4rem; padding: 0 .4rem; font-size: 12px; background: #fff; color: #0b57d0; }
`;
