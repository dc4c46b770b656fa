// Pearson correlation of m numeric columns over pairwise-complete rows, in one pass, mergeable.
// Hot loop: per pair, plain sums of values shifted by a per-column reference (n, Σx, Σy, Σx², Σy², Σxy),
// which is cheap and exact enough while the reference is near the column's mean. Every few thousand rows
// those sums are folded into centred co-moments (means, M2x, M2y, Cxy) with the pairwise update of
// Chan et al., and each column's reference moves to its current mean; so values around 1e9 with small
// noise, or a first row far from the rest, do not cost the digits a raw sum-of-squares formula would.
// Pairs include i == j, which gives each column's own count and variance for the diagonal.
// Rows with every column present (the usual case) take a shorter path: per-column Σx and Σx², and only
// Σxy per pair, since those rows share one count and one set of column sums.

export interface CorrelationState {
  columns: number;
  /** Per pair (i <= j, row-major upper triangle): rows where both are present, and their centred moments. */
  n: number[];
  meanX: number[];
  meanY: number[];
  m2x: number[];
  m2y: number[];
  cxy: number[];
}

const LIVE = 6;
const FOLD_FIRST = 16;
const FOLD_MAX = 4096;
/**
 * Complete rows are buffered this many at a time and their cross sums taken pair by pair over the block:
 * each pair's sum stays in a register instead of a load and a store of its running sum per row.
 */
const BLOCK_ROWS = 32;

export class CorrelationAccumulator {
  readonly columns: number;
  private readonly pairs: number;
  /** rowStart[i] - i + j is the pair index of (i, j) for i <= j. */
  private readonly rowOffset: Int32Array;
  private readonly live: Float64Array;
  /** Complete rows since the last fold: their count, per-column Σd and Σd², per-pair Σ d_i d_j. */
  private fullRows = 0;
  private readonly fullSum: Float64Array;
  private readonly fullSq: Float64Array;
  private readonly fullCross: Float64Array;
  private readonly bn: Float64Array;
  private readonly bmx: Float64Array;
  private readonly bmy: Float64Array;
  private readonly bm2x: Float64Array;
  private readonly bm2y: Float64Array;
  private readonly bcxy: Float64Array;
  private readonly shift: Float64Array;
  private readonly shiftSet: Uint8Array;
  // Per-row scratch: the present columns and their shifted values.
  private readonly presentIdx: Int32Array;
  private readonly shifted: Float64Array;
  private rowsSinceFold = 0;
  private foldEvery = FOLD_FIRST;
  /** Complete rows' shifted values, row-major, not yet in fullSum / fullSq / fullCross. */
  private readonly block: Float64Array;
  private blockRows = 0;

  constructor(columns: number) {
    if (!Number.isInteger(columns) || columns < 0) throw new RangeError(`columns must be a non-negative integer, got ${columns}`);
    this.columns = columns;
    this.pairs = (columns * (columns + 1)) / 2;
    this.rowOffset = new Int32Array(columns);
    for (let i = 0; i < columns; i++) this.rowOffset[i] = i * columns - (i * (i - 1)) / 2 - i;
    this.live = new Float64Array(this.pairs * LIVE);
    this.fullSum = new Float64Array(columns);
    this.fullSq = new Float64Array(columns);
    this.fullCross = new Float64Array(this.pairs);
    this.bn = new Float64Array(this.pairs);
    this.bmx = new Float64Array(this.pairs);
    this.bmy = new Float64Array(this.pairs);
    this.bm2x = new Float64Array(this.pairs);
    this.bm2y = new Float64Array(this.pairs);
    this.bcxy = new Float64Array(this.pairs);
    this.shift = new Float64Array(columns);
    this.shiftSet = new Uint8Array(columns);
    this.presentIdx = new Int32Array(columns);
    this.shifted = new Float64Array(columns);
    this.block = new Float64Array(columns * BLOCK_ROWS);
  }

