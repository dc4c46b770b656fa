// The lineage block, shown above the tabs when this file is a version ML Lab wrote: where it came from
// (the parent opens on click), the Recipe's steps, rows in and out, values the steps were not fitted for,
// and the version's actions. Every action goes to the host, which asks before deleting.
import type { VersionAction, WebviewMessage } from '../../src/protocol/dataQualityPanel.js';
import type { DatasetVersion } from '../../src/protocol/datasetVersion.js';
import { formatCount, formatDate, plural } from '../../src/protocol/profileFormat.js';
import { el, icon, messageText } from '../shared/element.js';
import { describeStep } from './recipeText.js';

function action(label: string, iconName: string, a: VersionAction, post: (m: WebviewMessage) => void): HTMLElement {
  return el('vscode-button', { attrs: { icon: iconName, secondary: true, 'aria-label': label }, on: { click: () => post({ type: 'versionAction', action: a }) } }, label);
}

export function renderLineage(v: DatasetVersion, post: (m: WebviewMessage) => void): HTMLElement {
  const r = v.report;
  const parent = v.parent;
  const unknown = r?.unknown ?? [];
  const unknownTotal = unknown.reduce((n, u) => n + u.count, 0);
  const facts = [
    r ? `${formatCount(r.rowsIn)} → ${plural(r.rowsOut, 'row')}` : plural(v.rows, 'row'),
    r && r.duplicateRowsDropped ? `${formatCount(r.duplicateRowsDropped)} duplicates dropped` : null,
    r && r.rowsDroppedMissing ? `${formatCount(r.rowsDroppedMissing)} dropped for missing values` : null,
    r ? (unknownTotal ? `${plural(unknownTotal, 'unexpected value')}` : 'no unexpected values') : null,
    `created ${formatDate(v.createdAt)}`,
  ].filter((x): x is string => x !== null);
  const steps = v.recipe?.steps ?? [];
  const title = el(
    'div',
    { class: 'lineage-title' },
    icon('git-commit'),
    el('strong', null, v.name),
    parent
      ? el(
          'span',
          null,
          ' cleaned from ',
          el('button', { class: 'link-button', attrs: { type: 'button', title: `Open the Data Quality report of ${parent.path}` }, on: { click: () => post({ type: 'versionAction', action: 'openParent' }) } }, parent.path),
        )
      : el('span', { class: 'dim' }, ' (source dataset)'),
  );
  const details: HTMLElement[] = [];
  if (steps.length > 0) {
    details.push(el('details', { class: 'lineage-details' }, el('summary', null, `Recipe: ${plural(steps.length, 'step')}`), el('ol', { class: 'recipe-steps' }, ...steps.map((s) => el('li', null, messageText(describeStep(s)))))));
  }
  if (unknown.length > 0) {
    details.push(
      el(
        'details',
        { class: 'lineage-details' },
        el('summary', null, `Unexpected values in ${plural(unknown.length, 'column')}`),
        el('ul', { class: 'unknown-list' }, ...unknown.map((u) => el('li', null, icon('warning'), messageText(`\`${u.column}\` (${u.op}): ${plural(u.count, 'value')}${u.examples.length ? `, e.g. ${u.examples.map((e) => JSON.stringify(e)).join(', ')}` : ''} → ${u.policy}`)))),
      ),
    );
  }
  return el(
    'section',
    { class: 'lineage', attrs: { 'aria-label': 'Lineage of this version' } },
    el('div', { class: 'lineage-head' }, title, el('div', { class: 'lineage-actions', attrs: { role: 'toolbar', 'aria-label': 'Version actions' } }, parent ? action('Compare with parent', 'diff', 'compareWithParent', post) : null, action('Rename', 'edit', 'rename', post), action('Delete', 'trash', 'delete', post))),
    el('p', { class: 'lineage-facts dim' }, facts.join(' · ')),
    ...details,
  );
}
