// The host's sweep queue against a fake worker: what reaches the hub, pause/resume/stop by experiment id,
// a dead worker (interrupted; sweeps still waiting are sent again), failures, resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../../src/core/errors.js';
import { SweepQueue } from '../../../src/extension/sweepQueue.js';
import type { SweepFinished, SweepWorker } from '../../../src/extension/sweepQueue.js';
import type { SweepActivity } from '../../../src/extension/sweepActivity.js';
import { WorkerStoppedError } from '../../../src/extension/workerClient.js';
import type { SweepHostHooks } from '../../../src/extension/workerClient.js';
import type { SweepProgress, TrialRecord } from '../../../src/protocol/experiment.js';
import type { SweepStartParams, SweepStartResult } from '../../../src/protocol/worker.js';

interface Sent {
  requestId: string;
  params: Omit<SweepStartParams, 'requestId'>;
  hooks: SweepHostHooks;
  resolve(r: SweepStartResult): void;
  reject(e: unknown): void;
}

function fakeWorker(): SweepWorker & { sent: Sent[]; controls: [string, string][]; known: Set<string> } {
  let next = 1;
  const w = {
    sent: [] as Sent[],
    controls: [] as [string, string][],
    known: new Set<string>(),
    startSweep(params: Omit<SweepStartParams, 'requestId'>, hooks: SweepHostHooks) {
      const requestId = `r${next++}`;
      let resolve: (r: SweepStartResult) => void = () => undefined;
      let reject: (e: unknown) => void = () => undefined;
      const result = new Promise<SweepStartResult>((res, rej) => {
        resolve = (r) => {
          w.known.delete(requestId);
          res(r);
        };
        reject = (e) => {
          w.known.delete(requestId);
          rej(e);
        };
      });
      w.known.add(requestId);
      w.sent.push({ requestId, params, hooks, resolve, reject });
      return { requestId, result };
    },
    async controlSweep(action: 'pause' | 'resume' | 'stop', requestId: string) {
      w.controls.push([action, requestId]);
      return w.known.has(requestId);
    },
  };
  return w;
}

function progress(experimentId: string, extra: Partial<SweepProgress> = {}): SweepProgress {
  return { experimentId, phase: 'searching', metric: 'accuracy', task: 'binary', finishedTrials: 0, runningTrials: 0, elapsedSeconds: 1, budgetSeconds: 60, maxTrials: null, bestScore: null, bestTrial: null, ...extra };
}

function trial(index: number, score: number): TrialRecord {
  return { index, config: { model: 'knn', params: { k: 5 } }, status: 'done', source: 'sampler', score, objective: score, foldScores: [score, score], foldStd: 0, reports: [], metrics: { accuracy: score }, seconds: 0.1, error: null, finishedAt: '2026-11-28T07:00:00.000Z' };
}

