// Reads records from a file descriptor through one reused buffer. A record never straddles the buffer: when
// the bytes run out mid-record the tail moves to the front and more is read; a record longer than the
// buffer doubles it, up to `maxRecordBytes` (a 10 MB field works, an unclosed quote cannot eat the heap).
import { readSync } from 'node:fs';
import type { RecordScanner } from './scanner.js';

export const DEFAULT_BUFFER_BYTES = 1 << 20;
/** Longest record kept in memory: far above any real field, low enough to stay inside the memory budget. */
export const DEFAULT_MAX_RECORD_BYTES = 32 << 20;

export class RecordTooLongError extends Error {
  /** 1-based physical line of the record within the range read, when the caller knows it. */
  line = 0;
  constructor(readonly recordStart: number) {
    super(`A record starting at byte ${recordStart} is longer than the limit.`);
  }
}

export class RecordReader {
  buf: Buffer;
  /** File offset of buf[0]. */
  base: number;
  pos = 0;
  len = 0;
  eof = false;
  /** File offset of the last record returned by next(). */
  recordStart = 0;
  /** Bytes read from the file so far, and how many reads (a caller yields between reads). */
  bytesRead = 0;
  reads = 0;
  /** Called before the buffer's bytes move or the buffer is replaced: a caller holding offsets into it lets go. */
  beforeRefill: (() => void) | null = null;

  constructor(
    private readonly fd: number,
    readonly scanner: RecordScanner,
    start: number,
    private readonly maxRecordBytes = DEFAULT_MAX_RECORD_BYTES,
    bufferBytes = DEFAULT_BUFFER_BYTES,
  ) {
    this.buf = Buffer.allocUnsafe(bufferBytes);
    this.base = start;
  }

  /** File offset where the next record starts. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Scans the next record into `scanner`; false at the end of the input. */
  next(): boolean {
    for (;;) {
      if (this.pos < this.len) {
        const end = this.scanner.scan(this.buf, this.pos, this.len, this.eof);
        if (end >= 0) {
          this.recordStart = this.base + this.pos;
          this.pos = end;
          return true;
        }
      }
      if (this.eof) return false;
      this.refill();
    }
  }


  private refill(): void {
    if (this.beforeRefill !== null) this.beforeRefill();
    if (this.pos > 0) {
      this.buf.copyWithin(0, this.pos, this.len);
      this.base += this.pos;
      this.len -= this.pos;
      this.pos = 0;
    }
    if (this.len === this.buf.length) {
      if (this.buf.length >= this.maxRecordBytes) throw new RecordTooLongError(this.base);
      const bigger = Buffer.allocUnsafe(Math.min(this.buf.length * 2, this.maxRecordBytes));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    const n = readSync(this.fd, this.buf, this.len, this.buf.length - this.len, this.base + this.len);
    if (n === 0) this.eof = true;
    this.len += n;
    this.bytesRead += n;
    this.reads++;
  }
}
