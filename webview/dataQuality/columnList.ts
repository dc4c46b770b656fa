// The sortable, filterable column list. Virtualised: only the rows in view (plus a few) exist in the DOM,
// so 5,000 columns scroll as smoothly as 15. Keyboard: arrows, Page Up/Down, Home/End move the active row,
// Enter or Space opens it; the listbox keeps focus and points at the active row with aria-activedescendant.
import type { ColumnProfile } from '../../src/protocol/profile.js';
import type { SortKey } from '../../src/protocol/dataQualityPanel.js';
import { approx, formatCount, formatPercent } from '../../src/protocol/profileFormat.js';
import { clear, el, icon } from '../shared/element.js';
import type { ThemeColors } from '../shared/theme.js';
import type { ColumnWarnings } from './columnQuery.js';
import { moveActive, scrollToReveal, visibleRange } from './columnQuery.js';
import { SEVERITY_ICON, SEVERITY_LABEL, TYPE_ICON, TYPE_LABEL } from './columnTypes.js';
import { drawSparkline } from './sparkline.js';

const ROW_HEIGHT = 26;
const SPARK_WIDTH = 72;
const SPARK_HEIGHT = 14;

interface SortHeader {
  key: SortKey | null;
  label: string;
  className: string;
  title: string;
}

const HEADERS: SortHeader[] = [
  { key: 'index', label: '#', className: 'c-index', title: 'Sort by position in the file' },
  { key: 'name', label: 'Name', className: 'c-name', title: 'Sort by name' },
  { key: 'type', label: 'Type', className: 'c-type', title: 'Sort by type' },
  { key: 'missingPct', label: 'Missing', className: 'c-missing', title: 'Sort by missing share' },
  { key: 'distinct', label: 'Distinct', className: 'c-distinct', title: 'Sort by distinct values' },
  { key: null, label: 'Distribution', className: 'c-spark', title: '' },
  { key: 'warnings', label: '', className: 'c-warn', title: 'Sort by warnings' },
];

export interface ColumnListEvents {
  select(name: string): void;
  sort(key: SortKey): void;
  scroll(scrollTop: number): void;
}

export class ColumnList {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly empty: HTMLElement;
  private columns: ColumnProfile[] = [];
  private warnings = new Map<string, ColumnWarnings>();
  private selected: string | null = null;
  private active = -1;
  private readonly rows = new Map<number, HTMLElement>();
  private frame = 0;
  private readonly idPrefix = `col-${Math.random().toString(36).slice(2, 8)}-`;

  constructor(
    private readonly events: ColumnListEvents,
    private theme: ThemeColors,
  ) {
    this.header = el('div', { class: 'list-header', attrs: { role: 'group', 'aria-label': 'Sort columns' } });
    this.spacer = el('div', { class: 'list-spacer' });
    this.empty = el('div', { class: 'list-empty', attrs: { hidden: true } }, 'No columns match the filter.');
    this.scroller = el(
      'div',
      {
        class: 'list-scroller',
        attrs: { role: 'listbox', tabindex: 0, 'aria-label': 'Columns' },
        on: {
          scroll: () => {
            this.schedule();
            this.events.scroll(this.scroller.scrollTop);
          },
          keydown: (e) => this.onKey(e),
          focus: () => {
            if (this.active < 0 && this.columns.length > 0) this.setActive(Math.max(0, this.indexOf(this.selected)));
          },
        },
      },
      this.spacer,
    );
    this.element = el('div', { class: 'column-list' }, this.header, this.scroller, this.empty);
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
  }

  setColumns(columns: ColumnProfile[], warnings: Map<string, ColumnWarnings>, selected: string | null, sort: { key: SortKey; descending: boolean }): void {
    this.columns = columns;
    this.warnings = warnings;
    this.selected = selected;
    // Rows moved (new sort or filter): the keyboard cursor follows the selected column.
    this.active = this.indexOf(selected);
    if (this.active >= 0) this.scroller.setAttribute('aria-activedescendant', `${this.idPrefix}${this.active}`);
    else this.scroller.removeAttribute('aria-activedescendant');
    this.renderHeader(sort);
    this.spacer.style.height = `${columns.length * ROW_HEIGHT}px`;
    this.empty.hidden = columns.length > 0;
    this.scroller.setAttribute('aria-rowcount', String(columns.length));
    for (const row of this.rows.values()) row.remove();
    this.rows.clear();
    this.render();
  }

  setSelected(name: string | null): void {
    this.selected = name;
    for (const [i, row] of this.rows) this.paintSelection(row, i);
  }

  setTheme(theme: ThemeColors): void {
    this.theme = theme;
    for (const [i, row] of this.rows) {
      const canvas = row.querySelector('canvas');
      const c = this.columns[i];
      if (canvas && c) drawSparkline(canvas, c, theme, SPARK_WIDTH, SPARK_HEIGHT);
    }
  }

  get scrollTop(): number {
    return this.scroller.scrollTop;
  }

  restoreScroll(top: number): void {
    this.scroller.scrollTop = top;
    this.render();
  }

  /** Scrolls the selected column into view (after a warning link opened it). */
  revealSelected(): void {
    const i = this.indexOf(this.selected);
    if (i < 0) return;
    this.setActive(i);
  }

  focus(): void {
    this.scroller.focus();
  }

