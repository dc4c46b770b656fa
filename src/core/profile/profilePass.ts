// The one pass over a byte range: every record goes through the column accumulators, the row hash goes to
// the shared duplicate table, numeric candidates to the correlation accumulator and missing cells to the
// co-occurrence counts. The same code runs on the main thread (preview, single thread) and in each
// profiling thread; the thread posts `toState()` and the main thread merges the states.
import { readSync } from 'node:fs';
import { FIELD_ESCAPED, QUOTE, RecordScanner, unescapeField } from '../csv/scanner.js';
import { RecordReader, RecordTooLongError } from '../csv/recordReader.js';
import { CELL_NUMBER, CELL_TEXT, CellScanner } from './cellScanner.js';
import { CorrelationAccumulator, type CorrelationState } from './sketch/correlation.js';
import { HyperLogLog, type HyperLogLogState } from './sketch/hyperLogLog.js';
import { mix32 } from './cellValues.js';
import { ColumnStats, MISSING_KEY_HI, MISSING_KEY_LO, cellKey, cellNumber, columnCaps, type ColumnCaps, type ColumnState } from './columnStats.js';

/** Everything a pass needs to know before it starts; plain data, so it crosses to a thread as is. */
export interface PassSetup {
  columnCount: number;
  delimiter: number;
  latin1: boolean;
  missingTokens: string[];
  /** Column indices whose pairwise correlations are computed. */
  correlationColumns: number[];
  /** Column indices whose missing co-occurrence is counted. */
  cooccurrenceColumns: number[];
  /** Open-addressing table of row fingerprints shared by all threads (Int32Array over a SharedArrayBuffer). */
  duplicateTable: Int32Array;
  /** Stop inserting into the table past this many insertions per pass (keeps probing short). */
  duplicateInsertLimit: number;
  maxRecordBytes: number;
}

export interface PassState {
  rows: number;
  lines: number;
  raggedCount: number;
  /** 1-based physical line numbers within the range of the first ragged rows. */
  raggedLines: number[];
  duplicates: number;
  duplicateOverflow: boolean;
  rowHll: HyperLogLogState;
  columns: ColumnState[];
  correlation: CorrelationState | null;
  cooccurrence: Float64Array;
  /** Set when the input ended inside a quoted field: the 1-based line (within the range) where it opened. */
  unclosedQuoteLine: number | null;
}

const MAX_RAGGED_LINES = 20;
/**
 * Row hashes wait in batches this long before they probe the duplicate table. The table spans tens of MB,
 * so nearly every probe misses the cache; touching a batch's home slots first in a loop of independent
 * loads lets those misses overlap, and the probes that follow find their slots in cache (it was ~9% of
 * the pass as one stalled load per row). Rows are still inserted in file order.
 */
const ROW_HASH_BATCH = 64;

function encodeTokens(tokens: string[], latin1: boolean): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const t of tokens) {
    const trimmed = t.trim();
    if (trimmed === '') continue;
    out.push(Buffer.from(trimmed, latin1 ? 'latin1' : 'utf8'));
  }
  return out;
}

export class PassAccumulator {
  rows = 0;
  lines = 0;
  raggedCount = 0;
  raggedLines: number[] = [];
  duplicates = 0;
  duplicateOverflow = false;
  insertions = 0;
  rowHll: HyperLogLog;
  readonly columns: ColumnStats[];
  readonly caps: ColumnCaps;
  correlation: CorrelationAccumulator | null;
  cooccurrence: Float64Array;
  unclosedQuoteLine: number | null = null;
  /** mixed[i] = 1 once column i has seen text: how the scanner reads its cells (see CellScanner). */
  readonly mixed: Uint8Array;
  /** missingFirst[b] = 1 when a missing token starts with byte b. */
  readonly missingFirst: Uint8Array;
  private readonly corrIndex: Int32Array;
  private readonly coIndex: Int32Array;
  private readonly corrValues: Float64Array;
  private readonly corrPresent: Uint8Array;
  private readonly missingList: Int32Array;
  private scratch = new Uint8Array(1024);
  private readonly pendingH1 = new Int32Array(ROW_HASH_BATCH);
  private readonly pendingH2 = new Int32Array(ROW_HASH_BATCH);
  private pendingRows = 0;
  /** Sink for the prefetching loads, so they are not optimised away. */
  private touched = 0;

