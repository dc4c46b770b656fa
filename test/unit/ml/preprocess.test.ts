// Preprocessing checked by hand: medians, means and population stds, one-hot layout with "(other)" and
// unseen categories, missing indicators; fitted on train rows only (validation rows never move the fit);
// the 'columns' layout; and a JSON round trip that transforms the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPreprocessor, loadPreprocessor, type SavedPreprocessor } from '../../../src/core/ml/preprocess.js';
import type { FeatureColumn } from '../../../src/core/ml/types.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTrainingTable } from '../../../src/core/ml/table.js';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'ml', 'preprocess');

const num = (name: string, values: number[]): FeatureColumn => ({ name, kind: 'numeric', values: Float64Array.from(values) });
const cat = (name: string, codes: number[], categories: string[]): FeatureColumn => ({ name, kind: 'categorical', codes: Int32Array.from(codes), categories });

// Rows 0..3 train, 4..5 validation only.
const TRAIN = Int32Array.from([0, 1, 2, 3]);
function features(validX = [100, 7], validCodes = [3, 2]): FeatureColumn[] {
  return [num('x', [1, NaN, 3, 10, ...validX]), cat('c', [0, 0, 1, -1, ...validCodes], ['a', 'b', 'c', 'd']), num('z', [1, 3, 10, 20, 0, 0])];
}

function rowsOf(data: Float64Array, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < data.length; i += cols) out.push([...data.subarray(i, i + cols)]);
  return out;
}

function close(actual: number[][], expected: number[][]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - expected[i]![j]!) < 1e-12, `[${i}][${j}] ${v} ≠ ${expected[i]![j]}`)));
}

test('dense: median impute, standardise with train mean/std, indicator, one-hot with (other) and unseen → zeros', () => {
  const p = fitPreprocessor(features(), TRAIN, 'dense', { minCategoryRows: 2 });
  assert.deepEqual(p.names, ['x', 'x (missing)', 'c=a', 'c=(other)', 'z']);
  assert.deepEqual(p.sources, [0, 0, 1, 1, 2]);
  // x train: 1, NaN, 3, 10 → median 3; imputed 1, 3, 3, 10 → mean 4.25, variance 46.75 / 4.
  const sx = Math.sqrt(46.75 / 4);
  // z train: 1, 3, 10, 20 → mean 8.5, variance (56.25 + 30.25 + 2.25 + 132.25) / 4 = 55.25.
  const sz = Math.sqrt(55.25);
  const m = p.transform(features());
  assert.equal(m.layout, 'dense');
  if (m.layout !== 'dense') return;
  assert.equal(m.rows, 6);
  assert.equal(m.cols, 5);
  close(rowsOf(m.data, 5), [
    [(1 - 4.25) / sx, 0, 1, 0, (1 - 8.5) / sz],
    [(3 - 4.25) / sx, 1, 1, 0, (3 - 8.5) / sz], // x missing → median, indicator; c 'a'
    [(3 - 4.25) / sx, 0, 0, 1, (10 - 8.5) / sz], // c 'b': 1 train row < 2 → (other)
    [(10 - 4.25) / sx, 0, 1, 0, (20 - 8.5) / sz], // c missing → mode 'a'
    [(100 - 4.25) / sx, 0, 0, 0, (0 - 8.5) / sz], // c 'd' never in train → zeros
    [(7 - 4.25) / sx, 0, 0, 0, (0 - 8.5) / sz], // c 'c' never in train → zeros
  ]);
});

test('dense: an even count takes the mean of the middle two; a constant column centres with std 1', () => {
  const f = [num('x', [20, 1, 10, 3]), num('k', [5, 5, 5, 5])];
  const p = fitPreprocessor(f, TRAIN, 'dense');
  const saved = p.toJSON();
  assert.ok(saved.layout === 'dense');
  const [x, k] = saved.features;
  assert.ok(x?.kind === 'numeric' && k?.kind === 'numeric');
  assert.equal(x.median, 6.5);
  assert.equal(x.indicator, false);
  assert.equal(k.std, 1);
  assert.equal(k.mean, 5);
  const m = p.transform(f);
  assert.ok(m.layout === 'dense');
  assert.deepEqual(rowsOf(m.data, 2).map((r) => r[1]), [0, 0, 0, 0]);
});

test('dense: default rare threshold is ceil(0.5% of train rows) within 5..20; missing indicators can be turned off', () => {
  // 1200 train rows: threshold ceil(6) = 6. Category 1 has 6 rows (kept), category 2 has 5 (other).
  const codes = new Array<number>(1200).fill(0);
  for (let i = 0; i < 6; i++) codes[i] = 1;
  for (let i = 6; i < 11; i++) codes[i] = 2;
  const values = new Array<number>(1200).fill(1);
  values[0] = NaN;
  const rows = Int32Array.from({ length: 1200 }, (_, i) => i);
  const f = [cat('c', codes, ['p', 'q', 'r']), num('v', values)];
  assert.deepEqual(fitPreprocessor(f, rows, 'dense').names, ['c=p', 'c=q', 'c=(other)', 'v', 'v (missing)']);
  assert.deepEqual(fitPreprocessor(f, rows, 'dense', { missingIndicators: false }).names, ['c=p', 'c=q', 'c=(other)', 'v']);
  // 10,000 rows: 0.5% is 50, capped at 20. Category 1 has 20 rows (kept), category 2 has 19 (other).
  const many = new Array<number>(10000).fill(0);
  for (let i = 0; i < 20; i++) many[i] = 1;
  for (let i = 20; i < 39; i++) many[i] = 2;
  const all = Int32Array.from({ length: 10000 }, (_, i) => i);
  assert.deepEqual(fitPreprocessor([cat('c', many, ['p', 'q', 'r'])], all, 'dense').names, ['c=p', 'c=q', 'c=(other)']);
});

