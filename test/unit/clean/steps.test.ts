// Every operation on small tables whose results are worked out by hand, through both implementations:
// the row-at-a-time steps (what the streaming apply runs) and the whole-column reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRecipe, readCells } from '../../../src/core/clean/steps.js';
import { applyRecipeInMemory, tableFromRecords } from '../../../src/core/clean/reference.js';
import type { Cell } from '../../../src/core/clean/cells.js';
import { isUserError } from '../../../src/core/errors.js';
import { RECIPE_SCHEMA_VERSION } from '../../../src/protocol/recipe.js';
import type { Recipe, RecipeStep } from '../../../src/protocol/recipe.js';

const TOKENS = ['NA', 'null'];

function recipe(steps: RecipeStep[]): Recipe {
  return { schemaVersion: RECIPE_SCHEMA_VERSION, source: { file: 't.csv', rows: 0, columns: [] }, missingTokens: TOKENS, steps };
}

function jsonRowSet() {
  const seen = new Set<string>();
  return { add: (r: readonly Cell[]) => (seen.has(JSON.stringify(r)) ? false : (seen.add(JSON.stringify(r)), true)) };
}

interface Out {
  names: string[];
  rows: Cell[][];
  unknown: number[];
}

/** Runs both implementations, checks they agree, returns the result. */
function run(steps: RecipeStep[], names: string[], records: string[][]): Out {
  const compiled = compileRecipe(steps, names, jsonRowSet);
  const missing = new Set(['', ...TOKENS]);
  const rows: Cell[][] = [];
  records.forEach((r, i) => {
    const out = compiled.run(readCells(r, names.length, missing), i + 2);
    if (out) for (let n = compiled.copies(); n > 0; n--) rows.push([...out]);
  });
  const report = compiled.report(records.length, rows.length);
  const unknown = steps.map((_, k) => report.unknown.find((u) => u.step === k)?.count ?? 0);

  const ref = applyRecipeInMemory(recipe(steps), tableFromRecords(names, records, TOKENS));
  const refRows = (ref.table.columns[0] ?? []).map((_, i) => ref.table.columns.map((c) => c[i]!));
  assert.deepEqual(ref.table.names, compiled.columns, 'reference and streaming agree on columns');
  assert.deepEqual(refRows, rows, 'reference and streaming agree on rows');
  assert.deepEqual(steps.map((_, k) => ref.unknown.get(k) ?? 0), unknown, 'reference and streaming agree on unknown counts');
  return { names: compiled.columns, rows, unknown };
}

test('missing tokens become null after trimming; other cells stay as written', () => {
  const out = run([], ['a', 'b'], [[' NA ', ' x '], ['null', ''], ['Null', '0']]);
  assert.deepEqual(out.rows, [[null, ' x '], [null, null], ['Null', '0']]);
});

test('dropDuplicateRows keeps the first of identical rows (missing equals missing)', () => {
  const out = run([{ op: 'dropDuplicateRows' }], ['a', 'b'], [['1', 'x'], ['1', 'x'], ['1', 'NA'], ['1', ''], ['2', 'x']]);
  assert.deepEqual(out.rows, [['1', 'x'], ['1', null], ['2', 'x']]);
});

test('dropColumns removes the named columns, keeps the order of the rest', () => {
  const out = run([{ op: 'dropColumns', columns: ['b', 'd'], reason: 'constant' }], ['a', 'b', 'c', 'd'], [['1', '2', '3', '4']]);
  assert.deepEqual(out.names, ['a', 'c']);
  assert.deepEqual(out.rows, [['1', '3']]);
});

test('dropRowsMissing drops rows missing any named column', () => {
  const out = run([{ op: 'dropRowsMissing', columns: ['a'] }], ['a', 'b'], [['1', ''], ['', '2'], ['NA', '3'], ['4', '4']]);
  assert.deepEqual(out.rows, [['1', null], ['4', '4']]);
});

