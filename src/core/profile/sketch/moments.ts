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

  merge(o: Moments): void {
    if (o.n === 0) return;
    if (this.n === 0) {
      this.copyFrom(o);
      return;
    }
    const na = this.n;
    const nb = o.n;
    const n = na + nb;
    const delta = o.mu - this.mu;
    const deltaN = delta / n;
    this.m3 = this.m3 + o.m3 + delta * deltaN * deltaN * na * nb * (na - nb) + 3 * deltaN * (na * o.m2 - nb * this.m2);
    this.m2 = this.m2 + o.m2 + delta * deltaN * na * nb;
    this.mu = this.mu + deltaN * nb;
    this.n = n;
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
