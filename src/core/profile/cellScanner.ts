// The profiler's record scanner: while it finds a field's end it also reads the cell, so each byte of the
// common cells is touched once. A column still holding only numbers parses its cell as a number on the
// way; a column that has seen text hashes its cell (the value-table key). Nothing is counted here: the
// scan of a record cut by the end of the buffer is simply redone after the refill, and the accumulator
// commits a record only once the whole of it has been scanned. Cells the fast paths cannot take are marked
// for the byte-level path (ColumnStats.addCell): quoted cells, and in a number column anything but a clean
// number (padding, a missing token's first byte, text, a number that needs the slow parse).
import { CR, FIELD_ESCAPED, FIELD_QUOTED, LF, QUOTE, RecordScanner } from '../csv/scanner.js';
import { mix32 } from './cellValues.js';

/** Cell kinds left by scan(): read from the bytes, a clean number, a hashed unquoted text. */
export const CELL_BYTES = 0;
export const CELL_NUMBER = 1;
export const CELL_TEXT = 2;

const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < 23; i++, p *= 10) POW10[i] = p;
const TWO_53 = 9007199254740992;

export class CellScanner extends RecordScanner {
  kind = new Uint8Array(64);
  /** CELL_NUMBER: the value and whether it was written as an integer. */
  num = new Float64Array(64);
  integer = new Uint8Array(64);
  /** CELL_TEXT: the key textKey would give (as int32, the same bits) and the UTF-8 character count. */
  keyLo = new Int32Array(64);
  keyHi = new Int32Array(64);
  chars = new Int32Array(64);
  private readonly fieldStop = new Uint8Array(256);

  constructor(
    delimiter: number,
    /** mixed[i] = 1 once column i has seen text (then its cells are hashed), owned by the accumulator. */
    private readonly mixed: Uint8Array,
    /** missingFirst[b] = 1 when a missing token starts with byte b: such cells take the byte-level path. */
    private readonly missingFirst: Uint8Array,
  ) {
    super(delimiter, QUOTE);
    this.fieldStop[delimiter] = 1;
    this.fieldStop[LF] = 1;
    this.fieldStop[CR] = 1;
  }

