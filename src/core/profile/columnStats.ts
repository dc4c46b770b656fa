// One column's accumulator for the single pass: counts, type evidence, moments, quantile sketch, log
// histogram, exact values while few, distinct values and string lengths. Everything merges, so byte ranges
// profiled by different threads combine into the same answer a single stream would give.
import { KllSketch, type KllState } from './sketch/kll.js';
import { LogHistogram, type LogHistogramState } from './sketch/logHistogram.js';
import { Moments, type MomentsState } from './sketch/moments.js';
import { booleanBit, isNumericLikeText, isOtherDate, isTextKey, isoDateOut, parseNumber, parsedInteger, readIsoDate, textKey, textKeyOut } from './cellValues.js';
import { ValueTable, type ValueTableState } from './valueTable.js';

/** Per-column memory limits, scaled down as the column count grows. */
export interface ColumnCaps {
  distinct: number;
  exactValues: number;
  kllK: number;
  hllPrecision: number;
  /** Log histograms cost memory per octave of range; wide files take histograms and outliers from KLL. */
  logHistogram: boolean;
  /** Numbers batched per column before they reach the sketches. */
  batch: number;
  /** Display text a column's value table may hold (long distinct texts end exactness before the cap). */
  textChars: number;
}

export function columnCaps(columnCount: number): ColumnCaps {
  const n = Math.max(1, columnCount);
  return {
    distinct: Math.max(50, Math.min(10000, Math.floor(400000 / n))),
    exactValues: Math.max(64, Math.min(10000, Math.floor(400000 / n))),
    kllK: Math.max(24, Math.min(400, Math.floor(200000 / n))),
    hllPrecision: n > 1000 ? 8 : n > 256 ? 10 : 14,
    logHistogram: n <= 256,
    batch: n <= 256 ? 256 : 16,
    textChars: Math.floor((8 << 20) / n),
  };
}

/**
 * The key of the last cell added (set by addCell): the row hash of duplicates mixes these. Keys travel as
 * int32 (the same bits): a uint32 past 2^31 is not a small integer to V8, and every one passed to a call
 * that is not inlined cost a heap allocation (about half of all keys, ~40% of the pass's garbage).
 */
export const cellKey = new Int32Array(2);
/**
 * The number of the last cell addCell or addTextCell found numeric. Not a return value: the row loop mixed
 * it with the scanner's doubles, and V8 then boxed them all, one allocation per number cell.
 */
export const cellNumber = new Float64Array(1);
export const MISSING_KEY_LO = 0x5f3759df;
export const MISSING_KEY_HI = 0x7ffc0001;

const f64 = new Float64Array(1);
const u32 = new Int32Array(f64.buffer);

/** Growable list of exact values, dropped once it passes its cap (then the sketches answer). */
class ExactValues {
  values: Float64Array | null = null;
  n = 0;
  overflowed = false;
  constructor(readonly cap: number) {}
  push(x: number): void {
    if (this.overflowed) return;
    let v = this.values;
    if (v === null) v = this.values = new Float64Array(16);
    if (this.n === v.length) {
      if (this.n >= this.cap) {
        this.values = null;
        this.overflowed = true;
        return;
      }
      const bigger = new Float64Array(Math.min(this.cap, v.length * 2));
      bigger.set(v);
      this.values = v = bigger;
    }
    v[this.n++] = x;
  }
  /** push() for values[0..count). */
  pushAll(values: Float64Array, count: number): void {
    if (this.overflowed) return;
    let v = this.values;
    if (v === null || this.n + count > v.length) {
      if (this.n + count > this.cap) {
        // Fill to the cap as push() would, then overflow.
        for (let i = 0; i < count && !this.overflowed; i++) this.push(values[i]!);
        return;
      }
      let size = v === null ? 16 : v.length;
      while (size < this.n + count) size *= 2;
      const bigger = new Float64Array(Math.min(this.cap, size));
      if (v !== null) bigger.set(v.subarray(0, this.n));
      this.values = v = bigger;
    }
    v.set(count === values.length ? values : values.subarray(0, count), this.n);
    this.n += count;
  }
  toState(): Float64Array | null {
    if (this.overflowed) return null;
    return this.values === null ? new Float64Array(0) : this.values.slice(0, this.n);
  }
  mergeState(s: Float64Array | null, limit: number): void {
    if (this.overflowed) return;
    if (s === null || this.n + s.length > limit) {
      this.values = null;
      this.overflowed = true;
      return;
    }
    if (s.length === 0) return;
    const next = new Float64Array(this.n + s.length);
    if (this.values !== null) next.set(this.values.subarray(0, this.n));
    next.set(s, this.n);
    this.values = next;
    this.n = next.length;
  }
  sorted(): Float64Array | null {
    if (this.overflowed) return null;
    return this.values === null ? new Float64Array(0) : this.values.slice(0, this.n).sort();
  }
}

