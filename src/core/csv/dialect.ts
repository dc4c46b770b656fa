// Dialect sniffing from the first bytes of a file: encoding, binary check, delimiter (the candidate whose
// field counts agree best over the first records, quotes respected), line ending and header detection.
import type { Dialect } from '../../protocol/profile.js';
import { UserError } from '../errors.js';
import { CR, FIELD_ESCAPED, LF, QUOTE, RecordScanner, unescapeField } from './scanner.js';

export const SNIFF_BYTES = 64 * 1024;
const CANDIDATES = [',', ';', '\t', '|'];
const SNIFF_RECORDS = 50;

/** NUL bytes, or mostly control bytes, in the sample: not a text file. */
export function looksBinary(bytes: Uint8Array): boolean {
  let control = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) control++;
  }
  return bytes.length > 0 && control / bytes.length > 0.1;
}

/** Valid UTF-8 (a sequence cut off by the end of the sample is fine) is utf-8; anything else latin1. */
export function detectEncoding(bytes: Uint8Array): 'utf-8' | 'latin1' {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return 'latin1';
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return 'utf-8';
      if ((bytes[i + k]! & 0xc0) !== 0x80) return 'latin1';
    }
    i += need + 1;
  }
  return 'utf-8';
}

export function hasBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Decodes one scanned field to a string. */
export function decodeField(buf: Uint8Array, s: number, e: number, flags: number, encoding: 'utf-8' | 'latin1', scratch?: { bytes: Uint8Array }): string {
  let src = buf;
  let a = s;
  let z = e;
  if (flags & FIELD_ESCAPED) {
    const out = scratch && scratch.bytes.length >= e - s ? scratch.bytes : new Uint8Array(e - s);
    z = unescapeField(buf, s, e, QUOTE, out);
    a = 0;
    src = out;
  }
  return Buffer.from(src.buffer, src.byteOffset + a, z - a).toString(encoding === 'utf-8' ? 'utf8' : 'latin1');
}

export interface SniffedLayout {
  dialect: Dialect;
  /** Header names as written (before making them unique), or null without a header. */
  headerFields: string[] | null;
  /** Field count of the header, or the most common field count without one. */
  fieldCount: number;
  /** Byte offset (BOM included) where the first data record starts. */
  dataStart: number;
  /** Physical lines before dataStart. */
  headerLines: number;
  /** True when the sample held at least one data record. */
  hasDataInSample: boolean;
}

interface ParsedSample {
  rows: string[][];
  /** Byte offset where each row starts, and its 1-based physical line. */
  starts: number[];
  startLines: number[];
}

function parseSample(bytes: Uint8Array, start: number, delimiter: string, complete: boolean, encoding: 'utf-8' | 'latin1', maxRecords: number): ParsedSample {
  const scanner = new RecordScanner(delimiter.charCodeAt(0));
  const out: ParsedSample = { rows: [], starts: [], startLines: [] };
  let pos = start;
  let line = 1;
  while (pos < bytes.length && out.rows.length < maxRecords) {
    const end = scanner.scan(bytes, pos, bytes.length, complete);
    if (end < 0) break;
    if (!scanner.isBlank()) {
      const fields: string[] = [];
      for (let i = 0; i < scanner.fieldCount; i++) fields.push(decodeField(bytes, scanner.starts[i]!, scanner.ends[i]!, scanner.flags[i]!, encoding));
      out.rows.push(fields);
      out.starts.push(pos);
      out.startLines.push(line);
    }
    line += scanner.lines;
    pos = end;
  }
  // Where the record after the last parsed one would start (the data start of a header-only sample).
  out.starts.push(pos);
  out.startLines.push(line);
  return out;
}

