// The drift statistics against scipy (fixtures written by test/reference/drift/make_fixtures.py with
// Debian's python3-scipy), and PSI against hand-computed values.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chiSquareHomogeneity } from '../../../src/core/stats/chi2.js';
import { kolmogorovSf, smirnovSf } from '../../../src/core/stats/kolmogorov.js';
import { ksTwoSample } from '../../../src/core/stats/ks.js';
import { binLabels, binOf, populationStabilityIndex, psiBinsFor, quantileEdges } from '../../../src/core/stats/psi.js';
import { Reservoir } from '../../../src/core/stats/reservoir.js';
import { binomialPmf, chiSquareQuantile, chiSquareSf, logGamma } from '../../../src/core/stats/specialFunctions.js';

interface Fixtures {
  ks2samp: { name: string; a: number[]; b: number[]; statistic: number; pValue: number; method: 'exact' | 'asymptotic' }[];
  kstwoSf: { n: number; x: number; sf: number }[];
  smirnovSf: { n: number; x: number; sf: number }[];
  chi2Contingency: { name: string; table: number[][]; statistic: number; pValue: number; dof: number; cramersV: number }[];
  chi2Sf: { x: number; dof: number; sf: number }[];
}

const fixtures = JSON.parse(readFileSync(join(__dirname, '../../reference/drift/fixtures.json'), 'utf8')) as Fixtures;

/** Relative difference, with an absolute floor far below any p-value a drift check reads. */
function close(actual: number, expected: number, rtol: number, what: string): void {
  const scale = Math.max(Math.abs(expected), 1e-290);
  assert.ok(Math.abs(actual - expected) <= rtol * scale, `${what}: ${actual} vs scipy ${expected} (rel ${Math.abs(actual - expected) / scale})`);
}

test('ks_2samp: statistic, p-value and method agree with scipy (exact and asymptotic paths, ties)', () => {
  assert.ok(fixtures.ks2samp.some((c) => c.method === 'exact') && fixtures.ks2samp.some((c) => c.method === 'asymptotic'));
  for (const c of fixtures.ks2samp) {
    const r = ksTwoSample(Float64Array.from(c.a).sort(), Float64Array.from(c.b).sort());
    assert.equal(r.method, c.method, c.name);
    close(r.statistic, c.statistic, 1e-12, `${c.name} statistic`);
    close(r.pValue, c.pValue, 1e-9, `${c.name} p-value`);
  }
});

test('kstwo.sf over every branch (Ruben–Gambino, Durbin matrix, Smirnov, Pelz–Good) agrees with scipy to 1e-9', () => {
  assert.ok(fixtures.kstwoSf.length > 300);
  for (const c of fixtures.kstwoSf) close(kolmogorovSf(c.n, c.x), c.sf, 1e-9, `kstwo.sf(${c.x}, ${c.n})`);
});

test('smirnov (one-sided) agrees with scipy.special.smirnov to 1e-9, including n above a million', () => {
  for (const c of fixtures.smirnovSf) close(smirnovSf(c.n, c.x), c.sf, 1e-9, `smirnov(${c.n}, ${c.x})`);
});

test('chi2_contingency(correction=False) and Cramér\'s V agree with scipy', () => {
  for (const c of fixtures.chi2Contingency) {
    const r = chiSquareHomogeneity(c.table);
    assert.equal(r.dof, c.dof, c.name);
    close(r.statistic, c.statistic, 1e-12, `${c.name} statistic`);
    close(r.pValue, c.pValue, 1e-9, `${c.name} p-value`);
    close(r.cramersV, c.cramersV, 1e-12, `${c.name} Cramér's V`);
  }
});

test('chi-square survival function agrees with scipy.stats.chi2.sf down to 1e-290', () => {
  for (const c of fixtures.chi2Sf) close(chiSquareSf(c.x, c.dof), c.sf, 1e-9, `chi2.sf(${c.x}, ${c.dof})`);
});

test('chi-square: zero columns are left out, one category means no test', () => {
  const withEmpty = chiSquareHomogeneity([
    [30, 0, 10],
    [20, 0, 25],
  ]);
  const without = chiSquareHomogeneity([
    [30, 10],
    [20, 25],
  ]);
  assert.deepEqual(withEmpty, without);
  assert.deepEqual(chiSquareHomogeneity([[5], [9]]), { statistic: 0, pValue: 1, dof: 0, cramersV: 0 });
});