export interface ColumnState {
  missing: number;
  count: number;
  numeric: number;
  integer: number;
  boolean: number;
  booleanMask: number;
  datetime: number;
  otherDates: number;
  numericLike: number;
  padded: number;
  lenMin: number;
  lenMax: number;
  lenSum: number;
  moments: MomentsState | null;
  kll: KllState | null;
  logHistogram: LogHistogramState | null;
  exact: Float64Array | null;
  dateKll: KllState | null;
  dateMin: number;
  dateMax: number;
  exactDates: Float64Array | null;
  values: ValueTableState;
  mixed: boolean;
  deferred: boolean;
  textDeferred: boolean;
}

export class ColumnStats {
  missing = 0;
  count = 0;
  numeric = 0;
  integer = 0;
  boolean = 0;
  booleanMask = 0;
  datetime = 0;
  otherDates = 0;
  numericLike = 0;
  padded = 0;
  lenMin = Infinity;
  lenMax = 0;
  lenSum = 0;
  moments: Moments | null = null;
  kll: KllSketch | null = null;
  logHistogram: LogHistogram | null = null;
  exact: ExactValues;
  dateKll: KllSketch | null = null;
  dateMin = Infinity;
  dateMax = -Infinity;
  exactDates: ExactValues;
  values: ValueTable;
  /** Set once a non-number value was seen: distinct values are then counted by spelling. */
  mixed = false;
  /**
   * While true the quantile sketch and log histogram have not been fed: the column holds only numbers and
   * its value table counts every one of them by value, which answers quantiles, histogram and outliers
   * exactly (and skips the sketches' cost). When the table fills up or text turns up, settle() feeds the
   * counted values to the sketches once, and from then on they take every number: from the key stream
   * (flushKeys) while the column holds only numbers, from the number batch (flush) once it is mixed.
   */
  deferred = true;
  /** Numbers at the head of the next batch that the sketches have already (see becomeMixed). */
  private sketchedAhead = 0;
  /** Numbers decoded from number keys on their way to the sketches. */
  private keyNumbers: Float64Array | null = null;
  private pending: Float64Array | null = null;
  private pendingCount = 0;
  private pendingDates: Float64Array | null = null;
  private pendingDateCount = 0;
  /**
   * Value keys wait here, with where their spelling is in `keyBuf`, and go to the value table a batch at a
   * time (flushKeys): a tight loop of table probes lets the CPU overlap their cache
   * misses, which cost one stall per cell when each probe sat between a cell's parsing and the next one's.
   * The reader flushes them before it moves or replaces its buffer, so the spellings are still there.
   */
  /**
   * Queued keys, four int32 each: key low and high words, cell start, cell end (bitwise not for a text
   * cell, see queueKey). One array, so a cell writes one place instead of five.
   */
  private keyQueue: Int32Array | null = null;
  private keyCount = 0;
  private keyBuf: Uint8Array | null = null;
  /**
   * While true, text cells are not classified one by one (dates, booleans, number-like text): the value
   * table holds every distinct text, so each is classified once, when it is first stored (tagged on its
   * entry, with its date), and the evidence is its count at the end (foldEvidence). When the table fills
   * up, settleText() counts the entries and every text cell is classified again as it comes.
   */
  textDeferred = true;
  /** Dates counted by value when the column ended with its evidence deferred (foldEvidence). */
  countedDates: { values: Float64Array; counts: Float64Array } | null = null;

