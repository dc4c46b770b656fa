// Folds: disjoint train/valid, every row validated once, sizes within one, stratified class counts within
// one row of the overall share, seeded (same seed, same folds), and the errors for too few rows per class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdout, kFold, stratifiedKFold, type Fold } from '../../../src/core/ml/folds.js';
import { mixSeed, seededRandom } from '../../../src/core/ml/random.js';
import { isUserError } from '../../../src/core/errors.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface StratifiedCase {
  name: string;
  k: number;
  labels: number[];
  foldClassCounts: number[][];
}
const SKLEARN = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'ml', 'folds', 'stratified.json'), 'utf8')) as { cases: StratifiedCase[] };

function checkPartition(folds: Fold[], rows: number[]): void {
  const validated = new Map<number, number>();
  for (const { train, valid } of folds) {
    const t = new Set(train);
    assert.equal(t.size, train.length, 'train has no repeats');
    for (const r of valid) {
      assert.ok(!t.has(r), `row ${r} is in both train and valid`);
      validated.set(r, (validated.get(r) ?? 0) + 1);
    }
    assert.equal(train.length + valid.length, rows.length);
    assert.deepEqual([...train], [...train].sort((a, b) => a - b), 'train is sorted');
    assert.deepEqual([...valid], [...valid].sort((a, b) => a - b), 'valid is sorted');
  }
  assert.deepEqual([...validated.keys()].sort((a, b) => a - b), rows);
  for (const [r, times] of validated) assert.equal(times, 1, `row ${r} validated ${times} times`);
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

test('kFold: 10 rows in 3 folds are 4, 3, 3 validation rows covering every row once', () => {
  const folds = kFold(10, 3, 7);
  assert.deepEqual(folds.map((f) => f.valid.length), [4, 3, 3]);
  checkPartition(folds, range(10));
});

test('kFold over a row list splits those rows only', () => {
  const rows = Int32Array.from([5, 9, 11, 20, 21, 40]);
  const folds = kFold(rows, 2, 1);
  checkPartition(folds, [5, 9, 11, 20, 21, 40]);
});

test('kFold is seeded: same seed same folds, another seed other folds, and it shuffles', () => {
  const a = kFold(100, 5, 42);
  const b = kFold(100, 5, 42);
  const c = kFold(100, 5, 43);
  assert.deepEqual(a.map((f) => [...f.valid]), b.map((f) => [...f.valid]));
  assert.notDeepEqual(a.map((f) => [...f.valid]), c.map((f) => [...f.valid]));
  // Unshuffled, fold 0 would validate rows 0..19.
  assert.notDeepEqual([...a[0]!.valid], range(20));
});

test('kFold errors: fewer rows than folds, k < 2', () => {
  assert.throws(() => kFold(3, 5, 0), (e) => isUserError(e) && e.code === 'TOO_FEW_ROWS' && /at least 5 rows/.test(e.message));
  assert.throws(() => kFold(10, 1, 0), (e) => isUserError(e) && e.code === 'BAD_ARGUMENT');
});

test('stratifiedKFold: each fold holds floor or ceil of n_c / k rows of every class', () => {
  // 3 classes: 50, 30, 7 rows (87 rows), shuffled positions.
  const labels = new Int32Array(87);
  for (let i = 0; i < 87; i++) labels[i] = i < 50 ? 0 : i < 80 ? 1 : 2;
  const next = seededRandom(3);
  for (let i = labels.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [labels[i], labels[j]] = [labels[j]!, labels[i]!];
  }
  const k = 5;
  const folds = stratifiedKFold(labels, k, 11);
  checkPartition(folds, range(87));
  const total = [50, 30, 7];
  for (const { valid } of folds) {
    const counts = [0, 0, 0];
    for (const r of valid) counts[labels[r]!]!++;
    for (let c = 0; c < 3; c++) {
      // Within one row of the class's share of this fold.
      const expected = (total[c]! * valid.length) / 87;
      assert.ok(Math.abs(counts[c]! - expected) <= 1, `class ${c}: ${counts[c]} rows, expected ≈ ${expected.toFixed(2)}`);
      assert.ok(counts[c] === Math.floor(total[c]! / k) || counts[c] === Math.ceil(total[c]! / k));
    }
    assert.ok(valid.length === 17 || valid.length === 18, `fold size ${valid.length}`);
  }
});

test('stratifiedKFold is seeded and shuffles within classes', () => {
  const labels = Int32Array.from(range(60), (i) => i % 2);
  const a = stratifiedKFold(labels, 3, 5);
  assert.deepEqual(a.map((f) => [...f.valid]), stratifiedKFold(labels, 3, 5).map((f) => [...f.valid]));
  assert.notDeepEqual(a.map((f) => [...f.valid]), stratifiedKFold(labels, 3, 6).map((f) => [...f.valid]));
});

test('stratifiedKFold: a class smaller than k is an error unless allowed, then a warning', () => {
  const labels = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
  assert.throws(() => stratifiedKFold(labels, 3, 0), (e) => isUserError(e) && e.code === 'TOO_FEW_ROWS' && /Class 1 has 2 rows, fewer than the 3 folds/.test(e.message));
  const warnings: string[] = [];
  const folds = stratifiedKFold(labels, 3, 0, { allowSmallClasses: true, onWarning: (m) => warnings.push(m) });
  assert.equal(warnings.length, 1);
  checkPartition(folds, range(10));
  // The two class-1 rows land in different folds.
  const withClass1 = folds.filter((f) => [...f.valid].some((r) => labels[r] === 1)).length;
  assert.equal(withClass1, 2);
});

test('holdout: round(n × fraction) validation rows, disjoint, seeded', () => {
  const [split] = holdout(10, 0.25, 9);
  assert.ok(split);
  assert.equal(split.valid.length, 3); // round(2.5) = 3
  assert.equal(split.train.length, 7);
  assert.equal(new Set([...split.train, ...split.valid]).size, 10);
  assert.deepEqual([...holdout(10, 0.25, 9)[0]!.valid], [...split.valid]);
  assert.throws(() => holdout(10, 1, 0), (e) => isUserError(e) && e.code === 'BAD_ARGUMENT');
  assert.throws(() => holdout(1, 0.5, 0), (e) => isUserError(e) && e.code === 'TOO_FEW_ROWS');
});

test('holdout stratified: class counts by largest remainder', () => {
  // 7 of class 0, 3 of class 1, fraction 0.3 → 3 valid: floor(2.1) = 2 and floor(0.9) = 0, the owed row
  // goes to class 1 (remainder 0.9 > 0.1).
  const labels = Int32Array.from([0, 1, 0, 0, 1, 0, 0, 1, 0, 0]);
  const [split] = holdout(10, 0.3, 4, labels);
  assert.ok(split);
  const counts = [0, 0];
  for (const r of split.valid) counts[labels[r]!]!++;
  assert.deepEqual(counts, [2, 1]);
});

test('mixSeed: order matters, neighbours differ, deterministic 32-bit', () => {
  assert.equal(mixSeed(1, 2, 3), mixSeed(1, 2, 3));
  assert.notEqual(mixSeed(1, 2), mixSeed(2, 1));
  assert.notEqual(mixSeed(0, 0), mixSeed(0, 1));
  assert.notEqual(mixSeed(5), mixSeed(5, 0));
  const s = mixSeed(123, 4, 5);
  assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32);
  // Neighbouring seeds start unrelated streams.
  assert.notEqual(seededRandom(mixSeed(1, 0))(), seededRandom(mixSeed(1, 1))());
});

test('stratifiedKFold deals the same class counts to each fold as scikit-learn 1.2 (fixture)', () => {
  assert.ok(SKLEARN.cases.length >= 4);
  for (const c of SKLEARN.cases) {
    const labels = Int32Array.from(c.labels);
    for (const seed of [0, 1]) {
      const folds = stratifiedKFold(labels, c.k, seed);
      const counts = folds.map(({ valid }) => {
        const row = new Array<number>(c.foldClassCounts[0]!.length).fill(0);
        for (const r of valid) row[labels[r]!]!++;
        return row;
      });
      assert.deepEqual(counts, c.foldClassCounts, c.name);
    }
  }
});
