// Profile a CSV file in one pass: sniff the dialect, profile the first rows on this thread for a quick
// preview, then profile the whole file over byte ranges in worker threads (or here, for small files and
// threads = 1) and merge. Bad input ends in a UserError; nothing is half-written because nothing is written.
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { DatasetProfile, ProfileOptions, ProfileProgress } from '../../protocol/profile.js';
import { UserError, cancelled } from '../errors.js';
import { SNIFF_BYTES, columnNames, detectEncoding, sniffLayout, type SniffedLayout } from '../csv/dialect.js';
import { DEFAULT_MAX_RECORD_BYTES, RecordTooLongError } from '../csv/recordReader.js';
import { buildProfile, type ProfileContext } from './buildProfile.js';
import { PassAccumulator, RangeProfiler, type PassSetup } from './profilePass.js';
import type { ThreadInput, ThreadOutput } from './thread.js';
import { deriveWarnings } from './warnings.js';

export interface ProfileHooks {
  onPreview?(p: DatasetProfile): void;
  onProgress?(p: ProfileProgress): void;
  signal?: AbortSignal;
  /** Tests: the thread script to run instead of the bundled one (a .ts file runs through tsx). */
  threadScript?: string;
  /** Tests: forced byte offsets where the thread ranges start (the first must be the data start). */
  splitPoints?: number[];
}

const PREVIEW_ROWS = 5000;
/**
 * Rows read first when nobody shows a preview (the CLI): enough to choose the correlation columns and size
 * the duplicate table, and the first rows run cold, before V8 has optimized anything (5,000 cost ~70 ms).
 */
const PLANNING_ROWS = 1000;
const PREVIEW_BYTES = 2 << 20;
/** Below this many data bytes threads cost more than they save. */
const MIN_BYTES_PER_THREAD = 8 << 20;
const MAX_CORRELATION_COLUMNS = 64;
const FULL_COOCCURRENCE_COLUMNS = 128;
const PARTIAL_COOCCURRENCE_COLUMNS = 64;
/** Duplicate-row table: 4 bytes a slot, at most 2^24 slots (64 MiB), filled to 70% at most. */
const MAX_DUPLICATE_SLOTS = 1 << 24;
const DUPLICATE_LOAD = 0.7;
const PROGRESS_MS = 200;
/** Rough memory a thread needs per column (sketches, tables, its posted copy), and what threads may use. */
const BYTES_PER_COLUMN_STATE = 24 * 1024;
const THREAD_STATE_BUDGET = 96 << 20;

function statFile(p: string): { size: number; mtimeMs: number } {
  let st;
  try {
    st = statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError('NOT_FOUND', `File not found: ${p}`);
    if (code === 'EACCES' || code === 'EPERM') throw new UserError('UNREADABLE', `Permission denied: ${p}`);
    throw new UserError('UNREADABLE', `Cannot read ${p}: ${(e as Error).message}`);
  }
  if (!st.isFile()) throw new UserError('NOT_A_FILE', `Not a file: ${p}`);
  return { size: st.size, mtimeMs: st.mtimeMs };
}

function checkUnchanged(p: string, before: { size: number; mtimeMs: number }): void {
  let after;
  try {
    after = statSync(p);
  } catch {
    throw new UserError('FILE_CHANGED', `${path.basename(p)} was deleted while it was being profiled.`);
  }
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
    throw new UserError('FILE_CHANGED', `${path.basename(p)} changed while it was being profiled; profile it again.`);
  }
}

function readSample(fd: number, size: number, bytes: number): Buffer {
  const n = Math.min(size, bytes);
  const buf = Buffer.allocUnsafe(n);
  let got = 0;
  while (got < n) {
    const r = readSync(fd, buf, got, n - got, got);
    if (r === 0) break;
    got += r;
  }
  return buf.subarray(0, got);
}

/** Bytes checked for UTF-8 validity: latin-1 text often shows its first accented letter well past 64 KiB. */
const ENCODING_SAMPLE = 1 << 20;

