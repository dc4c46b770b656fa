// Streaming record iterator over a file for features that want strings (cleaning, previews): one string[]
// per data record, header skipped when the dialect has one, blank lines skipped.
import { closeSync, openSync } from 'node:fs';
import type { Dialect } from '../../protocol/profile.js';
import { decodeField } from './dialect.js';
import { RecordReader } from './recordReader.js';
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
    while (reader.next()) {
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