  /** `mergeFactor` > 1 for an accumulator that merges that many ranges: its caps hold all of them. */
  constructor(
    readonly setup: PassSetup,
    mergeFactor = 1,
  ) {
    const n = setup.columnCount;
    const caps = columnCaps(n);
    this.caps = { ...caps, distinct: caps.distinct * mergeFactor, exactValues: caps.exactValues * mergeFactor, textChars: caps.textChars * mergeFactor };
    const tokens = encodeTokens(setup.missingTokens, setup.latin1);
    const first = new Uint8Array(256);
    for (const t of tokens) first[t[0]!] = 1;
    this.columns = [];
    this.missingFirst = first;
    this.mixed = new Uint8Array(n);
    for (let i = 0; i < n; i++) this.columns.push(new ColumnStats(this.caps, setup.latin1, tokens, first, this.mixed, i));
    this.rowHll = new HyperLogLog(14);
    this.corrIndex = new Int32Array(n).fill(-1);
    setup.correlationColumns.forEach((c, k) => (this.corrIndex[c] = k));
    this.coIndex = new Int32Array(n).fill(-1);
    setup.cooccurrenceColumns.forEach((c, k) => (this.coIndex[c] = k));
    const m = setup.correlationColumns.length;
    this.correlation = m >= 2 ? new CorrelationAccumulator(m) : null;
    this.corrValues = new Float64Array(m);
    this.corrPresent = new Uint8Array(m);
    const c = setup.cooccurrenceColumns.length;
    this.cooccurrence = new Float64Array(c * c);
    this.missingList = new Int32Array(c);
  }

  /** Adds the record the scanner holds; `line` is its 1-based physical line within the range. */
  addRecord(buf: Uint8Array, scanner: CellScanner, line: number): void {
    const n = this.setup.columnCount;
    const fields = scanner.fieldCount;
    if (fields !== n) {
      this.raggedCount++;
      if (this.raggedLines.length < MAX_RAGGED_LINES) this.raggedLines.push(line);
    }
    this.rows++;
    const columns = this.columns;
    const corrIndex = this.corrIndex;
    const coIndex = this.coIndex;
    const corrValues = this.corrValues;
    const corrPresent = this.corrPresent;
    let missingCount = 0;
    let r1 = 0x3c6ef372;
    let r2 = 0xa54ff53a;
    const upto = fields < n ? fields : n;
    for (let i = 0; i < n; i++) {
      const col = columns[i]!;
      let v = NaN;
      if (i < upto) {
        const s = scanner.starts[i]!;
        const e = scanner.ends[i]!;
        const kind = scanner.kind[i]!;
        if (kind === CELL_NUMBER) {
          v = scanner.num[i]!;
          col.addNumberCell(buf, s, e, scanner.num, i, scanner.integer[i]!);
        } else if (kind === CELL_TEXT) {
          if (col.addTextCell(buf, s, e, scanner.keyLo[i]!, scanner.keyHi[i]!, scanner.chars[i]!)) v = cellNumber[0]!;
        }
        else if (scanner.flags[i]! & FIELD_ESCAPED) {
          if (this.scratch.length < e - s) this.scratch = new Uint8Array(Math.max(e - s, this.scratch.length * 2));
          const len = unescapeField(buf, s, e, QUOTE, this.scratch);
          if (col.addCell(this.scratch, 0, len)) v = cellNumber[0]!;
          // The scratch buffer is reused by the next escaped cell: count a queued number key now.
          col.flushKeys();
        } else if (col.addCell(buf, s, e)) v = cellNumber[0]!;
      } else col.addAbsent();
      const k = corrIndex[i]!;
      if (k >= 0) {
        if (v === v) {
          corrValues[k] = v;
          corrPresent[k] = 1;
        } else corrPresent[k] = 0;
      }
      const lo = cellKey[0]!;
      const hi = cellKey[1]!;
      if (coIndex[i]! >= 0 && lo === MISSING_KEY_LO && hi === MISSING_KEY_HI) this.missingList[missingCount++] = coIndex[i]!;
      r1 = Math.imul(((r1 << 5) | (r1 >>> 27)) ^ lo, 0x9e3779b1);
      r2 = Math.imul(((r2 << 7) | (r2 >>> 25)) ^ hi ^ lo, 0x85ebca77);
    }
    if (this.correlation !== null) this.correlation.addRow(corrValues, corrPresent);
    if (missingCount > 0) {
      const c = this.setup.cooccurrenceColumns.length;
      const co = this.cooccurrence;
      const list = this.missingList;
      for (let a = 0; a < missingCount; a++) {
        const ia = list[a]!;
        for (let b = 0; b < missingCount; b++) co[ia * c + list[b]!]!++;
      }
    }
    // As int32, fmix32's bits: see cellKey.
    r1 = mix32(r1 ^ r2);
    r2 = mix32(r2 ^ Math.imul(r1, 0x27d4eb2f));
    this.addRowHash(r1, r2);
  }

  private addRowHash(h1: number, h2: number): void {
    this.rowHll.addHash(h1, h2);
    const k = this.pendingRows;
    this.pendingH1[k] = h1;
    this.pendingH2[k] = h2;
    this.pendingRows = k + 1;
    if (k + 1 === ROW_HASH_BATCH) this.flushRowHashes();
  }

