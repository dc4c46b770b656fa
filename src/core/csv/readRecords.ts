// Streaming record iterator over a file for features that want strings (cleaning, previews): one string[]
// per data record, header skipped when the dialect has one, blank lines skipped. A quote left open at the
// end of the file is an error (UNBALANCED_QUOTE), never a silently swallowed tail.
import { closeSync, openSync } from 'node:fs';
import type { Dialect } from '../../protocol/profile.js';
import { decodeField } from './dialect.js';
import { UserError } from '../errors.js';
import { DEFAULT_MAX_RECORD_BYTES, RecordReader, RecordTooLongError } from './recordReader.js';
import { RecordScanner } from './scanner.js';

export interface ReadOptions {
  /** Yield the header record too (default false). */
  includeHeader?: boolean;
}

export function* readRecords(filePath: string, dialect: Dialect, options: ReadOptions = {}): Generator<string[], void, void> {
  const fd = openSync(filePath, 'r');
  try {
    const scanner = new RecordScanner(dialect.delimiter.charCodeAt(0), dialect.quote.charCodeAt(0));
    const reader = new RecordReader(fd, scanner, dialect.bom ? 3 : 0);
    const scratch = { bytes: new Uint8Array(1024) };
    let skipHeader = dialect.header && !options.includeHeader;
    let line = 1;
    for (;;) {
      let more: boolean;
      try {
        more = reader.next();
      } catch (e) {
        if (e instanceof RecordTooLongError) {
          throw new UserError('UNBALANCED_QUOTE', `The record starting on line ${line} runs on for more than ${DEFAULT_MAX_RECORD_BYTES >> 20} MiB: a quote in it is probably never closed.`);
        }
        throw e;
      }
      if (!more) break;
      if (scanner.unclosedQuote) throw new UserError('UNBALANCED_QUOTE', `Unbalanced quote: the quoted field opened on line ${line + scanner.unclosedQuoteLine} is never closed.`);
      line += scanner.lines;
      if (scanner.isBlank()) continue;
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      const row: string[] = [];
      for (let i = 0; i < scanner.fieldCount; i++) {
        const s = scanner.starts[i]!;
        const e = scanner.ends[i]!;
        if (scratch.bytes.length < e - s) scratch.bytes = new Uint8Array(e - s);
        row.push(decodeField(reader.buf, s, e, scanner.flags[i]!, dialect.encoding, scratch));
      }
      yield row;
    }
  } finally {
    closeSync(fd);
  }
}