function setup(concurrency = 1): { queue: SweepQueue; worker: ReturnType<typeof fakeWorker>; published: SweepActivity[]; finished: SweepFinished[] } {
  const worker = fakeWorker();
  const published: SweepActivity[] = [];
  const finished: SweepFinished[] = [];
  const queue = new SweepQueue({ worker, hub: { publish: (a) => published.push(structuredClone(a)) }, concurrency: () => concurrency });
  queue.onDidFinish((f) => finished.push(f));
  return { queue, worker, published, finished };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
const config = { dataset: '/ws/data/iris.csv', target: 'species', workspace: '/ws', maxTrials: 5 };

test('notifications become hub activity keyed by the experiment; done reaches onDidFinish', async () => {
  const { queue, worker, published, finished } = setup(2);
  queue.start(config);
  assert.equal(worker.sent.length, 1);
  assert.equal(worker.sent[0]!.params.concurrency, 2, 'the setting travels with the request');
  assert.equal(published.length, 0, 'nothing to key a new sweep by until the worker names it');
  assert.equal(queue.active()[0]?.state, 'queued');
  const s = worker.sent[0]!;
  s.hooks.onProgress?.(progress('E1'));
  s.hooks.onTrialStarted?.({ requestId: s.requestId, experimentId: 'E1', index: 0, model: 'knn', startedAt: 1000 });
  s.hooks.onTrialStarted?.({ requestId: s.requestId, experimentId: 'E1', index: 1, model: 'naiveBayes', startedAt: 1001 });
  s.hooks.onTrial?.({ requestId: s.requestId, experimentId: 'E1', trial: trial(0, 0.9) });
  assert.deepEqual(
    published.map((a) => [a.experimentId, a.state, a.running.map((r) => r.index), a.finished.map((t) => t.index)]),
    [
      ['E1', 'running', [], []],
      ['E1', 'running', [0], []],
      ['E1', 'running', [0, 1], []],
      ['E1', 'running', [1], [0]],
    ],
  );
  assert.equal(published[0]!.workspace, '/ws');
  s.resolve({ status: 'done', experimentId: 'E1', metric: 'accuracy', bestScore: 0.9, bestTrial: 0, bestKind: 'trial', modelPath: '/m', reportPath: '/r', trials: 5 });
  await flush();
  assert.deepEqual([published.at(-1)!.state, published.at(-1)!.running.length], ['done', 0]);
  assert.deepEqual(finished, [{ experimentId: 'E1', workspace: '/ws', dataset: 'iris.csv', status: 'done', metric: 'accuracy', bestScore: 0.9, error: null }]);
  assert.equal(queue.active().length, 0);
});

test('pause, resume and stop go to the worker by request id; states follow', async () => {
  const { queue, worker, published, finished } = setup();
  queue.start(config);
  const s = worker.sent[0]!;
  s.hooks.onProgress?.(progress('E2'));
  assert.equal(await queue.pause('E2'), true);
  assert.equal(published.at(-1)!.state, 'paused');
  s.hooks.onTrial?.({ requestId: s.requestId, experimentId: 'E2', trial: trial(0, 0.5) });
  assert.equal(published.at(-1)!.state, 'paused', 'a trial finishing while paused keeps it paused');
  s.hooks.onProgress?.(progress('E2', { finishedTrials: 1 }));
  assert.equal(published.at(-1)!.state, 'paused');
  assert.equal(await queue.resume('E2'), true);
  assert.equal(published.at(-1)!.state, 'running');
  const stopping = queue.stop('E2');
  assert.equal(published.at(-1)!.state, 'stopping', 'shown at once, before the worker answers');
  assert.equal(await stopping, true);
  assert.deepEqual(worker.controls, [['pause', s.requestId], ['resume', s.requestId], ['stop', s.requestId]]);
  assert.equal(await queue.stop('E2'), false, 'already stopping');
  assert.equal(await queue.pause('nope'), false, 'unknown experiment');
  s.resolve({ status: 'interrupted', experimentId: 'E2', trials: 1 });
  await flush();
  assert.equal(published.at(-1)!.state, 'interrupted');
  assert.equal(finished[0]?.status, 'interrupted');
});

test('a dead worker: the running sweep ends interrupted with the reason; a sweep still queued is sent again', async () => {
  const { queue, worker, published, finished } = setup();
  queue.start(config);
  queue.start({ ...config, dataset: '/ws/b.csv' });
  const [a, b] = worker.sent;
  a!.hooks.onProgress?.(progress('E3'));
  const death = new WorkerStoppedError('The ML Lab worker stopped unexpectedly (signal SIGKILL) while running a sweep on iris.csv.');
  a!.reject(death);
  b!.reject(death);
  await flush();
  assert.deepEqual([published.at(-1)!.experimentId, published.at(-1)!.state, published.at(-1)!.error], ['E3', 'interrupted', death.message]);
  assert.deepEqual(finished.map((f) => [f.experimentId, f.status]), [['E3', 'interrupted']]);
  assert.equal(worker.sent.length, 3, 'the queued one was sent again');
  assert.equal(worker.sent[2]!.params.config.dataset, '/ws/b.csv');
  assert.equal(queue.active().length, 1);
  assert.equal(queue.active()[0]!.requestId, worker.sent[2]!.requestId, 'steered through its new request');
  // A second death under it is not retried forever.
  worker.sent[2]!.reject(death);
  await flush();
  assert.equal(worker.sent.length, 3);
  assert.deepEqual(finished.at(-1), { experimentId: null, workspace: '/ws', dataset: 'b.csv', status: 'interrupted', metric: null, bestScore: null, error: death.message });
});

test('a sweep that fails (bad input) is failed with the one-line message', async () => {
  const { queue, worker, published, finished } = setup();
  queue.start({ ...config, resume: 'E4' });
  assert.deepEqual(published.map((a) => [a.experimentId, a.state]), [['E4', 'queued']], 'a resume is keyed from the start');
  assert.throws(() => queue.start({ ...config, resume: 'E4' }), /already running or queued/);
  worker.sent[0]!.reject(new UserError('FILE_CHANGED', 'iris.csv changed since experiment E4 started.'));
  await flush();
  assert.deepEqual([published.at(-1)!.state, published.at(-1)!.error], ['failed', 'iris.csv changed since experiment E4 started.']);
  assert.equal(finished[0]?.status, 'failed');
});

test('the concurrency setting is clamped to a whole number from 1 to 16', () => {
  for (const [given, sent] of [[0, 1], [2.5, 1], [-3, 1], [4, 4], [99, 16]] as const) {
    const { queue, worker } = setup(given);
    queue.start(config);
    assert.equal(worker.sent[0]!.params.concurrency, sent, `setting ${given}`);
  }
});

test('a sweep still queued (no experiment yet) can be cancelled; it ends interrupted without an experiment', async () => {
  const { queue, worker, published, finished } = setup();
  const sweep = queue.start(config);
  assert.equal(await queue.cancel(sweep), true);
  assert.deepEqual(worker.controls, [['stop', worker.sent[0]!.requestId]]);
  assert.equal(sweep.state, 'stopping');
  worker.sent[0]!.resolve({ status: 'interrupted', experimentId: null, trials: 0 });
  await flush();
  assert.equal(published.length, 0, 'nothing to key it by in the hub');
  assert.deepEqual(finished.map((f) => [f.experimentId, f.status]), [[null, 'interrupted']]);
  assert.equal(await queue.cancel(sweep), false, 'gone');
});

test('waiting sweeps: queued keys, dataset/target/budget, their order; a started one leaves; cancel by key', async () => {
  const { queue, worker, finished } = setup();
  const a = queue.start({ ...config, maxTrials: undefined, budgetSeconds: 60 });
  const b = queue.start({ ...config, dataset: '/ws/data/loans.csv', target: 'default', maxTrials: 40 });
  const c = queue.start({ ...config, dataset: 'C:\\data\\wine.csv', target: 'quality', maxTrials: undefined, budgetSeconds: 90 });
  assert.deepEqual([a.key, b.key, c.key], ['queued-1', 'queued-2', 'queued-3']);
  assert.deepEqual(queue.waiting().map((s) => [s.key, s.dataset, s.target, s.budget]), [
    ['queued-1', 'iris.csv', 'species', '1 min'],
    ['queued-2', 'loans.csv', 'default', '40 trials'],
    ['queued-3', 'wine.csv', 'quality', '1 min 30 s'],
  ]);
  assert.equal(queue.find('queued-2'), b, 'found by its key while it has no experiment');
  let changes = 0;
  queue.onDidChange(() => changes++);
  worker.sent[0]!.hooks.onProgress?.(progress('E7'));
  assert.ok(changes > 0);
  assert.deepEqual(queue.waiting().map((s) => s.key), ['queued-2', 'queued-3'], 'the started one no longer waits');
  assert.equal(queue.find('queued-1'), a, 'the key still finds it after it started');
  assert.equal(queue.find('E7'), a);
  // Cancel Queued Sweep: a stop for a request the worker has not started; the worker answers interrupted, no experiment.
  assert.equal(await queue.stop('queued-2'), true);
  assert.deepEqual(worker.controls.at(-1), ['stop', worker.sent[1]!.requestId]);
  assert.deepEqual(queue.waiting().map((s) => [s.key, s.state]), [['queued-2', 'stopping'], ['queued-3', 'queued']]);
  worker.sent[1]!.resolve({ status: 'interrupted', experimentId: null, trials: 0 });
  await flush();
  assert.deepEqual(queue.waiting().map((s) => s.key), ['queued-3']);
  assert.deepEqual(finished.map((f) => [f.experimentId, f.dataset, f.status]), [[null, 'loans.csv', 'interrupted']]);
});
