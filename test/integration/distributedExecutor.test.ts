// The coordinator's RedisExecutor against a real Redis, with the worker side played by the test (a BullMQ
// Worker that answers as it is told): a refused job becomes a failed trial carrying the worker's message,
// cancelAll removes queued jobs, the end of the budget fails a waiting trial, and a job Redis lost in a
// restart is queued again and its result still arrives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { RedisExecutor } from '../../src/core/distributed/redisExecutor.js';
import { encodeResult } from '../../src/core/distributed/trialJob.js';
import type { TrialJobData } from '../../src/core/distributed/trialJob.js';
import { BUDGET_STOP_ERROR } from '../../src/core/search/sweep.js';
import type { RunRequest, TrialExecutor } from '../../src/core/search/sweep.js';
import { REDIS_PREFIX, TRIAL_QUEUE } from '../../src/protocol/distributed.js';
import { redisServerAvailable, startRedis } from '../support/redisServer.js';
import type { RedisServer } from '../support/redisServer.js';

const skip = redisServerAvailable() ? false : 'redis-server is not installed';
let redis: RedisServer;
let dir: string;
let file: string;

const local: TrialExecutor = {
  run: () => Promise.reject(new Error('trials are remote')),
  refit: () => Promise.reject(new Error('not here')),
  importance: () => Promise.reject(new Error('not here')),
  cancelAll: () => undefined,
  close: () => Promise.resolve(),
};

function executor(): RedisExecutor {
  const e = new RedisExecutor(local, {
    target: { url: redis.url },
    dataset: { path: file, sha256: 'a'.repeat(64), bytes: 4 },
    column: 'y',
    task: 'binary',
    validation: { kind: 'kfold', folds: 3, stratified: true },
    testFraction: 0,
    trainRows: 10,
    pollMs: 200,
  });
  e.setExperiment(`exp${Math.random().toString(36).slice(2, 8)}`);
  return e;
}

function request(index: number, stop?: AbortSignal): RunRequest {
  return { job: { index, config: { model: 'knn', params: { k: 3 } }, seed: 0, metric: 'accuracy' }, rungs: null, report: () => false, timeoutMs: 10_000, ...(stop ? { stop } : {}) };
}

function fakeWorker(answer: (job: Job<TrialJobData>) => Promise<unknown>): Worker {
  const w = new Worker<TrialJobData>(TRIAL_QUEUE, answer, { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix: REDIS_PREFIX });
  w.on('error', () => undefined);
  return w;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

before(async () => {
  if (skip) return;
  redis = await startRedis();
  dir = mkdtempSync(join(tmpdir(), 'mllab-executor-'));
  file = join(dir, 'd.csv');
  writeFileSync(file, 'y\n1\n');
});

after(async () => {
  if (redis) await redis.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a result comes back as the trial outcome with its worker; a refusal as a failed trial with the message', { skip, timeout: 30_000 }, async () => {
  const seen: TrialJobData[] = [];
  const worker = fakeWorker(async (job) => {
    seen.push(job.data);
    if (job.data.index === 1) throw new UnrecoverableError('worker old runs protocol 0');
    return encodeResult({ status: 'done', oof: Float64Array.of(0.5, 0.5), foldScores: [1, 0.5], metrics: { accuracy: 0.75 }, error: null, backend: null }, 'fake', 0.25);
  });
  const e = executor();
  try {
    const [done, refused] = await Promise.all([e.run(request(0)), e.run(request(1))]);
    if (done.status === 'cancelled') throw new Error('cancelled');
    assert.equal(done.status, 'done');
    assert.deepEqual(Array.from(done.oof!), [0.5, 0.5]);
    assert.equal(done.worker, 'fake');
    assert.equal(done.seconds, 0.25);
    assert.deepEqual(refused, { status: 'failed', oof: null, foldScores: [], metrics: {}, error: 'worker old runs protocol 0', backend: null });
    const job0 = seen.find((d) => d.index === 0)!;
    assert.equal(job0.target, 'y');
    assert.equal(job0.trainRows, 10);
    assert.match(job0.dataset.url!, /^http:\/\/127\.0\.0\.1:\d+\/datasets\/a{64}$/);
    assert.equal(job0.dataset.path, file);
  } finally {
    await e.close();
    await worker.close();
  }
});

test('cancelAll removes queued jobs; the end of the budget fails a waiting trial', { skip, timeout: 30_000 }, async () => {
  const queue = new Queue(TRIAL_QUEUE, { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix: REDIS_PREFIX });
  const e = executor();
  try {
    await queue.obliterate({ force: true });
    const stop = new AbortController();
    const cut = e.run(request(5, stop.signal));
    const waiting = [e.run(request(6)), e.run(request(7))];
    while ((await queue.getWaitingCount()) < 3) await sleep(50);
    stop.abort();
    assert.deepEqual(await cut, { status: 'failed', oof: null, foldScores: [], metrics: {}, error: BUDGET_STOP_ERROR, backend: null });
    e.cancelAll();
    assert.deepEqual(await Promise.all(waiting), [{ status: 'cancelled' }, { status: 'cancelled' }]);
    await e.close();
    assert.equal(await queue.getWaitingCount(), 0);
  } finally {
    await e.close();
    await queue.close();
  }
});

test('a job Redis lost in a restart is queued again, and its result arrives', { skip, timeout: 60_000 }, async () => {
  const queue = new Queue(TRIAL_QUEUE, { connection: { url: redis.url, maxRetriesPerRequest: null }, prefix: REDIS_PREFIX });
  const e = executor();
  let worker: Worker | null = null;
  try {
    const pending = e.run(request(3));
    while ((await queue.getWaitingCount()) < 1) await sleep(50);
    await redis.restart();
    // Empty after the restart; the coordinator's poll puts the job back.
    worker = fakeWorker(async () => encodeResult({ status: 'done', oof: Float64Array.of(1), foldScores: [1], metrics: { accuracy: 1 }, error: null, backend: null }, 'late', 0.1));
    const outcome = await pending;
    if (outcome.status === 'cancelled') throw new Error('cancelled');
    assert.equal(outcome.status, 'done');
    assert.equal(outcome.worker, 'late');
  } finally {
    await e.close();
    await worker?.close();
    await queue.close();
  }
});
