/// <reference lib="dom" />
import type { MergedRoute } from '../../explain/merge';
import { RouteRow } from '../route-row';
import { $, escapeHtml, teamBadge } from './dom';

/** Height of one table row in CSS pixels (`td { height }` in map.css). */
const ROW_HEIGHT = 28;
/** Rows drawn above and below the visible ones, so fast scrolling rarely shows a gap. */
const OVERSCAN = 12;

/**
 * The routes table, virtualized: only the rows in view (plus a margin) are in the DOM, between two spacer rows
 * that keep the scroll height, so a 7,000-route environment costs the browser no more than a small one. Rows
 * are formatted as they scroll in. Screen readers get each row's place from `aria-rowindex`.
 */
export class RouteTableView {
  private readonly body = $('routes-body');
  private readonly scroller = $('routes-scroll');
  private readonly texts: string[];
  private shown: number[];
  private first = -1;
  private last = -1;
  private hit: number | undefined;
  private pending = false;

  public constructor(
    private readonly routes: readonly MergedRoute[],
    private readonly row: (route: MergedRoute) => RouteRow,
    private readonly colours: Readonly<Record<string, string>>,
  ) {
    this.shown = routes.map((_, i) => i);
    this.texts = [];
    this.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    window.addEventListener('resize', () => this.schedule(), { passive: true });
    this.render(true, true);
  }

  /** Shows only the routes whose route name, team, match or source contains `text` (case-insensitive). */
  public filter(text: string): number {
    const needle = text.trim().toLowerCase();
    if (needle === '') this.shown = this.routes.map((_, i) => i);
    else {
      if (this.texts.length === 0) {
        for (const r of this.routes) {
          const row = this.row(r);
          this.texts.push(`${row.route}\n${row.team}\n${row.match}\n${row.source}`.toLowerCase());
        }
      }
      this.shown = this.texts.flatMap((t, i) => (t.includes(needle) ? [i] : []));
    }
    this.scroller.scrollTop = 0;
    $('routes').setAttribute('aria-rowcount', String(this.shown.length + 1));
    this.render(true);
    return this.shown.length;
  }

  /** Marks the route at `position` (0-based) and scrolls it into view, if the filter shows it. */
  public highlight(position: number | undefined): void {
    this.hit = position;
    const at = position === undefined ? -1 : this.shown.indexOf(position);
    if (at >= 0) {
      const top = at * ROW_HEIGHT;
      const view = this.scroller.clientHeight - ROW_HEIGHT;
      if (top < this.scroller.scrollTop || top > this.scroller.scrollTop + view) this.scroller.scrollTop = Math.max(0, top - view / 2);
    }
    this.render(true);
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render(false);
    });
  }

  /**
   * @param initial the first render, while the page loads: as many rows as the screen is high (the table is
   * never higher), without asking the layout for the table's height and scroll position, which would make the
   * browser lay the page out once more before its first frame
   */
  private render(force: boolean, initial = false): void {
    const visible = Math.ceil((initial ? screen.height : this.scroller.clientHeight || 600) / ROW_HEIGHT);
    const top = initial ? 0 : Math.floor(this.scroller.scrollTop / ROW_HEIGHT);
    const first = Math.max(0, top - OVERSCAN);
    const last = Math.min(this.shown.length, top + visible + OVERSCAN);
    if (!force && first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    const rows: string[] = [];
    if (first > 0) rows.push(`<tr class="gap" aria-hidden="true"><td colspan="9" style="height:${first * ROW_HEIGHT}px"></td></tr>`);
    for (let i = first; i < last; i++) rows.push(this.rowHtml(this.shown[i]));
    const after = this.shown.length - last;
    if (after > 0) rows.push(`<tr class="gap" aria-hidden="true"><td colspan="9" style="height:${after * ROW_HEIGHT}px"></td></tr>`);
    if (this.shown.length === 0) rows.push('<tr><td colspan="9">No route matches the filter.</td></tr>');
    this.body.innerHTML = rows.join('');
  }

  private rowHtml(index: number): string {
    const r = this.row(this.routes[index]);
    const classes = [r.catchAll ? 'catch-all' : '', this.hit === index ? 'hit' : ''].filter(Boolean).join(' ');
    const cell = (text: string, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''} title="${escapeHtml(text)}">${escapeHtml(text)}</td>`;
    const destinations = r.destinations.join(', ');
    return `<tr id="route-${r.position}" aria-rowindex="${r.position + 2}"${classes ? ` class="${classes}"` : ''}>` +
      `<td>${r.position}</td>${cell(r.route)}<td>${teamBadge(r.team, this.colours)}</td>${cell(r.source, 'source')}` +
      `<td title="${escapeHtml(r.match)}"><code>${escapeHtml(r.match)}</code></td>${cell(r.conditions)}${cell(destinations)}` +
      `${cell(r.timeout ?? '')}${cell(r.retries ?? '')}</tr>`;
  }
}