  override scan(buf: Uint8Array, pos: number, len: number, eof: boolean): number {
    const d = this.delimiter;
    const q = this.quote;
    const stop = this.fieldStop;
    const mixed = this.mixed;
    const columns = mixed.length;
    const missingFirst = this.missingFirst;
    let p = pos;
    let nf = 0;
    let lines = 0;
    for (;;) {
      if (nf === this.starts.length) this.growCells();
      if (p < len && buf[p] === q) {
        const openLines = lines;
        const s = p + 1;
        p = s;
        let flag = FIELD_QUOTED;
        let closed = false;
        while (p < len) {
          const b = buf[p]!;
          if (b === q) {
            if (p + 1 >= len) {
              if (!eof) return -1;
              closed = true;
              break;
            }
            if (buf[p + 1] === q) {
              flag = FIELD_QUOTED | FIELD_ESCAPED;
              p += 2;
              continue;
            }
            closed = true;
            break;
          }
          if (b === LF) lines++;
          else if (b === CR) {
            if (p + 1 >= len && !eof) return -1;
            if (buf[p + 1] !== LF) lines++;
          }
          p++;
        }
        this.kind[nf] = CELL_BYTES;
        if (!closed) {
          if (!eof) return -1;
          this.unclosedQuote = true;
          this.unclosedQuoteLine = openLines;
          this.starts[nf] = s;
          this.ends[nf] = len;
          this.flags[nf] = flag;
          this.fieldCount = nf + 1;
          this.lines = lines;
          return len;
        }
        this.starts[nf] = s;
        this.ends[nf] = p;
        this.flags[nf] = flag;
        p++;
        // Real-life files have text after a closing quote ("a"b); it is dropped up to the next delimiter.
        while (p < len) {
          const b = buf[p];
          if (b === d || b === LF || b === CR) break;
          p++;
        }
      } else {
        const s = p;
        let kind = CELL_BYTES;
        if (nf < columns && p < len) {
          const b0 = buf[p]!;
          if (mixed[nf] === 0) {
            // A number column: [+-]digits[.digits][e[+-]digits] up to the field's end, as parseNumber reads it.
            if (((b0 >= 48 && b0 <= 57) || b0 === 45 || b0 === 43 || b0 === 46) && missingFirst[b0] === 0) {
              let neg = false;
              if (b0 === 45) {
                neg = true;
                p++;
              } else if (b0 === 43) p++;
              let mant = 0;
              let sawDigit = false;
              let exp10 = 0;
              let integer = 1;
              let dg = 0;
              while (p < len) {
                dg = buf[p]! - 48;
                if (dg < 0 || dg > 9) break;
                mant = mant * 10 + dg;
                sawDigit = true;
                p++;
              }
              if (p < len && dg === -2) {
                integer = 0;
                p++;
                while (p < len) {
                  dg = buf[p]! - 48;
                  if (dg < 0 || dg > 9) break;
                  mant = mant * 10 + dg;
                  exp10--;
                  sawDigit = true;
                  p++;
                }
              }
              let ok = sawDigit;
              if (ok && p < len && stop[buf[p]!] === 0) {
                const b = buf[p]!;
                if (b === 101 || b === 69) {
                  integer = 0;
                  p++;
                  let eneg = false;
                  if (p < len && (buf[p] === 45 || buf[p] === 43)) {
                    eneg = buf[p] === 45;
                    p++;
                  }
                  let ev = 0;
                  let expDigits = false;
                  while (p < len) {
                    const e = buf[p]! - 48;
                    if (e < 0 || e > 9) break;
                    if (ev < 100000) ev = ev * 10 + e;
                    expDigits = true;
                    p++;
                  }
                  exp10 += eneg ? -ev : ev;
                  ok = expDigits && (p >= len || stop[buf[p]!] === 1);
                } else ok = false;
              }
              if (ok && mant < TWO_53 && exp10 >= -22 && exp10 <= 22) {
                let v: number;
                if (exp10 === 0) v = neg ? -mant : mant;
                else if (exp10 < 0) v = (neg ? -mant : mant) / POW10[-exp10]!;
                else v = (neg ? -mant : mant) * POW10[exp10]!;
                this.num[nf] = v;
                this.integer[nf] = integer;
                kind = CELL_NUMBER;
              }
            }
          } else {
            // A column with text: hash the cell as textKey does while finding its end (trimming and
            // missing tokens are the accumulator's business; it has the bytes).
            let h1 = 0x811c9dc5;
            let h2 = 0x27d4eb2f;
            let chars = 0;
            while (p < len) {
              const b = buf[p]!;
              if (stop[b] === 1) break;
              h1 = Math.imul(h1 ^ b, 0x01000193);
              h2 = Math.imul(h2 + b, 0x5bd1e995) ^ (h2 >>> 15);
              if ((b & 0xc0) !== 0x80) chars++;
              p++;
            }
            const lo = mix32(h1 ^ (p - s));
            this.keyLo[nf] = lo;
            this.keyHi[nf] = 0x7ff80000 | (mix32(h2 ^ lo) & 0x7ffff);
            this.chars[nf] = chars;
            kind = CELL_TEXT;
          }
        }
        while (p < len && stop[buf[p]!] === 0) p++;
        this.kind[nf] = kind;
        this.starts[nf] = s;
        this.ends[nf] = p;
        this.flags[nf] = 0;
      }
      nf++;
      if (p >= len) {
        if (!eof) return -1;
        this.fieldCount = nf;
        this.lines = lines;
        return len;
      }
      const b = buf[p];
      if (b === d) {
        p++;
        continue;
      }
      if (b === CR) {
        if (p + 1 >= len && !eof) return -1;
        p++;
        if (p < len && buf[p] === LF) p++;
      } else p++;
      this.fieldCount = nf;
      this.lines = lines + 1;
      return p;
    }
  }

  private growCells(): void {
    const n = this.starts.length * 2;
    this.starts = grown(this.starts, new Int32Array(n));
    this.ends = grown(this.ends, new Int32Array(n));
    this.flags = grown(this.flags, new Uint8Array(n));
    this.kind = grown(this.kind, new Uint8Array(n));
    this.num = grown(this.num, new Float64Array(n));
    this.integer = grown(this.integer, new Uint8Array(n));
    this.keyLo = grown(this.keyLo, new Int32Array(n));
    this.keyHi = grown(this.keyHi, new Int32Array(n));
    this.chars = grown(this.chars, new Int32Array(n));
  }
}

function grown<T extends Uint8Array | Int32Array | Float64Array>(old: T, next: T): T {
  next.set(old);
  return next;
}
