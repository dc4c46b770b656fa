// Log-linear histogram of a numeric column (the HdrHistogram / DDSketch idea): a value's bucket is its
// float64 exponent followed by the top 7 bits of its mantissa, read straight from the bits, so buckets are
// at most 1/128 of their lower bound wide, whatever the scale. Negative values go to a mirror set of
// buckets by magnitude; zeros are counted apart. Each side is a dense array over the bucket indices seen,
// so memory follows the data's range in octaves (128 buckets per doubling), not its size.
// Within a bucket values are taken as uniform, clamped to the exact min and max.

export interface BucketRun {
  /** Bucket index of counts[0]. */
  offset: number;
  counts: number[];
}

export interface LogHistogramState {
  count: number;
  zeros: number;
  /** null while empty (JSON has no Infinity). */
  min: number | null;
  max: number | null;
  positive: BucketRun;
  negative: BucketRun;
}

const MANTISSA_BITS = 7;
/** Bits of the high word below the kept mantissa bits. */
const DROP = 20 - MANTISSA_BITS;
const MAX_INDEX = 0x7ff << MANTISSA_BITS;

const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);
// Which half of the float64 holds sign and exponent depends on the platform's byte order.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** Smallest magnitude in bucket `index` (the next bucket's lower bound is its upper bound). */
function bucketLower(index: number): number {
  scratchU32[HI] = index << DROP;
  scratchU32[LO] = 0;
  return scratchF64[0]!;
}

class Buckets {
  offset = 0;
  counts = new Float64Array(0);

  add(index: number, c: number): void {
    const j = index - this.offset;
    if (j >= 0 && j < this.counts.length) this.counts[j]! += c;
    else {
      this.cover(index, index + 1);
      this.counts[index - this.offset]! += c;
    }
  }

  /** Grows the dense array to cover [from, to), with slack on the side that grew so growth is amortized. */
  cover(from: number, to: number): void {
    const len = this.counts.length;
    if (len === 0) {
      this.offset = Math.max(0, from - 8);
      this.counts = new Float64Array(Math.min(MAX_INDEX, to + 8) - this.offset);
      return;
    }
    const end = this.offset + len;
    if (from >= this.offset && to <= end) return;
    const slack = Math.max(16, len >> 1);
    const lo = from < this.offset ? Math.max(0, from - slack) : this.offset;
    const hi = to > end ? Math.min(MAX_INDEX, to + slack) : end;
    const next = new Float64Array(hi - lo);
    next.set(this.counts, this.offset - lo);
    this.offset = lo;
    this.counts = next;
  }

  mergeFrom(o: Buckets): void {
    const first = firstNonZero(o.counts);
    if (first < 0) return;
    const last = lastNonZero(o.counts);
    this.cover(o.offset + first, o.offset + last + 1);
    for (let j = first; j <= last; j++) {
      const c = o.counts[j]!;
      if (c !== 0) this.counts[o.offset + j - this.offset]! += c;
    }
  }

  toRun(): BucketRun {
    const first = firstNonZero(this.counts);
    if (first < 0) return { offset: 0, counts: [] };
    const last = lastNonZero(this.counts);
    return { offset: this.offset + first, counts: Array.from(this.counts.subarray(first, last + 1)) };
  }

  static fromRun(r: BucketRun): Buckets {
    const b = new Buckets();
    b.offset = r.offset;
    b.counts = Float64Array.from(r.counts);
    return b;
  }
}

function firstNonZero(a: Float64Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return i;
  return -1;
}
function lastNonZero(a: Float64Array): number {
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== 0) return i;
  return -1;
}

export class LogHistogram {
  private n = 0;
  private zeroCount = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private readonly positive = new Buckets();
  private readonly negative = new Buckets();

  /** Adds x `weight` times; non-finite values are ignored. */
  add(x: number, weight = 1): void {
    if (!Number.isFinite(x)) return;
    this.n += weight;
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
    if (x === 0) {
      this.zeroCount += weight;
      return;
    }
    scratchF64[0] = x;
    // Exponent and top mantissa bits, sign dropped: monotone in |x|.
    const index = (scratchU32[HI]! & 0x7fffffff) >>> DROP;
    (x > 0 ? this.positive : this.negative).add(index, weight);
  }

  /** add() for values[0..count), with the bucket lookups inlined for the common in-range case. */
  addBatch(values: Float64Array, count: number): void {
    let n = this.n;
    let zeros = this.zeroCount;
    let lo = this.lo;
    let hi = this.hi;
    const pos = this.positive;
    const neg = this.negative;
    for (let i = 0; i < count; i++) {
      const x = values[i]!;
      if (x - x !== 0) continue; // NaN or ±Infinity
      n++;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      if (x === 0) {
        zeros++;
        continue;
      }
      scratchF64[0] = x;
      const index = (scratchU32[HI]! & 0x7fffffff) >>> DROP;
      const side = x > 0 ? pos : neg;
      const j = index - side.offset;
      if (j >= 0 && j < side.counts.length) side.counts[j]!++;
      else side.add(index, 1);
    }
    this.n = n;
    this.zeroCount = zeros;
    this.lo = lo;
    this.hi = hi;
  }