test('dense: at most maxOneHot columns per feature, the most frequent ones, in category order', () => {
  // counts: a 3, b 9, c 6, d 9, e 1 → the 2 most frequent are b and d (tie broken by code), the rest → (other).
  const codes = [0, 0, 0, ...new Array<number>(9).fill(1), ...new Array<number>(6).fill(2), ...new Array<number>(9).fill(3), 4];
  const rows = Int32Array.from(codes, (_, i) => i);
  const p = fitPreprocessor([cat('c', codes, ['a', 'b', 'c', 'd', 'e'])], rows, 'dense', { minCategoryRows: 1, maxOneHot: 2 });
  assert.deepEqual(p.names, ['c=b', 'c=d', 'c=(other)']);
  const m = p.transform([cat('c', [0, 1, 3, 4, -1], ['a', 'b', 'c', 'd', 'e'])]);
  assert.ok(m.layout === 'dense');
  // a → other; b; d; e → other; missing → mode b (9 rows, first of the tied b and d).
  assert.deepEqual(rowsOf(m.data, 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]);
});

test('no leakage: validation-only values and categories do not change the fit', () => {
  const a = fitPreprocessor(features([100, 7], [3, 2]), TRAIN, 'dense', { minCategoryRows: 2 }).toJSON();
  const b = fitPreprocessor(features([-1e9, NaN], [1, 1]), TRAIN, 'dense', { minCategoryRows: 2 }).toJSON();
  assert.deepEqual(a, b);
  // But a different train set does change it (the check above can fail).
  const c = fitPreprocessor(features(), Int32Array.from([0, 1, 2, 4]), 'dense', { minCategoryRows: 2 }).toJSON();
  assert.notDeepEqual(a, c);
});

test('columns: numbers as they are, codes as floats, missing → NaN, category counts, a row subset', () => {
  const p = fitPreprocessor(features(), TRAIN, 'columns');
  assert.deepEqual(p.names, ['x', 'c', 'z']);
  const m = p.transform(features(), Int32Array.from([1, 3, 4]));
  assert.ok(m.layout === 'columns');
  assert.equal(m.rows, 3);
  assert.deepEqual(m.categoryCounts, [0, 4, 0]);
  assert.deepEqual([...m.columns[0]!], [NaN, 10, 100]);
  assert.deepEqual([...m.columns[1]!], [0, NaN, 3]);
  assert.deepEqual([...m.columns[2]!], [3, 20, 0]);
});

test('JSON round trip: the loaded preprocessor transforms identically (both layouts)', () => {
  for (const layout of ['dense', 'columns'] as const) {
    const p = fitPreprocessor(features(), TRAIN, layout, { minCategoryRows: 2 });
    const json = JSON.parse(JSON.stringify(p.toJSON())) as SavedPreprocessor;
    const q = loadPreprocessor(json);
    assert.deepEqual(q.names, p.names);
    assert.deepEqual(q.transform(features()), p.transform(features()));
    assert.deepEqual(q.toJSON(), p.toJSON());
  }
});

test('transform refuses features that do not match the fit', () => {
  const p = fitPreprocessor(features(), TRAIN, 'dense');
  const [x, c, z] = features();
  assert.throws(() => p.transform([c!, x!, z!]), /feature 0 is x/);
  assert.throws(() => p.transform([x!, cat('c', [0], ['a', 'b']), z!]), /had 4 categories, given 2/);
  assert.throws(() => loadPreprocessor({ ...p.toJSON(), version: 99 }), /version 99/);
});

test('dense matches scikit-learn 1.2 (median imputer + scaler + missing indicator, most-frequent + one-hot min_frequency=5) on penguins', async () => {
  const reference = JSON.parse(readFileSync(join(FIXTURES, 'penguins.json'), 'utf8')) as { trainRows: number; rows: number; columns: Record<string, number[]> };
  const { table } = await loadTrainingTable(join(FIXTURES, 'penguins.csv'), { target: 'Species' });
  assert.equal(table.rows, reference.rows);
  const train = Int32Array.from({ length: reference.trainRows }, (_, i) => i);
  const p = fitPreprocessor(table.features, train, 'dense');
  assert.deepEqual([...p.names].sort(), Object.keys(reference.columns).sort());
  const m = p.transform(table.features);
  assert.ok(m.layout === 'dense');
  let worst = 0;
  p.names.forEach((name, j) => {
    const expected = reference.columns[name]!;
    for (let i = 0; i < m.rows; i++) worst = Math.max(worst, Math.abs(m.data[i * m.cols + j]! - expected[i]!));
  });
  assert.ok(worst < 1e-9, `largest difference ${worst}`);
});