  constructor(
    readonly caps: ColumnCaps,
    private readonly latin1: boolean,
    /** Missing tokens (after trimming) as bytes, the empty token excluded. */
    private readonly missingTokens: Uint8Array[],
    /** missingFirst[b] = 1 when some token starts with byte b. */
    private readonly missingFirst: Uint8Array,
    /** Where the column tells the scanner it has turned mixed (CellScanner hashes such columns' cells). */
    private readonly mixedFlags: Uint8Array | null = null,
    private readonly index = 0,
  ) {
    this.exact = new ExactValues(caps.exactValues);
    this.exactDates = new ExactValues(caps.exactValues);
    this.values = new ValueTable(caps.distinct, caps.hllPrecision, caps.textChars);
    this.values.onFull = () => {
      this.settle();
      this.settleText();
    };
  }

  /** A field absent from a short (ragged) row. */
  addAbsent(): void {
    this.missing++;
    cellKey[0] = MISSING_KEY_LO;
    cellKey[1] = MISSING_KEY_HI;
  }

  /**
   * Adds the cell buf[s..e) and sets cellKey. True when it is a number, which is then in cellNumber[0]
   * (see there why not a return value).
   */
  addCell(buf: Uint8Array, s: number, e: number): boolean {
    let ts = s;
    let te = e;
    while (ts < te && (buf[ts] === 32 || buf[ts] === 9)) ts++;
    while (te > ts && (buf[te - 1] === 32 || buf[te - 1] === 9)) te--;
    const b0 = buf[ts]!;
    if (ts === te || (this.missingFirst[b0] === 1 && this.isMissingToken(buf, ts, te))) {
      this.missing++;
      cellKey[0] = MISSING_KEY_LO;
      cellKey[1] = MISSING_KEY_HI;
      return false;
    }
    this.count++;
    if (ts !== s || te !== e) this.padded++;
    let v = NaN;
    if ((b0 >= 48 && b0 <= 57) || b0 === 45 || b0 === 43 || b0 === 46) v = parseNumber(buf, ts, te);
    let chars: number;
    if (v === v) {
      this.numeric++;
      if (parsedInteger) this.integer++;
      this.addNumber(v);
      chars = e - s;
      f64[0] = v === 0 ? 0 : v;
      // Duplicate rows compare numbers by value whatever the column holds.
      cellKey[0] = u32[0]!;
      cellKey[1] = u32[1]!;
      if (this.mixed) {
        // A column with text in it counts distinct values by spelling, like pandas' object columns.
        textKey(buf, s, e);
        this.queueKey(buf, s, e, textKeyOut[0]! | 0, textKeyOut[1]! | 0, 0);
      } else this.queueKey(buf, s, e, u32[0]!, u32[1]!, 0);
    } else {
      chars = this.latin1 ? e - s : textKey(buf, s, e);
      if (this.latin1) textKey(buf, s, e);
      const lo = textKeyOut[0]! | 0;
      const hi = textKeyOut[1]! | 0;
      cellKey[0] = lo;
      cellKey[1] = hi;
      if (!this.mixed) this.becomeMixed();
      // Decided before queueKey, which may flush the batch and end the deferral with this cell in it.
      const classify = !this.textDeferred;
      this.queueKey(buf, s, e, lo, hi, 1);
      if (classify) this.classifyText(buf, ts, te, b0);
    }
    if (chars < this.lenMin) this.lenMin = chars;
    if (chars > this.lenMax) this.lenMax = chars;
    this.lenSum += chars;
    cellNumber[0] = v;
    return v === v;
  }

  /** `text` = 1 for a text cell (its type evidence is still to be read), 0 for a number. */
  private queueKey(buf: Uint8Array, s: number, e: number, lo: number, hi: number, text: number): void {
    if (this.keyBuf !== buf && this.keyCount > 0) this.flushKeys();
    this.keyBuf = buf;
    const k = this.keyCount;
    const q = (this.keyQueue ??= new Int32Array(this.caps.batch * 4));
    const o = k * 4;
    q[o] = lo;
    q[o + 1] = hi;
    q[o + 2] = s;
    q[o + 3] = text === 1 ? ~e : e;
    this.keyCount = k + 1;
    if (o + 4 === q.length) this.flushKeys();
  }

