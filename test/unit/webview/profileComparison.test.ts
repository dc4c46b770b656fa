// Parent vs this file: columns in the cleaned file's order with removed ones placed where they stood,
// statistics compared as shown. Expected values are written by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ColumnProfile, DatasetProfile } from '../../../src/protocol/profile.js';
import { loansProfile } from '../../fixtures/profiles/loans.js';
import { column } from '../../fixtures/profiles/column.js';
import { compareProfiles } from '../../../webview/dataQuality/profileComparison.js';

function profile(columns: ColumnProfile[], rows: number, extra: Partial<DatasetProfile> = {}): DatasetProfile {
  return { ...loansProfile, columns, columnCount: columns.length, rows, duplicateRows: 0, duplicateRowsApprox: false, missingPct: 0, ...extra };
}

const num = (index: number, name: string, s: Partial<ColumnProfile>): ColumnProfile => column({ index, name, type: 'numeric', count: 10, missing: 0, missingPct: 0, distinct: 10, ...s });

test('removed, added, changed and unchanged columns, in a readable order', () => {
  const parent = profile(
    [
      num(0, 'id', { min: 1, max: 10 }),
      num(1, 'income', { missing: 2, missingPct: 20, count: 8, mean: 50, std: 10, min: 30, max: 70 }),
      column({ index: 2, name: 'purpose', type: 'categorical', count: 10, missing: 0, missingPct: 0, distinct: 3 }),
      num(3, 'age', { mean: 40, std: 5, min: 30, max: 50 }),
    ],
    10,
    { missingPct: 5, duplicateRows: 1 },
  );
  const child = profile(
    [
      num(0, 'income', { mean: 50, std: 8.944, min: 30, max: 70 }),
      num(1, 'purpose_car', { distinct: 2, mean: 0.5, min: 0, max: 1 }),
      num(2, 'purpose_home', { distinct: 2, mean: 0.5, min: 0, max: 1 }),
      num(3, 'age', { mean: 40, std: 5, min: 30, max: 50 }),
    ],
    9,
  );
  const c = compareProfiles(parent, child);
  assert.deepEqual(c.columns.map((x) => [x.name, x.status]), [
    ['id', 'removed'],
    ['income', 'changed'],
    ['purpose_car', 'added'],
    ['purpose_home', 'added'],
    ['purpose', 'removed'],
    ['age', 'same'],
  ]);
  assert.deepEqual([c.added, c.removed, c.changed], [2, 2, 1]);
  const income = c.columns[1]!.cells;
  assert.deepEqual(income.find((x) => x.label === 'Missing'), { label: 'Missing', parent: '2 (20.0%)', child: '0 (0%)', changed: true });
  assert.deepEqual(income.find((x) => x.label === 'Distinct'), { label: 'Distinct', parent: '10', child: '10', changed: false });
  assert.deepEqual(income.find((x) => x.label === 'Std'), { label: 'Std', parent: '10', child: '8.944', changed: true });
  assert.deepEqual(income.find((x) => x.label === 'Mean'), { label: 'Mean', parent: '50', child: '50', changed: false });
  assert.deepEqual(c.columns[0]!.cells.find((x) => x.label === 'Type'), { label: 'Type', parent: 'Numeric', child: null, changed: false });
  assert.deepEqual(c.columns[2]!.cells.find((x) => x.label === 'Max'), { label: 'Max', parent: null, child: '1', changed: false });
  assert.deepEqual(c.dataset, [
    { label: 'Rows', parent: '10', child: '9', changed: true },
    { label: 'Columns', parent: '4', child: '4', changed: false },
    { label: 'Missing cells', parent: '5.0%', child: '0%', changed: true },
    { label: 'Duplicate rows', parent: '1', child: '0', changed: true },
  ]);
});

test('a type change is a change; columns moved around are not duplicated or lost', () => {
  const parent = profile([column({ index: 0, name: 'price', type: 'text', count: 4, missing: 0, missingPct: 0, distinct: 4 }), num(1, 'a', {}), num(2, 'b', {})], 4);
  const child = profile([num(0, 'b', {}), num(1, 'price', { distinct: 4, count: 4 }), num(2, 'a', {})], 4);
  const c = compareProfiles(parent, child);
  assert.deepEqual(c.columns.map((x) => [x.name, x.status]), [['b', 'same'], ['price', 'changed'], ['a', 'same']]);
  assert.deepEqual(c.columns[1]!.cells[0], { label: 'Type', parent: 'Text', child: 'Numeric', changed: true });
});
