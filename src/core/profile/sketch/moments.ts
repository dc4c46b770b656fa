// Count, min, max, mean and the second and third central moments of one numeric column, in one pass.
// Updates follow Welford/Terriberry (no sums of powers, so a column of values near 1e9 keeps its digits);
// merging two partial results uses the pairwise formulas of Chan et al. / Pébay, so the parallel pass
// gives the same answer as a single stream up to rounding.

export interface MomentsState {
  n: number;
  min: number;
  max: number;
  mean: number;
  /** Sum of squared deviations from the mean. */
  m2: number;
  /** Sum of cubed deviations from the mean. */
  m3: number;
  zeros: number;
  negatives: number;
}

export class Moments {
  private n = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private mu = 0;
  private m2 = 0;
  private m3 = 0;
  private zeroCount = 0;
  private negativeCount = 0;

  /** Non-finite values (NaN, ±Infinity) are ignored: the caller treats them as missing. */
  add(x: number): void {
    if (!Number.isFinite(x)) return;
    const n1 = this.n;
    const n = n1 + 1;
    const delta = x - this.mu;
    const deltaN = delta / n;
    const term1 = delta * deltaN * n1;
    this.mu += deltaN;
    // M3 must use the old M2, so it is updated first.
    this.m3 += term1 * deltaN * (n - 2) - 3 * deltaN * this.m2;
    this.m2 += term1;
    this.n = n;
    if (x < this.lo) this.lo = x;
    if (x > this.hi) this.hi = x;
    if (x === 0) this.zeroCount++;
    else if (x < 0) this.negativeCount++;
  }

  /**
   * Adds values[0..count) as one batch: the batch's own mean and central sums in two passes over values
   * that are in cache (no division per value, unlike add), then the pairwise merge. The second pass
   * corrects for the rounding of the batch mean, so the sums are central to the batch's exact mean.
   */
  addBatch(values: Float64Array, count: number): void {
    let nb = 0;
    let sum = 0;
    let lo = this.lo;
    let hi = this.hi;
    let zeros = 0;
    let negatives = 0;
    for (let i = 0; i < count; i++) {
      const x = values[i]!;
      if (x - x !== 0) continue; // NaN or ±Infinity
      nb++;
      sum += x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      if (x === 0) zeros++;
      else if (x < 0) negatives++;
    }
    if (nb === 0) return;
    const mean = sum / nb;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < count; i++) {
      const x = values[i]!;
      if (x - x !== 0) continue;
      const d = x - mean;
      const d2 = d * d;
      s1 += d;
      s2 += d2;
      s3 += d2 * d;
    }
    // Central sums about mean + c, where c = s1 / nb is what the rounded mean missed.
    const c = s1 / nb;
    const m2b = s2 - c * s1;
    const m3b = s3 - 3 * c * s2 + 2 * nb * c * c * c;
    this.lo = lo;
    this.hi = hi;
    this.zeroCount += zeros;
    this.negativeCount += negatives;
    this.combine(nb, mean + c, m2b > 0 ? m2b : 0, m3b);
  }

  merge(o: Moments): void {
    if (o.n === 0) return;
    if (this.n === 0) {
      this.copyFrom(o);
      return;
    }
    this.combine(o.n, o.mu, o.m2, o.m3);
    if (o.lo < this.lo) this.lo = o.lo;
    if (o.hi > this.hi) this.hi = o.hi;
    this.zeroCount += o.zeroCount;
    this.negativeCount += o.negativeCount;
  }

  get count(): number {
    return this.n;
  }
  /** Infinity while empty. */
  get min(): number {
    return this.lo;
  }
  /** -Infinity while empty. */
  get max(): number {
    return this.hi;
  }
  /** NaN while empty. */
  get mean(): number {
    return this.n === 0 ? NaN : this.mu;
  }
  get zeros(): number {
    return this.zeroCount;
  }
  get negatives(): number {
    return this.negativeCount;
  }

  /** Sample variance, ddof=1 like pandas; null below two values. */
  variance(): number | null {
    if (this.n < 2) return null;
    return this.isConstant() ? 0 : this.m2 / (this.n - 1);
  }

  std(): number | null {
    const v = this.variance();
    return v === null ? null : Math.sqrt(v);
  }

  /** pandas Series.skew(): bias-corrected sqrt(n(n-1))/(n-2) * g1; null when n < 3 or variance 0. */
  skewness(): number | null {
    const n = this.n;
    if (n < 3 || this.isConstant()) return null;
    // g1 = sqrt(n) * M3 / M2^1.5, so G1 = n * sqrt(n - 1) / (n - 2) * M3 / M2^1.5.
    return ((n * Math.sqrt(n - 1)) / (n - 2)) * (this.m3 / Math.pow(this.m2, 1.5));
  }

  toJSON(): MomentsState {
    return { n: this.n, min: this.lo, max: this.hi, mean: this.mu, m2: this.m2, m3: this.m3, zeros: this.zeroCount, negatives: this.negativeCount };
  }

  static fromJSON(s: MomentsState): Moments {
    const m = new Moments();
    m.n = s.n;
    // JSON turns ±Infinity into null; an empty state comes back as empty.
    m.lo = s.n === 0 || s.min === null ? Infinity : s.min;
    m.hi = s.n === 0 || s.max === null ? -Infinity : s.max;
    m.mu = s.mean;
    m.m2 = s.m2;
    m.m3 = s.m3;
    m.zeroCount = s.zeros;
    m.negativeCount = s.negatives;
    return m;
  }

  /** Pairwise update (Chan et al. / Pébay) of n, mean, M2, M3 with another part's; counts and extremes apart. */
  private combine(nb: number, muB: number, m2B: number, m3B: number): void {
    const na = this.n;
    if (na === 0) {
      this.n = nb;
      this.mu = muB;
      this.m2 = m2B;
      this.m3 = m3B;
      return;
    }
    const n = na + nb;
    const delta = muB - this.mu;
    const deltaN = delta / n;
    this.m3 = this.m3 + m3B + delta * deltaN * deltaN * na * nb * (na - nb) + 3 * deltaN * (na * m2B - nb * this.m2);
    this.m2 = this.m2 + m2B + delta * deltaN * na * nb;
    this.mu = this.mu + deltaN * nb;
    this.n = n;
  }

  private copyFrom(o: Moments): void {
    this.n = o.n;
    this.lo = o.lo;
    this.hi = o.hi;
    this.mu = o.mu;
    this.m2 = o.m2;
    this.m3 = o.m3;
    this.zeroCount = o.zeroCount;
    this.negativeCount = o.negativeCount;
  }

  /**
   * Identical values give m2 === 0 exactly; the relative guard also catches the last-bit residue a merge of
   * identical values can leave, where pandas would likewise report 0 (its _zero_out_fperr).
   */
  private isConstant(): boolean {
    return this.m2 <= 0 || this.hi === this.lo || this.m2 / this.n <= this.mu * this.mu * 1e-30;
  }
}