test('impute median with indicator: fills missing, text that is not a number counts as unknown and is filled', () => {
  const steps: RecipeStep[] = [{ op: 'impute', column: 'x', strategy: 'median', value: 2.5, indicator: true, onUnknown: 'missing' }];
  const out = run(steps, ['x', 'y'], [['1', 'a'], ['', 'b'], ['abc', 'c'], [' 4 ', 'd']]);
  assert.deepEqual(out.names, ['x', 'x_missing', 'y']);
  assert.deepEqual(out.rows, [[1, 0, 'a'], [2.5, 1, 'b'], [2.5, 1, 'c'], [4, 0, 'd']]);
  assert.deepEqual(out.unknown, [1]);
});

test('impute mode/constant with text leaves other values untouched', () => {
  const out = run([{ op: 'impute', column: 'c', strategy: 'mode', value: 'red', indicator: false, onUnknown: 'missing' }], ['c'], [['blue'], ['NA'], [' Red']]);
  assert.deepEqual(out.rows, [['blue'], ['red'], [' Red']]);
});

test('parseNumbers: currency, thousands, percent as a fraction; junk is unknown', () => {
  const steps: RecipeStep[] = [{ op: 'parseNumbers', column: 'p', thousands: ',', percentAsFraction: true, onUnknown: 'missing' }];
  const out = run(steps, ['p'], [['$1,234.50'], ['12%'], [' -€3 '], ['1.5e3'], ['12 apples'], ['']]);
  assert.deepEqual(out.rows, [[1234.5], [0.12], [-3], [1500], [null], [null]]);
  assert.deepEqual(out.unknown, [1]);
  const whole = run([{ op: 'parseNumbers', column: 'p', thousands: '', percentAsFraction: false, onUnknown: 'missing' }], ['p'], [['50%'], ['1,5']]);
  assert.deepEqual(whole.rows, [[50], [null]]);
});

test('parseBooleans maps spellings case-insensitively to 1/0', () => {
  const steps: RecipeStep[] = [{ op: 'parseBooleans', column: 'b', trueValues: ['true', 'yes', 'y', '1'], falseValues: ['false', 'no', 'n', '0'], onUnknown: 'missing' }];
  const out = run(steps, ['b'], [['Yes'], [' FALSE '], ['1'], ['maybe'], ['']]);
  assert.deepEqual(out.rows, [[1], [0], [1], [null], [null]]);
  assert.deepEqual(out.unknown, [1]);
});

test('dateFeatures: year, month, day, day of week (Monday 0); invalid dates are unknown', () => {
  const steps: RecipeStep[] = [{ op: 'dateFeatures', column: 'd', features: ['year', 'month', 'day', 'dayOfWeek'], dropColumn: true, onUnknown: 'missing' }];
  // 2024-02-29 was a Thursday (3); 2000-01-01 a Saturday (5); 1999-12-31 10:00 a Friday (4).
  const out = run(steps, ['id', 'd'], [['a', '2024-02-29'], ['b', '2000-01-01'], ['c', '1999-12-31T10:00:00Z'], ['d', '2023-02-29'], ['e', '']]);
  assert.deepEqual(out.names, ['id', 'd_year', 'd_month', 'd_day', 'd_dayOfWeek']);
  assert.deepEqual(out.rows, [
    ['a', 2024, 2, 29, 3],
    ['b', 2000, 1, 1, 5],
    ['c', 1999, 12, 31, 4],
    ['d', null, null, null, null],
    ['e', null, null, null, null],
  ]);
  assert.deepEqual(out.unknown, [1]);
  const kept = run([{ op: 'dateFeatures', column: 'd', features: ['month'], dropColumn: false, onUnknown: 'missing' }], ['d', 'z'], [['2021-07-04', 'q']]);
  assert.deepEqual(kept.names, ['d', 'd_month', 'z']);
  assert.deepEqual(kept.rows, [['2021-07-04', 7, 'q']]);
});

test('trimWhitespace, unifyCase, groupRare', () => {
  const steps: RecipeStep[] = [
    { op: 'trimWhitespace', columns: ['c'] },
    { op: 'unifyCase', column: 'c', mapping: { red: 'Red', RED: 'Red' } },
    { op: 'groupRare', column: 'c', keep: ['Red', 'Blue'], other: 'other' },
  ];
  const out = run(steps, ['c'], [[' red '], ['RED'], ['Blue'], ['green'], ['']]);
  assert.deepEqual(out.rows, [['Red'], ['Red'], ['Blue'], ['other'], [null]]);
});