/** Sniffs from the first 64 KiB, reading more when not even one record fits (very wide or long rows). */
function sniff(fd: number, size: number, forcedDelimiter: string | undefined): SniffedLayout {
  let bytes = SNIFF_BYTES;
  let layout: SniffedLayout;
  for (;;) {
    const sample = readSample(fd, size, bytes);
    const complete = sample.length >= size;
    layout = sniffLayout(sample, complete, forcedDelimiter);
    if (complete || layout.hasDataInSample || bytes >= 8 << 20) break;
    bytes *= 4;
  }
  if (layout.dialect.encoding === 'utf-8' && !layout.dialect.bom && size > bytes) {
    if (detectEncoding(readSample(fd, size, ENCODING_SAMPLE)) === 'latin1') layout.dialect.encoding = 'latin1';
  }
  return layout;
}

/** Writes one int32 in every 4 KiB page (a zero: the array is fresh, no thread has it yet). */
function prefault(table: Int32Array): void {
  for (let i = 0; i < table.length; i += 1024) table[i] = 0;
}

function nextPow2(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

function unbalanced(line: number): UserError {
  return new UserError('UNBALANCED_QUOTE', `Unbalanced quote: the quoted field opened on line ${line} is never closed.`);
}

function tooLong(line: number): UserError {
  return new UserError('UNBALANCED_QUOTE', `The record starting on line ${line} runs on for more than ${DEFAULT_MAX_RECORD_BYTES >> 20} MiB: a quote in it is probably never closed (or this is not a line-based CSV file).`);
}

/** The profiling thread's script: next to this bundle, or the TypeScript source under tsx; null if neither. */
function threadScript(override: string | undefined): string | null {
  if (override) return override;
  const bundled = path.join(__dirname, 'profileThread.js');
  if (existsSync(bundled)) return bundled;
  const source = path.join(__dirname, 'thread.ts');
  return existsSync(source) ? source : null;
}

/**
 * Profiling threads compile their optimized code synchronously, on their own thread. With V8's background
 * compiler, about one run in three left one of two threads ~20% slower over its whole range (more CPU, not
 * less of it: its hot loop got a worse optimized version), ~1.5 s on a 1 GB file (9 of 31 runs); with
 * synchronous compilation none of 35 runs was slow. V8 reads the flag when an isolate starts, and it is per
 * process, so it is set only until the threads are online (counted, for passes that overlap).
 */
let threadsStarting = 0;
function startingThreads(): () => void {
  if (threadsStarting++ === 0) setFlagsFromString('--no-concurrent-recompilation');
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--threadsStarting === 0) setFlagsFromString('--concurrent-recompilation');
  };
}

function threadWorker(input: ThreadInput, file: string): Worker {
  if (file.endsWith('.ts')) {
    // Unit tests run the sources through tsx; a thread needs its loader too.
    // A variable, so bundlers leave the dev-only loader alone.
    const loader = 'tsx/cjs';
    const code = `require(${JSON.stringify(require.resolve(loader))}); require(${JSON.stringify(file)});`;
    return new Worker(code, { eval: true, workerData: input });
  }
  return new Worker(file, { workerData: input });
}

