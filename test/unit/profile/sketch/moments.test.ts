import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Moments } from '../../../../src/core/profile/sketch/moments.js';

/** The textbook two-pass computation, written independently of the streaming code. */
function twoPass(xs: number[]): { mean: number; variance: number | null; skew: number | null } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  let s2 = 0;
  let s3 = 0;
  for (const x of xs) {
    s2 += (x - mean) ** 2;
    s3 += (x - mean) ** 3;
  }
  const variance = n < 2 ? null : s2 / (n - 1);
  // Adjusted Fisher-Pearson coefficient, as pandas computes it.
  const g1 = s3 / n / (s2 / n) ** 1.5;
  const skew = n < 3 || s2 === 0 ? null : (Math.sqrt(n * (n - 1)) / (n - 2)) * g1;
  return { mean, variance, skew };
}

function build(xs: number[]): Moments {
  const m = new Moments();
  for (const x of xs) m.add(x);
  return m;
}

function close(actual: number | null, expected: number | null, rel = 1e-12): void {
  if (expected === null || actual === null) {
    assert.equal(actual, expected);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${actual} vs ${expected}`);
}

test('[1,2,3,4,100]: hand values and pandas', () => {
  const m = build([1, 2, 3, 4, 100]);
  assert.equal(m.count, 5);
  assert.equal(m.min, 1);
  assert.equal(m.max, 100);
  assert.equal(m.mean, 22);
  // Deviations -21,-20,-19,-18,78: sum of squares 7610, sum of cubes 444600.
  close(m.variance(), 7610 / 4);
  close(m.skewness(), ((5 * 2) / 3) * (444600 / 7610 ** 1.5));
  // pd.Series([1,2,3,4,100]).skew()
  close(m.skewness(), 2.2323959116364573);
  close(m.skewness(), twoPass([1, 2, 3, 4, 100]).skew);
});

test('matches the two-pass computation on fixed arrays, with zeros and negatives counted', () => {
  const xs = [2.5, -1, 0, 0, 7, 3.25, -4, 10];
  const m = build(xs);
  const ref = twoPass(xs);
  close(m.mean, ref.mean);
  close(m.variance(), ref.variance);
  close(m.skewness(), ref.skew);
  close(m.skewness(), 0.5870778737158436); // pandas
  assert.equal(m.zeros, 2);
  assert.equal(m.negatives, 2);
  close(m.std(), Math.sqrt(ref.variance!));
});

test('small and constant inputs give null where pandas gives NaN', () => {
  const one = build([5]);
  assert.equal(one.variance(), null);
  assert.equal(one.skewness(), null);
  const two = build([1, 3]);
  assert.equal(two.variance(), 2);
  assert.equal(two.skewness(), null);
  const constant = build([7, 7, 7, 7]);
  assert.equal(constant.variance(), 0);
  assert.equal(constant.skewness(), null);
  const empty = new Moments();
  assert.equal(empty.count, 0);
  assert.ok(Number.isNaN(empty.mean));
  assert.equal(empty.variance(), null);
});

test('non-finite values are ignored', () => {
  const m = build([1, NaN, 2, Infinity, 3, -Infinity]);
  assert.equal(m.count, 3);
  assert.equal(m.mean, 2);
  assert.equal(m.variance(), 1);
});

test('merge equals a single stream, in any split', () => {
  let seed = 12345;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const xs = Array.from({ length: 1000 }, () => Math.exp(3 * rand()) - 5);
  const ref = twoPass(xs);
  for (const cut of [0, 1, 2, 333, 999, 1000]) {
    const a = build(xs.slice(0, cut));
    a.merge(build(xs.slice(cut)));
    assert.equal(a.count, 1000);
    close(a.mean, ref.mean, 1e-10);
    close(a.variance(), ref.variance, 1e-10);
    close(a.skewness(), ref.skew, 1e-9);
    assert.equal(a.min, Math.min(...xs));
    assert.equal(a.max, Math.max(...xs));
  }
  // Many small parts, as the parallel pass produces.
  const parts: Moments[] = [];
  for (let i = 0; i < xs.length; i += 37) parts.push(build(xs.slice(i, i + 37)));
  const total = new Moments();
  for (const p of parts) total.merge(p);
  close(total.skewness(), ref.skew, 1e-9);
});

test('values near 1e9 keep their variance (a sum-of-squares formula would not)', () => {
  const xs = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
  const m = build(xs);
  // Deviations -6,-3,3,6: variance 90/3 = 30, symmetric so skewness 0.
  close(m.variance(), 30, 1e-9);
  assert.ok(Math.abs(m.skewness()!) < 1e-6);
  const a = build(xs.slice(0, 1));
  a.merge(build(xs.slice(1)));
  close(a.variance(), 30, 1e-9);
});

test('state survives JSON and structuredClone', () => {
  const m = build([1, 2, 3, 4, 100]);
  const back = Moments.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.equal(back.skewness(), m.skewness());
  assert.deepEqual(Moments.fromJSON(structuredClone(m.toJSON())).toJSON(), m.toJSON());
  const empty = Moments.fromJSON(JSON.parse(JSON.stringify(new Moments().toJSON())));
  empty.add(3);
  assert.equal(empty.min, 3);
  assert.equal(empty.max, 3);
});

test('addBatch gives the two-pass answer, like add, for batches of any size and offset data', () => {
  let a = 12345;
  const rand = (): number => {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    return a / 4294967296;
  };
  // Values near 1e9 with small noise: a raw sum-of-squares formula would lose every digit of the variance.
  const xs: number[] = [];
  for (let i = 0; i < 5000; i++) xs.push(1e9 + Math.floor(rand() * 1000) / 100 + (rand() < 0.01 ? 50 : 0));
  const ref = twoPass(xs);
  const perValue = build(xs);
  for (const size of [1, 7, 256, 1024, 5000]) {
    const m = new Moments();
    for (let s = 0; s < xs.length; s += size) {
      const part = Float64Array.from(xs.slice(s, s + size));
      m.addBatch(part, part.length);
    }
    assert.equal(m.count, xs.length);
    assert.equal(m.min, perValue.min);
    assert.equal(m.max, perValue.max);
    close(m.mean, ref.mean);
    // Per-value updates measure 7e-9 off here; batches of 256 measure 5e-11.
    close(m.variance(), ref.variance, 1e-8);
    close(m.skewness(), ref.skew, 1e-6);
    close(m.variance(), perValue.variance(), 1e-8);
  }
});

test('addBatch: non-finite values skipped, only the first count values read, zeros and negatives counted, constants exact', () => {
  const m = new Moments();
  m.addBatch(Float64Array.from([1, NaN, -2, Infinity, 0, -Infinity, 4, 99]), 7);
  assert.equal(m.count, 4);
  assert.equal(m.min, -2);
  assert.equal(m.max, 4);
  assert.equal(m.zeros, 1);
  assert.equal(m.negatives, 1);
  close(m.mean, 0.75);
  // [1, -2, 0, 4]: squared deviations from 0.75 sum to 18.75, so the sample variance is 6.25.
  close(m.variance(), 6.25);
  const c = new Moments();
  const tenth = new Float64Array(300).fill(0.1);
  c.addBatch(tenth, 300);
  c.addBatch(tenth, 17);
  assert.equal(c.variance(), 0);
  assert.equal(c.skewness(), null);
  const empty = new Moments();
  empty.addBatch(Float64Array.from([NaN]), 1);
  assert.equal(empty.count, 0);
  assert.ok(Number.isNaN(empty.mean));
});
