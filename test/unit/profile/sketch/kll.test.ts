import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KllSketch, sortNumbers } from '../../../../src/core/profile/sketch/kll.js';

/** mulberry32: a small seeded generator so the data (and so the measured error) is the same every run. */
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

/** pandas' default quantile: linear interpolation between order statistics. */
function linearQuantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Fraction of values <= x, by binary search. */
function trueRank(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

test('exact before the first compaction: quantiles match pandas, ranks are exact', () => {
  const rand = seeded(7);
  const xs = Array.from({ length: 300 }, () => Math.round(rand() * 1000) / 10);
  const s = new KllSketch();
  for (const x of xs) s.update(x);
  assert.equal(s.exact, true);
  const sorted = Float64Array.from(xs).sort();
  for (let q = 0; q <= 1.0000001; q += 0.01) {
    const qq = Math.min(q, 1);
    assert.ok(Math.abs(s.quantile(qq) - linearQuantile(sorted, qq)) < 1e-9, `q=${qq}`);
  }
  for (const x of [-1, 0, 5, 33.3, 50, 99.9, 100, 1000]) assert.equal(s.rank(x), trueRank(sorted, x));
  assert.equal(s.quantile(0), sorted[0]);
  assert.equal(s.quantile(1), sorted[299]);
});

test('[1,2,3,4,100] quantiles equal pandas', () => {
  const s = new KllSketch();
  for (const x of [100, 3, 1, 4, 2]) s.update(x);
  // pd.Series([1,2,3,4,100]).quantile([0.1,0.25,0.5,0.9])
  const expected = [1.4, 2.0, 3.0, 61.6];
  [0.1, 0.25, 0.5, 0.9].forEach((q, i) => assert.ok(Math.abs(s.quantile(q) - expected[i]!) < 1e-9));
  assert.equal(s.rank(3), 0.6);
});

function worstRankError(s: KllSketch, sorted: Float64Array): number {
  let worst = 0;
  for (let p = 1; p <= 99; p++) {
    const q = p / 100;
    const v = s.quantile(q);
    // The true rank of the returned value, allowing for ties at v.
    const hi = trueRank(sorted, v);
    const lo = trueRank(sorted, v - Math.abs(v) * 1e-12 - 1e-300);
    const err = q < lo ? lo - q : q > hi ? q - hi : 0;
    worst = Math.max(worst, err);
    // rank() of the true p-quantile value is itself within the error bound.
    const x = sorted[Math.floor(q * (sorted.length - 1))]!;
    worst = Math.max(worst, Math.abs(s.rank(x) - trueRank(sorted, x)));
  }
  return worst;
}

test('1e6 values: rank error <= 1% after merging halves, and in sorted and reversed order', () => {
  const n = 1_000_000;
  const rand = seeded(42);
  const xs = new Float64Array(n);
  // A skewed mixture with ties: exponential body, a block of repeated values, a far tail.
  for (let i = 0; i < n; i++) {
    const u = rand();
    xs[i] = u < 0.1 ? 5 : u < 0.98 ? -Math.log(rand()) * 10 : 1000 + rand() * 1e5;
  }
  const sorted = Float64Array.from(xs).sort();

  const a = new KllSketch();
  const b = new KllSketch();
  for (let i = 0; i < n / 2; i++) a.update(xs[i]!);
  for (let i = n / 2; i < n; i++) b.update(xs[i]!);
  a.merge(b);
  assert.equal(a.count, n);
  assert.equal(a.exact, false);
  assert.equal(a.min, sorted[0]);
  assert.equal(a.max, sorted[n - 1]);
  const merged = worstRankError(a, sorted);
  assert.ok(merged <= 0.01, `merged halves: ${merged}`);

  const asc = new KllSketch();
  for (let i = 0; i < n; i++) asc.update(sorted[i]!);
  const ascErr = worstRankError(asc, sorted);
  assert.ok(ascErr <= 0.01, `sorted input: ${ascErr}`);

  const desc = new KllSketch();
  for (let i = n - 1; i >= 0; i--) desc.update(sorted[i]!);
  const descErr = worstRankError(desc, sorted);
  assert.ok(descErr <= 0.01, `reversed input: ${descErr}`);

  // Memory stays bounded: about 3k retained items.
  const retained = a.toJSON().levels.reduce((t, l) => t + l.length, 0);
  assert.ok(retained < 3 * a.k + 200, `retained ${retained}`);
  // The measured worst error, for the record in kll.ts.
  console.log(`KLL k=${a.k}: worst rank error merged ${merged.toFixed(4)}, sorted ${ascErr.toFixed(4)}, reversed ${descErr.toFixed(4)}, retained ${retained}`);
});

test('merging many small sketches keeps the weight and the accuracy', () => {
  const rand = seeded(3);
  const n = 200_000;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = rand() * 100;
  const total = new KllSketch();
  for (let start = 0; start < n; start += 10_000) {
    const part = new KllSketch();
    for (let i = start; i < start + 10_000; i++) part.update(xs[i]!);
    total.merge(part);
  }
  assert.equal(total.count, n);
  const weight = total.toJSON().levels.reduce((t, l, h) => t + l.length * 2 ** h, 0);
  assert.equal(weight, n);
  assert.ok(worstRankError(total, xs.sort()) <= 0.01);
});

test('state survives JSON and structuredClone; empty and bad input', () => {
  const rand = seeded(9);
  const s = new KllSketch(200);
  for (let i = 0; i < 50_000; i++) s.update(rand());
  const viaJson = KllSketch.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
  const viaClone = KllSketch.fromJSON(structuredClone(s.toJSON()));
  for (const q of [0, 0.01, 0.5, 0.99, 1]) {
    assert.equal(viaJson.quantile(q), s.quantile(q));
    assert.equal(viaClone.quantile(q), s.quantile(q));
  }
  const empty = new KllSketch();
  assert.ok(Number.isNaN(empty.quantile(0.5)));
  empty.update(NaN);
  assert.equal(empty.count, 0);
  empty.merge(s);
  assert.equal(empty.count, 50_000);
  assert.throws(() => s.quantile(1.5), RangeError);
  assert.throws(() => new KllSketch(3), RangeError);
});

test('past its minimum-capacity levels (sampler at work): weight exact, rank error <= 1%, merges and JSON keep it', () => {
  // 3e6 values put a k = 200 sketch several levels past the depth where the sampler replaces the bottom levels.
  const n = 3_000_001;
  const rand = seeded(11);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = rand() < 0.05 ? 7 : rand() * rand() * 1000;
  const a = new KllSketch(200);
  const b = new KllSketch(200);
  // An odd split, so both sketches end in the middle of a sampling block.
  const cut = 1_234_567;
  for (let i = 0; i < cut; i++) a.update(xs[i]!);
  for (let i = cut; i < n; i++) b.update(xs[i]!);
  a.merge(KllSketch.fromJSON(JSON.parse(JSON.stringify(b.toJSON()))));
  const state = a.toJSON();
  assert.equal(state.n, n);
  // Every update is accounted for by the retained items' weights.
  assert.equal(state.levels.reduce((t, l, h) => t + l.length * 2 ** h, 0), n);
  // Levels above 0 stay sorted (compaction relies on it).
  for (let h = 1; h < state.levels.length; h++) for (let i = 1; i < state.levels[h]!.length; i++) assert.ok(state.levels[h]![i - 1]! <= state.levels[h]![i]!);
  const retained = state.levels.reduce((t, l) => t + l.length, 0);
  assert.ok(retained < 3 * a.k + 200, `retained ${retained}`);
  const err = worstRankError(a, xs.slice().sort());
  assert.ok(err <= 0.01, `worst rank error ${err}`);
  let min = Infinity;
  for (const x of xs) if (x < min) min = x;
  assert.equal(a.min, min);
});

test('sortNumbers sorts a range in place like the native sort: random, few distinct, sorted, reversed', () => {
  const rand = seeded(11);
  const shapes: ((i: number, n: number) => number)[] = [
    () => rand() * 2000 - 1000,
    () => Math.floor(rand() * 3),
    (i) => i * 0.5,
    (i, n) => n - i,
    () => 42,
  ];
  for (const n of [0, 1, 2, 3, 23, 24, 25, 100, 401, 2000]) {
    for (const shape of shapes) {
      // Guard values outside the range must stay where they are.
      const a = new Float64Array(n + 2);
      a[0] = 1e9;
      a[n + 1] = -1e9;
      for (let i = 0; i < n; i++) a[i + 1] = shape(i, n);
      const expected = Array.from(a.subarray(1, n + 1)).sort((x, y) => x - y);
      sortNumbers(a, 1, n);
      assert.deepEqual(Array.from(a.subarray(1, n + 1)), expected, `n=${n}`);
      assert.equal(a[0], 1e9);
      assert.equal(a[n + 1], -1e9);
    }
  }
});