  merge(o: LogHistogram): void {
    this.n += o.n;
    this.zeroCount += o.zeroCount;
    if (o.lo < this.lo) this.lo = o.lo;
    if (o.hi > this.hi) this.hi = o.hi;
    this.positive.mergeFrom(o.positive);
    this.negative.mergeFrom(o.negative);
  }

  get count(): number {
    return this.n;
  }
  get zeros(): number {
    return this.zeroCount;
  }
  /** Infinity while empty. */
  get min(): number {
    return this.lo;
  }
  /** -Infinity while empty. */
  get max(): number {
    return this.hi;
  }

  /** Values < x; the bucket straddling x contributes the share of its range below x. */
  countBelow(x: number): number {
    let total = 0;
    this.forEachRange((a, b, c) => {
      if (a === b) total += x > a ? c : 0;
      else if (x >= b) total += c;
      else if (x > a) total += (c * (x - a)) / (b - a);
    });
    return total;
  }

  /** Values > x; the bucket straddling x contributes the share of its range above x. */
  countAbove(x: number): number {
    let total = 0;
    this.forEachRange((a, b, c) => {
      if (a === b) total += x < a ? c : 0;
      else if (x <= a) total += c;
      else if (x < b) total += (c * (b - x)) / (b - a);
    });
    return total;
  }

  /**
   * Re-bins into `bins` equal-width bins over [min, max], the last bin closed like numpy.histogram.
   * Buckets straddling bin edges are split in proportion to overlap; values outside [min, max] land in
   * the end bins. Counts are whole numbers (largest-remainder rounding) that sum to count.
   * When min === max the range is widened to [min - 0.5, max + 0.5], as numpy does.
   */
  toEqualWidth(min: number, max: number, bins: number): { edges: number[]; counts: number[] } {
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
    if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) throw new RangeError(`bad histogram range [${min}, ${max}]`);
    if (min === max) {
      min -= 0.5;
      max += 0.5;
    }
    const width = (max - min) / bins;
    const edges: number[] = [];
    for (let i = 0; i <= bins; i++) edges.push(i === bins ? max : min + width * i);
    const exact = new Float64Array(bins);
    const binOf = (v: number): number => Math.min(bins - 1, Math.max(0, Math.floor((v - min) / width)));
    this.forEachRange((a, b, c) => {
      const first = binOf(a);
      const last = binOf(b);
      if (first === last || a === b) {
        exact[a === b ? binOf(a) : first]! += c;
        return;
      }
      for (let i = first; i <= last; i++) {
        // The end bins reach out to infinity so values outside [min, max] are kept.
        const left = i === 0 ? -Infinity : edges[i]!;
        const right = i === bins - 1 ? Infinity : edges[i + 1]!;
        const overlap = Math.min(b, right) - Math.max(a, left);
        if (overlap > 0) exact[i]! += (c * overlap) / (b - a);
      }
    });
    return { edges, counts: roundPreservingSum(exact, this.n) };
  }

  toJSON(): LogHistogramState {
    return {
      count: this.n,
      zeros: this.zeroCount,
      min: this.n === 0 ? null : this.lo,
      max: this.n === 0 ? null : this.hi,
      positive: this.positive.toRun(),
      negative: this.negative.toRun(),
    };
  }

  static fromJSON(s: LogHistogramState): LogHistogram {
    const h = new LogHistogram();
    h.n = s.count;
    h.zeroCount = s.zeros;
    h.lo = s.min ?? Infinity;
    h.hi = s.max ?? -Infinity;
    const pos = Buckets.fromRun(s.positive);
    const neg = Buckets.fromRun(s.negative);
    h.positive.offset = pos.offset;
    h.positive.counts = pos.counts;
    h.negative.offset = neg.offset;
    h.negative.counts = neg.counts;
    return h;
  }

  /** Calls f(a, b, count) for every non-empty bucket and the zeros, with [a, b] its value range clamped to [min, max]. */
  private forEachRange(f: (a: number, b: number, c: number) => void): void {
    if (this.n === 0) return;
    const { lo, hi } = this;
    const neg = this.negative;
    for (let j = neg.counts.length - 1; j >= 0; j--) {
      const c = neg.counts[j]!;
      if (c === 0) continue;
      const index = neg.offset + j;
      // Magnitudes [lower, upper) are the values (-upper, -lower].
      f(Math.max(-bucketLower(index + 1), lo), Math.min(-bucketLower(index), hi), c);
    }
    if (this.zeroCount > 0) f(0, 0, this.zeroCount);
    const pos = this.positive;
    for (let j = 0; j < pos.counts.length; j++) {
      const c = pos.counts[j]!;
      if (c === 0) continue;
      const index = pos.offset + j;
      f(Math.max(bucketLower(index), lo), Math.min(bucketLower(index + 1), hi), c);
    }
  }
}

/** Largest-remainder rounding: whole counts, each within 1 of its exact share, summing to total. */
function roundPreservingSum(exact: Float64Array, total: number): number[] {
  // Floors never sum above the (whole) total, so rounding only ever adds.
  const out = Array.from(exact, (v) => Math.floor(v));
  let missing = total - out.reduce((s, v) => s + v, 0);
  const order = Array.from(exact.keys()).sort((i, j) => exact[j]! - out[j]! - (exact[i]! - out[i]!));
  for (let k = 0; missing > 0 && k < order.length; k++, missing--) out[order[k]!]!++;
  return out;
}
