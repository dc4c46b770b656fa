import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorrelationAccumulator } from '../../../../src/core/profile/sketch/correlation.js';

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Table = (number | null)[][];

/** Two-pass Pearson over the rows where both columns are numbers, written out directly. */
function pearson(rows: Table, i: number, j: number): number | null {
  const pairs = rows.filter((r) => r[i] !== null && r[j] !== null).map((r) => [r[i]!, r[j]!] as const);
  const n = pairs.length;
  if (n < 3) return null;
  const mx = pairs.reduce((s, p) => s + p[0], 0) / n;
  const my = pairs.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

function accumulate(rows: Table, m: number, acc = new CorrelationAccumulator(m)): CorrelationAccumulator {
  const values = new Float64Array(m);
  const present = new Uint8Array(m);
  for (const r of rows) {
    for (let i = 0; i < m; i++) {
      const v = r[i];
      present[i] = v === null || v === undefined ? 0 : 1;
      values[i] = v ?? 12345; // garbage where absent: must be ignored
    }
    acc.addRow(values, present);
  }
  return acc;
}

function assertMatrix(actual: (number | null)[][], rows: Table, m: number, tol: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const expected = i === j ? (pearson(rows, i, i) === null ? null : 1) : pearson(rows, i, j);
      const got = actual[i]![j]!;
      if (expected === null) assert.equal(got, null, `(${i},${j})`);
      else assert.ok(got !== null && Math.abs(got - expected) <= tol, `(${i},${j}): ${got} vs ${expected}`);
    }
  }
}

/** 5 columns: x, a noisy copy of x, an independent one, a constant, and one with only 2 values. */
function makeTable(n: number, seed: number, offset = 0): Table {
  const rand = seeded(seed);
  const rows: Table = [];
  for (let r = 0; r < n; r++) {
    const x = rand() * 10;
    rows.push([
      rand() < 0.1 ? null : offset + x,
      rand() < 0.2 ? null : offset + 2 * x + rand(),
      rand() < 0.3 ? null : offset - rand() * 5,
      rand() < 0.5 ? null : 7,
      r < 2 ? r : null,
    ]);
  }
  return rows;
}

test('matches a two-pass Pearson with missing entries; constant and sparse columns give null', () => {
  const rows = makeTable(3000, 1);
  const m = accumulate(rows, 5).matrix();
  assertMatrix(m, rows, 5, 1e-12);
  assert.ok(m[0]![1]! > 0.9);
  assert.equal(m[3]![3], null);
  assert.equal(m[0]![3], null);
  assert.equal(m[0]![4], null);
  assert.equal(m[4]![4], null);
});

test('hand example: perfectly linear, anti-linear and unrelated pairs', () => {
  const rows: Table = [
    [1, 10, 5, 1],
    [2, 8, null, -1],
    [3, 6, 5, 1],
    [4, 4, 7, -1],
    [null, 2, 7, 1],
  ];
  const m = accumulate(rows, 4).matrix();
  assert.ok(Math.abs(m[0]![1]! + 1) < 1e-12);
  // Column 2 against column 0 over the rows where both are present: x = 1, 3, 4 and y = 5, 5, 7:
  // Sxy = 8/3, Sxx = 14/3, Syy = 8/3, so r = (8/3) / sqrt(14/3 * 8/3) = 0.7559.
  assert.ok(Math.abs(m[0]![2]! - 8 / 3 / Math.sqrt((14 / 3) * (8 / 3))) < 1e-12);
  assert.deepEqual(
    m.map((r) => r.map((v) => (v === null ? null : Math.round(v * 1e9) / 1e9))),
    [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => {
      const p = i === j ? 1 : pearson(rows, i, j);
      return p === null ? null : Math.round(p * 1e9) / 1e9;
    })),
  );
});

