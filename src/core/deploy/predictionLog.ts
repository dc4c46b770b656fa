// A deployment's prediction log: one JSON line per answered request (PredictionLogLine) in
// <dir>/predictions.jsonl, rotated by size to predictions.1.jsonl (newest) ... predictions.<keep>.jsonl.
//
// The response never waits for the disk: append() queues the request's data (not even its JSON: that is
// made at flush time) and a timer writes the queue as one append, so a burst of requests costs one write.
// Every write is whole lines, and close() waits for the write in flight and flushes the rest, so a graceful
// shutdown never leaves a torn line. (A kill -9 mid-write can: readers skip an unparsable last line.)
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import type { PredictionLogLine } from '../../protocol/deploy.js';

export const PREDICTION_LOG_FILE = 'predictions.jsonl';
export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_KEEP = 5;
const DEFAULT_FLUSH_MS = 100;
/** Queued bytes (roughly) that trigger a flush before the timer. */
const FLUSH_AT_BYTES = 1 << 20;

export interface PredictionLogOptions {
  dir: string;
  /** Rotate before a write would take the current file past this size. */
  maxBytes?: number;
  /** Rotated files kept (predictions.1.jsonl ... predictions.<keep>.jsonl); older ones are deleted. */
  keep?: number;
  /** Longest a line waits in memory. */
  flushMs?: number;
  /** A failed write (full disk, folder removed): the lines are dropped, serving goes on. */
  onError?(error: unknown): void;
}

/** A request as queued: the time as a number; the ISO text and the JSON are made at flush time. */
export interface QueuedLine {
  time: number;
  status: number;
  ms: number;
  rows?: readonly unknown[];
  predictions?: readonly (string | number)[];
  error?: string;
}

/** The log's files, oldest first (predictions.<keep>.jsonl ... predictions.1.jsonl, predictions.jsonl), those that exist. */
export async function predictionLogFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const rotated = names
    .map((n) => /^predictions\.(\d+)\.jsonl$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], n: Number(m[1]) }))
    .sort((a, b) => b.n - a.n)
    .map((f) => join(dir, f.name));
  return names.includes(PREDICTION_LOG_FILE) ? [...rotated, join(dir, PREDICTION_LOG_FILE)] : rotated;
}

/** Lines of one log file that parse (a torn last line is skipped). */
export function parseLogLines(text: string): PredictionLogLine[] {
  const out: PredictionLogLine[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const parsed = JSON.parse(line) as unknown;
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as PredictionLogLine).t === 'string') out.push(parsed as PredictionLogLine);
    } catch {
      // torn or foreign line
    }
  }
  return out;
}

/** The last `bytes` of a file as text, from its first whole line. */
export function readTail(path: string, bytes: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    let at = 0;
    while (at < buf.length) {
      const n = readSync(fd, buf, at, buf.length - at, start + at);
      if (n === 0) break;
      at += n;
    }
    const text = buf.toString('utf8', 0, at);
    if (start === 0) return text;
    const nl = text.indexOf('\n');
    return nl < 0 ? '' : text.slice(nl + 1);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file's lines from the last to the first, read backwards in 1 MiB chunks, at most `maxBytes` of it (the
 * first line of a cut-off read is dropped: it may be partial). Lets a reader stop at the first line older
 * than it needs instead of reading and parsing the whole log.
 */