export async function profileFile(filePath: string, options: ProfileOptions, hooks: ProfileHooks = {}): Promise<DatasetProfile> {
  const started = Date.now();
  const signal = hooks.signal;
  if (signal?.aborted) throw cancelled();
  const before = statFile(filePath);
  if (before.size === 0) throw new UserError('EMPTY_FILE', `${path.basename(filePath)} is empty.`);
  let fd: number;
  try {
    fd = openSync(filePath, 'r');
  } catch (e) {
    throw new UserError('UNREADABLE', `Cannot open ${filePath}: ${(e as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    const layout = sniff(fd, size, options.delimiter);
    const names = columnNames(layout.headerFields, layout.fieldCount);
    const n = names.length;
    const file = { path: filePath, size: before.size, mtimeMs: before.mtimeMs };
    const base: Omit<PassSetup, 'correlationColumns' | 'cooccurrenceColumns' | 'duplicateTable' | 'duplicateInsertLimit'> = {
      columnCount: n,
      delimiter: layout.dialect.delimiter.charCodeAt(0),
      latin1: layout.dialect.encoding === 'latin1',
      missingTokens: options.missingTokens,
      maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
    };
    const allCo = n <= FULL_COOCCURRENCE_COLUMNS ? names.map((_, i) => i) : names.slice(0, PARTIAL_COOCCURRENCE_COLUMNS).map((_, i) => i);
    const context = (acc: PassAccumulator, preview: boolean, threads: number, corr: number[], note: string | null, co: number[]): ProfileContext => ({
      file,
      dialect: layout.dialect,
      names,
      preview,
      elapsedMs: Date.now() - started,
      threads,
      correlationColumns: corr,
      correlationNote: note,
      cooccurrenceColumns: co,
      headerLines: layout.headerLines,
    });
    const finish = (acc: PassAccumulator, ctx: ProfileContext): DatasetProfile => {
      if (acc.unclosedQuoteLine !== null) throw unbalanced(acc.unclosedQuoteLine + layout.headerLines);
      if (acc.rows === 0) {
        if (layout.dialect.header) throw new UserError('NO_DATA_ROWS', `${path.basename(filePath)} has a header but no data rows.`);
        throw new UserError('EMPTY_FILE', `${path.basename(filePath)} has no rows.`);
      }
      const p = buildProfile(acc, ctx);
      return { ...p, warnings: deriveWarnings(p) };
    };

    // Preview: the first rows on this thread. For a small file it is the whole profile.
    const candidatesFromSample = names.map((_, i) => i).slice(0, MAX_CORRELATION_COLUMNS);
    const previewSetup: PassSetup = {
      ...base,
      correlationColumns: n <= MAX_CORRELATION_COLUMNS ? candidatesFromSample : [],
      cooccurrenceColumns: allCo,
      duplicateTable: new Int32Array(1 << 14),
      duplicateInsertLimit: Math.floor((1 << 14) * DUPLICATE_LOAD),
    };
    // In a function of its own so the preview's accumulators are garbage once its summary is taken.
    const summary = ((): { done: DatasetProfile } | { numericCols: number[]; missing: number[]; rows: number; end: number } => {
      const rows = hooks.onPreview ? PREVIEW_ROWS : PLANNING_ROWS;
      const preview = new RangeProfiler(fd, previewSetup, layout.dataStart, layout.dataStart + PREVIEW_BYTES, rows);
      let previewResult;
      try {
        previewResult = preview.result();
      } catch (e) {
        if (e instanceof RecordTooLongError) throw tooLong(e.line + layout.headerLines);
        throw e;
      }
      const previewAcc = previewResult.state;
      if (preview.atEof && hooks.splitPoints === undefined && n <= MAX_CORRELATION_COLUMNS) {
        checkUnchanged(filePath, before);
        return { done: finish(previewAcc, context(previewAcc, false, 1, previewSetup.correlationColumns, null, allCo)) };
      }
      if (signal?.aborted) throw cancelled();
      if (previewAcc.unclosedQuoteLine === null && previewAcc.rows > 0 && hooks.onPreview) {
        const p = buildProfile(previewAcc, context(previewAcc, true, 1, [], 'Correlations are computed in the full pass.', allCo));
        hooks.onPreview({ ...p, warnings: deriveWarnings(p) });
      }
      const numericCols: number[] = [];
      previewAcc.columns.forEach((c, i) => {
        if (c.count > 0 && c.numeric >= 0.98 * c.count) numericCols.push(i);
      });
      return { numericCols, missing: previewAcc.columns.map((c) => c.missing), rows: previewAcc.rows, end: previewResult.end };
    })();
    if ('done' in summary) return summary.done;
    if (signal?.aborted) throw cancelled();

    // Candidates for the full pass, chosen from the preview.
    const numericCols = summary.numericCols;
    const corr = numericCols.slice(0, MAX_CORRELATION_COLUMNS);
    const note = numericCols.length > MAX_CORRELATION_COLUMNS ? `Correlations cover the first ${MAX_CORRELATION_COLUMNS} of ${numericCols.length} numeric columns.` : null;
    let co = allCo;
    if (n > FULL_COOCCURRENCE_COLUMNS) {
      co = names
        .map((_, i) => i)
        .sort((a, b) => summary.missing[b]! - summary.missing[a]! || a - b)
        .slice(0, PARTIAL_COOCCURRENCE_COLUMNS)
        .sort((a, b) => a - b);
    }

    const dataBytes = size - layout.dataStart;
    const previewBytes = Math.max(1, summary.end - layout.dataStart);
    const estRows = summary.rows > 0 ? (dataBytes / previewBytes) * summary.rows : dataBytes / 16;
    const slots = Math.min(MAX_DUPLICATE_SLOTS, Math.max(1 << 12, nextPow2(estRows / 0.5)));
    const requested = options.threads > 0 ? options.threads : availableParallelism();
    // Each thread holds every column's state: very wide files get fewer threads to stay in the memory budget.
    const threadsForMemory = Math.floor(THREAD_STATE_BUDGET / (n * BYTES_PER_COLUMN_STATE));
    let threads = Math.max(1, Math.min(requested, Math.floor(dataBytes / MIN_BYTES_PER_THREAD), threadsForMemory));
    if (hooks.splitPoints) threads = hooks.splitPoints.length;
    const script = threadScript(hooks.threadScript);
    // A bundle shipped without its thread script still profiles, on one thread.
    if (script === null) threads = 1;
    const setup: PassSetup = {
      ...base,
      correlationColumns: corr,
      cooccurrenceColumns: co,
      duplicateTable: new Int32Array(threads > 1 ? new SharedArrayBuffer(slots * 4) : new ArrayBuffer(slots * 4)),
      duplicateInsertLimit: Math.floor((slots * DUPLICATE_LOAD) / threads),
    };
    // Every page of the shared table touched once, here: its first-touch page faults, taken by two threads
    // at once in their first second, cost ~140 ms of a 6.7 s pass on a 1 GB file; here ~20 ms (64 MiB).
    if (threads > 1) prefault(setup.duplicateTable);
    let merged: PassAccumulator;
    const progress = (bytesDone: number, rowsDone: number): void => {
      if (!hooks.onProgress) return;
      const elapsed = Date.now() - started;
      const etaMs = bytesDone > 0 && elapsed > 500 ? Math.round((elapsed / bytesDone) * (dataBytes - bytesDone)) : null;
      hooks.onProgress({ bytesDone: bytesDone + layout.dataStart, bytesTotal: size, rowsDone, etaMs });
    };

    if (threads === 1 || script === null) {
      const pass = new RangeProfiler(fd, setup, layout.dataStart, Infinity);
      let last = Date.now();
      try {
        while (pass.step()) {
          if (Date.now() - last >= PROGRESS_MS) {
            last = Date.now();
            progress(pass.offset - layout.dataStart, pass.acc.rows);
          }
          // Between buffers, let the event loop run so a cancel request can arrive.
          if (signal) {
            await new Promise<void>((r) => setImmediate(r));
            if (signal.aborted) throw cancelled();
          }
        }
      } catch (e) {
        if (e instanceof RecordTooLongError) throw tooLong(e.line + layout.headerLines);
        throw e;
      }
      merged = pass.result().state;
    } else {
      const starts = hooks.splitPoints ?? Array.from({ length: threads }, (_, j) => layout.dataStart + Math.floor((j * dataBytes) / threads));
      merged = new PassAccumulator(setup, threads);
      await runThreads(filePath, setup, starts, size, layout, merged, hooks, script, progress);
    }
    checkUnchanged(filePath, before);
    progress(dataBytes, merged.rows);
    return finish(merged, context(merged, false, threads, corr, note, co));
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs one thread per range and merges their states in file order. A thread other than the first guesses
 * where its first record starts; if the guess disagrees with where the previous thread really ended (a
 * quoted line break near the split), that range is run again from the true boundary (all of them, since the
 * shared duplicate table has seen the wrong rows).
 */
async function runThreads(
  filePath: string,
  setup: PassSetup,
  starts: number[],
  size: number,
  layout: SniffedLayout,
  merged: PassAccumulator,
  hooks: ProfileHooks,
  script: string,
  progress: (bytesDone: number, rowsDone: number) => void,
): Promise<void> {
  const t = starts.length;
  const known: (number | null)[] = starts.map((s, j) => (j === 0 ? layout.dataStart : null));
  for (;;) {
    const shared = new Float64Array(new SharedArrayBuffer(8 * 2 * t));
    const outputs = await runThreadsOnce(filePath, setup, starts, size, known, shared, hooks, script, progress);
    let rerun = false;
    let lines = layout.headerLines;
    for (let j = 0; j < t; j++) {
      const out = outputs[j]!;
      const prev = j > 0 ? outputs[j - 1]! : null;
      const verified = j === 0 || known[j] !== null || (prev !== null && prev.type === 'done' && prev.end === out.begin);
      if (!verified) {
        known[j] = (prev as { end: number }).end;
        rerun = true;
        break;
      }
      if (out.type === 'tooLong') throw tooLong(out.line + lines);
      if (out.type === 'error') throw new Error(`A profiling thread failed: ${out.message}`);
      lines += out.state.lines;
    }
    if (rerun) {
      setup.duplicateTable.fill(0);
      continue;
    }
    let lineOffset = 0;
    for (let j = 0; j < t; j++) {
      const out = outputs[j]!;
      if (out.type !== 'done') continue;
      merged.mergeState(out.state, lineOffset);
      lineOffset += out.state.lines;
      // Let each thread's state go as soon as it is merged (wide files hold a lot per column).
      outputs[j] = { type: 'error', begin: 0, message: 'merged' };
    }
    return;
  }
}

function runThreadsOnce(
  filePath: string,
  setup: PassSetup,
  starts: number[],
  size: number,
  known: (number | null)[],
  shared: Float64Array,
  hooks: ProfileHooks,
  script: string,
  progress: (bytesDone: number, rowsDone: number) => void,
): Promise<ThreadOutput[]> {
  const t = starts.length;
  return new Promise<ThreadOutput[]>((resolve, reject) => {
    const workers: Worker[] = [];
    const outputs: (ThreadOutput | undefined)[] = new Array<ThreadOutput | undefined>(t);
    let pending = t;
    let starting = t;
    const started = startingThreads();
    let settled = false;
    const timer = setInterval(() => {
      let bytes = 0;
      let rows = 0;
      for (let j = 0; j < t; j++) {
        bytes += shared[2 * j]!;
        rows += shared[2 * j + 1]!;
      }
      progress(bytes, rows);
    }, PROGRESS_MS);
    const stop = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      started();
      clearInterval(timer);
      hooks.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve(outputs as ThreadOutput[]);
    };
    const onAbort = (): void => stop(cancelled());
    hooks.signal?.addEventListener('abort', onAbort);
    for (let j = 0; j < t; j++) {
      const input: ThreadInput = { path: filePath, setup, from: starts[j]!, stop: j + 1 < t ? starts[j + 1]! : size, knownBegin: known[j] ?? null, index: j, progress: shared };
      const w = threadWorker(input, script);
      workers.push(w);
      w.once('online', () => {
        if (--starting === 0) started();
      });
      w.once('message', (m: ThreadOutput) => {
        outputs[j] = m;
        if (--pending === 0) stop(null);
      });
      w.once('error', (e) => stop(e));
      w.once('exit', (code) => {
        if (outputs[j] === undefined && !settled) stop(new Error(`A profiling thread exited with code ${code} before finishing.`));
      });
    }
  });
}