  /**
   * Counts the queued keys in the value table, in order. In a column of numbers the keys are the numbers'
   * bits: once the sketches are no longer deferred they take the numbers from here.
   */
  flushKeys(): void {
    const n = this.keyCount;
    if (n === 0) return;
    this.keyCount = 0;
    const q = this.keyQueue!;
    const values = this.values;
    // Keys from this index on go to the sketches (the table may fill up, and settle, in the middle).
    let sketchFrom = this.mixed || this.deferred ? n : 0;
    // Text keys from this index on are classified cell by cell (the same, for text evidence).
    const tagging = this.textDeferred;
    let classifyFrom = n;
    for (let j = 0; j < n; j++) {
      const idx = values.add(q[j * 4]!, q[j * 4 + 1]!);
      if (idx >= 0) {
        const end = q[j * 4 + 3]!;
        // Numbers are ASCII, so decoding them as the column's text decodes them as before.
        values.setText(idx, decode(this.keyBuf!, q[j * 4 + 2]!, end < 0 ? ~end : end, this.latin1));
        if (this.textDeferred && end < 0) this.tagEntry(idx, j);
      } else {
        if (sketchFrom === n && !this.deferred && !this.mixed) sketchFrom = j;
        if (classifyFrom === n && tagging && !this.textDeferred) classifyFrom = j;
      }
    }
    if (sketchFrom < n) this.sketchKeys(sketchFrom, n);
    if (classifyFrom < n) this.classifyKeys(classifyFrom, n);
  }

  /** Bounds of queued text key j's cell without its padding, in trimmed[0..1]. */
  private trimKey(j: number): void {
    const buf = this.keyBuf!;
    let ts = this.keyQueue![j * 4 + 2]!;
    let te = ~this.keyQueue![j * 4 + 3]!;
    while (ts < te && (buf[ts] === 32 || buf[ts] === 9)) ts++;
    while (te > ts && (buf[te - 1] === 32 || buf[te - 1] === 9)) te--;
    trimmed[0] = ts;
    trimmed[1] = te;
  }

  /** A new table entry from text key j: its type evidence (and date) kept on the entry. */
  private tagEntry(idx: number, j: number): void {
    this.trimKey(j);
    const buf = this.keyBuf!;
    const ts = trimmed[0]!;
    const tag = textTag(buf, ts, trimmed[1]!, buf[ts]!);
    if (tag === 0) return;
    this.values.setTag(idx, tag);
    if (tag === TAG_DATE) this.values.setDate(idx, isoDateOut[0]!);
  }

  /** Text keys [from, to) of the batch classified one by one (their cells came while evidence was deferred). */
  private classifyKeys(from: number, to: number): void {
    const buf = this.keyBuf!;
    for (let j = from; j < to; j++) {
      if (this.keyQueue![j * 4 + 3]! >= 0) continue;
      this.trimKey(j);
      const ts = trimmed[0]!;
      this.classifyText(buf, ts, trimmed[1]!, buf[ts]!);
    }
  }

  /** Adds `count` cells of evidence `tag` (a date's value in `ms`) to the counts and date sketches. */
  private countEvidence(tag: number, count: number, ms: number, sketch: boolean): void {
    const kind = tag & 0xff;
    if (kind === TAG_DATE) {
      this.datetime += count;
      if (ms < this.dateMin) this.dateMin = ms;
      if (ms > this.dateMax) this.dateMax = ms;
      if (sketch) {
        const k = (this.dateKll ??= new KllSketch(this.caps.kllK));
        for (let r = 0; r < count; r++) k.update(ms);
        for (let r = 0; r < count && !this.exactDates.overflowed; r++) this.exactDates.push(ms);
      }
    } else if (kind === TAG_OTHER_DATE) this.otherDates += count;
    else if (kind === TAG_NUMERIC_LIKE) this.numericLike += count;
    else if (kind === TAG_BOOLEAN) {
      this.boolean += count;
      this.booleanMask |= tag >>> 8;
    }
  }

  /** Ends the text deferral: the table's entries are counted, and cells are classified from now on. */
  settleText(): void {
    if (!this.textDeferred) return;
    this.textDeferred = false;
    this.flushDates();
    const t = this.values;
    for (let i = 0; i < t.size; i++) {
      const tag = t.tag(i);
      if (tag !== 0) this.countEvidence(tag, t.count(i), t.date(i), true);
    }
  }