test('clip to bounds, flag outliers beyond them', () => {
  const clip = run([{ op: 'clip', column: 'x', method: 'iqr', lower: -1, upper: 10, onUnknown: 'missing' }], ['x'], [['-5'], ['3'], ['12.5'], ['']]);
  assert.deepEqual(clip.rows, [[-1], [3], [10], [null]]);
  const flag = run([{ op: 'flagOutliers', column: 'x', lower: 0, upper: 10, onUnknown: 'missing' }], ['x', 'y'], [['-5', 'a'], ['10', 'b'], ['11', 'c'], ['NA', 'd']]);
  assert.deepEqual(flag.names, ['x', 'x_outlier', 'y']);
  assert.deepEqual(flag.rows, [[-5, 1, 'a'], [10, 0, 'b'], [11, 1, 'c'], [null, null, 'd']]);
});

test('scale: (x - center) / scale', () => {
  // standard with mean 4, std 2: 2 -> -1, 8 -> 2; min-max with min 2, range 6: 5 -> 0.5
  assert.deepEqual(run([{ op: 'scale', column: 'x', method: 'standard', center: 4, scale: 2, onUnknown: 'missing' }], ['x'], [['2'], ['8']]).rows, [[-1], [2]]);
  assert.deepEqual(run([{ op: 'scale', column: 'x', method: 'minMax', center: 2, scale: 6, onUnknown: 'missing' }], ['x'], [['5'], ['2']]).rows, [[0.5], [0]]);
});

test('log1p with a shift; values below the fitted domain are unknown', () => {
  const out = run([{ op: 'log1p', column: 'x', shift: 1, onUnknown: 'missing' }], ['x'], [['0'], [String(Math.E - 2)], ['-3']]);
  assert.equal(out.rows[0]![0], Math.log(2));
  assert.ok(Math.abs((out.rows[1]![0] as number) - 1) < 1e-15);
  assert.deepEqual(out.rows[2], [null]);
  assert.deepEqual(out.unknown, [1]);
});

test('yeoJohnson by hand: lambda 0 is log1p for x >= 0, lambda 2 is -log1p(-x) for x < 0', () => {
  const l0 = run([{ op: 'yeoJohnson', column: 'x', lambda: 0, onUnknown: 'missing' }], ['x'], [['1'], ['-1']]);
  // x = 1: log(2); x = -1 with lambda 0: -((2)^2 - 1) / 2 = -1.5
  assert.equal(l0.rows[0]![0], Math.log(2));
  assert.ok(Math.abs((l0.rows[1]![0] as number) + 1.5) < 1e-15);
  const l2 = run([{ op: 'yeoJohnson', column: 'x', lambda: 2, onUnknown: 'missing' }], ['x'], [['-1'], ['1']]);
  // x = -1: -log(2); x = 1 with lambda 2: (2^2 - 1) / 2 = 1.5
  assert.equal(l2.rows[0]![0], -Math.log(2));
  assert.ok(Math.abs((l2.rows[1]![0] as number) - 1.5) < 1e-15);
});

test('oneHot with an other column replaces the column in place; missing is all zeros', () => {
  const steps: RecipeStep[] = [{ op: 'oneHot', column: 'c', categories: ['a', 'b'], otherColumn: true, onUnknown: 'missing' }];
  const out = run(steps, ['id', 'c', 'z'], [['1', 'a', 'q'], ['2', 'b', 'q'], ['3', 'zz', 'q'], ['4', '', 'q']]);
  assert.deepEqual(out.names, ['id', 'c_a', 'c_b', 'c_other', 'z']);
  assert.deepEqual(out.rows, [['1', 1, 0, 0, 'q'], ['2', 0, 1, 0, 'q'], ['3', 0, 0, 1, 'q'], ['4', 0, 0, 0, 'q']]);
  assert.deepEqual(out.unknown, [0]);
});

test('oneHot without an other column counts a new category as unknown (all zeros)', () => {
  const out = run([{ op: 'oneHot', column: 'c', categories: ['a'], otherColumn: false, onUnknown: 'missing' }], ['c'], [['a'], ['new'], ['new']]);
  assert.deepEqual(out.rows, [[1], [0], [0]]);
  assert.deepEqual(out.unknown, [2]);
});

