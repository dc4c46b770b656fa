// Exact distinct values and their counts for one column, in typed arrays (open addressing, linear
// probing). Keys are 64-bit: a number's float64 bits (numbers count by value, like pandas' nunique) or a
// string's byte hash tagged into the NaN space, which no parsed number occupies. The display text is
// decoded only the first time a key is seen. Past `cap` distinct keys new keys are no longer stored: every
// value then goes to a HyperLogLog instead, and the table keeps counting the keys it already holds.
import { HyperLogLog } from './sketch/hyperLogLog.js';
import { fmix32, isTextKey, textKey, textKeyOut } from './cellValues.js';

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
  /** Per entry, what the owner noted about the value (see ValueTable.setTag), null if nothing. */
  tags: Int32Array | null;
  dates: Float64Array | null;
}


// Slot layout: [fingerprint (0 = empty), count], 8 bytes, so a column's table stays small enough for the
// cache. A slot is matched by its home position and a 32-bit fingerprint of the key: two different keys
// collide only with odds of about one in 2^32 per probe, far below the sketches' own error.
const STRIDE = 2;
const MAX_LOAD = 0.7;
/** Past the cap, a column whose values are almost never seen again (ids) stops probing its table. */
const FREEZE_SAMPLE = 1 << 16;
const FREEZE_HIT_RATE = 0.01;

function homeOf(lo: number, hi: number): number {
  return fmix32(lo ^ Math.imul(hi, 0x9e3779b1));
}
function fingerprintOf(lo: number, hi: number): number {
  const f = fmix32(hi ^ Math.imul(lo ^ 0x5bd1e995, 0x85ebca77));
  return f === 0 ? 1 : f;
}

export class ValueTable {
  size = 0;
  private slots = 16;
  private mask = 15;
  private limit = Math.floor(16 * MAX_LOAD);
  private table = new Uint32Array(16 * STRIDE);
  // Entries in first-seen order.
  private entryLo = new Uint32Array(8);
  private entryHi = new Uint32Array(8);
  private entrySlot = new Int32Array(8);
  /** Per entry: a tag and a date the owner keeps with the value (ColumnStats: a text's type evidence). */
  private entryTag: Int32Array | null = null;
  private entryDate: Float64Array | null = null;
  texts: string[] = [];
  hll: HyperLogLog | null = null;
  /** Lookups and hits since the cap was reached; a frozen table only feeds the HyperLogLog. */
  private lookups = 0;
  private hits = 0;
  private frozen = false;
  private merging = false;
  /** Every key in the table is in the HyperLogLog: true but after re-keying a table that had one. */
  private keysInHll = true;

  /** Characters of display text held; past `textBudget` the table stops taking new keys, as at the cap. */
  private textChars = 0;
  /**
   * Called once, when the table first turns a key away and before it drops its rare entries: the last
   * moment every value counted so far is still in it (ColumnStats feeds its deferred sketches from here).
   */
  onFull: (() => void) | null = null;

  constructor(
    readonly cap: number,
    readonly hllPrecision: number,
    readonly textBudget = Infinity,
  ) {}

  /** Back to an empty table (the HyperLogLog and the frozen flag are the caller's to keep or drop). */
  private clear(): void {
    this.size = 0;
    this.slots = 16;
    this.mask = 15;
    this.limit = Math.floor(16 * MAX_LOAD);
    this.table = new Uint32Array(16 * STRIDE);
    this.entryLo = new Uint32Array(8);
    this.entryHi = new Uint32Array(8);
    this.entrySlot = new Int32Array(8);
    this.entryTag = null;
    this.entryDate = null;
    this.texts = [];
    this.textChars = 0;
  }

  get overflowed(): boolean {
    return this.hll !== null;
  }

  /**
   * Counts one value. Returns the entry index when the key is new and stored (the caller then sets its
   * text with setText), -1 otherwise.
   */
  add(lo: number, hi: number, weight = 1): number {
    // The common case, a key found while the table is exact, is kept small so V8 inlines it into the
    // caller's loop (the whole method was a call per cell); the rest is in addSlow.
    if (this.hll !== null) return this.addSlow(lo, hi, weight);
    const mask = this.mask;
    const t = this.table;
    const fp = fingerprintOf(lo, hi);
    let i = homeOf(lo, hi) & mask;
    for (;;) {
      const f = t[i * STRIDE]!;
      if (f === fp) {
        // No hit count: it only matters past the cap (startHll resets it).
        t[i * STRIDE + 1]! += weight;
        return -1;
      }
      if (f === 0) return this.insert(lo, hi, i, fp, weight);
      i = (i + 1) & mask;
    }
  }

