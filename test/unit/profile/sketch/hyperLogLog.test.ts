import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HyperLogLog, hashNumber, hashString } from '../../../../src/core/profile/sketch/hyperLogLog.js';

const h = new Uint32Array(2);

function addNumbers(s: HyperLogLog, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    hashNumber(i, h);
    s.addHash(h[0]!, h[1]!);
  }
}

function relErr(est: number, truth: number): number {
  return Math.abs(est - truth) / truth;
}

test('small cardinalities are exact-ish through linear counting (<= 1% on average)', () => {
  // One sketch at n = 1000 has a standard error of about 0.55%, so a single run can miss 1% by chance:
  // average 20 disjoint key sets (standard error about 0.12%) and bound each run loosely.
  for (const n of [10, 100, 1000]) {
    let sum = 0;
    for (let set = 0; set < 20; set++) {
      const s = new HyperLogLog();
      addNumbers(s, set * 1e6, set * 1e6 + n);
      addNumbers(s, set * 1e6, set * 1e6 + n); // repeats change nothing
      const est = s.estimate();
      assert.ok(relErr(est, n) <= 0.025 || Math.abs(est - n) <= 1.01, `n=${n}, set ${set}: ${est}`);
      sum += est;
    }
    assert.ok(relErr(sum / 20, n) <= 0.01, `n=${n}: mean ${sum / 20}`);
  }
  assert.equal(new HyperLogLog().estimate(), 0);
});

test('1e5 and 1e6 distinct within 2%, and the middle range too', () => {
  for (const n of [20_000, 50_000, 100_000, 1_000_000]) {
    const s = new HyperLogLog();
    // Spread keys so they are not just consecutive integers.
    for (let i = 0; i < n; i++) {
      hashNumber(i * 0.37 - 5000, h);
      s.addHash(h[0]!, h[1]!);
    }
    assert.ok(relErr(s.estimate(), n) <= 0.02, `n=${n}: ${s.estimate()}`);
  }
});

test('strings: 1e5 distinct keys within 2%; equal strings hash alike', () => {
  const s = new HyperLogLog();
  for (let i = 0; i < 100_000; i++) {
    hashString(`user_${i}`, h);
    s.addHash(h[0]!, h[1]!);
  }
  assert.ok(relErr(s.estimate(), 100_000) <= 0.02, `${s.estimate()}`);
  const a = new Uint32Array(2);
  const b = new Uint32Array(2);
  hashString('Paris', a);
  hashString('Paris', b);
  assert.deepEqual(a, b);
  hashString('paris', b);
  assert.notDeepEqual(a, b);
});

test('merge equals the sketch of the union', () => {
  const a = new HyperLogLog();
  const b = new HyperLogLog();
  const union = new HyperLogLog();
  addNumbers(a, 0, 60_000);
  addNumbers(b, 40_000, 150_000);
  addNumbers(union, 0, 150_000);
  a.merge(b);
  assert.deepEqual(a.toJSON().registers, union.toJSON().registers);
  assert.equal(a.estimate(), union.estimate());
  assert.ok(relErr(a.estimate(), 150_000) <= 0.02);
  assert.throws(() => a.merge(new HyperLogLog(10)), RangeError);
});

test('-0 and 0, and all NaNs, count once', () => {
  const s = new HyperLogLog();
  for (const x of [0, -0, NaN, 0 / 0, 1, 1.0]) {
    hashNumber(x, h);
    s.addHash(h[0]!, h[1]!);
  }
  assert.ok(Math.abs(s.estimate() - 3) < 0.01);
});

test('the register takes the position of the first one bit after the index', () => {
  const s = new HyperLogLog(14);
  // Index 0, then 18 zero bits in hi and the first 1 at hi bit 0 => rho = 18.
  s.addHash(0, 1);
  // Index 1 (hi's top 14 bits), all remaining bits zero => rho = 65 - 14 = 51.
  s.addHash(0, 1 << 18);
  // Index 2, first 1 bit is lo's top bit => rho = 18 + 1 = 19.
  s.addHash(0x80000000, 2 << 18);
  const r = s.toJSON().registers;
  assert.equal(r[0], 18);
  assert.equal(r[1], 51);
  assert.equal(r[2], 19);
});

test('state survives structuredClone and plain arrays', () => {
  const s = new HyperLogLog();
  addNumbers(s, 0, 5000);
  const cloned = HyperLogLog.fromJSON(structuredClone(s.toJSON()));
  assert.equal(cloned.estimate(), s.estimate());
  const st = s.toJSON();
  const plain = HyperLogLog.fromJSON({ p: st.p, registers: Array.from(st.registers) });
  assert.equal(plain.estimate(), s.estimate());
  assert.throws(() => HyperLogLog.fromJSON({ p: 14, registers: new Uint8Array(5) }), RangeError);
});
