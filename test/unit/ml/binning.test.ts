import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyBinning, binCount, binUpperBound, fitBinning, sortFinite } from '../../../src/core/ml/binning.js';
import type { ColumnMatrix } from '../../../src/core/ml/types.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

function matrix(columns: number[][], categoryCounts?: number[]): ColumnMatrix {
  return {
    layout: 'columns',
    rows: columns[0]!.length,
    names: columns.map((_, j) => `f${j}`),
    columns: columns.map((c) => Float64Array.from(c)),
    categoryCounts: categoryCounts ?? columns.map(() => 0),
  };
}

test('few distinct values: cuts at midpoints, NaN in its own last bin', () => {
  const m = matrix([[3, 1, NaN, 2, 1, 3]]);
  const binning = fitBinning(m);
  assert.deepEqual(binning.features[0], { kind: 'numeric', thresholds: [1.5, 2.5] });
  const binned = applyBinning(binning, m);
  assert.deepEqual([...binned.bins], [2, 0, 3, 1, 0, 2]);
  assert.deepEqual([...binned.binCounts], [4]);
});

test('many distinct values: midpoint percentiles (numpy method="midpoint")', () => {
  const values = Array.from({ length: 100 }, (_, i) => i);
  const binning = fitBinning(matrix([values]), { maxBins: 4 });
  // ranks b/4 * 99 = 24.75, 49.5, 74.25 -> (24+25)/2, (49+50)/2, (74+75)/2
  assert.deepEqual(binning.features[0], { kind: 'numeric', thresholds: [24.5, 49.5, 74.5] });
  const binned = applyBinning(binning, matrix([[24, 24.5, 25, 99, 1000, -5]]));
  assert.deepEqual([...binned.bins], [0, 0, 1, 3, 3, 0]);
  assert.equal(binUpperBound(binning.features[0]!, 1), 49.5);
  assert.equal(binUpperBound(binning.features[0]!, 3), Infinity);
});

test('a heavily repeated value collapses equal cuts', () => {
  const values = [...Array.from({ length: 90 }, () => 7), ...Array.from({ length: 10 }, (_, i) => 10 + i)];
  const binning = fitBinning(matrix([values]), { maxBins: 4 });
  // ranks 24.75 and 49.5 and 74.25 all fall inside the run of 7s -> one cut at 7
  assert.deepEqual(binning.features[0], { kind: 'numeric', thresholds: [7] });
});

test('categorical codes are bins; unseen, negative and NaN codes are missing', () => {
  const m = matrix([[0, 2, 1, NaN, -1, 5]], [3]);
  const binning = fitBinning(m);
  assert.equal(binCount(binning.features[0]!), 4);
  assert.deepEqual([...applyBinning(binning, m).bins], [0, 2, 1, 3, 3, 3]);
});

test('too many categories: the most frequent keep a bin, the rest share one', () => {
  // 5 categories, maxBins 3: codes 3 and 1 are the most frequent, 0, 2, 4 are merged
  const codes = [3, 3, 3, 1, 1, 0, 2, 4];
  const binning = fitBinning(matrix([codes], [5]), { maxBins: 3 });
  assert.deepEqual(binning.features[0], { kind: 'categorical', binOfCode: [2, 0, 2, 1, 2], valueBins: 3 });
});

test('row subsets: fit on some rows, bin others in the given order; JSON round trip', () => {
  const m = matrix([[10, 20, 30, 40], [1, 1, 2, NaN]]);
  const binning = fitBinning(m, { rows: Int32Array.from([0, 1]) });
  assert.deepEqual(binning.features[0], { kind: 'numeric', thresholds: [15] });
  const again = JSON.parse(JSON.stringify(binning)) as typeof binning;
  const binned = applyBinning(again, m, Int32Array.from([3, 0]));
  assert.equal(binned.rows, 2);
  // feature 1 saw only 1s: one value bin, so its missing bin is 1
  assert.deepEqual([...binned.bins], [1, 0, 1, 0]);
});

