// A profiling thread: profiles one byte range of the file and posts its mergeable state. Started by
// profileFile (bundled as dist/profileThread.js). Progress goes through a shared Float64Array the main
// thread polls: [bytes, rows] per thread.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { RecordTooLongError } from '../csv/recordReader.js';
import { RangeProfiler, speculateRecordStart, type PassSetup, type PassState } from './profilePass.js';

export interface ThreadInput {
  path: string;
  setup: PassSetup;
  /** Where the range nominally starts; the first record is found by speculation unless `knownBegin`. */
  from: number;
  stop: number;
  knownBegin: number | null;
  index: number;
  progress: Float64Array;
}

export type ThreadOutput =
  | { type: 'done'; begin: number; end: number; state: PassState }
  | { type: 'tooLong'; begin: number; line: number }
  | { type: 'error'; begin: number; message: string };

function run(input: ThreadInput): ThreadOutput {
  const fd = openSync(input.path, 'r');
  let begin = input.knownBegin ?? 0;
  try {
    const size = fstatSync(fd).size;
    begin = input.knownBegin ?? speculateRecordStart(fd, input.from, size, input.setup.delimiter, input.setup.columnCount);
    const pass = new RangeProfiler(fd, input.setup, begin, input.stop);
    const at = input.index * 2;
    while (pass.step()) {
      input.progress[at] = pass.offset - begin;
      input.progress[at + 1] = pass.acc.rows;
    }
    const r = pass.result();
    return { type: 'done', begin: r.begin, end: r.end, state: r.state.toState() };
  } catch (e) {
    if (e instanceof RecordTooLongError) return { type: 'tooLong', begin, line: e.line };
    return { type: 'error', begin, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  } finally {
    closeSync(fd);
  }
}

if (parentPort) parentPort.postMessage(run(workerData as ThreadInput));
