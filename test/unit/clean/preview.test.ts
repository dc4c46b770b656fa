// Preview on test/fixtures/clean/messy.csv (13 rows, read whole as the sample): statistics worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { previewRecipe } from '../../../src/core/clean/preview.js';
import { sampleFile } from '../../../src/core/clean/sample.js';
import { DEFAULT_MISSING_TOKENS } from '../../../src/protocol/profile.js';
import { RECIPE_SCHEMA_VERSION } from '../../../src/protocol/recipe.js';
import type { Recipe } from '../../../src/protocol/recipe.js';

const MESSY = join(__dirname, '..', '..', 'fixtures', 'clean', 'messy.csv');

test('before/after statistics of the touched columns and the first cleaned rows', () => {
  const recipe: Recipe = {
    schemaVersion: RECIPE_SCHEMA_VERSION,
    source: { file: 'messy.csv', rows: 13, columns: [] },
    missingTokens: [...DEFAULT_MISSING_TOKENS],
    steps: [
      { op: 'dropDuplicateRows' },
      { op: 'dropColumns', columns: ['const'], reason: 'constant' },
      { op: 'impute', column: 'income', strategy: 'median', value: 52000, indicator: true, onUnknown: 'missing' },
    ],
  };
  const p = previewRecipe(recipe, sampleFile(MESSY, DEFAULT_MISSING_TOKENS), 3);
  assert.equal(p.sampleRows, 13);
  assert.equal(p.complete, true);
  assert.deepEqual(p.affected.map((a) => a.name), ['income', 'const', 'income_missing']);
  const income = p.affected[0]!;
  // before: 11 present of 13 rows, the duplicated 55000 counted twice: sum 752000
  assert.equal(income.before?.missing, 2);
  assert.equal(income.before?.count, 11);
  assert.equal(income.before?.mean, 752000 / 11);
  // after: the duplicate row gone (12 rows), 2 filled with 52000: (752000 - 55000 + 104000) / 12
  assert.equal(income.after?.missing, 0);
  assert.equal(income.after?.count, 12);
  assert.equal(income.after?.mean, (752000 - 55000 + 104000) / 12);
  assert.equal(p.affected[1]!.after, null);
  assert.equal(p.affected[2]!.before, null);
  assert.deepEqual(p.affected[2]!.after?.top, [{ value: '0', count: 10 }, { value: '1', count: 2 }]);
  assert.deepEqual(p.rows, [
    ['1', '40000', '0', '$1,200', 'Paris', '2021-03-15', 'yes'],
    ['2', '52000', '0', '$950', 'paris', '2020-11-02', 'no'],
    ['3', '52000', '1', '$2,100', 'Lyon', '2019-07-30', 'yes'],
  ]);
  assert.equal(p.report.duplicateRowsDropped, 1);
});

test('previewChoicesForFile fits and previews in one go; the Recipe it returns is what Apply would run', async () => {
  const { previewChoicesForFile } = await import('../../../src/core/clean/preview.js');
  const { profileFile } = await import('../../../src/core/profile/profileFile.js');
  const profile = await profileFile(MESSY, { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 });
  const { recipe, preview } = previewChoicesForFile(MESSY, profile, [{ op: 'parseNumbers', column: 'price' }, { op: 'scale', column: 'price', method: 'minMax' }], {
    missingTokens: [...DEFAULT_MISSING_TOKENS],
    sourceName: 'messy.csv',
    previewRows: 2,
  });
  // prices 700..3000: min-max center 700, scale 2300; $1,200 -> 500 / 2300
  assert.deepEqual(recipe.steps[1], { op: 'scale', column: 'price', method: 'minMax', center: 700, scale: 2300, onUnknown: 'missing' });
  assert.equal(preview.rows[0]![2], String(500 / 2300));
  const price = preview.affected.find((a) => a.name === 'price');
  assert.equal(price?.before?.mean, null, 'text before');
  assert.equal(price?.after?.min, 0);
  assert.equal(price?.after?.max, 1);
});
