/// <reference lib="dom" />
import type { PrefixNode } from '../prefix-tree';
import { $, escapeHtml } from './dom';

const WIDTH = 1000;
const ROW = 26;

/**
 * The prefix tree as an icicle: each prefix a bar as wide as its share of routes, children below, coloured by
 * team. Bars narrower than 2 px are left out (owned prefixes never are), so the drawing stays small however
 * many routes there are. Each bar is a keyboard-focusable button.
 */
export function drawTree(focus: PrefixNode, colours: Readonly<Record<string, string>>): void {
  const svg = $('tree');
  const parts: string[] = [];
  let depth = 0;
  const draw = (node: PrefixNode, x: number, width: number, level: number): void => {
    depth = Math.max(depth, level + 1);
    const colour = node.team ? colours[node.team] ?? '#6b6b6b' : '#6b6b6b';
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

/** The node of `path` under `node`, if the tree has one. */
export function findNode(node: PrefixNode, path: string): PrefixNode | undefined {
  if (node.path === path) return node;
  for (const c of node.children) if (path.startsWith(c.path)) return findNode(c, path);
  return undefined;
}
