// HyperLogLog distinct-count sketch over 64-bit hashes (given as two uint32 words).
// Register j keeps the largest "position of the first 1 bit" seen among hashes whose top p bits are j.
// Estimation: linear counting while it is the better estimator (few registers touched), otherwise Ertl's
// improved raw estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017), which
// needs no empirical bias tables and has no bias bump between the small and large ranges.
// Standard error about 1.04 / sqrt(2^p): 0.81% at the default p = 14 (16 KiB of registers).

export interface HyperLogLogState {
  p: number;
  registers: Uint8Array;
}

export const DEFAULT_HLL_PRECISION = 14;

export class HyperLogLog {
  readonly p: number;
  private readonly registers: Uint8Array;
  private readonly shift: number;

  constructor(p: number = DEFAULT_HLL_PRECISION) {
    if (!Number.isInteger(p) || p < 4 || p > 18) throw new RangeError(`HyperLogLog precision must be an integer in 4..18, got ${p}`);
    this.p = p;
    this.shift = 32 - p;
    this.registers = new Uint8Array(1 << p);
  }

  /** lo, hi: the low and high 32 bits of a well-mixed 64-bit hash. */
  addHash(lo: number, hi: number): void {
    const idx = hi >>> this.shift;
    const rest = hi << this.p;
    // Leading zeros of the 64 - p bits after the index, plus one; 65 - p when they are all zero.
    const rho = rest !== 0 ? Math.clz32(rest) + 1 : this.shift + Math.clz32(lo) + 1;
    if (rho > this.registers[idx]!) this.registers[idx] = rho;
  }

  merge(o: HyperLogLog): void {
    if (o.p !== this.p) throw new RangeError(`cannot merge HyperLogLog sketches of precision ${this.p} and ${o.p}`);
    const a = this.registers;
    const b = o.registers;
    for (let i = 0; i < a.length; i++) if (b[i]! > a[i]!) a[i] = b[i]!;
  }

  estimate(): number {
    const m = this.registers.length;
    const q = 64 - this.p;
    const hist = new Float64Array(q + 2);
    for (let i = 0; i < m; i++) hist[this.registers[i]!]!++;
    const empty = hist[0]!;
    if (empty > 0) {
      const linear = m * Math.log(m / empty);
      // Linear counting is the more accurate estimator while under about 0.7 m (cf. HLL++'s thresholds).
      if (linear <= 0.7 * m) return linear;
    }
    let z = m * tau(1 - hist[q + 1]! / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + hist[k]!);
    z += m * sigma(empty / m);
    return (m * m) / (2 * Math.LN2 * z);
  }

  toJSON(): HyperLogLogState {
    return { p: this.p, registers: this.registers.slice() };
  }

  /** Accepts the registers as a Uint8Array (structuredClone) or any array-like of numbers. */
  static fromJSON(s: HyperLogLogState | { p: number; registers: ArrayLike<number> }): HyperLogLog {
    const h = new HyperLogLog(s.p);
    if (s.registers.length !== h.registers.length) throw new RangeError(`HyperLogLog state has ${s.registers.length} registers, expected ${h.registers.length}`);
    h.registers.set(s.registers);
    return h;
  }
}

/** Ertl's sigma(x) = x + sum_k x^(2^k) 2^(k-1); the series is summed until it stops changing. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const prev = z;
    z += x * y;
    y += y;
    if (z === prev) return z;
  }
}

/** Ertl's tau(x) = (1 - x - sum_k (1 - x^(2^-k))^2 2^-k) / 3. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
    if (z === prev) return z / 3;
  }
}

// Shared scratch views: reading a float64's bits without allocating.
const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);

/** murmur3's 32-bit finaliser: every input bit flips each output bit with probability about 1/2. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes a 64-bit key (two words) into a 64-bit hash written to out[0] (lo) and out[1] (hi). */
function mix64(lo: number, hi: number, out: Uint32Array): void {
  const a = fmix32(lo ^ Math.imul(hi ^ 0x9e3779b9, 0x85ebca77));
  const b = fmix32(hi ^ Math.imul(a ^ 0x27d4eb2f, 0xc2b2ae3d));
  out[0] = fmix32(a ^ Math.imul(b, 0x165667b1));
  out[1] = b;
}

/**
 * Hash of a float64 key into out (a caller-owned Uint32Array(2): [lo, hi]); no allocation.
 * -0 and 0 hash alike, as do all NaNs, so equal numbers always share a hash.
 */
export function hashNumber(x: number, out: Uint32Array): void {
  scratchF64[0] = x === 0 ? 0 : x !== x ? NaN : x;
  mix64(scratchU32[0]!, scratchU32[1]!, out);
}

/** Hash of a string's UTF-16 code units into out ([lo, hi]); two independent lanes, then mixed. */
export function hashString(s: string, out: Uint32Array): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x5bd1e995 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  mix64(h1 >>> 0, (h2 ^ s.length) >>> 0, out);
}