test('sampled fit: at most sampleRows rows are used, same seed same edges', () => {
  const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
  const a = fitBinning(matrix([values]), { sampleRows: 100, seed: 1, maxBins: 10 });
  const b = fitBinning(matrix([values]), { sampleRows: 100, seed: 1, maxBins: 10 });
  assert.deepEqual(a, b);
  const t = (a.features[0] as { thresholds: number[] }).thresholds;
  assert.equal(t.length, 9);
  // roughly the deciles of 0..999
  for (let b2 = 0; b2 < 9; b2++) assert.ok(Math.abs(t[b2]! - (b2 + 1) * 100) < 120, `cut ${b2} = ${t[b2]}`);
});

test('edges equal scikit-learn 1.2 bin thresholds (600 rows, > 255 distinct values, some missing)', () => {
  // test/reference/sklearn_gbdt.py: HistGradientBoosting's _bin_mapper.bin_thresholds_ on the same rows.
  const fixture = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/ml/gbdt/synthetic.json'), 'utf8')) as {
    train: number;
    columns: (number | null)[][];
    binThresholds: number[][];
  };
  const m = matrix(fixture.columns.map((c) => c.slice(0, fixture.train).map((v) => v ?? NaN)));
  const binning = fitBinning(m);
  binning.features.forEach((f, j) => assert.deepEqual(f, { kind: 'numeric', thresholds: fixture.binThresholds[j] }));
});

test('every value lands in the bin a plain count of thresholds gives (skewed, tied, infinite values)', () => {
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const samples: number[][] = [
    Array.from({ length: 3000 }, () => Math.exp(8 * next())), // heavy right tail
    Array.from({ length: 3000 }, () => Math.round(next() * 20) / 4), // few distinct values, many ties
    Array.from({ length: 3000 }, (_, i) => (i % 100 === 0 ? Infinity : i % 101 === 0 ? -Infinity : next() - 0.5)),
    Array.from({ length: 3000 }, () => (next() < 0.9 ? 1e-300 * next() : 1e300 * next())),
  ];
  for (const values of samples) {
    const m = matrix([values]);
    const binning = fitBinning(m, { maxBins: 255 });
    const t = (binning.features[0] as { thresholds: number[] }).thresholds;
    // probe the fitted values, the thresholds themselves and their neighbours
    const probes = [...values, ...t, ...t.map((v) => v * (1 + 1e-12)), ...t.map((v) => v - 1e-9)];
    const bins = applyBinning(binning, matrix([probes])).bins;
    probes.forEach((x, k) => assert.equal(bins[k], t.filter((v) => v < x).length, `value ${x}`));
    // One row at a time (a served request takes the binary-search path): the same bins, NaN included.
    for (const x of [...probes.slice(0, 200), ...t.slice(0, 50), NaN]) {
      const one = applyBinning(binning, matrix([[x]])).bins[0];
      assert.equal(one, Number.isNaN(x) ? t.length + 1 : t.filter((v) => v < x).length, `single value ${x}`);
    }
  }
});

test('sortFinite orders like a numeric sort (negatives, zeros, infinities, subnormals, ties)', () => {
  let seed = 3;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const special = [0, -0, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1];
  const values = Float64Array.from({ length: 5000 }, (_, i) => (i < special.length ? special[i]! : (next() - 0.5) * 10 ** Math.floor(next() * 20 - 10)));
  for (let i = 0; i < 500; i++) values[4000 + i] = 0.25; // ties
  const expected = Float64Array.from(values).sort((a, b) => a - b);
  const got = sortFinite(values);
  assert.equal(got.length, expected.length);
  for (let i = 0; i < got.length; i++) assert.ok(got[i] === expected[i] || (got[i] === 0 && expected[i] === 0), `at ${i}: ${got[i]} vs ${expected[i]}`);
  assert.notEqual(got, values); // a copy
});