  /** add() past the cap: the HyperLogLog, the freeze sample and the hit count. */
  private addSlow(lo: number, hi: number, weight: number): number {
    // A key the table holds is in the HyperLogLog already (and adding it again changes nothing), so only
    // misses go there, unless re-keying broke that (see keysInHll).
    if (this.frozen || !this.keysInHll) {
      this.addToHll(lo, hi);
      if (this.frozen) return -1;
    }
    if (++this.lookups === FREEZE_SAMPLE && this.hits < FREEZE_SAMPLE * FREEZE_HIT_RATE && !this.merging) this.frozen = true;
    const mask = this.mask;
    const t = this.table;
    const fp = fingerprintOf(lo, hi);
    let i = homeOf(lo, hi) & mask;
    for (;;) {
      const f = t[i * STRIDE]!;
      if (f === fp) {
        t[i * STRIDE + 1]! += weight;
        this.hits++;
        return -1;
      }
      if (f === 0) break;
      i = (i + 1) & mask;
    }
    if (this.keysInHll) this.addToHll(lo, hi);
    return this.insert(lo, hi, i, fp, weight);
  }

  /** A key not in the table, whose probe ended at empty slot i: stored, or turned away at the cap. */
  private insert(lo: number, hi: number, i: number, fp: number, weight: number): number {
    if (this.size >= this.cap || this.textChars > this.textBudget) {
      if (this.hll === null) {
        if (this.onFull !== null) this.onFull();
        this.startHll();
        this.addToHll(lo, hi);
        if (!this.merging) this.keepFrequent();
      }
      return -1;
    }
    const t = this.table;
    const idx = this.size++;
    t[i * STRIDE] = fp;
    t[i * STRIDE + 1] = weight;
    if (idx === this.entryLo.length) this.growEntries();
    this.entryLo[idx] = lo;
    this.entryHi[idx] = hi;
    this.entrySlot[idx] = i;
    this.texts.push('');
    if (this.size > this.limit) this.rehash();
    return idx;
  }

  setText(idx: number, text: string): void {
    const t = text.length > MAX_DISPLAY_CHARS ? text.slice(0, MAX_DISPLAY_CHARS) + '…' : text;
    this.textChars += t.length - this.texts[idx]!.length;
    this.texts[idx] = t;
  }

  setTag(idx: number, tag: number): void {
    (this.entryTag ??= new Int32Array(this.entryLo.length))[idx] = tag;
  }
  tag(idx: number): number {
    return this.entryTag === null ? 0 : this.entryTag[idx]!;
  }
  setDate(idx: number, ms: number): void {
    (this.entryDate ??= new Float64Array(this.entryLo.length))[idx] = ms;
  }
  date(idx: number): number {
    return this.entryDate === null ? NaN : this.entryDate[idx]!;
  }

  keyLo(idx: number): number {
    return this.entryLo[idx]!;
  }
  keyHi(idx: number): number {
    return this.entryHi[idx]!;
  }
  count(idx: number): number {
    return this.table[this.entrySlot[idx]! * STRIDE + 1]!;
  }

  /** Distinct count: exact while no overflow, else the larger of the HyperLogLog estimate and the table. */
  distinct(): number {
    if (this.hll === null) return this.size;
    return Math.max(this.size, Math.round(this.hll.estimate()));
  }