  /** values[i] is column i's number; present[i] is 1 when it is a number in this row. Non-finite values count as absent. */
  addRow(values: Float64Array, present: Uint8Array): void {
    const m = this.columns;
    const idx = this.presentIdx;
    const d = this.shifted;
    const shift = this.shift;
    let k = 0;
    for (let i = 0; i < m; i++) {
      if (present[i] === 0) continue;
      const v = values[i]!;
      if (v - v !== 0) continue; // NaN or ±Infinity
      if (this.shiftSet[i] === 0) {
        shift[i] = v;
        this.shiftSet[i] = 1;
      }
      idx[k] = i;
      d[k] = v - shift[i]!;
      k++;
    }
    if (k === 0) return;
    const rowOffset = this.rowOffset;
    if (k === m) {
      this.fullRows++;
      // A loop, not block.set(): for a row of a few columns the call cost more than the copy.
      const blk = this.block;
      const at = this.blockRows * m;
      for (let i = 0; i < m; i++) blk[at + i] = d[i]!;
      if (++this.blockRows === BLOCK_ROWS) this.flushBlock();
    } else {
      const live = this.live;
      for (let a = 0; a < k; a++) {
        const x = d[a]!;
        const base = rowOffset[idx[a]!]!;
        for (let b = a; b < k; b++) {
          const y = d[b]!;
          const o = (base + idx[b]!) * LIVE;
          live[o]! += 1;
          live[o + 1]! += x;
          live[o + 2]! += y;
          live[o + 3]! += x * x;
          live[o + 4]! += y * y;
          live[o + 5]! += x * y;
        }
      }
    }
    if (++this.rowsSinceFold >= this.foldEvery) {
      this.fold();
      if (this.foldEvery < FOLD_MAX) this.foldEvery *= 2;
    }
  }

  merge(o: CorrelationAccumulator): void {
    if (o.columns !== this.columns) throw new RangeError(`cannot merge correlations over ${this.columns} and ${o.columns} columns`);
    this.fold();
    o.fold();
    for (let p = 0; p < this.pairs; p++) this.combine(p, o.bn[p]!, o.bmx[p]!, o.bmy[p]!, o.bm2x[p]!, o.bm2y[p]!, o.bcxy[p]!);
    this.recentre();
  }

  /** Pairs counted for columns i and j (both present). */
  pairCount(i: number, j: number): number {
    this.fold();
    return this.bn[this.pairIndex(i, j)]!;
  }

  /** r or null when fewer than 3 pairs or a constant side; the diagonal is 1 (or null for such a column). */
  matrix(): (number | null)[][] {
    this.fold();
    const m = this.columns;
    const out: (number | null)[][] = [];
    for (let i = 0; i < m; i++) out.push(new Array<number | null>(m).fill(null));
    for (let i = 0; i < m; i++) {
      for (let j = i; j < m; j++) {
        const p = this.pairIndex(i, j);
        const n = this.bn[p]!;
        let r: number | null = null;
        if (n >= 3 && !nearZero(this.bm2x[p]!, n, this.bmx[p]!) && !nearZero(this.bm2y[p]!, n, this.bmy[p]!)) {
          r = i === j ? 1 : Math.max(-1, Math.min(1, this.bcxy[p]! / Math.sqrt(this.bm2x[p]! * this.bm2y[p]!)));
        }
        out[i]![j] = r;
        out[j]![i] = r;
      }
    }
    return out;
  }

  toJSON(): CorrelationState {
    this.fold();
    return {
      columns: this.columns,
      n: Array.from(this.bn),
      meanX: Array.from(this.bmx),
      meanY: Array.from(this.bmy),
      m2x: Array.from(this.bm2x),
      m2y: Array.from(this.bm2y),
      cxy: Array.from(this.bcxy),
    };
  }

  static fromJSON(s: CorrelationState): CorrelationAccumulator {
    const c = new CorrelationAccumulator(s.columns);
    if (s.n.length !== c.pairs) throw new RangeError(`correlation state has ${s.n.length} pairs, expected ${c.pairs}`);
    c.bn.set(s.n);
    c.bmx.set(s.meanX);
    c.bmy.set(s.meanY);
    c.bm2x.set(s.m2x);
    c.bm2y.set(s.m2y);
    c.bcxy.set(s.cxy);
    c.recentre();
    return c;
  }

  private pairIndex(i: number, j: number): number {
    return i <= j ? this.rowOffset[i]! + j : this.rowOffset[j]! + i;
  }

