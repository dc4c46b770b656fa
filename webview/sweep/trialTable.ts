// The trials table. Updated in place several times a second: rows are keyed by trial index, a cell's text
// is written only when it changed and rows are moved only when the order changed, so nothing flickers and
// focus and selection stay where they were.
import type { TrialSortKey } from '../../src/protocol/sweepPanel.js';
import { el, icon } from '../shared/element.js';
import { formatScore, formatSeconds, modelLabel, rowTooltip } from './sweepModel.js';
import type { TrialRow } from './sweepModel.js';

const COLUMNS: { key: TrialSortKey | null; label: string; className: string }[] = [
  { key: 'index', label: '#', className: 'col-index num' },
  { key: 'model', label: 'Model', className: 'col-model' },
  { key: null, label: 'Parameters', className: 'col-params' },
  { key: 'score', label: 'Score', className: 'col-score num' },
  { key: 'seconds', label: 'Duration', className: 'col-seconds num' },
  { key: 'status', label: 'Status', className: 'col-status' },
  // Shown only for distributed sweeps (the table's with-worker class, see showWorkerColumn).
  { key: null, label: 'Worker', className: 'col-worker' },
];

const STATUS_ICONS: Record<TrialRow['status'], string> = { running: 'sync', done: 'pass', failed: 'error', pruned: 'debug-step-over' };

interface RowCells {
  tr: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
  statusIcon: HTMLElement;
  statusText: Text;
  key: string;
}

export interface TrialTableEvents {
  sort(key: TrialSortKey): void;
  select(index: number | null): void;
}

export class TrialTable {
  readonly element: HTMLElement;
  private readonly tbody = el('tbody', null);
  private readonly headers = new Map<TrialSortKey, { th: HTMLTableCellElement; arrow: HTMLElement }>();
  private readonly rows = new Map<number, RowCells>();
  private order: number[] = [];
  private selected: number | null = null;
  private readonly empty = el('p', { class: 'dim empty-table' }, 'No trials have finished yet.');
  private readonly table: HTMLTableElement;

  constructor(private readonly events: TrialTableEvents) {
    const headRow = el('tr', null);
    for (const c of COLUMNS) {
      if (!c.key) {
        headRow.append(el('th', { class: c.className, attrs: { scope: 'col' } }, c.label));
        continue;
      }
      const key = c.key;
      const arrow = el('span', { class: 'sort-arrow', attrs: { 'aria-hidden': 'true' } });
      const button = el('button', { class: 'sort-button', attrs: { type: 'button', 'aria-label': `Sort by ${c.label === '#' ? 'trial number' : c.label.toLowerCase()}` }, on: { click: () => this.events.sort(key) } }, c.label, arrow);
      const th = el('th', { class: c.className, attrs: { scope: 'col', 'aria-sort': 'none' } }, button);
      this.headers.set(key, { th, arrow });
      headRow.append(th);
    }
    const table = el('table', { class: 'trials', attrs: { 'aria-label': 'Trials', 'aria-rowcount': 0 } }, el('thead', null, headRow), this.tbody);
    this.table = table;
    // Arrow keys move between rows; Enter/Space select (selection highlights the trial in the chart).
    this.tbody.addEventListener('keydown', (e) => this.onKey(e));
    this.element = el('div', { class: 'table-scroller' }, table, this.empty);
  }

  setSort(key: TrialSortKey, descending: boolean): void {
    for (const [k, h] of this.headers) {
      const active = k === key;
      h.th.setAttribute('aria-sort', active ? (descending ? 'descending' : 'ascending') : 'none');
      h.arrow.className = active ? `sort-arrow codicon codicon-${descending ? 'arrow-down' : 'arrow-up'}` : 'sort-arrow';
    }
  }

  /** The Worker column (hidden by CSS unless the table has the with-worker class). */
  showWorkerColumn(show: boolean): void {
    this.table.classList.toggle('with-worker', show);
  }

  setSelected(index: number | null): void {
    this.selected = index;
    for (const [i, r] of this.rows) r.tr.setAttribute('aria-selected', i === index ? 'true' : 'false');
  }

  /** Brings a trial's row into view (a point clicked in the chart); false when it is not in the table. */
  reveal(index: number): boolean {
    const tr = this.rows.get(index)?.tr;
    if (!tr) return false;
    tr.scrollIntoView({ block: 'nearest' });
    return true;
  }