test('merge equals a single stream, including merging into an empty accumulator', () => {
  const rows = makeTable(5000, 2);
  const whole = accumulate(rows, 5).matrix();
  for (const cut of [0, 1, 17, 2500, 4999]) {
    const a = accumulate(rows.slice(0, cut), 5);
    a.merge(accumulate(rows.slice(cut), 5));
    const merged = a.matrix();
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
      const w = whole[i]![j]!;
      const g = merged[i]![j]!;
      if (w === null) assert.equal(g, null);
      else assert.ok(Math.abs(g! - w) < 1e-12, `cut ${cut} (${i},${j})`);
    }
  }
  // Rows keep coming after a merge.
  const a = accumulate(rows.slice(0, 1000), 5);
  a.merge(accumulate(rows.slice(1000, 3000), 5));
  accumulate(rows.slice(3000), 5, a);
  assertMatrix(a.matrix(), rows, 5, 1e-12);
  assert.throws(() => a.merge(new CorrelationAccumulator(4)), RangeError);
});

test('values around 1e9 with small noise keep their correlation', () => {
  const rows = makeTable(4000, 3, 1e9);
  const acc = accumulate(rows, 5);
  assertMatrix(acc.matrix(), rows, 5, 1e-6);
  // The naive one-pass formula (n Σxy - Σx Σy) / sqrt(...) on the same data is far off or undefined.
  const pairs = rows.filter((r) => r[0] !== null && r[1] !== null).map((r) => [r[0]!, r[1]!]);
  let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (const [x, y] of pairs) {
    sx += x!; sy += y!; sxx += x! * x!; syy += y! * y!; sxy += x! * y!;
  }
  const n = pairs.length;
  const naive = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
  const truth = pearson(rows, 0, 1)!;
  assert.ok(!(Math.abs(naive - truth) < 1e-3), `the naive formula was expected to break: ${naive} vs ${truth}`);
  assert.ok(Math.abs(acc.matrix()[0]![1]! - truth) < 1e-6);
});

test('a first row far from the rest does not cost precision', () => {
  const rows = makeTable(3000, 4);
  rows.unshift([1e8, 2e8, -3e8, 7, null]);
  assertMatrix(accumulate(rows, 5).matrix(), rows, 5, 1e-9);
});

test('state survives JSON and structuredClone; non-finite values are absent', () => {
  const rows = makeTable(2000, 5);
  const acc = accumulate(rows, 5);
  const back = CorrelationAccumulator.fromJSON(JSON.parse(JSON.stringify(acc.toJSON())));
  assert.deepEqual(back.matrix(), acc.matrix());
  const cloned = CorrelationAccumulator.fromJSON(structuredClone(acc.toJSON()));
  accumulate(rows.slice(0, 10), 5, cloned);
  assertMatrix(cloned.matrix(), [...rows, ...rows.slice(0, 10)], 5, 1e-12);
  const c = new CorrelationAccumulator(2);
  c.addRow(Float64Array.of(1, NaN), Uint8Array.of(1, 1));
  c.addRow(Float64Array.of(2, Infinity), Uint8Array.of(1, 1));
  assert.equal(c.pairCount(0, 1), 0);
  assert.equal(c.pairCount(0, 0), 2);
  assert.deepEqual(new CorrelationAccumulator(0).matrix(), []);
});

test('complete rows (the short path) mixed with rows that have gaps, across folds and merges', () => {
  const rand = seeded(6);
  const rows: Table = [];
  for (let r = 0; r < 9000; r++) {
    const x = rand() * 3 + 100;
    const gap = rand() < 0.15;
    rows.push([x, gap && rand() < 0.5 ? null : -x * 0.5 + rand(), rand(), gap ? null : x * x, 5 + (r % 7)]);
  }
  assert.ok(rows.filter((r) => r.every((v) => v !== null)).length > 7000);
  assertMatrix(accumulate(rows, 5).matrix(), rows, 5, 1e-10);
  const a = accumulate(rows.slice(0, 4321), 5);
  a.merge(accumulate(rows.slice(4321), 5));
  assertMatrix(a.matrix(), rows, 5, 1e-10);
  assert.equal(a.pairCount(0, 3), rows.filter((r) => r[3] !== null).length);
});
