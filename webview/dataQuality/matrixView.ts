// Correlation heatmap and missing-value co-occurrence as tables of coloured cells: each cell carries its
// value in a tooltip and an aria-label, and the strongest pairs are listed as buttons that open a column.
// Cell colours mix VS Code's chart colours with transparency, so they follow the theme without a redraw.
import type { Correlations, MissingCooccurrence } from '../../src/protocol/profile.js';
import { formatCorrelation, formatCount, formatPercent } from '../../src/protocol/profileFormat.js';
import { el, icon } from '../shared/element.js';

function mix(variable: string, fallback: string, share: number): string {
  const pct = Math.round(Math.max(0, Math.min(1, share)) * 100);
  return `color-mix(in srgb, var(${variable}, ${fallback}) ${pct}%, transparent)`;
}

function headerCell(name: string, scope: 'col' | 'row', openColumn: (name: string) => void): HTMLElement {
  return el(
    'th',
    { attrs: { scope, title: name } },
    el('button', { class: 'link', attrs: { type: 'button', 'aria-label': `Open column ${name}` }, on: { click: () => openColumn(name) } }, name),
  );
}

export function renderCorrelations(corr: Correlations, openColumn: (name: string) => void): HTMLElement {
  const n = corr.columns.length;
  if (n < 2) return el('div', { class: 'empty-state' }, icon('graph'), el('p', null, 'Fewer than two numeric columns: nothing to correlate.'));
  const table = el(
    'table',
    { class: `heatmap${n > 16 ? ' dense' : ''}`, attrs: { 'aria-label': 'Pearson correlation between numeric columns' } },
    el('thead', null, el('tr', null, el('td', null), ...corr.columns.map((c) => headerCell(c, 'col', openColumn)))),
    el(
      'tbody',
      null,
      ...corr.columns.map((a, i) =>
        el(
          'tr',
          null,
          headerCell(a, 'row', openColumn),
          ...corr.columns.map((b, j) => {
            const r = corr.matrix[i]?.[j] ?? null;
            const label = `${a} and ${b}: r = ${formatCorrelation(r)}`;
            const cell = el('td', { class: i === j ? 'diagonal' : '', attrs: { title: label, 'aria-label': label } }, n > 16 ? '' : formatCorrelation(r));
            // The diagonal (a column with itself) stays uncoloured so it does not outshine real pairs.
            if (i !== j && r !== null && Number.isFinite(r)) {
              cell.style.backgroundColor = r >= 0 ? mix('--vscode-charts-blue', '#3794ff', Math.abs(r) * 0.85) : mix('--vscode-charts-red', '#f14c4c', Math.abs(r) * 0.85);
            }
            return cell;
          }),
        ),
      ),
    ),
  );
  const pairs: { a: string; b: string; r: number }[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const r = corr.matrix[i]?.[j];
      if (typeof r === 'number' && Number.isFinite(r)) pairs.push({ a: corr.columns[i] ?? '', b: corr.columns[j] ?? '', r });
    }
  }
  pairs.sort((x, y) => Math.abs(y.r) - Math.abs(x.r));
  const strongest = pairs.slice(0, 10);
  return el(
    'div',
    { class: 'matrix-view' },
    el('p', { class: 'dim' }, 'Pearson r over rows where both values are present. Hover a cell for its value.'),
    el(
      'div',
      { class: 'legend', attrs: { 'aria-hidden': 'true' } },
      el('span', null, '−1'),
      el('span', { class: 'legend-bar correlation' }),
      el('span', null, '+1'),
    ),
    corr.note ? el('p', { class: 'note' }, icon('info'), corr.note) : null,
    el(
      'div',
      { class: 'matrix-layout' },
      el('div', { class: 'heatmap-scroll', attrs: { tabindex: 0, role: 'region', 'aria-label': 'Correlation heatmap' } }, table),
      el(
        'div',
        { class: 'pairs' },
        el('h3', null, 'Strongest pairs'),
        el(
          'ol',
          null,
          ...strongest.map((p) =>
            el(
              'li',
              null,
              el('span', { class: `r-value ${p.r >= 0 ? 'pos' : 'neg'}` }, formatCorrelation(p.r)),
              el('button', { class: 'link', attrs: { type: 'button' }, on: { click: () => openColumn(p.a) } }, p.a),
              el('span', { class: 'dim' }, ' × '),
              el('button', { class: 'link', attrs: { type: 'button' }, on: { click: () => openColumn(p.b) } }, p.b),
            ),
          ),
        ),
      ),
    ),
  );
}

export function renderMissing(m: MissingCooccurrence, rows: number, missingPct: number, openColumn: (name: string) => void): HTMLElement {
  const n = m.columns.length;
  if (n === 0) {
    return missingPct > 0
      ? el('div', { class: 'empty-state' }, icon('info'), el('p', null, 'Missing values were not cross-tabulated for this file.'))
      : el('div', { class: 'empty-state' }, icon('pass'), el('p', null, 'No missing values.'));
  }
  const max = Math.max(1, ...m.matrix.flat());
  const table = el(
    'table',
    { class: `heatmap${n > 16 ? ' dense' : ''}`, attrs: { 'aria-label': 'Rows where both columns are missing' } },
    el('thead', null, el('tr', null, el('td', null), ...m.columns.map((c) => headerCell(c, 'col', openColumn)))),
    el(
      'tbody',
      null,
      ...m.columns.map((a, i) =>
        el(
          'tr',
          null,
          headerCell(a, 'row', openColumn),
          ...m.columns.map((b, j) => {
            const count = m.matrix[i]?.[j] ?? 0;
            const share = rows > 0 ? ` (${formatPercent((count / rows) * 100)} of rows)` : '';
            const label = i === j ? `${a}: ${formatCount(count)} missing${share}` : `${a} and ${b} both missing: ${formatCount(count)} rows${share}`;
            const cell = el('td', { class: i === j ? 'diagonal' : '', attrs: { title: label, 'aria-label': label } }, n > 16 ? '' : formatCount(count));
            if (count > 0) cell.style.backgroundColor = mix('--vscode-charts-yellow', '#cca700', 0.15 + 0.7 * (count / max));
            return cell;
          }),
        ),
      ),
    ),
  );
  return el(
    'div',
    { class: 'matrix-view' },
    el('p', { class: 'dim' }, 'Rows where both columns are missing; the diagonal is each column’s own missing count. Only columns with missing values are shown.'),
    el('div', { class: 'heatmap-scroll', attrs: { tabindex: 0, role: 'region', 'aria-label': 'Missing values heatmap' } }, table),
  );
}
