// Streaming apply: the source file through a Recipe into a new CSV, one row at a time. The output is
// written to a temporary file beside the destination and renamed over it only when every row is through,
// so a bad value under an 'error' policy, a full disk or a cancel leaves nothing half-written.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { cancelled, diskFullError, UserError } from '../errors.js';
import { columnNames, decodeField, FIELD_ESCAPED, RecordReader, RecordScanner, RecordTooLongError, SNIFF_BYTES, sniffLayout } from '../csv/index.js';
import type { Dialect } from '../../protocol/profile.js';
import type { ApplyReport, Recipe } from '../../protocol/recipe.js';
import { csvField, formatCell, trimCell } from './cells.js';
import { RowHashSet } from './rowHashes.js';
import { compileRecipe, readCells } from './steps.js';

export interface ApplyOptions {
  /** Replace an existing output file. */
  force?: boolean;
  /** Force the input delimiter instead of sniffing. */
  delimiter?: string;
  signal?: AbortSignal;
  onProgress?(rowsDone: number): void;
}

/** How often (rows) the loop lets the event loop run: cancel and progress. */
const YIELD_ROWS = 20_000;
const WRITE_CHUNK = 1 << 20;

export interface SourceLayout {
  dialect: Dialect;
  columns: string[];
  /** Rows the file probably holds (its size over the average record length of the first bytes). */
  estimatedRows: number;
}