  /** Probes the duplicate table for the waiting row hashes, in order. Call before reading `duplicates`. */
  flushRowHashes(): void {
    const count = this.pendingRows;
    this.pendingRows = 0;
    if (count === 0 || this.duplicateOverflow) return;
    const table = this.setup.duplicateTable;
    const mask = table.length - 1;
    const h1s = this.pendingH1;
    let t = 0;
    for (let j = 0; j < count; j++) t ^= table[h1s[j]! & mask]!;
    this.touched ^= t;
    for (let j = 0; j < count; j++) this.probeRow(h1s[j]!, this.pendingH2[j]!);
  }

  private probeRow(h1: number, h2: number): void {
    if (this.duplicateOverflow) return;
    if (this.insertions >= this.setup.duplicateInsertLimit) {
      this.duplicateOverflow = true;
      return;
    }
    const table = this.setup.duplicateTable;
    const mask = table.length - 1;
    const fp = h2 === 0 ? 1 : h2 | 0;
    let i = h1 & mask;
    for (;;) {
      // A plain read settles most probes; only claiming an empty slot needs the atomic.
      let cur = table[i]!;
      if (cur === 0) {
        cur = Atomics.compareExchange(table, i, 0, fp);
        if (cur === 0) {
          this.insertions++;
          return;
        }
      }
      if (cur === fp) {
        this.duplicates++;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  toState(): PassState {
    this.flushRowHashes();
    return {
      rows: this.rows,
      lines: this.lines,
      raggedCount: this.raggedCount,
      raggedLines: this.raggedLines,
      duplicates: this.duplicates,
      duplicateOverflow: this.duplicateOverflow,
      rowHll: this.rowHll.toJSON(),
      columns: this.columns.map((c) => c.toState()),
      correlation: this.correlation ? this.correlation.toJSON() : null,
      cooccurrence: this.cooccurrence,
      unclosedQuoteLine: this.unclosedQuoteLine,
    };
  }

  /** Appends the state of the range that follows this one: `lineOffset` = lines before that range. */
  mergeState(s: PassState, lineOffset: number): void {
    const exactLimit = this.caps.exactValues;
    this.rows += s.rows;
    this.lines += s.lines;
    this.raggedCount += s.raggedCount;
    for (const l of s.raggedLines) if (this.raggedLines.length < MAX_RAGGED_LINES) this.raggedLines.push(l + lineOffset);
    this.duplicates += s.duplicates;
    this.duplicateOverflow ||= s.duplicateOverflow;
    this.rowHll.merge(HyperLogLog.fromJSON(s.rowHll));
    s.columns.forEach((c, i) => this.columns[i]!.mergeState(c, exactLimit));
    if (this.correlation !== null && s.correlation !== null) this.correlation.merge(CorrelationAccumulator.fromJSON(s.correlation));
    for (let i = 0; i < this.cooccurrence.length; i++) this.cooccurrence[i]! += s.cooccurrence[i]!;
    if (s.unclosedQuoteLine !== null && this.unclosedQuoteLine === null) this.unclosedQuoteLine = s.unclosedQuoteLine + lineOffset;
  }
}


export interface RangeResult {
  state: PassAccumulator;
  /** Offset where the first record was taken. */
  begin: number;
  /** Offset just past the last record taken: the next range must begin exactly here. */
  end: number;
}

/**
 * Start of the next record after buf[i], assuming buf[i] is inside a quoted field or not: quotes that open a
 * field (right after a delimiter) are followed, so a line break inside them does not count. -1 when the
 * window holds no record start.
 */
function nextRecordStart(buf: Uint8Array, i: number, n: number, delimiter: number, inQuotes: boolean): number {
  let quoted = inQuotes;
  for (; i < n; i++) {
    const b = buf[i];
    if (quoted) {
      if (b === QUOTE) {
        if (buf[i + 1] === QUOTE) i++;
        else quoted = false;
      }
      continue;
    }
    if (b === delimiter) {
      if (buf[i + 1] === QUOTE) {
        quoted = true;
        i++;
      }
      continue;
    }
    if (b === 10) return i + 1;
    if (b === 13) {
      if (i + 1 >= n) return -1;
      return buf[i + 1] === 10 ? i + 2 : i + 1;
    }
  }
  return -1;
}

/** Of the first records from `start`, how many more have the expected field count than not. */
function consistentRecords(buf: Uint8Array, start: number, n: number, delimiter: number, expected: number): number {
  const sc = new RecordScanner(delimiter);
  let score = 0;
  let pos = start;
  for (let r = 0; r < 32 && pos < n; r++) {
    const end = sc.scan(buf, pos, n, false);
    if (end < 0) break;
    score += sc.fieldCount === expected ? 1 : -1;
    pos = end;
  }
  return score;
}

const SPECULATION_WINDOW = 256 * 1024;

/**
 * Where the first record at or after `from` starts, when `from` is an arbitrary byte offset. Two guesses:
 * `from` is outside quotes (the record starts after the next line break) or inside a quoted field (it
 * starts after the line break that follows the closing quote). The guess whose next records have the
 * expected field count wins, outside on a tie. The main thread still checks the guess against where the
 * previous range really ended, and redoes the range when it was wrong.
 */
export function speculateRecordStart(fd: number, from: number, fileSize: number, delimiter: number, expectedFields: number): number {
  if (from <= 0) return 0;
  const at = from - 1;
  const buf = Buffer.allocUnsafe(Math.min(SPECULATION_WINDOW, Math.max(1, fileSize - at)));
  let n = 0;
  while (n < buf.length) {
    const r = readSync(fd, buf, n, buf.length - n, at + n);
    if (r === 0) break;
    n += r;
  }
  const eof = at + n >= fileSize;
  // buf[0] is the byte before `from`: a line break there means `from` starts a record (if outside quotes).
  const outside = nextRecordStart(buf, 0, n, delimiter, false);
  const inside = nextRecordStart(buf, 1, n, delimiter, true);
  if (outside < 0 && inside < 0) return eof ? fileSize : naiveRecordStart(fd, at + n, fileSize);
  if (outside < 0) return at + inside;
  if (inside < 0 || inside === outside) return at + outside;
  const a = consistentRecords(buf, outside, n, delimiter, expectedFields);
  const b = consistentRecords(buf, inside, n, delimiter, expectedFields);
  return at + (b > a ? inside : outside);
}

/** First record start after a line break at or after `from` (a record longer than the window). */
function naiveRecordStart(fd: number, from: number, fileSize: number): number {
  const buf = Buffer.allocUnsafe(64 * 1024);
  let at = from;
  while (at < fileSize) {
    const n = readSync(fd, buf, 0, buf.length, at);
    if (n === 0) break;
    for (let i = 0; i < n; i++) {
      const b = buf[i];
      if (b === 10) return at + i + 1;
      if (b === 13) {
        if (i + 1 < n) return buf[i + 1] === 10 ? at + i + 2 : at + i + 1;
        const next = Buffer.alloc(1);
        const m = readSync(fd, next, 0, 1, at + i + 1);
        return m === 1 && next[0] === 10 ? at + i + 2 : at + i + 1;
      }
    }
    at += n;
  }
  return fileSize;
}

/**
 * Profiles the records that start in [begin, stop): the record straddling `stop` is finished, the rest is
 * left to the next range. step() works until the next buffer read so a caller can report progress, yield
 * to its event loop or stop between buffers. `maxRows` cuts the pass short (preview).
 */
export class RangeProfiler {
  readonly acc: PassAccumulator;
  private readonly scanner: CellScanner;
  private readonly reader: RecordReader;
  private line = 1;
  private finished = false;

  constructor(
    fd: number,
    setup: PassSetup,
    readonly begin: number,
    private readonly stop: number,
    private readonly maxRows = Infinity,
  ) {
    this.acc = new PassAccumulator(setup);
    this.scanner = new CellScanner(setup.delimiter, this.acc.mixed, this.acc.missingFirst);
    this.reader = new RecordReader(fd, this.scanner, begin, setup.maxRecordBytes);
    // Queued number keys point into the reader's buffer (ColumnStats.queueKey).
    const columns = this.acc.columns;
    this.reader.beforeRefill = () => {
      for (const c of columns) c.flushKeys();
    };
  }

  get offset(): number {
    return this.reader.offset;
  }
  /** True when the range ended at the end of the file (not at `stop` or `maxRows`). */
  get atEof(): boolean {
    return this.reader.eof && this.reader.pos >= this.reader.len;
  }

  /** Returns false once the range is done. */
  step(): boolean {
    if (this.finished) return false;
    const reader = this.reader;
    const scanner = this.scanner;
    const acc = this.acc;
    const reads = reader.reads;
    while (reader.offset < this.stop && acc.rows < this.maxRows) {
      let more: boolean;
      try {
        more = reader.next();
      } catch (e) {
        if (e instanceof RecordTooLongError) e.line = this.line;
        throw e;
      }
      if (!more) break;
      if (scanner.unclosedQuote) {
        acc.unclosedQuoteLine = this.line + scanner.unclosedQuoteLine;
        break;
      }
      if (!scanner.isBlank()) acc.addRecord(reader.buf, scanner, this.line);
      this.line += scanner.lines;
      if (reader.reads !== reads) return true;
    }
    this.finished = true;
    acc.lines = this.line - 1;
    return false;
  }

  result(): RangeResult {
    while (this.step());
    for (const c of this.acc.columns) c.flush();
    this.acc.flushRowHashes();
    return { state: this.acc, begin: this.begin, end: this.reader.offset };
  }
}
