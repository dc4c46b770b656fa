// The column list's logic, free of the DOM so it is unit-tested in plain Node: which columns match the
// filter, in which order, which rows are on screen, where the arrow keys move.
import type { ColumnProfile, ColumnType, DataWarning, DatasetProfile, WarningSeverity } from '../../src/protocol/profile.js';
import type { SortKey } from '../../src/protocol/dataQualityPanel.js';

export interface ColumnWarnings {
  count: number;
  worst: WarningSeverity | null;
  list: DataWarning[];
}

const SEVERITY_RANK: Record<WarningSeverity, number> = { error: 3, warning: 2, info: 1 };
const TYPE_ORDER: Record<ColumnType, number> = { numeric: 0, datetime: 1, categorical: 2, boolean: 3, text: 4 };

/** Warnings per column name; a warning about a pair counts for both columns. */
export function warningsByColumn(profile: DatasetProfile): Map<string, ColumnWarnings> {
  const out = new Map<string, ColumnWarnings>();
  for (const w of profile.warnings) {
    const names = new Set([w.column, ...w.columns].filter((c): c is string => c !== null));
    for (const name of names) {
      const entry = out.get(name) ?? { count: 0, worst: null, list: [] };
      entry.count++;
      entry.list.push(w);
      if (entry.worst === null || SEVERITY_RANK[w.severity] > SEVERITY_RANK[entry.worst]) entry.worst = w.severity;
      out.set(name, entry);
    }
  }
  return out;
}

export interface ColumnQuery {
  filter: string;
  /** A ColumnType, or '' for all. */
  typeFilter: string;
  sortKey: SortKey;
  sortDescending: boolean;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compare(a: ColumnProfile, b: ColumnProfile, key: SortKey, warnings: Map<string, ColumnWarnings>): number {
  switch (key) {
    case 'index':
      return a.index - b.index;
    case 'name':
      return collator.compare(a.name, b.name);
    case 'type':
      return TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
    case 'missingPct':
      return a.missingPct - b.missingPct;
    case 'distinct':
      return a.distinct - b.distinct;
    case 'warnings': {
      const wa = warnings.get(a.name);
      const wb = warnings.get(b.name);
      const rank = (wa?.worst ? SEVERITY_RANK[wa.worst] : 0) - (wb?.worst ? SEVERITY_RANK[wb.worst] : 0);
      return rank !== 0 ? rank : (wa?.count ?? 0) - (wb?.count ?? 0);
    }
  }
}

/** Filter (case-insensitive substring of the name) then sort; ties keep file order whatever the direction. */
export function queryColumns(columns: readonly ColumnProfile[], query: ColumnQuery, warnings: Map<string, ColumnWarnings>): ColumnProfile[] {
  const needle = query.filter.trim().toLowerCase();
  const matching = columns.filter((c) => (query.typeFilter === '' || c.type === query.typeFilter) && (needle === '' || c.name.toLowerCase().includes(needle)));
  const sign = query.sortDescending ? -1 : 1;
  return matching.sort((a, b) => sign * compare(a, b, query.sortKey, warnings) || a.index - b.index);
}

/** Clicking the current sort key flips it; a new key starts in its natural direction (biggest first for measures). */
export function nextSort(current: { sortKey: SortKey; sortDescending: boolean }, key: SortKey): { sortKey: SortKey; sortDescending: boolean } {
  if (current.sortKey === key) return { sortKey: key, sortDescending: !current.sortDescending };
  return { sortKey: key, sortDescending: key === 'missingPct' || key === 'distinct' || key === 'warnings' };
}

/** Rows to render for a scroll position, with a few extra either side so fast scrolling shows no gaps. */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 6): { start: number; end: number } {
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const inView = Math.ceil(Math.max(0, viewportHeight) / rowHeight);
  // A scroll offset past the end (the list just shrank) shows the last rows, not an empty window.
  const first = Math.min(Math.floor(Math.max(0, scrollTop) / rowHeight), Math.max(0, count - inView));
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + inView + overscan);
  return { start, end };
}

/** Where the active row goes for a key press; undefined for keys the list does not handle. */
export function moveActive(active: number, key: string, count: number, pageRows: number): number | undefined {
  if (count === 0) return undefined;
  const last = count - 1;
  const from = Math.min(Math.max(active, 0), last);
  switch (key) {
    case 'ArrowDown':
      return active < 0 ? 0 : Math.min(last, from + 1);
    case 'ArrowUp':
      return active < 0 ? 0 : Math.max(0, from - 1);
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageDown':
      return Math.min(last, from + Math.max(1, pageRows));
    case 'PageUp':
      return Math.max(0, from - Math.max(1, pageRows));
    default:
      return undefined;
  }
}

/** Scroll offset that brings a row fully into view, or the current one if it already is. */
export function scrollToReveal(row: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const top = row * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return Math.max(0, top + rowHeight - viewportHeight);
  return scrollTop;
}
