// Exact distinct values and their counts for one column, in typed arrays (open addressing, linear
// probing). Keys are 64-bit: a number's float64 bits (numbers count by value, like pandas' nunique) or a
// string's byte hash tagged into the NaN space, which no parsed number occupies. The display text is
// decoded only the first time a key is seen. Past `cap` distinct keys new keys are no longer stored: every
// value then goes to a HyperLogLog instead, and the table keeps counting the keys it already holds.
import { HyperLogLog } from './sketch/hyperLogLog.js';

/** Longest display string kept for a value. */
export const MAX_DISPLAY_CHARS = 200;

export interface ValueTableState {
  cap: number;
  hllPrecision: number;
  /** Entries in first-seen order. */
  keysLo: Uint32Array;
  keysHi: Uint32Array;
  counts: Float64Array;
  texts: string[];
  hll: ReturnType<HyperLogLog['toJSON']> | null;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class ValueTable {
  size = 0;
  private slots: number;
  private mask: number;
  private keysLo: Uint32Array;
  private keysHi: Uint32Array;
  /** Entry index + 1 per slot; 0 = empty. */
  private slotEntry: Int32Array;
  // Entries in first-seen order.
  private entryLo: Uint32Array;
  private entryHi: Uint32Array;
  counts: Float64Array;
  texts: string[] = [];
  hll: HyperLogLog | null = null;

  constructor(
    readonly cap: number,
    readonly hllPrecision: number,
  ) {
    this.slots = 16;
    this.mask = 15;
    this.keysLo = new Uint32Array(16);
    this.keysHi = new Uint32Array(16);
    this.slotEntry = new Int32Array(16);
    this.entryLo = new Uint32Array(8);
    this.entryHi = new Uint32Array(8);
    this.counts = new Float64Array(8);
  }

  get overflowed(): boolean {
    return this.hll !== null;
  }

  /**
   * Counts one value. Returns the entry index when the key is new and stored (the caller then sets its
   * text with setText), -1 otherwise.
   */
  add(lo: number, hi: number, weight = 1): number {
    const mask = this.mask;
    let i = fmix32(lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    const kl = this.keysLo;
    const kh = this.keysHi;
    const se = this.slotEntry;
    for (;;) {
      const e = se[i]!;
      if (e === 0) break;
      if (kl[i] === lo && kh[i] === hi) {
        this.counts[e - 1]! += weight;
        if (this.hll !== null) this.addToHll(lo, hi);
        return -1;
      }
      i = (i + 1) & mask;
    }
    if (this.size >= this.cap) {
      if (this.hll === null) this.startHll();
      this.addToHll(lo, hi);
      return -1;
    }
    const idx = this.size++;
    kl[i] = lo;
    kh[i] = hi;
    se[i] = idx + 1;
    if (idx === this.counts.length) this.growEntries();
    this.entryLo[idx] = lo;
    this.entryHi[idx] = hi;
    this.counts[idx] = weight;
    this.texts.push('');
    if (this.size * 2 > this.slots) this.rehash();
    if (this.hll !== null) this.addToHll(lo, hi);
    return idx;
  }

  setText(idx: number, text: string): void {
    this.texts[idx] = text.length > MAX_DISPLAY_CHARS ? text.slice(0, MAX_DISPLAY_CHARS) + '…' : text;
  }

  keyLo(idx: number): number {
    return this.entryLo[idx]!;
  }
  keyHi(idx: number): number {
    return this.entryHi[idx]!;
  }

  /** Distinct count: exact while no overflow, else the larger of the HyperLogLog estimate and the table. */
  distinct(): number {
    if (this.hll === null) return this.size;
    return Math.max(this.size, Math.round(this.hll.estimate()));
  }

  toState(): ValueTableState {
    return {
      cap: this.cap,
      hllPrecision: this.hllPrecision,
      keysLo: this.entryLo.slice(0, this.size),
      keysHi: this.entryHi.slice(0, this.size),
      counts: this.counts.slice(0, this.size),
      texts: this.texts.slice(0, this.size),
      hll: this.hll ? this.hll.toJSON() : null,
    };
  }

  /** Adds another table's entries (counts add up); merging never drops a stored key of either side. */
  mergeState(s: ValueTableState): void {
    if (s.hll !== null && this.hll === null) this.startHll();
    for (let i = 0; i < s.keysLo.length; i++) {
      const idx = this.add(s.keysLo[i]!, s.keysHi[i]!, s.counts[i]!);
      if (idx >= 0) this.texts[idx] = s.texts[i]!;
    }
    if (s.hll !== null && this.hll !== null) this.hll.merge(HyperLogLog.fromJSON(s.hll));
  }

  private startHll(): void {
    this.hll = new HyperLogLog(this.hllPrecision);
    for (let i = 0; i < this.size; i++) this.addToHll(this.entryLo[i]!, this.entryHi[i]!);
  }

  private addToHll(lo: number, hi: number): void {
    const a = fmix32(lo ^ Math.imul(hi ^ 0x9e3779b9, 0x85ebca77));
    const b = fmix32(hi ^ Math.imul(a ^ 0x27d4eb2f, 0xc2b2ae3d));
    this.hll!.addHash(fmix32(a ^ Math.imul(b, 0x165667b1)), b);
  }

  private growEntries(): void {
    const n = this.counts.length * 2;
    const lo = new Uint32Array(n);
    lo.set(this.entryLo);
    this.entryLo = lo;
    const hi = new Uint32Array(n);
    hi.set(this.entryHi);
    this.entryHi = hi;
    const c = new Float64Array(n);
    c.set(this.counts);
    this.counts = c;
  }

  private rehash(): void {
    const slots = this.slots * 2;
    const mask = slots - 1;
    const kl = new Uint32Array(slots);
    const kh = new Uint32Array(slots);
    const se = new Int32Array(slots);
    for (let idx = 0; idx < this.size; idx++) {
      const lo = this.entryLo[idx]!;
      const hi = this.entryHi[idx]!;
      let i = fmix32(lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
      while (se[i] !== 0) i = (i + 1) & mask;
      kl[i] = lo;
      kh[i] = hi;
      se[i] = idx + 1;
    }
    this.slots = slots;
    this.mask = mask;
    this.keysLo = kl;
    this.keysHi = kh;
    this.slotEntry = se;
  }
}
