// The prediction log: whole lines only, in order, rotated by size keeping N files, flushed by close().
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PredictionLog, lineHead, linesBackward, parseLogLines, predictionLogFiles, readTail } from '../../../src/core/deploy/predictionLog.js';
import type { PredictionLogLine } from '../../../src/protocol/deploy.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mllab-log-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 10, 28, 9, 0, 0);

test('rotates by size, keeps N files, never splits a line, keeps the order', async () => {
  const log = await PredictionLog.open({ dir, maxBytes: 1000, keep: 2, flushMs: 1 });
  for (let i = 0; i < 100; i++) {
    log.append({ time: T0 + i, status: 200, ms: 0.5, rows: [{ id: i, text: 'x'.repeat(i % 7) }], predictions: ['yes'] });
    // Some lines flush alone, some in batches.
    if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
  }
  await log.close();
  const files = await predictionLogFiles(dir);
  assert.deepEqual(files.map((f) => basename(f)), ['predictions.2.jsonl', 'predictions.1.jsonl', 'predictions.jsonl']);
  assert.equal(existsSync(join(dir, 'predictions.3.jsonl')), false);
  const ids: number[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    assert.ok(statSync(f).size <= 1000, `${basename(f)} is ${statSync(f).size} bytes`);
    assert.ok(text.endsWith('\n'));
    const lines = text.slice(0, -1).split('\n');
    // Every line parses: no torn line anywhere.
    for (const l of lines) ids.push(((JSON.parse(l) as PredictionLogLine).rows![0] as { id: number }).id);
  }
  // The kept files hold the newest lines, consecutive, ending with the last one.
  assert.equal(ids.at(-1), 99);
  ids.forEach((id, k) => k > 0 && assert.equal(id, ids[k - 1]! + 1));
  // A file rotates only when the next line would not fit: the rotated ones are full to within a line.
  const longest = Math.max(...files.flatMap((f) => readFileSync(f, 'utf8').split('\n').map((l) => l.length + 1)));
  for (const f of files.slice(0, 2)) assert.ok(statSync(f).size > 1000 - longest, `${basename(f)} rotated at ${statSync(f).size} bytes`);
  assert.ok(ids.length < 100);
});

test('a line larger than the limit goes whole into a file of its own', async () => {
  const log = await PredictionLog.open({ dir, maxBytes: 200, keep: 3, flushMs: 1 });
  log.append({ time: T0, status: 200, ms: 1, rows: [{ a: 1 }], predictions: [1] });
  log.append({ time: T0 + 1, status: 200, ms: 1, rows: [{ a: 'y'.repeat(500) }], predictions: [2] });
  log.append({ time: T0 + 2, status: 400, ms: 1, error: 'bad' });
  await log.close();
  const files = await predictionLogFiles(dir);
  const perFile = files.map((f) => parseLogLines(readFileSync(f, 'utf8')).map((l) => l.t));
  assert.deepEqual(perFile, [[new Date(T0).toISOString()], [new Date(T0 + 1).toISOString()], [new Date(T0 + 2).toISOString()]]);
});

test('close() writes what is queued even before the flush timer, and later appends are dropped', async () => {
  const log = await PredictionLog.open({ dir, flushMs: 60_000 });
  for (let i = 0; i < 5; i++) log.append({ time: T0 + i, status: 200, ms: i, rows: [{ i }], predictions: [i] });
  await log.close();
  log.append({ time: T0, status: 200, ms: 0 });
  const lines = parseLogLines(readFileSync(join(dir, 'predictions.jsonl'), 'utf8'));
  assert.deepEqual(lines.map((l) => l.ms), [0, 1, 2, 3, 4]);
  assert.deepEqual(lines[0], { t: '2026-11-28T09:00:00.000Z', status: 200, ms: 0, rows: [{ i: 0 }], predictions: [0] });
});

test('reopening appends to the existing file; readers skip a torn last line', async () => {
  const first = await PredictionLog.open({ dir });
  first.append({ time: T0, status: 200, ms: 1 });
  await first.close();
  const second = await PredictionLog.open({ dir });
  second.append({ time: T0 + 1000, status: 500, ms: 2, error: 'boom' });
  await second.close();
  const text = readFileSync(join(dir, 'predictions.jsonl'), 'utf8');
  assert.equal(parseLogLines(text).length, 2);
  assert.equal(parseLogLines(text + '{"t":"2026-11-28T09:00:02.000Z","sta').length, 2);
  // The tail starts at a whole line.
  const tail = readTail(join(dir, 'predictions.jsonl'), text.length - 5);
  assert.deepEqual(parseLogLines(tail).map((l) => l.status), [500]);
});

test('linesBackward: every line, last first, across 1 MiB chunks; a read cut by maxBytes drops its partial first line', () => {
  const path = join(dir, 'big.jsonl');
  // ~3.4 MiB of lines of varying length (multi-byte text included), so chunk edges fall inside lines.
  const lines = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ t: new Date(T0 + i).toISOString(), status: 200, ms: i / 7, rows: [{ note: 'é'.repeat(i % 50) }] }));
  writeFileSync(path, lines.join('\n') + '\n');
  assert.deepEqual([...linesBackward(path, Infinity)], [...lines].reverse());
  const size = statSync(path).size;
  const cut = [...linesBackward(path, size - 1000)];
  assert.deepEqual(cut, [...lines].reverse().slice(0, cut.length));
  // Only whole lines: the one the cut fell inside is not returned.
  assert.ok(cut.length < lines.length);
  assert.equal(cut.at(-1), lines[lines.length - cut.length]);
});

test('lineHead reads t, status and ms from the head of a line, or parses, or gives null', () => {
  assert.deepEqual(lineHead('{"t":"2026-11-28T09:00:00.000Z","status":400,"ms":1.5e-3,"error":"x"}'), { t: '2026-11-28T09:00:00.000Z', status: 400, ms: 0.0015 });
  assert.deepEqual(lineHead('{"status":200,"t":"2026-11-28T09:00:00.000Z","ms":2}'), { t: '2026-11-28T09:00:00.000Z', status: 200, ms: 2 });
  assert.equal(lineHead('{"t":"2026-11-28T09:00:0'), null);
});