test('special functions: log Γ and the binomial mass on hand-checkable values', () => {
  close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14, 'logGamma(1/2)');
  close(logGamma(6), Math.log(120), 1e-15, 'logGamma(6)');
  // Γ(n + 1/2) = (2n)! √π / (4ⁿ n!), here n = 30, the factorials as sums of logs.
  let logRatio = 0;
  for (let i = 31; i <= 60; i++) logRatio += Math.log(i);
  close(logGamma(30.5), logRatio + 0.5 * Math.log(Math.PI) - 30 * Math.log(4), 1e-13, 'logGamma(30.5)');
  // C(10, 3) 0.3³ 0.7⁷ = 120 · 0.027 · 0.0823543
  close(binomialPmf(3, 10, 0.3, 0.7), 120 * 0.027 * 0.0823543, 1e-13, 'b(3; 10, 0.3)');
  close(binomialPmf(0, 4, 0.5, 0.5), 1 / 16, 1e-15, 'b(0; 4, 1/2)');
  close(binomialPmf(4, 4, 0.5, 0.5), 1 / 16, 1e-15, 'b(4; 4, 1/2)');
});

test('PSI: hand-computed value, and zero for the same shares', () => {
  // (0.3 − 0.5) ln(0.3/0.5) + (0.7 − 0.5) ln(0.7/0.5)
  close(populationStabilityIndex([0.5, 0.5], [0.3, 0.7]), -0.2 * Math.log(0.6) + 0.2 * Math.log(1.4), 1e-15, 'psi');
  assert.equal(populationStabilityIndex([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]), 0);
  // An empty current bin is floored at 1e-4: (1e-4 − 0.1) ln(1e-4 / 0.1) + (0.9 − 0.9)…
  close(populationStabilityIndex([0.1, 0.9], [0, 1]), (1e-4 - 0.1) * Math.log(1e-4 / 0.1) + 0.1 * Math.log(1 / 0.9), 1e-14, 'psi with an empty bin');
});

test('quantile edges: deciles of 1..100, ties merged, bins left-closed', () => {
  const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual(quantileEdges(values), [11, 21, 31, 41, 51, 61, 71, 81, 91]);
  const ties = Float64Array.from([0, 0, 0, 0, 0, 0, 0, 1, 1, 2]);
  assert.deepEqual(quantileEdges(ties), [1, 2]);
  assert.equal(binOf([1, 2], 0), 0);
  assert.equal(binOf([1, 2], 1), 1);
  assert.equal(binOf([1, 2], 1.5), 1);
  assert.equal(binOf([1, 2], 7), 2);
  assert.deepEqual(binLabels([1, 2.5]), ['(−∞, 1)', '[1, 2.5)', '[2.5, +∞)']);
  assert.deepEqual(quantileEdges(Float64Array.from([4, 4, 4])), []);
});

test('reservoir: keeps everything up to its capacity, then a seeded sample of that size', () => {
  const small = new Reservoir(10, 1);
  for (let i = 0; i < 7; i++) small.add(7 - i);
  assert.equal(small.sampled, false);
  assert.deepEqual(Array.from(small.sorted()), [1, 2, 3, 4, 5, 6, 7]);
  const a = new Reservoir(100, 42);
  const b = new Reservoir(100, 42);
  for (let i = 0; i < 10_000; i++) {
    a.add(i);
    b.add(i);
  }
  assert.equal(a.sampled, true);
  assert.equal(a.sorted().length, 100);
  assert.deepEqual(a.sorted(), b.sorted());
  // A uniform sample of 0..9999: its mean is near 5000 (sd of the mean ≈ 289).
  const mean = a.sorted().reduce((s, x) => s + x, 0) / 100;
  assert.ok(Math.abs(mean - 5000) < 1500, `mean ${mean}`);
});

test('PSI bins for small samples: the most whose 99.9th null percentile stays under the threshold', () => {
  // Printed tables: χ²(1) 99.9 % = 10.828, χ²(4) 18.467, χ²(9) 27.877.
  close(chiSquareQuantile(0.999, 1), 10.828, 1e-4, 'χ²(1) 99.9 %');
  close(chiSquareQuantile(0.999, 4), 18.467, 1e-4, 'χ²(4) 99.9 %');
  close(chiSquareQuantile(0.999, 9), 27.877, 1e-4, 'χ²(9) 99.9 %');
  assert.equal(psiBinsFor(100_000, 100_000, 0.2, 10), 10);
  // 27.877 · (1/3000 + 1/3000) = 0.0186
  assert.equal(psiBinsFor(3000, 3000, 0.2, 10), 10);
  // 1/200 + 1/200 = 0.01: 18.467 · 0.01 ≤ 0.2 < 20.515 · 0.01
  assert.equal(psiBinsFor(200, 200, 0.2, 10), 5);
  assert.equal(psiBinsFor(10, 10, 0.2, 10), 2);
  assert.equal(psiBinsFor(200, 200, 0.5, 10), 10);
});