  /** Rows in display order. */
  update(rows: readonly TrialRow[]): void {
    const seen = new Set<number>();
    for (const row of rows) {
      seen.add(row.index);
      let r = this.rows.get(row.index);
      if (!r) {
        r = this.makeRow(row.index);
        this.rows.set(row.index, r);
      }
      this.fill(r, row);
    }
    for (const [i, r] of this.rows) {
      if (seen.has(i)) continue;
      r.tr.remove();
      this.rows.delete(i);
    }
    const order = rows.map((r) => r.index);
    if (order.length !== this.order.length || order.some((x, i) => x !== this.order[i])) {
      // From the end, move a row only when the one after it is not the right one: a new trial at the top
      // is one insert, not thousands of moves (a moved node keeps its focus).
      let next: ChildNode | null = null;
      for (let i = order.length - 1; i >= 0; i--) {
        const tr = (this.rows.get(order[i] as number) as RowCells).tr;
        if (tr.parentNode !== this.tbody || tr.nextSibling !== next) this.tbody.insertBefore(tr, next);
        next = tr;
      }
      this.order = order;
    }
    this.empty.hidden = rows.length > 0;
    this.tbody.parentElement?.setAttribute('aria-rowcount', String(rows.length + 1));
  }

  private makeRow(index: number): RowCells {
    const statusIcon = icon('pass');
    const statusText = document.createTextNode('');
    const cells = COLUMNS.map((c) => el('td', { class: c.className }));
    (cells[5] as HTMLTableCellElement).append(statusIcon, ' ', statusText);
    const tr = el(
      'tr',
      { attrs: { tabindex: -1, 'aria-selected': index === this.selected ? 'true' : 'false', 'data-index': index }, on: { click: () => this.toggle(index) } },
      ...cells,
    );
    return { tr, cells, statusIcon, statusText, key: '' };
  }

  private fill(r: RowCells, row: TrialRow): void {
    // Running rows change every second (duration); the rest only when the trial finishes.
    const key = `${row.status}|${row.model}|${row.params}|${row.score}|${row.spread}|${row.seconds.toFixed(1)}|${row.best}|${row.detail}|${row.worker}`;
    if (key === r.key) return;
    r.key = key;
    const [index, model, params, score, seconds, , worker] = r.cells as [HTMLTableCellElement, HTMLTableCellElement, HTMLTableCellElement, HTMLTableCellElement, HTMLTableCellElement, HTMLTableCellElement, HTMLTableCellElement];
    setText(index, String(row.index));
    setText(model, modelLabel(row.model));
    setText(params, row.params || (row.status === 'running' ? '…' : ''));
    params.title = row.params;
    setText(score, row.score === null ? '—' : row.spread === null ? formatScore(row.score) : `${formatScore(row.score)} ± ${formatScore(row.spread)}`);
    setText(seconds, formatSeconds(row.seconds));
    r.statusIcon.className = `codicon codicon-${STATUS_ICONS[row.status]}${row.status === 'running' ? ' codicon-modifier-spin' : ''}`;
    r.statusText.data = row.best ? `${row.status} · best` : row.status;
    setText(worker, row.worker ?? '');
    r.tr.title = rowTooltip(row);
    r.tr.className = `status-${row.status}${row.best ? ' best' : ''}`;
  }

  private toggle(index: number): void {
    const next = this.selected === index ? null : index;
    this.setSelected(next);
    this.events.select(next);
  }

  private onKey(e: KeyboardEvent): void {
    const tr = (e.target as HTMLElement).closest('tr');
    if (!tr) return;
    const at = this.order.indexOf(Number(tr.dataset.index));
    let to: number;
    if (e.key === 'ArrowDown') to = Math.min(this.order.length - 1, at + 1);
    else if (e.key === 'ArrowUp') to = Math.max(0, at - 1);
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = this.order.length - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.toggle(Number(tr.dataset.index));
      return;
    } else return;
    e.preventDefault();
    this.focusRow(to);
  }

  private focusRow(position: number): void {
    const index = this.order[position];
    if (index === undefined) return;
    for (const r of this.rows.values()) r.tr.tabIndex = -1;
    const tr = this.rows.get(index)?.tr;
    if (!tr) return;
    tr.tabIndex = 0;
    tr.focus();
  }

  /** One row is the Tab stop into the body (roving tabindex); the first by default. */
  ensureTabStop(): void {
    if ([...this.rows.values()].some((r) => r.tr.tabIndex === 0)) return;
    const first = this.rows.get(this.order[0] as number);
    if (first) first.tr.tabIndex = 0;
  }
}

function setText(cell: HTMLElement, text: string): void {
  if (cell.textContent !== text) cell.textContent = text;
}
