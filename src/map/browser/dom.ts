/// <reference lib="dom" />
/** Small DOM helpers of the route map's page. */

export const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A team's name on its colour (white text, AA contrast with every palette colour). */
export function teamBadge(team: string, colours: Readonly<Record<string, string>>): string {
  const colour = colours[team] ?? '#666666';
  return `<span class="team" style="background:${colour}">${escapeHtml(team || '?')}</span>`;
}
