// This file's profile beside its parent's: each column's key statistics parent vs this file, with
// differences marked and columns added or removed by the cleaning called out. Pure, unit-tested.
import type { ColumnProfile, DatasetProfile } from '../../src/protocol/profile.js';
import { approx, formatCount, formatExtreme, formatNumber, formatPercent } from '../../src/protocol/profileFormat.js';
import { TYPE_LABEL } from './columnTypes.js';

export type ComparedStatus = 'added' | 'removed' | 'changed' | 'same';

export interface ComparedCell {
  label: string;
  parent: string | null;
  child: string | null;
  changed: boolean;
}

export interface ComparedColumn {
  name: string;
  status: ComparedStatus;
  cells: ComparedCell[];
}

export interface ProfileComparison {
  dataset: ComparedCell[];
  columns: ComparedColumn[];
  added: number;
  removed: number;
  changed: number;
}

const COLUMN_FIELDS: { label: string; text: (c: ColumnProfile) => string }[] = [
  { label: 'Type', text: (c) => TYPE_LABEL[c.type] ?? c.type },
  { label: 'Missing', text: (c) => `${formatCount(c.missing)} (${formatPercent(c.missingPct)})` },
  { label: 'Distinct', text: (c) => approx(formatCount(c.distinct), c.distinctApprox) },
  { label: 'Mean', text: (c) => formatNumber(c.mean) },
  { label: 'Std', text: (c) => formatNumber(c.std) },
  { label: 'Min', text: (c) => formatExtreme(c.min, c.type === 'datetime') },
  { label: 'Max', text: (c) => formatExtreme(c.max, c.type === 'datetime') },
];

function cell(label: string, parent: string | null, child: string | null): ComparedCell {
  return { label, parent, child, changed: parent !== null && child !== null && parent !== child };
}

/**
 * Columns in this file's order; a removed column is placed where it stood in the parent (before the next
 * parent column that survived), so "purpose" removed sits next to the purpose_* columns that replaced it.
 */
export function compareProfiles(parent: DatasetProfile, child: DatasetProfile): ProfileComparison {
  const inParent = new Map(parent.columns.map((c, i) => [c.name, { c, i }]));
  const inChild = new Set(child.columns.map((c) => c.name));
  const columns: ComparedColumn[] = [];
  let nextParent = 0;
  const flushRemovedBefore = (end: number): void => {
    for (; nextParent < end; nextParent++) {
      const p = parent.columns[nextParent];
      if (p && !inChild.has(p.name)) columns.push({ name: p.name, status: 'removed', cells: COLUMN_FIELDS.map((f) => cell(f.label, f.text(p), null)) });
    }
  };
  for (const c of child.columns) {
    const p = inParent.get(c.name);
    if (!p) {
      columns.push({ name: c.name, status: 'added', cells: COLUMN_FIELDS.map((f) => cell(f.label, null, f.text(c))) });
      continue;
    }
    if (p.i >= nextParent) {
      flushRemovedBefore(p.i);
      nextParent = p.i + 1;
    }
    const cells = COLUMN_FIELDS.map((f) => cell(f.label, f.text(p.c), f.text(c)));
    columns.push({ name: c.name, status: cells.some((x) => x.changed) ? 'changed' : 'same', cells });
  }
  flushRemovedBefore(parent.columns.length);
  const dataset = [
    cell('Rows', formatCount(parent.rows), formatCount(child.rows)),
    cell('Columns', formatCount(parent.columnCount), formatCount(child.columnCount)),
    cell('Missing cells', formatPercent(parent.missingPct), formatPercent(child.missingPct)),
    cell('Duplicate rows', approx(formatCount(parent.duplicateRows), parent.duplicateRowsApprox), approx(formatCount(child.duplicateRows), child.duplicateRowsApprox)),
  ];
  const count = (s: ComparedStatus): number => columns.filter((c) => c.status === s).length;
  return { dataset, columns, added: count('added'), removed: count('removed'), changed: count('changed') };
}
