// The streaming apply: equal to the in-memory reference on the same data, whole or nothing on the disk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyRecipeToFile, readLayout } from '../../../src/core/clean/applyFile.js';
import { applyRecipeInMemory, tableFromRecords, tableToCsv } from '../../../src/core/clean/reference.js';
import { fitRecipeForFile } from '../../../src/core/clean/sample.js';
import { hashRow, RowHashSet } from '../../../src/core/clean/rowHashes.js';
import { readRecords } from '../../../src/core/csv/index.js';
import { profileFile } from '../../../src/core/profile/profileFile.js';
import { isUserError } from '../../../src/core/errors.js';
import { DEFAULT_MISSING_TOKENS } from '../../../src/protocol/profile.js';
import { RECIPE_SCHEMA_VERSION } from '../../../src/protocol/recipe.js';
import type { Recipe, StepChoice } from '../../../src/protocol/recipe.js';
import { messyCsv } from '../../fixtures/clean/messyData.js';

let dir: string;
let source: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mllab-clean-'));
  source = join(dir, 'messy.csv');
  writeFileSync(source, messyCsv(3000));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every op, fitted on the file: the whole pipeline a user could pick. */
const EVERYTHING: StepChoice[] = [
  { op: 'dropDuplicateRows' },
  { op: 'parseNumbers', column: 'price' },
  { op: 'dateFeatures', column: 'joined' },
  { op: 'parseBooleans', column: 'active' },
  { op: 'trimWhitespace', columns: ['city', 'note'] },
  { op: 'unifyCase', column: 'city' },
  { op: 'groupRare', column: 'city', minShare: 0.1 },
  { op: 'impute', column: 'income', strategy: 'median', indicator: true },
  { op: 'impute', column: 'price', strategy: 'mean', indicator: false },
  { op: 'flagOutliers', column: 'income' },
  { op: 'clip', column: 'income', method: 'iqr' },
  { op: 'clip', column: 'price', method: 'percentile', percentile: 5 },
  { op: 'yeoJohnson', column: 'score' },
  { op: 'log1p', column: 'price' },
  { op: 'scale', column: 'income', method: 'robust' },
  { op: 'scale', column: 'score', method: 'standard' },
  { op: 'scale', column: 'id', method: 'minMax' },
  { op: 'oneHot', column: 'city', maxCategories: 3 },
  { op: 'frequency', column: 'note' },
  { op: 'ordinal', column: 'active' },
];

function reference(recipe: Recipe, path: string): string {
  const layout = readLayout(path);
  const records = [...readRecords(path, layout.dialect)];
  return tableToCsv(applyRecipeInMemory(recipe, tableFromRecords(layout.columns, records, recipe.missingTokens)).table);
}

test('streaming apply equals the in-memory reference, every op fitted on 3000 messy rows', async () => {
  const profile = await profileFile(source, { missingTokens: [...DEFAULT_MISSING_TOKENS], threads: 1 });
  const recipe = fitRecipeForFile(source, profile, EVERYTHING, { missingTokens: [...DEFAULT_MISSING_TOKENS], sourceName: 'messy.csv', sampleRows: 1000 });
  const out = join(dir, 'out.csv');
  const report = await applyRecipeToFile(source, recipe, out);
  const streamed = readFileSync(out, 'utf8');
  assert.equal(streamed, reference(recipe, source));
  assert.ok(report.duplicateRowsDropped > 50, `duplicates dropped: ${report.duplicateRowsDropped}`);
  assert.equal(report.rowsOut, report.rowsIn - report.duplicateRowsDropped);
  // 'unknown' income values and 'not a date' are counted, with examples.
  const incomeUnknown = report.unknown.find((u) => u.op === 'impute' && u.column === 'income');
  assert.ok(incomeUnknown && incomeUnknown.count > 0 && incomeUnknown.examples.includes('unknown'));
  const dateUnknown = report.unknown.find((u) => u.op === 'dateFeatures');
  assert.ok(dateUnknown && dateUnknown.examples.includes('not a date'));
  assert.deepEqual(readdirSync(dir).sort(), ['messy.csv', 'out.csv']);
  rmSync(out);
});

