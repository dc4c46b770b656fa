// The CSV reader's public surface: sniffing, a streaming string-record iterator, and the byte-level
// scanner and reader the profiler builds on.
export { sniffDialect, sniffLayout, columnNames, detectEncoding, looksBinary, decodeField, SNIFF_BYTES, type SniffedLayout } from './dialect.js';
export { readRecords, type ReadOptions } from './readRecords.js';
export { RecordScanner, unescapeField, FIELD_ESCAPED, FIELD_QUOTED } from './scanner.js';
export { RecordReader, RecordTooLongError } from './recordReader.js';
