// Byte-level RFC 4180 tokenizer. It never builds a string: a scanned record is a list of field offsets into
// the caller's buffer, so the profiler can hash and parse cells straight from bytes. Quoted fields that
// contain doubled quotes are flagged; the caller unescapes only those (`unescapeField`).

export const LF = 10;
export const CR = 13;
export const QUOTE = 34;

/** Field flag: quoted and containing doubled quotes, so the bytes need unescaping. */
export const FIELD_ESCAPED = 1;
/** Field flag: the field was quoted (an empty quoted field is a value, not a blank line). */
export const FIELD_QUOTED = 2;

export class RecordScanner {
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  flags = new Uint8Array(64);
  /** Fields in the last scanned record. */
  fieldCount = 0;
  /** Physical line breaks consumed by the last scanned record, its terminator included. */
  lines = 0;
  /** Set when the input ended inside a quoted field; `unclosedQuoteLine` counts lines before the quote opened. */
  unclosedQuote = false;
  unclosedQuoteLine = 0;

  /** stop[b] = 1 for the bytes that end an unquoted field: the delimiter and line breaks. */
  private readonly stop = new Uint8Array(256);

  constructor(
    readonly delimiter: number,
    readonly quote: number = QUOTE,
  ) {
    this.stop[delimiter] = 1;
    this.stop[LF] = 1;
    this.stop[CR] = 1;
  }

  /**
   * Scans one record starting at `pos`. Returns the offset just past its terminator, or -1 when the bytes
   * up to `len` hold no complete record and more input may follow (`eof` false). Line endings: LF, CRLF
   * and lone CR all end a record.
   */
  scan(buf: Uint8Array, pos: number, len: number, eof: boolean): number {
    const d = this.delimiter;
    const q = this.quote;
    let p = pos;
    let nf = 0;
    let lines = 0;
    for (;;) {
      if (nf === this.starts.length) this.grow();
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
        const stop = this.stop;
        while (p < len && stop[buf[p]!] === 0) p++;
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

  /** A record made of one empty unquoted field: a blank line, skipped like pandas does. */
  isBlank(): boolean {
    return this.fieldCount === 1 && this.starts[0] === this.ends[0] && this.flags[0] === 0;
  }

  private grow(): void {
    const n = this.starts.length * 2;
    const s = new Int32Array(n);
    s.set(this.starts);
    this.starts = s;
    const e = new Int32Array(n);
    e.set(this.ends);
    this.ends = e;
    const f = new Uint8Array(n);
    f.set(this.flags);
    this.flags = f;
  }
}

/** Copies buf[s..e) into `out` with doubled quotes collapsed; returns the unescaped length. */
export function unescapeField(buf: Uint8Array, s: number, e: number, quote: number, out: Uint8Array): number {
  let n = 0;
  for (let p = s; p < e; p++) {
    const b = buf[p]!;
    out[n++] = b;
    if (b === quote && buf[p + 1] === quote) p++;
  }
  return n;
}