test('an existing output needs force; a missing folder and the source itself are refused; nothing is written', async () => {
  const recipe: Recipe = { schemaVersion: RECIPE_SCHEMA_VERSION, source: { file: 'm', rows: 0, columns: [] }, missingTokens: [], steps: [] };
  const out = join(dir, 'exists.csv');
  writeFileSync(out, 'keep me');
  await assert.rejects(applyRecipeToFile(source, recipe, out), (e: unknown) => isUserError(e) && e.code === 'OUTPUT_EXISTS' && /exists\.csv already exists \(use --force/.test(e.message));
  assert.equal(readFileSync(out, 'utf8'), 'keep me');
  await applyRecipeToFile(source, recipe, out, { force: true });
  assert.match(readFileSync(out, 'utf8'), /^id,income,price,city,joined,active,note,score\n/);
  await assert.rejects(applyRecipeToFile(source, recipe, join(dir, 'no', 'such', 'x.csv')), (e: unknown) => isUserError(e) && /the folder .* does not exist/.test(e.message));
  await assert.rejects(applyRecipeToFile(source, recipe, source, { force: true }), (e: unknown) => isUserError(e) && /is the input file/.test(e.message));
  rmSync(out);
});

test("an 'error' policy hit late in the file leaves no output and no temp file", async () => {
  const recipe: Recipe = {
    schemaVersion: RECIPE_SCHEMA_VERSION,
    source: { file: 'm', rows: 0, columns: [] },
    missingTokens: [...DEFAULT_MISSING_TOKENS],
    steps: [{ op: 'scale', column: 'income', method: 'standard', center: 0, scale: 1, onUnknown: 'error' }],
  };
  const out = join(dir, 'never.csv');
  await assert.rejects(applyRecipeToFile(source, recipe, out), (e: unknown) => isUserError(e) && e.code === 'UNKNOWN_VALUE' && /column "income": "unknown" is not a number/.test(e.message));
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir).sort(), ['messy.csv']);
  const missingColumn: Recipe = { ...recipe, steps: [{ op: 'log1p', column: 'salary', shift: 0, onUnknown: 'missing' }] };
  await assert.rejects(applyRecipeToFile(source, missingColumn, out), (e: unknown) => isUserError(e) && e.code === 'MISSING_COLUMN' && /"salary"/.test(e.message));
  assert.deepEqual(readdirSync(dir).sort(), ['messy.csv']);
});

test('a cancel stops the run and removes the temp file', async () => {
  const big = join(dir, 'big.csv');
  writeFileSync(big, messyCsv(50_000, 3));
  const recipe: Recipe = { schemaVersion: RECIPE_SCHEMA_VERSION, source: { file: 'm', rows: 0, columns: [] }, missingTokens: [], steps: [{ op: 'dropDuplicateRows' }] };
  const controller = new AbortController();
  const run = applyRecipeToFile(big, recipe, join(dir, 'big.out.csv'), { signal: controller.signal, onProgress: () => controller.abort() });
  await assert.rejects(run, (e: unknown) => isUserError(e) && e.code === 'CANCELLED');
  assert.deepEqual(readdirSync(dir).sort(), ['big.csv', 'messy.csv']);
  rmSync(big);
});

test('row hashes tell null, empty text, a number and its text apart; the set grows without losing rows', () => {
  const keys = [[null], [''], [1], ['1'], ['a', 'b'], ['ab'], ['a', null], [null, 'a']].map((r) => hashRow(r).join(':'));
  assert.equal(new Set(keys).size, keys.length);
  const set = new RowHashSet(4);
  for (let i = 0; i < 5000; i++) assert.equal(set.add([i, `r${i}`]), true);
  for (let i = 0; i < 5000; i++) assert.equal(set.add([i, `r${i}`]), false);
  assert.equal(set.count, 5000);
  // Grown by 1.5x steps from 16 slots: never below 5000 / 0.75 slots, never more than 1.5x that (8 bytes each).
  assert.ok(set.bytes >= (5000 / 0.75) * 8 && set.bytes <= 1.5 * (5000 / 0.75) * 8 + 16, `${set.bytes} bytes`);
  const sized = new RowHashSet(1000);
  assert.equal(sized.bytes, Math.ceil(1000 / 0.75) * 8);
});

test('ragged rows are counted: short ones padded with missing values, extra fields not written', async () => {
  const path = join(dir, 'ragged.csv');
  writeFileSync(path, 'a,b\n1,2\n3\n4,5,6\n');
  const recipe: Recipe = { schemaVersion: RECIPE_SCHEMA_VERSION, source: { file: 'm', rows: 0, columns: [] }, missingTokens: [], steps: [] };
  const out = join(dir, 'ragged.out.csv');
  const report = await applyRecipeToFile(path, recipe, out);
  assert.equal(report.raggedRows, 2);
  assert.equal(readFileSync(out, 'utf8'), 'a,b\n1,2\n3,\n4,5\n');
  rmSync(path);
  rmSync(out);
});

test('a quote never closed stops the run with its line; nothing is written', async () => {
  const path = join(dir, 'open.csv');
  writeFileSync(path, 'a,b\n1,2\n3,"never\n4,5\n');
  const recipe: Recipe = { schemaVersion: RECIPE_SCHEMA_VERSION, source: { file: 'm', rows: 0, columns: [] }, missingTokens: [], steps: [] };
  await assert.rejects(applyRecipeToFile(path, recipe, join(dir, 'open.out.csv')), (e: unknown) => isUserError(e) && e.code === 'UNBALANCED_QUOTE' && /line 3/.test(e.message));
  assert.equal(existsSync(join(dir, 'open.out.csv')), false);
  rmSync(path);
});

test('a one-column row whose value is missing is written as "" so it is not read back as a blank line', async () => {
  const path = join(dir, 'one.csv');
  writeFileSync(path, 'a,b\n1,x\nNA,y\n');
  const recipe: Recipe = { schemaVersion: RECIPE_SCHEMA_VERSION, source: { file: 'm', rows: 0, columns: [] }, missingTokens: ['NA'], steps: [{ op: 'dropColumns', columns: ['b'], reason: '' }] };
  const out = join(dir, 'one.out.csv');
  await applyRecipeToFile(path, recipe, out);
  assert.equal(readFileSync(out, 'utf8'), 'a\n1\n""\n');
  assert.deepEqual([...readRecords(out, readLayout(out).dialect)], [['1'], ['']]);
  rmSync(path);
  rmSync(out);
});
