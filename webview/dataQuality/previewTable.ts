// The Preview's numbers shaped for tables: each affected column's statistics before and after the steps,
// with what changed marked, and the sample rows cut to a width a panel can show. Pure, unit-tested.
import { formatCount, formatNumber, formatPercent } from '../../src/protocol/profileFormat.js';
import type { PreviewColumnStats, RecipePreview } from '../../src/protocol/recipe.js';

export type ColumnChange = 'new' | 'dropped' | 'changed' | 'unchanged';

export interface StatPair {
  label: string;
  before: string | null;
  after: string | null;
  changed: boolean;
}

export interface AffectedRow {
  name: string;
  change: ColumnChange;
  stats: StatPair[];
}

function missingText(s: PreviewColumnStats): string {
  const total = s.count + s.missing;
  return total === 0 ? '0' : `${formatCount(s.missing)} (${formatPercent((100 * s.missing) / total)})`;
}

function topText(s: PreviewColumnStats): string {
  const t = s.top[0];
  return t ? `${t.value === '' ? '(empty)' : t.value} ×${formatCount(t.count)}` : '—';
}

const FIELDS: { label: string; text: (s: PreviewColumnStats) => string }[] = [
  { label: 'Values', text: (s) => formatCount(s.count) },
  { label: 'Missing', text: missingText },
  { label: 'Distinct', text: (s) => formatCount(s.distinct) },
  { label: 'Mean', text: (s) => formatNumber(s.mean) },
  { label: 'Std', text: (s) => formatNumber(s.std) },
  { label: 'Min', text: (s) => formatNumber(s.min) },
  { label: 'Max', text: (s) => formatNumber(s.max) },
  { label: 'Most common', text: topText },
];

export function affectedRows(preview: RecipePreview): AffectedRow[] {
  return preview.affected.map((a) => {
    const stats = FIELDS.map((f) => {
      const before = a.before ? f.text(a.before) : null;
      const after = a.after ? f.text(a.after) : null;
      return { label: f.label, before, after, changed: before !== null && after !== null && before !== after };
    });
    const change: ColumnChange = !a.before ? 'new' : !a.after ? 'dropped' : stats.some((s) => s.changed) ? 'changed' : 'unchanged';
    return { name: a.name, change, stats };
  });
}

export interface SampleTable {
  /** Indices into preview.columns, in file order. */
  columns: { index: number; name: string; affected: boolean }[];
  rows: string[][];
  /** Columns left out to keep the table narrow. */
  hidden: number;
}

/**
 * The sample rows with at most maxColumns columns: the affected ones first in priority (that is what the
 * user wants to see), then the rest, shown in the file's order.
 */
export function sampleTable(preview: RecipePreview, maxColumns = 40): SampleTable {
  const affected = new Set(preview.affected.filter((a) => a.after).map((a) => a.name));
  const all = preview.columns.map((name, index) => ({ index, name, affected: affected.has(name) }));
  let keep = all;
  if (all.length > maxColumns) {
    const chosen = new Set<number>();
    for (const c of all) if (c.affected && chosen.size < maxColumns) chosen.add(c.index);
    for (const c of all) if (!c.affected && chosen.size < maxColumns) chosen.add(c.index);
    keep = all.filter((c) => chosen.has(c.index));
  }
  return { columns: keep, rows: preview.rows.map((r) => keep.map((c) => r[c.index] ?? '')), hidden: all.length - keep.length };
}