  private indexOf(name: string | null): number {
    return name === null ? -1 : this.columns.findIndex((c) => c.name === name);
  }

  private renderHeader(sort: { key: SortKey; descending: boolean }): void {
    clear(this.header);
    for (const h of HEADERS) {
      if (h.key === null) {
        this.header.appendChild(el('span', { class: `cell ${h.className}` }, h.label));
        continue;
      }
      const key = h.key;
      const current = sort.key === key;
      const label = h.key === 'warnings' ? icon('warning') : h.label;
      this.header.appendChild(
        el(
          'button',
          {
            class: `cell sort ${h.className}${current ? ' sorted' : ''}`,
            attrs: {
              type: 'button',
              title: h.title,
              'aria-label': `${h.title}${current ? (sort.descending ? ', sorted descending' : ', sorted ascending') : ''}`,
              'aria-pressed': current ? 'true' : 'false',
            },
            on: { click: () => this.events.sort(key) },
          },
          label,
          current ? icon(sort.descending ? 'arrow-down' : 'arrow-up') : null,
        ),
      );
    }
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const { start, end } = visibleRange(this.scroller.scrollTop, this.scroller.clientHeight || 600, ROW_HEIGHT, this.columns.length);
    for (const [i, row] of this.rows) {
      if (i < start || i >= end) {
        row.remove();
        this.rows.delete(i);
      }
    }
    for (let i = start; i < end; i++) {
      if (this.rows.has(i)) continue;
      const c = this.columns[i];
      if (!c) continue;
      const row = this.buildRow(c, i);
      this.rows.set(i, row);
      this.spacer.appendChild(row);
    }
  }

  private buildRow(c: ColumnProfile, i: number): HTMLElement {
    const w = this.warnings.get(c.name);
    const canvas = el('canvas', { class: 'spark', attrs: { 'aria-hidden': 'true' } });
    canvas.style.width = `${SPARK_WIDTH}px`;
    canvas.style.height = `${SPARK_HEIGHT}px`;
    drawSparkline(canvas, c, this.theme, SPARK_WIDTH, SPARK_HEIGHT);
    const missingBar = el('span', { class: 'missing-bar', attrs: { 'aria-hidden': 'true' } }, el('span', { class: 'missing-fill' }));
    (missingBar.firstChild as HTMLElement).style.width = `${Math.min(100, c.missingPct)}%`;
    const distinct = approx(formatCount(c.distinct), c.distinctApprox);
    const warnText = w ? `${w.count} ${w.count === 1 ? 'warning' : 'warnings'}, worst ${SEVERITY_LABEL[w.worst ?? 'info'].toLowerCase()}` : 'no warnings';
    const row = el(
      'div',
      {
        class: 'list-row',
        attrs: {
          id: `${this.idPrefix}${i}`,
          role: 'option',
          'aria-posinset': i + 1,
          'aria-setsize': this.columns.length,
          'aria-label': `${c.name}, ${TYPE_LABEL[c.type]}, ${formatPercent(c.missingPct)} missing, ${distinct} distinct, ${warnText}`,
        },
        on: {
          click: () => {
            this.setActive(i);
            this.events.select(c.name);
          },
          mousedown: (e) => {
            // Keep keyboard focus on the listbox rather than the row.
            e.preventDefault();
            this.scroller.focus({ preventScroll: true });
          },
        },
      },
      el('span', { class: 'cell c-index' }, String(c.index + 1)),
      el('span', { class: 'cell c-name', attrs: { title: c.name } }, c.name === '' ? el('em', null, '(unnamed)') : c.name),
      el('span', { class: `cell c-type type-${c.type}` }, icon(TYPE_ICON[c.type]), TYPE_LABEL[c.type]),
      el('span', { class: `cell c-missing${c.missingPct > 0 ? '' : ' zero'}` }, missingBar, formatPercent(c.missingPct)),
      el('span', { class: 'cell c-distinct', attrs: c.distinctApprox ? { title: 'Estimated (HyperLogLog)' } : {} }, distinct),
      el('span', { class: 'cell c-spark' }, canvas),
      el('span', { class: 'cell c-warn' }, w?.worst ? el('span', { class: `sev sev-${w.worst}`, attrs: { title: warnText } }, icon(SEVERITY_ICON[w.worst])) : null),
    );
    row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    this.paintSelection(row, i);
    return row;
  }

  private paintSelection(row: HTMLElement, i: number): void {
    const c = this.columns[i];
    const selected = c !== undefined && c.name === this.selected;
    row.setAttribute('aria-selected', selected ? 'true' : 'false');
    row.classList.toggle('selected', selected);
    row.classList.toggle('active', i === this.active);
  }

  private setActive(i: number): void {
    this.active = i;
    this.scroller.scrollTop = scrollToReveal(i, ROW_HEIGHT, this.scroller.scrollTop, this.scroller.clientHeight);
    this.render();
    for (const [j, row] of this.rows) this.paintSelection(row, j);
    this.scroller.setAttribute('aria-activedescendant', `${this.idPrefix}${i}`);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' || e.key === ' ') {
      const c = this.columns[this.active];
      if (c) {
        e.preventDefault();
        this.events.select(c.name);
      }
      return;
    }
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const next = moveActive(this.active, e.key, this.columns.length, page);
    if (next === undefined) return;
    e.preventDefault();
    this.setActive(next);
  }
}
