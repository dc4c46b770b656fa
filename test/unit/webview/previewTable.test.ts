// Preview shaping: before/after statistics with changes marked, and the sample table narrowed with the
// affected columns kept. Expected texts are written by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApplyReport, PreviewColumnStats, RecipePreview } from '../../../src/protocol/recipe.js';
import { affectedRows, sampleTable } from '../../../webview/dataQuality/previewTable.js';

const report: ApplyReport = { rowsIn: 4, rowsOut: 4, duplicateRowsDropped: 0, rowsDroppedMissing: 0, raggedRows: 0, columnChanges: { added: [], missing: [] }, columns: [], unknown: [] };

function stats(name: string, s: Partial<PreviewColumnStats>): PreviewColumnStats {
  return { name, count: 4, missing: 0, mean: null, std: null, min: null, max: null, distinct: 4, top: [], ...s };
}

function preview(p: Partial<RecipePreview>): RecipePreview {
  return { sampleRows: 4, complete: true, affected: [], columns: [], rows: [], report, ...p };
}

test('affected columns: imputed (changed), new indicator, dropped, and one the steps left as it was', () => {
  const rows = affectedRows(
    preview({
      affected: [
        { name: 'income', before: stats('income', { count: 3, missing: 1, mean: 20, min: 10, max: 30, distinct: 3 }), after: stats('income', { count: 4, missing: 0, mean: 20, min: 10, max: 30, distinct: 3 }) },
        { name: 'income_missing', before: null, after: stats('income_missing', { mean: 0.25, min: 0, max: 1, distinct: 2 }) },
        { name: 'id', before: stats('id', { top: [{ value: '7', count: 1 }] }), after: null },
        { name: 'city', before: stats('city', { top: [{ value: 'Paris', count: 2 }] }), after: stats('city', { top: [{ value: 'Paris', count: 2 }] }) },
      ],
    }),
  );
  assert.deepEqual(rows.map((r) => [r.name, r.change]), [['income', 'changed'], ['income_missing', 'new'], ['id', 'dropped'], ['city', 'unchanged']]);
  const income = rows[0]!.stats;
  assert.deepEqual(income.find((s) => s.label === 'Values'), { label: 'Values', before: '3', after: '4', changed: true });
  assert.deepEqual(income.find((s) => s.label === 'Missing'), { label: 'Missing', before: '1 (25.0%)', after: '0 (0%)', changed: true });
  assert.deepEqual(income.find((s) => s.label === 'Mean'), { label: 'Mean', before: '20', after: '20', changed: false });
  assert.deepEqual(rows[1]!.stats.find((s) => s.label === 'Mean'), { label: 'Mean', before: null, after: '0.25', changed: false });
  assert.deepEqual(rows[2]!.stats.find((s) => s.label === 'Most common'), { label: 'Most common', before: '7 ×1', after: null, changed: false });
  assert.deepEqual(rows[3]!.stats.find((s) => s.label === 'Most common'), { label: 'Most common', before: 'Paris ×2', after: 'Paris ×2', changed: false });
});

test('sample table: narrow files show every column; wide ones keep the affected ones first, in file order', () => {
  const small = sampleTable(preview({ columns: ['a', 'b'], rows: [['1', ''], ['2', 'x']], affected: [{ name: 'b', before: null, after: stats('b', {}) }] }));
  assert.deepEqual(small.columns, [{ index: 0, name: 'a', affected: false }, { index: 1, name: 'b', affected: true }]);
  assert.deepEqual(small.rows, [['1', ''], ['2', 'x']]);
  assert.equal(small.hidden, 0);

  const columns = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];
  const wide = sampleTable(
    preview({
      columns,
      rows: [columns.map((c) => `${c}-v`)],
      // c5 and c2 are affected; `gone` was dropped (not in the output, so not a table column).
      affected: [{ name: 'c5', before: null, after: stats('c5', {}) }, { name: 'c2', before: stats('c2', {}), after: stats('c2', {}) }, { name: 'gone', before: stats('gone', {}), after: null }],
    }),
    3,
  );
  assert.deepEqual(wide.columns.map((c) => c.name), ['c0', 'c2', 'c5']);
  assert.deepEqual(wide.rows, [['c0-v', 'c2-v', 'c5-v']]);
  assert.equal(wide.hidden, 3);
});