  /**
   * The end of the pass with evidence still deferred: the counts come from the table's entries, and the
   * dates, counted by value, answer the histogram (no sketch needed). Call before reading the evidence.
   */
  foldEvidence(): void {
    this.flush();
    if (!this.textDeferred) return;
    this.textDeferred = false;
    const t = this.values;
    const byDate = new Map<number, number>();
    for (let i = 0; i < t.size; i++) {
      const tag = t.tag(i);
      if (tag === 0) continue;
      const ms = t.date(i);
      this.countEvidence(tag, t.count(i), ms, false);
      if ((tag & 0xff) === TAG_DATE) byDate.set(ms, (byDate.get(ms) ?? 0) + t.count(i));
    }
    if (byDate.size === 0) return;
    const values = Float64Array.from(byDate.keys()).sort();
    const counts = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) counts[i] = byDate.get(values[i]!)!;
    this.countedDates = { values, counts };
  }

  /** Number keys [from, to) of the batch to the quantile sketch and log histogram. */
  private sketchKeys(from: number, to: number): void {
    this.ensureSketches();
    const q = this.keyQueue!;
    const b = (this.keyNumbers ??= new Float64Array(q.length >> 2));
    let m = 0;
    for (let j = from; j < to; j++) {
      u32[0] = q[j * 4]!;
      u32[1] = q[j * 4 + 1]!;
      b[m++] = f64[0]!;
    }
    const k = this.kll!;
    for (let i = 0; i < m; i++) k.update(b[i]!);
    if (this.logHistogram !== null) this.logHistogram.addBatch(b, m);
  }

  private ensureSketches(): void {
    if (this.moments !== null) return;
    this.moments = new Moments();
    this.kll = new KllSketch(this.caps.kllK);
    if (this.caps.logHistogram) this.logHistogram = new LogHistogram();
  }

  /** Ends the deferral: every number the value table counted goes to the sketches (see `deferred`). */
  settle(): void {
    if (!this.deferred) return;
    this.deferred = false;
    const t = this.values;
    if (t.size === 0) return;
    this.ensureSketches();
    const lo = new Uint32Array(t.size);
    const hi = new Uint32Array(t.size);
    const counts = new Float64Array(t.size);
    for (let i = 0; i < t.size; i++) {
      lo[i] = t.keyLo(i);
      hi[i] = t.keyHi(i);
      counts[i] = t.count(i);
    }
    sketchCounted(this.kll!, this.logHistogram, lo, hi, counts);
  }

  /**
   * The column's numbers as sorted distinct values with their counts, while the sketches are deferred;
   * null (and the sketches fed) otherwise, or if the table does not account for every number.
   */
  countedNumbers(): { values: Float64Array; counts: Float64Array } | null {
    this.flush();
    if (!this.deferred) return null;
    const t = this.values;
    const size = t.size;
    const order = new Float64Array(size);
    const byValue = new Map<number, number>();
    let total = 0;
    let finite = true;
    for (let i = 0; i < size; i++) {
      u32[0] = t.keyLo(i);
      u32[1] = t.keyHi(i);
      const v = f64[0]!;
      if (!Number.isFinite(v)) finite = false;
      order[i] = v;
      byValue.set(v, t.count(i));
      total += t.count(i);
    }
    if (!finite || total !== this.numeric || byValue.size !== size) {
      this.settle();
      return null;
    }
    order.sort();
    const counts = new Float64Array(size);
    for (let i = 0; i < size; i++) counts[i] = byValue.get(order[i]!)!;
    return { values: order, counts };
  }

  /**
   * The first text value: numbers seen so far were counted by value; from now on the column counts every
   * value by its spelling, so those entries are re-keyed from their text.
   */
  private becomeMixed(): void {
    this.flushKeys();
    // Every number so far is in the table (or the sketches): the batch's numbers must not go in twice.
    this.settle();
    this.sketchedAhead = this.pendingCount;
    this.mixed = true;
    if (this.mixedFlags !== null) this.mixedFlags[this.index] = 1;
    if (this.numeric > 0) this.values.rekeyNumbers(this.latin1);
  }

  /**
   * A clean number cell the scanner parsed (CellScanner, CELL_NUMBER): addCell's number path. The value
   * comes as values[at], not as an argument: a double passed to a call that is not inlined is allocated.
   */
  addNumberCell(buf: Uint8Array, s: number, e: number, values: Float64Array, at: number, integer: number): void {
    const v = values[at]!;
    this.count++;
    this.numeric++;
    if (integer !== 0) this.integer++;
    // addNumber, written out: V8 did not always inline it, and then allocated v to pass it.
    const p = (this.pending ??= new Float64Array(this.caps.batch));
    p[this.pendingCount++] = v;
    if (this.pendingCount === p.length) this.flush();
    f64[0] = v === 0 ? 0 : v;
    const lo = u32[0]!;
    const hi = u32[1]!;
    cellKey[0] = lo;
    cellKey[1] = hi;
    if (this.mixed) {
      textKey(buf, s, e);
      this.queueKey(buf, s, e, textKeyOut[0]! | 0, textKeyOut[1]! | 0, 0);
    } else this.queueKey(buf, s, e, lo, hi, 0);
    const chars = e - s;
    if (chars < this.lenMin) this.lenMin = chars;
    if (chars > this.lenMax) this.lenMax = chars;
    this.lenSum += chars;
  }

  /**
   * An unquoted cell the scanner hashed (CellScanner, CELL_TEXT): addCell with the key given, so the bytes
   * are not hashed twice. True when it is a number, which is then in cellNumber[0].
   */
  addTextCell(buf: Uint8Array, s: number, e: number, lo: number, hi: number, utf8Chars: number): boolean {
    let ts = s;
    let te = e;
    while (ts < te && (buf[ts] === 32 || buf[ts] === 9)) ts++;
    while (te > ts && (buf[te - 1] === 32 || buf[te - 1] === 9)) te--;
    const b0 = buf[ts]!;
    if (ts === te || (this.missingFirst[b0] === 1 && this.isMissingToken(buf, ts, te))) {
      this.missing++;
      cellKey[0] = MISSING_KEY_LO;
      cellKey[1] = MISSING_KEY_HI;
      return false;
    }
    this.count++;
    if (ts !== s || te !== e) this.padded++;
    let v = NaN;
    if ((b0 >= 48 && b0 <= 57) || b0 === 45 || b0 === 43 || b0 === 46) v = parseNumber(buf, ts, te);
    let chars: number;
    if (v === v) {
      this.numeric++;
      if (parsedInteger) this.integer++;
      this.addNumber(v);
      chars = e - s;
      f64[0] = v === 0 ? 0 : v;
      cellKey[0] = u32[0]!;
      cellKey[1] = u32[1]!;
      if (this.mixed) this.queueKey(buf, s, e, lo, hi, 0);
      else this.queueKey(buf, s, e, u32[0]!, u32[1]!, 0);
    } else {
      chars = this.latin1 ? e - s : utf8Chars;
      cellKey[0] = lo;
      cellKey[1] = hi;
      if (!this.mixed) this.becomeMixed();
      // Decided before queueKey, which may flush the batch and end the deferral with this cell in it.
      const classify = !this.textDeferred;
      this.queueKey(buf, s, e, lo, hi, 1);
      if (classify) this.classifyText(buf, ts, te, b0);
    }
    if (chars < this.lenMin) this.lenMin = chars;
    if (chars > this.lenMax) this.lenMax = chars;
    this.lenSum += chars;
    cellNumber[0] = v;
    return v === v;
  }

  /** Type evidence of a text cell buf[ts..te) (trimmed, first byte b0): dates, booleans, number-like text. */
  private classifyText(buf: Uint8Array, ts: number, te: number, b0: number): void {
    const tag = textTag(buf, ts, te, b0);
    if (tag === 0) return;
    if (tag === TAG_DATE) {
      this.datetime++;
      this.addDate();
    } else this.countEvidence(tag, 1, NaN, false);
  }

  private addNumber(v: number): void {
    const p = (this.pending ??= new Float64Array(this.caps.batch));
    p[this.pendingCount++] = v;
    if (this.pendingCount === p.length) this.flush();
  }

  /**
   * Numbers wait in a small batch and go to the sketches together: one sketch at a time stays in cache,
   * instead of every column's sketches being touched on every row. Call before reading the results.
   */
  flush(): void {
    this.flushKeys();
    this.flushDates();
    const n = this.pendingCount;
    if (n === 0) return;
    this.pendingCount = 0;
    this.ensureSketches();
    const b = this.pending!;
    this.moments!.addBatch(b, n);
    // A column of numbers feeds the sketches from its keys (flushKeys); a mixed one from here.
    if (this.mixed) {
      const from = this.sketchedAhead;
      this.sketchedAhead = 0;
      const k = this.kll!;
      for (let i = from; i < n; i++) k.update(b[i]!);
      if (this.logHistogram !== null) this.logHistogram.addBatch(from === 0 ? b : b.subarray(from), n - from);
    }
    if (!this.exact.overflowed) this.exact.pushAll(b, n);
  }

  /**
   * The date readIsoDate left in isoDateOut. Dates wait in a batch like numbers do: passed one by one to the
   * sketch, a date (a double past the small integers) was allocated at each call V8 did not inline.
   */
  private addDate(): void {
    const ms = isoDateOut[0]!;
    if (ms < this.dateMin) this.dateMin = ms;
    if (ms > this.dateMax) this.dateMax = ms;
    const p = (this.pendingDates ??= new Float64Array(this.caps.batch));
    p[this.pendingDateCount++] = ms;
    if (this.pendingDateCount === p.length) this.flushDates();
  }

  private flushDates(): void {
    const n = this.pendingDateCount;
    if (n === 0) return;
    this.pendingDateCount = 0;
    const k = (this.dateKll ??= new KllSketch(this.caps.kllK));
    const p = this.pendingDates!;
    for (let i = 0; i < n; i++) k.update(p[i]!);
    this.exactDates.pushAll(p, n);
  }

  private isMissingToken(buf: Uint8Array, s: number, e: number): boolean {
    const n = e - s;
    for (const t of this.missingTokens) {
      if (t.length !== n) continue;
      let same = true;
      for (let i = 0; i < n; i++) {
        if (buf[s + i] !== t[i]) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
    return false;
  }

  toState(): ColumnState {
    this.flush();
    return {
      missing: this.missing,
      count: this.count,
      numeric: this.numeric,
      integer: this.integer,
      boolean: this.boolean,
      booleanMask: this.booleanMask,
      datetime: this.datetime,
      otherDates: this.otherDates,
      numericLike: this.numericLike,
      padded: this.padded,
      lenMin: this.lenMin,
      lenMax: this.lenMax,
      lenSum: this.lenSum,
      moments: this.moments ? this.moments.toJSON() : null,
      kll: this.kll ? this.kll.toJSON() : null,
      logHistogram: this.logHistogram ? this.logHistogram.toJSON() : null,
      exact: this.exact.toState(),
      dateKll: this.dateKll ? this.dateKll.toJSON() : null,
      dateMin: this.dateMin,
      dateMax: this.dateMax,
      exactDates: this.exactDates.toState(),
      values: this.values.toState(),
      mixed: this.mixed,
      deferred: this.deferred,
      textDeferred: this.textDeferred,
    };
  }

  /** Merges another range's state; `exactLimit` bounds the exact values kept after merging. */
  mergeState(s: ColumnState, exactLimit: number): void {
    this.flush();
    this.missing += s.missing;
    this.count += s.count;
    this.numeric += s.numeric;
    this.integer += s.integer;
    this.boolean += s.boolean;
    this.booleanMask |= s.booleanMask;
    this.datetime += s.datetime;
    this.otherDates += s.otherDates;
    this.numericLike += s.numericLike;
    this.padded += s.padded;
    if (s.lenMin < this.lenMin) this.lenMin = s.lenMin;
    if (s.lenMax > this.lenMax) this.lenMax = s.lenMax;
    this.lenSum += s.lenSum;
    // Both sides deferred and their tables fit together: the merged table still counts every value.
    const fits = this.values.canHold(s.values);
    const stayDeferred = this.deferred && s.deferred && fits;
    if (!stayDeferred) this.settle();
    if (!(this.textDeferred && s.textDeferred && fits)) {
      this.settleText();
      if (s.textDeferred) {
        const v = s.values;
        for (let i = 0; v.tags !== null && i < v.tags.length; i++) {
          if (v.tags[i] !== 0) this.countEvidence(v.tags[i]!, v.counts[i]!, v.dates === null ? NaN : v.dates[i]!, true);
        }
      }
    }
    if (s.moments && s.kll) {
      if (this.moments === null) {
        this.moments = Moments.fromJSON(s.moments);
        this.kll = KllSketch.fromJSON(s.kll);
        this.logHistogram = s.logHistogram ? LogHistogram.fromJSON(s.logHistogram) : null;
      } else {
        this.moments.merge(Moments.fromJSON(s.moments));
        this.kll!.merge(KllSketch.fromJSON(s.kll));
        if (this.logHistogram && s.logHistogram) this.logHistogram.merge(LogHistogram.fromJSON(s.logHistogram));
      }
      if (!stayDeferred && s.deferred) sketchCounted(this.kll!, this.logHistogram, s.values.keysLo, s.values.keysHi, s.values.counts);
    }
    this.exact.mergeState(s.exact, exactLimit);
    if (s.dateKll) {
      if (this.dateKll === null) this.dateKll = KllSketch.fromJSON(s.dateKll);
      else this.dateKll.merge(KllSketch.fromJSON(s.dateKll));
      if (s.dateMin < this.dateMin) this.dateMin = s.dateMin;
      if (s.dateMax > this.dateMax) this.dateMax = s.dateMax;
    }
    this.exactDates.mergeState(s.exactDates, exactLimit);
    if (s.mixed && !this.mixed) this.becomeMixed();
    this.values.mergeState(this.mixed && !s.mixed ? rekeyState(s.values, this.latin1) : s.values);
  }

  sortedExact(): Float64Array | null {
    return this.exact.sorted();
  }
  sortedExactDates(): Float64Array | null {
    return this.exactDates.sorted();
  }
}

/**
 * Counted numbers (float64 bits as key halves, with their counts) to a quantile sketch, one unit update per
 * value (weighted items at high levels would break the sketch's interpolation and its rank bound), and to a
 * log histogram by weight.
 */
function sketchCounted(kll: KllSketch, hist: LogHistogram | null, keysLo: Uint32Array, keysHi: Uint32Array, counts: Float64Array): void {
  for (let i = 0; i < keysLo.length; i++) {
    u32[0] = keysLo[i]!;
    u32[1] = keysHi[i]!;
    const v = f64[0]!;
    const c = counts[i]!;
    for (let r = 0; r < c; r++) kll.update(v);
    if (hist !== null) hist.add(v, c);
  }
}

/** Type evidence tags (ColumnStats.textDeferred): the kind in the low byte, a boolean's bit above it. */
const TAG_DATE = 1;
const TAG_OTHER_DATE = 2;
const TAG_NUMERIC_LIKE = 3;
const TAG_BOOLEAN = 4;
const trimmed = new Int32Array(2);

/** The evidence tag of a trimmed text cell (first byte b0), 0 for none; a date leaves its value in isoDateOut. */
function textTag(buf: Uint8Array, ts: number, te: number, b0: number): number {
  if (b0 >= 48 && b0 <= 57) {
    if (readIsoDate(buf, ts, te)) return TAG_DATE;
    if (isOtherDate(buf, ts, te)) return TAG_OTHER_DATE;
    if (isNumericLikeText(buf, ts, te)) return TAG_NUMERIC_LIKE;
  } else if (te - ts <= 5 && (b0 | 0x20) >= 97 && (b0 | 0x20) <= 122) {
    const bit = booleanBit(buf, ts, te);
    if (bit !== 0) return TAG_BOOLEAN | (bit << 8);
  } else if (b0 === 36 || b0 === 0xe2 || b0 === 0xc2 || b0 === 0xa3 || b0 === 0xa5 || b0 === 45 || b0 === 43 || buf[te - 1] === 37) {
    if (isNumericLikeText(buf, ts, te)) return TAG_NUMERIC_LIKE;
  }
  return 0;
}

/** A thread's table state with its number keys re-keyed by spelling (see ColumnStats.becomeMixed). */
function rekeyState(v: ValueTableState, latin1: boolean): ValueTableState {
  const keysLo = v.keysLo.slice();
  const keysHi = v.keysHi.slice();
  for (let i = 0; i < keysLo.length; i++) {
    if (isTextKey(keysHi[i]!)) continue;
    const bytes = Buffer.from(v.texts[i]!, latin1 ? 'latin1' : 'utf8');
    textKey(bytes, 0, bytes.length);
    keysLo[i] = textKeyOut[0]!;
    keysHi[i] = textKeyOut[1]!;
  }
  return { ...v, keysLo, keysHi };
}


function decode(buf: Uint8Array, s: number, e: number, latin1: boolean): string {
  // Decode a little more than the display cap so the cut is made on characters, not bytes.
  const end = Math.min(e, s + 1024);
  return Buffer.from(buf.buffer, buf.byteOffset + s, end - s).toString(latin1 ? 'latin1' : 'utf8');
}