  toState(): ValueTableState {
    const counts = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) counts[i] = this.count(i);
    return {
      cap: this.cap,
      hllPrecision: this.hllPrecision,
      keysLo: this.entryLo.slice(0, this.size),
      keysHi: this.entryHi.slice(0, this.size),
      counts,
      texts: this.texts.slice(0, this.size),
      hll: this.hll ? this.hll.toJSON() : null,
      tags: this.entryTag === null ? null : this.entryTag.slice(0, this.size),
      dates: this.entryDate === null ? null : this.entryDate.slice(0, this.size),
    };
  }

  /** True when mergeState(s) cannot turn a key away: both tables exact and their sum within the caps. */
  canHold(s: ValueTableState): boolean {
    if (this.hll !== null || s.hll !== null || this.size + s.keysLo.length > this.cap) return false;
    let chars = this.textChars;
    for (const t of s.texts) chars += t.length;
    return chars <= this.textBudget;
  }

  /** Adds another table's entries (counts add up); merging never drops a stored key of either side. */
  mergeState(s: ValueTableState): void {
    if (s.hll !== null && this.hll === null) this.startHll();
    this.merging = true;
    for (let i = 0; i < s.keysLo.length; i++) {
      const idx = this.add(s.keysLo[i]!, s.keysHi[i]!, s.counts[i]!);
      if (idx >= 0) this.copyEntry(idx, s, i);
    }
    this.merging = false;
    if (s.hll !== null && this.hll !== null) this.hll.merge(HyperLogLog.fromJSON(s.hll));
  }

  /** Re-keys every number entry by the bytes of its text (the column turned out to hold text too). */
  rekeyNumbers(latin1: boolean): void {
    const state = this.toState();
    const hll = this.hll;
    const frozen = this.frozen;
    this.clear();
    this.hll = null;
    this.frozen = false;
    for (let i = 0; i < state.keysLo.length; i++) {
      let lo = state.keysLo[i]!;
      let hi = state.keysHi[i]!;
      if (!isTextKey(hi)) {
        const bytes = Buffer.from(state.texts[i]!, latin1 ? 'latin1' : 'utf8');
        textKey(bytes, 0, bytes.length);
        lo = textKeyOut[0]!;
        hi = textKeyOut[1]!;
      }
      const idx = this.add(lo, hi, state.counts[i]!);
      if (idx >= 0) this.copyEntry(idx, state, i);
    }
    this.hll = hll;
    this.frozen = frozen;
    // The re-keyed entries went in without the HyperLogLog: every value must go there again.
    if (hll !== null) this.keysInHll = false;
  }

  /** Entry idx takes the text, tag and date of entry i of state s. */
  private copyEntry(idx: number, s: ValueTableState, i: number): void {
    this.setText(idx, s.texts[i]!);
    if (s.tags !== null) this.setTag(idx, s.tags[i]!);
    if (s.dates !== null) this.setDate(idx, s.dates[i]!);
  }

  private startHll(): void {
    this.hll = new HyperLogLog(this.hllPrecision);
    this.hits = 0;
    this.lookups = 0;
    for (let i = 0; i < this.size; i++) this.addToHll(this.entryLo[i]!, this.entryHi[i]!);
  }

  /**
   * At the cap, keep only the most frequent entries (their counts stay exact and keep counting): a small
   * table stays in cache, and the values that matter for the top list are the frequent ones. Tags and
   * dates go (onFull was the owner's moment to take them).
   */
  private keepFrequent(): void {
    const keep = Math.max(16, this.cap >> 3);
    if (this.size <= keep) return;
    const order: number[] = [];
    for (let i = 0; i < this.size; i++) order.push(i);
    order.sort((a, b) => this.count(b) - this.count(a) || a - b);
    const kept = order.slice(0, keep).sort((a, b) => a - b);
    const lo = new Uint32Array(keep);
    const hi = new Uint32Array(keep);
    const counts = new Float64Array(keep);
    const texts: string[] = [];
    kept.forEach((e, j) => {
      lo[j] = this.entryLo[e]!;
      hi[j] = this.entryHi[e]!;
      counts[j] = this.count(e);
      texts.push(this.texts[e]!);
    });
    this.clear();
    const hll = this.hll;
    // Re-insert without touching the HyperLogLog (it has these keys already).
    this.hll = null;
    for (let j = 0; j < keep; j++) this.add(lo[j]!, hi[j]!, counts[j]!);
    this.hll = hll;
    this.texts = texts;
    this.textChars = texts.reduce((a, t) => a + t.length, 0);
  }

  private addToHll(lo: number, hi: number): void {
    const a = fmix32(lo ^ Math.imul(hi ^ 0x9e3779b9, 0x85ebca77));
    const b = fmix32(hi ^ Math.imul(a ^ 0x27d4eb2f, 0xc2b2ae3d));
    // As int32: a uint32 past 2^31 passed to a call would be allocated (see cellKey).
    this.hll!.addHash(fmix32(a ^ Math.imul(b, 0x165667b1)) | 0, b | 0);
  }

  private growEntries(): void {
    const n = this.entryLo.length * 2;
    const lo = new Uint32Array(n);
    lo.set(this.entryLo);
    this.entryLo = lo;
    const hi = new Uint32Array(n);
    hi.set(this.entryHi);
    this.entryHi = hi;
    const sl = new Int32Array(n);
    sl.set(this.entrySlot);
    this.entrySlot = sl;
    if (this.entryTag !== null) {
      const t = new Int32Array(n);
      t.set(this.entryTag);
      this.entryTag = t;
    }
    if (this.entryDate !== null) {
      const d = new Float64Array(n);
      d.set(this.entryDate);
      this.entryDate = d;
    }
  }

  private rehash(): void {
    const slots = this.slots * 2;
    const mask = slots - 1;
    const old = this.table;
    const t = new Uint32Array(slots * STRIDE);
    for (let idx = 0; idx < this.size; idx++) {
      const lo = this.entryLo[idx]!;
      const hi = this.entryHi[idx]!;
      let i = homeOf(lo, hi) & mask;
      while (t[i * STRIDE] !== 0) i = (i + 1) & mask;
      t[i * STRIDE] = fingerprintOf(lo, hi);
      t[i * STRIDE + 1] = old[this.entrySlot[idx]! * STRIDE + 1]!;
      this.entrySlot[idx] = i;
    }
    this.slots = slots;
    this.mask = mask;
    this.limit = Math.floor(slots * MAX_LOAD);
    this.table = t;
  }
}
