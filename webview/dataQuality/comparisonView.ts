// The comparison view: this file beside its parent, dataset figures first, then each column's key
// statistics with changes marked and added/removed columns tagged. Long tables start at a bounded size.
import type { DatasetProfile } from '../../src/protocol/profile.js';
import { plural } from '../../src/protocol/profileFormat.js';
import { el, icon } from '../shared/element.js';
import { statCell } from './cleanView.js';
import { compareProfiles } from './profileComparison.js';
import type { ComparedColumn } from './profileComparison.js';

const FIRST_ROWS = 300;

export function renderComparison(parent: DatasetProfile, parentName: string, child: DatasetProfile, childName: string, onlyChanges: boolean, setOnlyChanges: (on: boolean) => void): HTMLElement {
  const c = compareProfiles(parent, child);
  const shown = onlyChanges ? c.columns.filter((x) => x.status !== 'same') : c.columns;
  const summary = [
    c.changed ? plural(c.changed, 'column') + ' changed' : 'no column changed',
    c.added ? `${plural(c.added, 'column')} added` : null,
    c.removed ? `${plural(c.removed, 'column')} removed` : null,
  ].filter((x): x is string => x !== null);
  const toggleId = 'compare-only-changes';
  const toggle = el('input', { attrs: { type: 'checkbox', id: toggleId, checked: onlyChanges }, on: { change: () => setOnlyChanges(toggle.checked) } });
  const labels = c.columns[0]?.cells.map((x) => x.label) ?? ['Type', 'Missing', 'Distinct', 'Mean', 'Std', 'Min', 'Max'];
  const table = el(
    'table',
    { class: 'stats-table compare-table' },
    el('thead', null, el('tr', null, el('th', { attrs: { scope: 'col' } }, 'Column'), ...labels.map((l) => el('th', { attrs: { scope: 'col' } }, l)))),
  );
  const tbody = el('tbody', null);
  table.append(tbody);
  const addRows = (rows: ComparedColumn[]): void => {
    for (const col of rows) {
      tbody.append(
        el(
          'tr',
          { class: `status-${col.status}` },
          el('th', { attrs: { scope: 'row' } }, el('span', { class: 'col-name' }, col.name), col.status === 'added' || col.status === 'removed' ? el('span', { class: `tag tag-${col.status}` }, col.status) : null),
          ...col.cells.map((x) => statCell(x.parent, x.child, x.changed)),
        ),
      );
    }
  };
  addRows(shown.slice(0, FIRST_ROWS));
  const more = shown.length > FIRST_ROWS
    ? el('vscode-button', { attrs: { secondary: true }, on: { click: () => { addRows(shown.slice(FIRST_ROWS)); more?.remove(); } } }, `Show all ${plural(shown.length, 'column')}`)
    : null;
  return el(
    'div',
    { class: 'comparison-view' },
    el('p', { class: 'compare-head' }, icon('diff'), el('strong', null, parentName), el('span', { class: 'dim' }, ' (parent) → '), el('strong', null, childName), el('span', { class: 'dim' }, ` (this file): ${summary.join(', ')}`)),
    el(
      'table',
      { class: 'stats-table compare-dataset' },
      el('thead', null, el('tr', null, ...c.dataset.map((d) => el('th', { attrs: { scope: 'col' } }, d.label)))),
      el('tbody', null, el('tr', null, ...c.dataset.map((d) => statCell(d.parent, d.child, d.changed)))),
    ),
    el('div', { class: 'compare-filter' }, toggle, el('label', { attrs: { for: toggleId } }, 'Only columns that changed')),
    shown.length === 0
      ? el('div', { class: 'empty-state' }, icon('pass'), el('p', null, 'No column changed.'))
      : el('div', { class: 'table-scroll', attrs: { tabindex: 0, role: 'region', 'aria-label': 'Column statistics, parent and this file' } }, table),
    more,
  );
}
