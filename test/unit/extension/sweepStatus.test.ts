// The sweep status bar text: the front sweep, its time or trials left, best score, paused/stopping, queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clock, shortScore, sweepStatus } from '../../../src/extension/sweepStatus.js';
import type { QueuedSweep } from '../../../src/extension/sweepQueue.js';
import type { SweepProgress } from '../../../src/protocol/experiment.js';

function progress(extra: Partial<SweepProgress> = {}): SweepProgress {
  return { experimentId: 'E1', phase: 'searching', metric: 'accuracy', task: 'multiclass', finishedTrials: 12, runningTrials: 2, elapsedSeconds: 100, budgetSeconds: 300, maxTrials: null, bestScore: 0.953333, bestTrial: 7, ...extra };
}

function sweep(extra: Partial<QueuedSweep> = {}): QueuedSweep {
  return { key: 'queued-1', requestId: 'r1', experimentId: 'E1', workspace: '/ws', dataset: 'iris.csv', target: 'species', budget: '5 min', queuedAt: 0, state: 'running', progress: progress(), running: [], pauseRequested: false, ...extra };
}

test('clock and short scores', () => {
  assert.deepEqual([0, 59.6, 200, 3599, 3661, -5].map(clock), ['0:00', '1:00', '3:20', '59:59', '1:01:01', '0:00']);
  assert.deepEqual([0.953333, 12.34567, 1234.5, 0].map(shortScore), ['0.9533', '12.35', '1235', '0']);
});

test('nothing to show without sweeps', () => {
  assert.equal(sweepStatus([]), null);
});

test('a running sweep: trials, time left, best; running and queued ones counted; click opens the running one by its key', () => {
  const s = sweepStatus([
    sweep({ key: 'queued-1', state: 'queued', experimentId: null, progress: null, requestId: 'r0', dataset: 'loans.csv', target: 'default' }),
    sweep({ key: 'queued-2' }),
    sweep({ key: 'queued-3', state: 'queued', experimentId: null, progress: null, requestId: 'r2', dataset: 'wine.csv', target: 'quality' }),
  ]);
  assert.equal(s?.text, '$(sync~spin) Sweep: 12 trials · 3:20 left · best 0.9533 · 1 running, 2 queued');
  assert.equal(s?.experimentId, 'queued-2', 'the key: the same before and after the sweep starts');
  assert.match(s?.tooltip ?? '', /best Accuracy 0\.9533 \(trial 7\)/);
  // Each sweep on a line, the waiting ones with their place in the queue.
  assert.match(s?.tooltip ?? '', /\nloans\.csv → default: queued \(#1\)\niris\.csv → species: running, 12 trials\nwine\.csv → quality: queued \(#2\)$/);
  // A queued sweep paused before it started still waits its turn.
  const two = sweepStatus([sweep(), sweep({ key: 'queued-2', state: 'paused', experimentId: null, progress: null }), sweep({ key: 'queued-3', experimentId: 'E3' })]);
  assert.equal(two?.text, '$(sync~spin) Sweep: 12 trials · 3:20 left · best 0.9533 · 2 running, 1 queued');
});

test('only queued sweeps: the oldest is in front and a click opens it by its queued key', () => {
  const s = sweepStatus([sweep({ key: 'queued-4', state: 'queued', experimentId: null, progress: null }), sweep({ key: 'queued-5', state: 'queued', experimentId: null, progress: null })]);
  assert.equal(s?.text, '$(clock) 2 sweeps queued');
  assert.equal(s?.experimentId, 'queued-4');
});

test('a trial budget, paused, stopping, end phases, queued alone', () => {
  assert.equal(sweepStatus([sweep({ progress: progress({ budgetSeconds: null, maxTrials: 40, bestScore: null, finishedTrials: 1 }) })])?.text, '$(sync~spin) Sweep: 1 trial · of 40');
  assert.equal(sweepStatus([sweep({ state: 'paused' })])?.text, '$(debug-pause) Sweep paused: 12 trials · 3:20 left · best 0.9533');
  assert.equal(sweepStatus([sweep({ state: 'stopping' })])?.text, '$(debug-stop) Sweep stopping: 12 trials · 3:20 left · best 0.9533');
  assert.equal(sweepStatus([sweep({ progress: progress({ phase: 'refitting' }) })])?.text, '$(sync~spin) Sweep: 12 trials · refitting · best 0.9533');
  const queued = sweepStatus([sweep({ state: 'queued', experimentId: null, progress: null })]);
  assert.deepEqual(queued, { text: '$(clock) Sweep queued', tooltip: 'AutoML sweep on iris.csv: waiting for the worker', experimentId: 'queued-1' });
});