function delimiterScore(sample: ParsedSample): { score: number; mode: number } {
  const counts = new Map<number, number>();
  for (const r of sample.rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let mode = 0;
  let best = 0;
  for (const [n, c] of counts) {
    if (c > best || (c === best && n > mode)) {
      mode = n;
      best = c;
    }
  }
  if (mode < 2 || sample.rows.length === 0) return { score: 0, mode };
  return { score: best / sample.rows.length, mode };
}

const NUMBER_RE = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
const ISO_DATE_RE = /^\s*\d{4}[-/]\d{1,2}[-/]\d{1,2}/;

function looksLikeValue(s: string): boolean {
  return NUMBER_RE.test(s) || ISO_DATE_RE.test(s);
}

/**
 * The first row is a header when some column holds numbers (or dates) below a text first value, or else
 * when none of its fields is a number or a date (pandas' default of header=0 covers the all-text case).
 */
function detectHeader(rows: string[][]): boolean {
  const first = rows[0];
  if (!first) return false;
  const rest = rows.slice(1);
  for (let c = 0; c < first.length; c++) {
    if (looksLikeValue(first[c]!) || first[c]!.trim() === '') continue;
    let values = 0;
    let numbers = 0;
    for (const r of rest) {
      const v = r[c];
      if (v === undefined || v.trim() === '') continue;
      values++;
      if (looksLikeValue(v)) numbers++;
    }
    if (values > 0 && numbers >= 0.8 * values) return true;
  }
  return !first.some((f) => looksLikeValue(f));
}

function detectLineEnding(bytes: Uint8Array, start: number): 'lf' | 'crlf' | 'cr' {
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === LF) return 'lf';
    if (b === CR) return bytes[i + 1] === LF ? 'crlf' : i + 1 < bytes.length ? 'cr' : 'lf';
  }
  return 'lf';
}

/**
 * Sniffs the layout from the first bytes of a file. `complete` says the sample is the whole file (so a last
 * record without a line break counts). Throws BINARY_FILE for binary input.
 */
export function sniffLayout(bytes: Uint8Array, complete: boolean, forcedDelimiter?: string): SniffedLayout {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new UserError('BINARY_FILE', 'This file is UTF-16 text; save it as UTF-8 (or latin-1) CSV to profile it.');
  }
  if (looksBinary(bytes.subarray(0, SNIFF_BYTES))) throw new UserError('BINARY_FILE', 'This is a binary file, not a CSV text file.');
  const bom = hasBom(bytes);
  const start = bom ? 3 : 0;
  const encoding = bom ? 'utf-8' : detectEncoding(bytes);
  let delimiter = forcedDelimiter ?? ',';
  let sample: ParsedSample | null = null;
  if (forcedDelimiter === undefined) {
    let bestScore = -1;
    let bestMode = 0;
    for (const c of CANDIDATES) {
      const s = parseSample(bytes, start, c, complete, encoding, SNIFF_RECORDS);
      const { score, mode } = delimiterScore(s);
      if (score > bestScore || (score === bestScore && score > 0 && mode > bestMode)) {
        bestScore = score;
        bestMode = mode;
        delimiter = c;
        sample = s;
      }
    }
    if (bestScore <= 0) {
      delimiter = ',';
      sample = null;
    }
  }
  sample ??= parseSample(bytes, start, delimiter, complete, encoding, SNIFF_RECORDS);
  const header = detectHeader(sample.rows);
  const first = sample.rows[0];
  let fieldCount: number;
  if (header && first) fieldCount = first.length;
  else {
    const counts = new Map<number, number>();
    for (const r of sample.rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    fieldCount = 0;
    let best = 0;
    for (const [n, c] of counts) if (c > best || (c === best && n > fieldCount)) [fieldCount, best] = [n, c];
  }
  const dataIndex = header ? 1 : 0;
  return {
    dialect: { delimiter, quote: '"', header, encoding, bom, lineEnding: detectLineEnding(bytes, start) },
    headerFields: header && first ? first : null,
    fieldCount: Math.max(1, fieldCount),
    dataStart: sample.starts[dataIndex] ?? bytes.length,
    headerLines: (sample.startLines[dataIndex] ?? 1) - 1,
    hasDataInSample: sample.rows.length > dataIndex,
  };
}

/** The dialect of a file from its first bytes (see sniffLayout). */
export function sniffDialect(bytes: Uint8Array, forcedDelimiter?: string): Dialect {
  return sniffLayout(bytes, bytes.length < SNIFF_BYTES, forcedDelimiter).dialect;
}

/** Unique column names: empty ones become column_<n>, repeats get .1, .2 like pandas. */
export function columnNames(headerFields: string[] | null, count: number): string[] {
  const raw: string[] = [];
  for (let i = 0; i < count; i++) {
    const h = headerFields?.[i];
    raw.push(h === undefined || h.trim() === '' ? `column_${i + 1}` : h);
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of raw) {
    let n = name;
    for (let k = 1; seen.has(n); k++) n = `${name}.${k}`;
    seen.add(n);
    out.push(n);
  }
  return out;
}