/** Dialect and column names of a CSV, the way the profiler sees them. */
export function readLayout(path: string, delimiter?: string): SourceLayout {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UserError(code === 'ENOENT' ? 'NOT_FOUND' : 'UNREADABLE', code === 'ENOENT' ? `${path} does not exist.` : `Cannot open ${path}: ${(e as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) throw new UserError('EMPTY_FILE', `${basename(path)} is empty.`);
    const bytes = new Uint8Array(Math.min(size, SNIFF_BYTES));
    readSync(fd, bytes, 0, bytes.length, 0);
    const layout = sniffLayout(bytes, size <= SNIFF_BYTES, delimiter);
    const lineBreak = layout.dialect.lineEnding === 'cr' ? 13 : 10;
    let breaks = 0;
    for (let i = layout.dataStart; i < bytes.length; i++) if (bytes[i] === lineBreak) breaks++;
    const perRow = breaks > 0 ? (bytes.length - layout.dataStart) / breaks : bytes.length;
    return { dialect: layout.dialect, columns: columnNames(layout.headerFields, layout.fieldCount), estimatedRows: Math.ceil((size - layout.dataStart) / Math.max(1, perRow)) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Data records as strings, like readRecords in src/core/csv, but a field without escaped quotes is decoded
 * straight from the read buffer (Buffer#toString(enc, start, end)) instead of through a new Buffer view per
 * field: that allocation was a third of the apply's time in garbage collection.
 */
export function* dataRecords(path: string, dialect: Dialect): Generator<string[], void, void> {
  const fd = openSync(path, 'r');
  try {
    const scanner = new RecordScanner(dialect.delimiter.charCodeAt(0), dialect.quote.charCodeAt(0));
    const reader = new RecordReader(fd, scanner, dialect.bom ? 3 : 0);
    const encoding = dialect.encoding === 'utf-8' ? 'utf8' : 'latin1';
    const scratch = { bytes: new Uint8Array(1024) };
    let skipHeader = dialect.header;
    let line = 1;
    for (;;) {
      let more: boolean;
      try {
        more = reader.next();
      } catch (e) {
        if (e instanceof RecordTooLongError) throw new UserError('UNBALANCED_QUOTE', `The record starting on line ${line} runs on for megabytes: a quote in it is probably never closed.`);
        throw e;
      }
      if (!more) break;
      // Half a file in one field would be written as one garbage cell: stop instead.
      if (scanner.unclosedQuote) throw new UserError('UNBALANCED_QUOTE', `Unbalanced quote: the record starting on line ${line} never closes its quoted field.`);
      line += scanner.lines;
      if (scanner.isBlank()) continue;
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      const buf = reader.buf;
      const n = scanner.fieldCount;
      const row = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const s = scanner.starts[i]!;
        const e = scanner.ends[i]!;
        const flags = scanner.flags[i]!;
        if (flags & FIELD_ESCAPED) {
          if (scratch.bytes.length < e - s) scratch.bytes = new Uint8Array(e - s);
          row[i] = decodeField(buf, s, e, flags, dialect.encoding, scratch);
        } else row[i] = buf.toString(encoding, s, e);
      }
      yield row;
    }
  } finally {
    closeSync(fd);
  }
}

/** Fails early, before any reading: the output's folder must exist, the output must not (unless forced). */
export function checkOutput(outPath: string, sourcePath: string, force: boolean): void {
  const out = resolve(outPath);
  if (out === resolve(sourcePath)) throw new UserError('BAD_ARGUMENT', `The output ${outPath} is the input file; the source is never overwritten.`);
  const folder = dirname(out);
  const st = statSync(folder, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new UserError('BAD_ARGUMENT', `Cannot write ${outPath}: the folder ${folder} does not exist.`);
  const target = statSync(out, { throwIfNoEntry: false });
  if (target?.isDirectory()) throw new UserError('BAD_ARGUMENT', `Cannot write ${outPath}: it is a folder.`);
  if (target && !force) throw new UserError('OUTPUT_EXISTS', `${outPath} already exists (use --force to replace it).`);
}

export async function applyRecipeToFile(sourcePath: string, recipe: Recipe, outPath: string, options: ApplyOptions = {}): Promise<ApplyReport> {
  checkOutput(outPath, sourcePath, options.force ?? false);
  const layout = readLayout(sourcePath, options.delimiter);
  const compiled = compileRecipe(recipe.steps, layout.columns, () => new RowHashSet(layout.estimatedRows));
  const missing = new Set(['', ...recipe.missingTokens.map(trimCell)]);
  const out = resolve(outPath);
  const temp = `${out}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number;
  try {
    fd = openSync(temp, 'wx');
  } catch (e) {
    throw cannotWrite(outPath, e);
  }
  let done = false;
  try {
    // Lines are encoded straight into one reused buffer: appending them to a string and writing that made a
    // rope V8 had to flatten and encode again, a sixth of the apply's time.
    const buffer = Buffer.allocUnsafe(WRITE_CHUNK);
    let used = 0;
    const flush = (): void => {
      try {
        for (let at = 0; at < used; ) at += writeSync(fd, buffer, at, used - at);
      } catch (e) {
        throw cannotWrite(outPath, e);
      }
      used = 0;
    };
    const put = (line: string): void => {
      // At most 3 UTF-8 bytes per UTF-16 unit: flush first when the line might not fit.
      if (used + line.length * 3 > WRITE_CHUNK) {
        flush();
        if (line.length * 3 > WRITE_CHUNK) {
          const bytes = Buffer.from(line, 'utf8');
          try {
            for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
          } catch (e) {
            throw cannotWrite(outPath, e);
          }
          return;
        }
      }
      used += buffer.write(line, used, 'utf8');
    };
    put(compiled.columns.map(csvField).join(',') + '\n');
    let rowsIn = 0;
    let rowsOut = 0;
    let ragged = 0;
    const width = layout.columns.length;
    // Line numbers in messages count the header as line 1, like an editor showing the file.
    const firstLine = layout.dialect.header ? 2 : 1;
    for (const fields of dataRecords(sourcePath, layout.dialect)) {
      if (fields.length !== width) ragged++;
      const row = compiled.run(readCells(fields, width, missing), firstLine + rowsIn);
      rowsIn++;
      if (row) {
        let line = '';
        for (let i = 0; i < row.length; i++) {
          const c = row[i]!;
          // A number's text never needs quotes.
          line += (i ? ',' : '') + (typeof c === 'number' ? formatCell(c) : csvField(formatCell(c)));
        }
        // A lone empty field would be a blank line, which readers skip: quote it (as Python's csv does).
        line = (line === '' ? '""' : line) + '\n';
        for (let n = compiled.copies(); n > 0; n--) {
          put(line);
          rowsOut++;
        }
      }
      if (rowsIn % YIELD_ROWS === 0) {
        await new Promise<void>((r) => setImmediate(r));
        if (options.signal?.aborted) throw cancelled();
        options.onProgress?.(rowsIn);
      }
    }
    // SMOTE's synthetic rows come after the data.
    for (const row of compiled.finish()) {
      const line = row.map((c) => csvField(formatCell(c))).join(',');
      put((line === '' ? '""' : line) + '\n');
      rowsOut++;
    }
    flush();
    closeSync(fd);
    fd = -1;
    renameSync(temp, out);
    done = true;
    const fitted = recipe.source.columns.map((c) => c.name);
    // A Recipe written by hand may list no source columns: then there is nothing to compare.
    const columnChanges = fitted.length === 0 ? { added: [], missing: [] } : { added: layout.columns.filter((c) => !fitted.includes(c)), missing: fitted.filter((c) => !layout.columns.includes(c)) };
    return { ...compiled.report(rowsIn, rowsOut, ragged), columnChanges };
  } finally {
    if (fd >= 0) closeSync(fd);
    if (!done && existsSync(temp)) unlinkSync(temp);
  }
}

/** A full disk is DISK_FULL (the user frees space); any other refusal is about the output path. */
function cannotWrite(outPath: string, e: unknown): UserError {
  return diskFullError(e, outPath) ?? new UserError('BAD_ARGUMENT', `Cannot write ${outPath} (${(e as { code?: string }).code ?? (e as Error).message}).`);
}
