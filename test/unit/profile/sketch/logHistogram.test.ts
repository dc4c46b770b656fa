import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogHistogram } from '../../../../src/core/profile/sketch/logHistogram.js';

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

function build(xs: ArrayLike<number>): LogHistogram {
  const hg = new LogHistogram();
  for (let i = 0; i < xs.length; i++) hg.add(xs[i]!);
  return hg;
}

/** Values sharing x's bucket are within |x|/128 of it; counting those within |x|/64 is a safe superset. */
function nearby(xs: number[], x: number): number {
  return xs.filter((v) => Math.abs(v - x) <= Math.abs(x) / 64).length;
}

const rand = seeded(11);
// Negatives, zeros, a wide positive range (1e-3 .. 1e6) and repeated values.
const data: number[] = [];
for (let i = 0; i < 20_000; i++) {
  const u = rand();
  if (u < 0.05) data.push(0);
  else if (u < 0.25) data.push(-Math.exp(rand() * 8));
  else if (u < 0.35) data.push(42);
  else data.push(Math.exp(rand() * 20 - 7));
}

test('countBelow / countAbove match exact counts within the straddling bucket', () => {
  const hg = build(data);
  assert.equal(hg.count, data.length);
  for (const x of [-2000, -100, -3.3, -1, -0.5, 0.001, 0.5, 1, 7.77, 41.9, 42, 42.1, 1000, 123456]) {
    const below = data.filter((v) => v < x).length;
    const above = data.filter((v) => v > x).length;
    const tol = nearby(data, x) + 1e-6;
    assert.ok(Math.abs(hg.countBelow(x) - below) <= tol, `below ${x}: ${hg.countBelow(x)} vs ${below} (tol ${tol})`);
    assert.ok(Math.abs(hg.countAbove(x) - above) <= tol, `above ${x}: ${hg.countAbove(x)} vs ${above} (tol ${tol})`);
  }
  // Zero is a bucket boundary: both sides are exact, and zeros are neither below nor above it.
  assert.equal(hg.countBelow(0), data.filter((v) => v < 0).length);
  assert.equal(hg.countAbove(0), data.filter((v) => v > 0).length);
  assert.equal(hg.zeros, data.filter((v) => v === 0).length);
  // Outside the range everything or nothing.
  assert.equal(hg.countBelow(Math.min(...data)), 0);
  assert.equal(hg.countAbove(Math.max(...data)), 0);
  assert.equal(hg.countBelow(Math.max(...data) + 1), data.length);
  assert.equal(hg.countAbove(Math.min(...data) - 1), data.length);
});

test('a hand example: [1, 2.5, 3, 100] and a negative', () => {
  const hg = build([1, 2.5, 3, 100, -7]);
  assert.equal(hg.countBelow(2), 2); // -7 and 1; no bucket straddles 2
  assert.equal(hg.countAbove(50), 1);
  assert.equal(hg.countBelow(-7.5), 0);
  assert.equal(hg.countAbove(-6.5), 4);
  assert.equal(hg.min, -7);
  assert.equal(hg.max, 100);
});

test('toEqualWidth: counts sum to count and match numpy-style bins within bucket tolerance', () => {
  const xs = data.filter((v) => v < 5000);
  const hg = build(xs);
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  const bins = 25;
  const { edges, counts } = hg.toEqualWidth(min, max, bins);
  assert.equal(edges.length, bins + 1);
  assert.equal(counts.length, bins);
  assert.equal(edges[0], min);
  assert.equal(edges[bins], max);
  assert.equal(counts.reduce((a, b) => a + b, 0), xs.length);
  for (const c of counts) assert.ok(Number.isInteger(c) && c >= 0);
  const width = (max - min) / bins;
  const exact = new Array<number>(bins).fill(0);
  for (const v of xs) exact[Math.min(bins - 1, Math.floor((v - min) / width))]!++;
  for (let i = 0; i < bins; i++) {
    const tol = nearby(xs, edges[i]!) + nearby(xs, edges[i + 1]!) + 1;
    assert.ok(Math.abs(counts[i]! - exact[i]!) <= tol, `bin ${i}: ${counts[i]} vs ${exact[i]} (tol ${tol})`);
  }
  // A narrower range: values outside it are kept in the end bins.
  const narrow = hg.toEqualWidth(0, 10, 4);
  assert.equal(narrow.counts.reduce((a, b) => a + b, 0), xs.length);
  assert.equal(narrow.counts[0], xs.filter((v) => v < 2.5).length);
  // min === max: one value, numpy widens the range by 0.5 each side.
  const single = build([5, 5, 5]).toEqualWidth(5, 5, 3);
  assert.deepEqual(single.edges, [4.5, 4.5 + 1 / 3, 4.5 + 2 / 3, 5.5]);
  assert.deepEqual(single.counts, [0, 3, 0]);
  assert.throws(() => hg.toEqualWidth(1, 0, 3), RangeError);
});

test('merge equals a single stream; state survives JSON and structuredClone', () => {
  const a = build(data.slice(0, 7000));
  const b = build(data.slice(7000));
  a.merge(b);
  const single = build(data);
  assert.deepEqual(a.toJSON(), single.toJSON());
  const back = LogHistogram.fromJSON(JSON.parse(JSON.stringify(single.toJSON())));
  assert.equal(back.countBelow(7.77), single.countBelow(7.77));
  assert.deepEqual(LogHistogram.fromJSON(structuredClone(single.toJSON())).toJSON(), single.toJSON());
  const empty = LogHistogram.fromJSON(JSON.parse(JSON.stringify(new LogHistogram().toJSON())));
  assert.equal(empty.count, 0);
  empty.merge(single);
  assert.deepEqual(empty.toJSON(), single.toJSON());
});

test('non-finite values are ignored; memory follows the range', () => {
  const hg = build([NaN, Infinity, -Infinity, 1, 2]);
  assert.equal(hg.count, 2);
  const st = build(Array.from({ length: 1000 }, (_, i) => 1 + i / 1000)).toJSON();
  // 1 .. 2 is one octave: at most 128 buckets.
  assert.ok(st.positive.counts.length <= 128, `${st.positive.counts.length}`);
  assert.equal(st.negative.counts.length, 0);
});

test('addBatch counts exactly what add counts, non-finite values skipped, in batches of any size', () => {
  const xs = [...data.slice(0, 3000), NaN, Infinity, -Infinity, ...data.slice(3000)];
  const single = build(xs);
  for (const size of [1, 5, 256, xs.length]) {
    const hg = new LogHistogram();
    for (let s = 0; s < xs.length; s += size) {
      const part = Float64Array.from(xs.slice(s, s + size));
      // A longer buffer than count: only the first count values are read.
      const padded = new Float64Array(part.length + 3).fill(123456);
      padded.set(part);
      hg.addBatch(padded, part.length);
    }
    assert.deepEqual(hg.toJSON(), single.toJSON());
    assert.equal(hg.count, data.length);
  }
});