  /** Adds the buffered complete rows to the complete-row sums. */
  private flushBlock(): void {
    const rows = this.blockRows;
    if (rows === 0) return;
    this.blockRows = 0;
    const m = this.columns;
    const blk = this.block;
    const sum = this.fullSum;
    const sq = this.fullSq;
    const cross = this.fullCross;
    const rowOffset = this.rowOffset;
    const end = rows * m;
    for (let a = 0; a < m; a++) {
      let s1 = 0;
      let s2 = 0;
      for (let r = a; r < end; r += m) {
        const x = blk[r]!;
        s1 += x;
        s2 += x * x;
      }
      sum[a]! += s1;
      sq[a]! += s2;
      const base = rowOffset[a]!;
      // Four pairs at a time: each sum is still a chain over the rows in order (the same bits), but four
      // independent chains keep the adder busy where one waited on its own previous add.
      let b = a + 1;
      for (; b + 3 < m; b += 4) {
        let c0 = 0;
        let c1 = 0;
        let c2 = 0;
        let c3 = 0;
        for (let r = 0; r < end; r += m) {
          const x = blk[r + a]!;
          const o = r + b;
          c0 += x * blk[o]!;
          c1 += x * blk[o + 1]!;
          c2 += x * blk[o + 2]!;
          c3 += x * blk[o + 3]!;
        }
        cross[base + b]! += c0;
        cross[base + b + 1]! += c1;
        cross[base + b + 2]! += c2;
        cross[base + b + 3]! += c3;
      }
      for (; b < m; b++) {
        let c = 0;
        for (let r = 0; r < end; r += m) c += blk[r + a]! * blk[r + b]!;
        cross[base + b]! += c;
      }
    }
  }

  /** Moves the raw shifted sums into the centred moments, then re-centres each column's reference. */
  private fold(): void {
    this.flushBlock();
    if (this.rowsSinceFold === 0) return;
    this.rowsSinceFold = 0;
    const live = this.live;
    const m = this.columns;
    // Complete rows first become ordinary raw sums of every pair, so one fold handles both.
    const full = this.fullRows;
    if (full > 0) {
      for (let i = 0; i < m; i++) {
        const base = this.rowOffset[i]!;
        for (let j = i; j < m; j++) {
          const o = (base + j) * LIVE;
          live[o]! += full;
          live[o + 1]! += this.fullSum[i]!;
          live[o + 2]! += this.fullSum[j]!;
          live[o + 3]! += this.fullSq[i]!;
          live[o + 4]! += this.fullSq[j]!;
          live[o + 5]! += i === j ? this.fullSq[i]! : this.fullCross[base + j]!;
        }
      }
      this.fullRows = 0;
      this.fullSum.fill(0);
      this.fullSq.fill(0);
      this.fullCross.fill(0);
    }
    for (let i = 0; i < m; i++) {
      const si = this.shift[i]!;
      const base = this.rowOffset[i]!;
      for (let j = i; j < m; j++) {
        const p = base + j;
        const o = p * LIVE;
        const n = live[o]!;
        if (n === 0) continue;
        const sx = live[o + 1]!;
        const sy = live[o + 2]!;
        const m2x = Math.max(0, live[o + 3]! - (sx * sx) / n);
        const m2y = Math.max(0, live[o + 4]! - (sy * sy) / n);
        const cxy = live[o + 5]! - (sx * sy) / n;
        this.combine(p, n, si + sx / n, this.shift[j]! + sy / n, m2x, m2y, cxy);
        live.fill(0, o, o + LIVE);
      }
    }
    this.recentre();
  }

  /** Chan et al.'s pairwise combination of two sets of centred co-moments, into pair p's. */
  private combine(p: number, nb: number, mxb: number, myb: number, m2xb: number, m2yb: number, cb: number): void {
    if (nb === 0) return;
    const na = this.bn[p]!;
    if (na === 0) {
      this.bn[p] = nb;
      this.bmx[p] = mxb;
      this.bmy[p] = myb;
      this.bm2x[p] = m2xb;
      this.bm2y[p] = m2yb;
      this.bcxy[p] = cb;
      return;
    }
    const n = na + nb;
    const dx = mxb - this.bmx[p]!;
    const dy = myb - this.bmy[p]!;
    const f = (na * nb) / n;
    this.bmx[p]! += (dx * nb) / n;
    this.bmy[p]! += (dy * nb) / n;
    this.bm2x[p]! += m2xb + dx * dx * f;
    this.bm2y[p]! += m2yb + dy * dy * f;
    this.bcxy[p]! += cb + dx * dy * f;
    this.bn[p] = n;
  }

  /** Each column's reference becomes its mean so far (only valid while the raw sums are empty). */
  private recentre(): void {
    for (let i = 0; i < this.columns; i++) {
      const p = this.rowOffset[i]! + i;
      if (this.bn[p]! > 0) {
        this.shift[i] = this.bmx[p]!;
        this.shiftSet[i] = 1;
      }
    }
  }
}

/** A sum of squared deviations that is zero, or only rounding residue relative to the mean. */
function nearZero(m2: number, n: number, mean: number): boolean {
  return m2 <= 0 || m2 / n <= mean * mean * 1e-30;
}