test('ordinal and frequency encoding', () => {
  const ord = run([{ op: 'ordinal', column: 'c', categories: ['high', 'low', 'mid'], onUnknown: 'missing' }], ['c'], [['low'], ['mid'], ['huge'], ['']]);
  assert.deepEqual(ord.rows, [[1], [2], [null], [null]]);
  assert.deepEqual(ord.unknown, [1]);
  const freq = run([{ op: 'frequency', column: 'c', frequencies: { a: 0.5, b: 0.3 }, otherFrequency: 0.1, onUnknown: 'missing' }], ['c'], [['a'], ['b'], ['z'], ['NA']]);
  assert.deepEqual(freq.rows, [[0.5], [0.3], [0.1], [null]]);
  assert.deepEqual(freq.unknown, [0]);
  const closed = run([{ op: 'frequency', column: 'c', frequencies: { a: 1 }, otherFrequency: null, onUnknown: 'missing' }], ['c'], [['z']]);
  assert.deepEqual(closed.rows, [[null]]);
  assert.deepEqual(closed.unknown, [1]);
});

test("onUnknown 'error' stops with one line naming the row, column and value", () => {
  const compiled = compileRecipe([{ op: 'scale', column: 'x', method: 'standard', center: 0, scale: 1, onUnknown: 'error' }], ['x'], jsonRowSet);
  assert.throws(
    () => compiled.run(['oops'], 7),
    (e: unknown) => isUserError(e) && e.code === 'UNKNOWN_VALUE' && /row 7, column "x": "oops" is not a number/.test(e.message) && !e.message.includes('\n'),
  );
});

test('a step naming a missing column, or one an earlier step dropped, fails at compile time', () => {
  assert.throws(
    () => compileRecipe([{ op: 'trimWhitespace', columns: ['nope'] }], ['a'], jsonRowSet),
    (e: unknown) => isUserError(e) && e.code === 'MISSING_COLUMN' && /step 1 \(trimWhitespace\) names column "nope", but the data has no such column/.test(e.message),
  );
  assert.throws(
    () => compileRecipe([{ op: 'dropColumns', columns: ['a'], reason: '' }, { op: 'log1p', column: 'a', shift: 0, onUnknown: 'missing' }], ['a', 'b'], jsonRowSet),
    (e: unknown) => isUserError(e) && e.code === 'MISSING_COLUMN' && /step 2 \(log1p\).*an earlier step removed it/.test(e.message),
  );
  assert.throws(
    () => compileRecipe([{ op: 'impute', column: 'a', strategy: 'mean', value: 1, indicator: true, onUnknown: 'missing' }], ['a', 'a_missing'], jsonRowSet),
    (e: unknown) => isUserError(e) && e.code === 'BAD_RECIPE' && /would add column "a_missing"/.test(e.message),
  );
});

test('oversample: integer copies repeat rows in place; fractional ones add a seeded share; last step only', () => {
  const twice = run([{ op: 'oversample', column: 'y', copies: { b: 2 }, seed: 1 }], ['x', 'y'], [['1', 'a'], ['2', 'b'], ['3', ''], ['4', 'b']]);
  assert.deepEqual(twice.rows, [['1', 'a'], ['2', 'b'], ['2', 'b'], ['3', null], ['4', 'b'], ['4', 'b']]);
  // 1.5 copies of 400 rows: 400 + Binomial(400, 0.5) rows, far from both 400 and 800.
  const many = run([{ op: 'oversample', column: 'y', copies: { b: 1.5 }, seed: 7 }], ['y'], Array.from({ length: 400 }, () => ['b']));
  assert.ok(many.rows.length > 520 && many.rows.length < 680, `${many.rows.length} rows`);
  assert.throws(
    () => compileRecipe([{ op: 'oversample', column: 'y', copies: {}, seed: 1 }, { op: 'dropDuplicateRows' }], ['y'], jsonRowSet),
    (e: unknown) => isUserError(e) && /must be the last step/.test(e.message),
  );
});
