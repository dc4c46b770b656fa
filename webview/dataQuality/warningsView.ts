// Every warning, worst first. A warning about a column is a button: click or Enter opens that column.
import type { DatasetProfile } from '../../src/protocol/profile.js';
import { el, icon, messageText } from '../shared/element.js';
import { SEVERITY_ICON, SEVERITY_LABEL, SEVERITY_ORDER } from './columnTypes.js';

export function renderWarnings(p: DatasetProfile, openColumn: (name: string) => void): HTMLElement {
  if (p.warnings.length === 0) {
    return el('div', { class: 'empty-state' }, icon('pass'), el('p', null, 'No warnings: nothing in this file looks off.'));
  }
  const known = new Set(p.columns.map((c) => c.name));
  const sorted = [...p.warnings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return el(
    'ul',
    { class: 'warning-list', attrs: { 'aria-label': 'Warnings' } },
    ...sorted.map((w) => {
      const target = w.column !== null && known.has(w.column) ? w.column : null;
      const names = [w.column, ...w.columns].filter((c): c is string => c !== null);
      const body = [
        el('span', { class: `sev sev-${w.severity}` }, icon(SEVERITY_ICON[w.severity], SEVERITY_LABEL[w.severity])),
        messageText(w.message),
        el('span', { class: 'warning-columns' }, names.length ? names.join(', ') : 'whole file'),
      ];
      if (target === null) return el('li', null, el('div', { class: 'warning-row' }, ...body));
      return el(
        'li',
        null,
        el(
          'button',
          {
            class: 'warning-row',
            attrs: { type: 'button', 'aria-label': `${SEVERITY_LABEL[w.severity]}: ${w.message}. Open column ${target}.` },
            on: { click: () => openColumn(target) },
          },
          ...body,
          icon('chevron-right'),
        ),
      );
    }),
  );
}