export function* linesBackward(path: string, maxBytes: number): Generator<string, void, void> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  try {
    const size = fstatSync(fd).size;
    const floor = Math.max(0, size - maxBytes);
    const chunk = Buffer.alloc(Math.min(1 << 20, Math.max(1, size)));
    let end = size;
    // Bytes of an unfinished line (its start is in an earlier chunk), in file order.
    let carry: Buffer = Buffer.alloc(0);
    while (end > floor) {
      const start = Math.max(floor, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const block = carry.length > 0 ? Buffer.concat([chunk.subarray(0, n), carry]) : Buffer.from(chunk.subarray(0, n));
      let lineEnd = block.length;
      for (let i = block.length - 1; i >= 0; i--) {
        if (block[i] !== 10) continue;
        if (i + 1 < lineEnd) yield block.toString('utf8', i + 1, lineEnd);
        lineEnd = i;
      }
      carry = block.subarray(0, lineEnd);
      end = start;
    }
    // The file's first line is whole; a line cut by maxBytes is not.
    if (floor === 0 && carry.length > 0) yield carry.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

const LINE_HEAD = /^\{"t":"([^"]+)","status":(\d+),"ms":(-?[\d.]+(?:e[-+]?\d+)?)[,}]/;

/** `t`, `status` and `ms` of a log line: read from its head (as this log writes it) or by parsing; null if unreadable. */
export function lineHead(line: string): { t: string; status: number; ms: number } | null {
  const m = LINE_HEAD.exec(line);
  if (m) return { t: m[1]!, status: Number(m[2]), ms: Number(m[3]) };
  try {
    const parsed = JSON.parse(line) as Partial<PredictionLogLine>;
    return typeof parsed.t === 'string' && typeof parsed.status === 'number' ? { t: parsed.t, status: parsed.status, ms: typeof parsed.ms === 'number' ? parsed.ms : NaN } : null;
  } catch {
    return null;
  }
}

function lineOf(q: QueuedLine): string {
  const line: PredictionLogLine = { t: new Date(q.time).toISOString(), status: q.status, ms: q.ms };
  if (q.rows !== undefined) line.rows = q.rows as Record<string, unknown>[];
  if (q.predictions !== undefined) line.predictions = q.predictions as (string | number)[];
  if (q.error !== undefined) line.error = q.error;
  return JSON.stringify(line) + '\n';
}

export class PredictionLog {
  private queue: QueuedLine[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The write in flight (one at a time, so lines keep their order and rotation sees a quiet file). */
  private writing: Promise<void> = Promise.resolve();
  private handle: fsp.FileHandle | null = null;
  private size = 0;
  private closed = false;
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly flushMs: number;

  private constructor(private readonly options: PredictionLogOptions) {
    this.path = join(options.dir, PREDICTION_LOG_FILE);
    this.maxBytes = options.maxBytes ?? DEFAULT_LOG_MAX_BYTES;
    this.keep = Math.max(0, options.keep ?? DEFAULT_LOG_KEEP);
    this.flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
  }

  static async open(options: PredictionLogOptions): Promise<PredictionLog> {
    const log = new PredictionLog(options);
    await fsp.mkdir(options.dir, { recursive: true });
    await log.openFile();
    return log;
  }

  private async openFile(): Promise<void> {
    this.handle = await fsp.open(this.path, 'a');
    this.size = (await this.handle.stat()).size;
  }

  /** Queues one request's line; returns at once. */
  append(line: QueuedLine): void {
    if (this.closed) return;
    this.queue.push(line);
    this.queuedRows += line.rows?.length ?? 1;
    if (this.queuedRows >= FLUSH_AT_BYTES / 64) void this.flush();
    else if (this.timer === null) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      // The log alone must not keep a process alive.
      this.timer.unref();
    }
  }

  /** Writes what is queued (after the write in flight); resolves when it is on disk. */
  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0) return this.writing;
    const batch = this.queue;
    this.queue = [];
    this.queuedRows = 0;
    this.writing = this.writing.then(() => this.write(batch)).catch((e: unknown) => this.options.onError?.(e));
    return this.writing;
  }

  private async write(batch: QueuedLine[]): Promise<void> {
    // Whole lines per file: rotate between lines, never inside one.
    let chunk = '';
    let pending = 0;
    for (const q of batch) {
      const line = lineOf(q);
      const bytes = Buffer.byteLength(line);
      if (this.size + pending + bytes > this.maxBytes && this.size + pending > 0) {
        await this.writeText(chunk);
        chunk = '';
        pending = 0;
        await this.rotate();
      }
      chunk += line;
      pending += bytes;
    }
    await this.writeText(chunk);
  }

  private async writeText(text: string): Promise<void> {
    if (text === '' || !this.handle) return;
    const buf = Buffer.from(text, 'utf8');
    for (let at = 0; at < buf.length; ) {
      const { bytesWritten } = await this.handle.write(buf, at, buf.length - at);
      at += bytesWritten;
    }
    this.size += buf.length;
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
    const dir = this.options.dir;
    const rotated = (n: number): string => join(dir, `predictions.${n}.jsonl`);
    if (this.keep === 0) await fsp.rm(this.path, { force: true });
    else {
      await fsp.rm(rotated(this.keep), { force: true });
      for (let n = this.keep - 1; n >= 1; n--) await fsp.rename(rotated(n), rotated(n + 1)).catch(ignoreMissing);
      await fsp.rename(this.path, rotated(1)).catch(ignoreMissing);
    }
    await this.openFile();
  }

  /** Flushes everything queued and closes the file; later appends are dropped. */
  async close(): Promise<void> {
    if (this.closed) return this.writing;
    await this.flush();
    this.closed = true;
    await this.writing;
    await this.handle?.close();
    this.handle = null;
  }
}

function ignoreMissing(e: unknown): void {
  if ((e as { code?: unknown }).code !== 'ENOENT') throw e;
}
