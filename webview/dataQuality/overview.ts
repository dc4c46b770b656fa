// The headline numbers: size, missing share, duplicates and how many warnings of each severity.
import type { DatasetProfile } from '../../src/protocol/profile.js';
import { approx, formatBytes, formatCount, formatPercent } from '../../src/protocol/profileFormat.js';
import { el, icon } from '../shared/element.js';

function tile(label: string, value: string, options: { title?: string; extra?: HTMLElement | null; className?: string } = {}): HTMLElement {
  return el(
    'div',
    { class: `tile${options.className ? ` ${options.className}` : ''}`, attrs: options.title ? { title: options.title } : {} },
    el('dt', null, label),
    el('dd', null, value, options.extra ?? null),
  );
}

export function renderOverview(p: DatasetProfile, onShowWarnings: () => void): HTMLElement {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const w of p.warnings) counts[w.severity]++;
  const prefix = p.preview ? 'First ' : '';
  const warnings = el(
    'button',
    {
      class: 'tile tile-button',
      attrs: { type: 'button', 'aria-label': `${counts.error} errors, ${counts.warning} warnings, ${counts.info} notes. Show warnings.` },
      on: { click: onShowWarnings },
    },
    el('span', { class: 'tile-label' }, 'Warnings'),
    el(
      'span',
      { class: 'tile-value severity-counts' },
      el('span', { class: 'sev sev-error' }, icon('error'), String(counts.error)),
      el('span', { class: 'sev sev-warning' }, icon('warning'), String(counts.warning)),
      el('span', { class: 'sev sev-info' }, icon('info'), String(counts.info)),
    ),
  );
  return el(
    'dl',
    { class: 'overview', attrs: { 'aria-label': 'Overview' } },
    tile(`${prefix}Rows`, formatCount(p.rows)),
    tile('Columns', formatCount(p.columnCount)),
    tile('Missing cells', formatPercent(p.missingPct), { title: 'Missing cells over all cells' }),
    tile('Duplicate rows', approx(formatCount(p.duplicateRows), p.duplicateRowsApprox), {
      title: p.duplicateRowsApprox ? 'Estimated from row hashes (≈)' : 'Rows identical to an earlier row',
      extra: p.rows > 0 && p.duplicateRows > 0 ? el('span', { class: 'tile-sub' }, ` ${formatPercent((p.duplicateRows / p.rows) * 100)}`) : null,
    }),
    tile('File size', formatBytes(p.bytes)),
    el('div', { class: 'tile-wrap' }, warnings),
  );
}
