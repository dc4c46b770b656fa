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
