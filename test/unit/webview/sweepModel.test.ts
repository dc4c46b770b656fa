// The Sweep panel's view model: table rows, sorting (score by quality whatever the metric's direction),
// best-so-far line, time left, controls and key metrics. Expected values are worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveSweep, SweepSnapshot } from '../../../src/protocol/sweepPanel.js';
import {
  bestHeadline,
  bestSoFar,
  bestTrialIndex,
  chartPoints,
  controls,
  countsText,
  formatParams,
  formatScore,
  formatSeconds,
  keyMetrics,
  nextSort,
  ordinal,
  queuedText,
  sortRows,
  timeLeft,
  trialRows,
  visibleRows,
} from '../../../webview/sweep/sweepModel.js';
import { EXPERIMENT_ID, makeRecord, makeTrial } from '../../fixtures/sweep/experiment.js';

const trials = [makeTrial(0, 'gbdt', 0.9), makeTrial(1, 'linear', 0.95), makeTrial(2, 'gbdt', null), makeTrial(3, 'linear', 0.93), makeTrial(4, 'gbdt', 0.97, { status: 'failed', score: null, error: 'out of memory' })];

function live(change: Partial<LiveSweep> = {}): LiveSweep {
  return {
    state: 'running',
    progress: { experimentId: EXPERIMENT_ID, phase: 'searching', metric: 'accuracy', task: 'multiclass', finishedTrials: 5, runningTrials: 1, elapsedSeconds: 20, budgetSeconds: 60, maxTrials: null, bestScore: 0.95, bestTrial: 1 },
    running: [{ index: 5, model: 'gbdt', startedAt: 10_000 }],
    error: null,
    receivedAt: 10_000,
    ...change,
  };
}

function snapshot(change: Partial<SweepSnapshot> = {}): SweepSnapshot {
  return { experimentId: EXPERIMENT_ID, record: makeRecord({ status: 'running' }), trials, live: live(), notice: null, ...change };
}

test('rows: finished trials plus running ones with their time so far; the best is marked', () => {
  const rows = trialRows(snapshot(), 13_500);
  assert.deepEqual(rows.map((r) => [r.index, r.status, r.score, r.best]), [
    [0, 'done', 0.9, false],
    [1, 'done', 0.95, true],
    [2, 'pruned', null, false],
    [3, 'done', 0.93, false],
    [4, 'failed', null, false],
    [5, 'running', null, false],
  ]);
  assert.equal(rows[5]?.seconds, 3.5);
  assert.equal(rows[4]?.detail, 'out of memory');
  assert.equal(rows[0]?.params, 'learningRate=0.1, maxDepth=3');
  assert.equal(rows[0]?.spread, 0.01);
});

test('sorting by score puts the best first when descending, for a loss as for a gain; unscored rows last', () => {
  const rows = trialRows(snapshot(), 13_500);
  assert.deepEqual(sortRows(rows, 'score', true, true).map((r) => r.index), [1, 3, 0, 2, 4, 5]);
  assert.deepEqual(sortRows(rows, 'score', false, true).map((r) => r.index), [0, 3, 1, 2, 4, 5]);
  // As a loss (lower is better) 0.9 is the best.
  assert.deepEqual(sortRows(rows, 'score', true, false).map((r) => r.index), [0, 3, 1, 2, 4, 5]);
});

test('sorting by model, duration, status and index; ties keep trial order', () => {
  const rows = trialRows(snapshot(), 13_500);
  // "Gradient boosting" < "Linear"
  assert.deepEqual(sortRows(rows, 'model', false, true).map((r) => r.index), [0, 2, 4, 5, 1, 3]);
  // seconds: 1.0, 1.1, 1.2, 1.3, 1.4, running 3.5
  assert.deepEqual(sortRows(rows, 'seconds', true, true).map((r) => r.index), [5, 4, 3, 2, 1, 0]);
  assert.deepEqual(sortRows(rows, 'status', false, true).map((r) => r.index), [5, 0, 1, 3, 2, 4]);
  assert.deepEqual(sortRows(rows, 'index', true, true).map((r) => r.index), [5, 4, 3, 2, 1, 0]);
});

test('clicking the sorted column flips it; a new column starts best/newest/longest first, or A→Z', () => {
  assert.deepEqual(nextSort({ key: 'score', descending: true }, 'score'), { key: 'score', descending: false });
  assert.deepEqual(nextSort({ key: 'index', descending: true }, 'score'), { key: 'score', descending: true });
  assert.deepEqual(nextSort({ key: 'score', descending: true }, 'model'), { key: 'model', descending: false });
});

test('best so far follows the metric direction and skips unscored trials', () => {
  assert.deepEqual(bestSoFar(trials, true), [
    { x: 0, y: 0.9 },
    { x: 1, y: 0.95 },
    { x: 3, y: 0.95 },
  ]);
  assert.deepEqual(bestSoFar(trials, false), [
    { x: 0, y: 0.9 },
    { x: 1, y: 0.9 },
    { x: 3, y: 0.9 },
  ]);
});

test('the chart plots done trials at their score, pruned ones at their last report, failed ones by index', () => {
  const prunedLoss = makeTrial(5, 'linear', null, { reports: [{ step: 0, objective: -0.41 }, { step: 1, objective: -0.62 }] });
  const prunedSilent = makeTrial(6, 'gbdt', null, { reports: [] });
  const all = [...trials, prunedLoss, prunedSilent];
  // trials: 0 done 0.9, 1 done 0.95, 2 pruned (reported 0.5 at step 0), 3 done 0.93, 4 failed.
  assert.deepEqual(chartPoints(all, true), {
    done: [
      { x: 0, y: 0.9 },
      { x: 1, y: 0.95 },
      { x: 3, y: 0.93 },
    ],
    pruned: [
      { x: 2, y: 0.5, step: 0 },
      { x: 5, y: -0.62, step: 1 },
    ],
    failed: [4],
  });
  // A loss: the objective is the negated metric, so the pruned marker goes back to the metric's own value.
  assert.deepEqual(chartPoints([prunedLoss], false).pruned, [{ x: 5, y: 0.62, step: 1 }]);
});

test('the best trial: live progress while running, the record once written, else computed', () => {
  assert.equal(bestTrialIndex(snapshot()), 1);
  assert.equal(bestTrialIndex(snapshot({ live: null, record: makeRecord({ bestTrial: 3 }) })), 3);
  assert.equal(bestTrialIndex(snapshot({ live: null, record: makeRecord({ greaterIsBetter: false }) })), 0);
});

test('time left counts down from the last progress while searching, stands still while paused', () => {
  // 20 s elapsed at t=10 s, budget 60 s: at t=15.5 s, 34.5 s are left.
  assert.equal(timeLeft(live(), 15_500), 34.5);
  assert.equal(timeLeft(live({ state: 'paused' }), 15_500), 40);
  assert.equal(timeLeft(live(), 100_000), 0);
  assert.equal(timeLeft(live({ progress: { ...live().progress!, budgetSeconds: null, maxTrials: 50 } }), 15_500), null);
  assert.equal(timeLeft(null, 15_500), null);
});

test('controls: pause while running, resume while paused or for an interrupted stored sweep, stop while active', () => {
  assert.deepEqual(controls(snapshot()), { pause: true, resume: false, stop: true });
  assert.deepEqual(controls(snapshot({ live: live({ state: 'paused' }) })), { pause: false, resume: true, stop: true });
  assert.deepEqual(controls(snapshot({ live: live({ state: 'done' }) })), { pause: false, resume: false, stop: false });
  assert.deepEqual(controls(snapshot({ live: live({ state: 'interrupted' }) })), { pause: false, resume: true, stop: false });
  assert.deepEqual(controls(snapshot({ live: null, record: makeRecord({ status: 'failed' }) })), { pause: false, resume: true, stop: false });
  assert.deepEqual(controls(snapshot({ live: null, record: makeRecord({ status: 'interrupted' }) })), { pause: false, resume: true, stop: false });
  // Running in a terminal: nothing here can pause it.
  assert.deepEqual(controls(snapshot({ live: null, record: makeRecord({ status: 'running' }) })), { pause: false, resume: false, stop: false });
});

test('key metrics: the optimised one first, then the task\'s usual ones the trial has', () => {
  const best = makeTrial(1, 'linear', 0.95);
  assert.deepEqual(
    keyMetrics(makeRecord({ metric: 'f1_macro' }), best).map((m) => [m.label, m.value, m.optimised]),
    [
      ['F1 (macro)', '0.9300', true],
      ['Accuracy', '0.9500', false],
      ['Log loss', '0.3000', false],
    ],
  );
  assert.deepEqual(keyMetrics(null, best), []);
});

test('formatting: scores, parameters, durations, counts', () => {
  assert.equal(formatScore(0.98765), '0.9877');
  assert.equal(formatScore(12.3456), '12.35');
  assert.equal(formatScore(12345.6), '12346');
  assert.equal(formatScore(null), '—');
  assert.equal(formatParams({ b: 0.000012345, a: 'l1', c: 300, d: 0.123456 }), 'a=l1, b=1.23e-5, c=300, d=0.123');
  assert.equal(formatSeconds(3.25), '3.3 s');
  assert.equal(formatSeconds(42.4), '42 s');
  assert.equal(formatSeconds(185), '3 min 05 s');
  assert.equal(formatSeconds(3720), '1 h 02 min');
  assert.equal(countsText(trialRows(snapshot(), 13_500)), '3 done · 1 running · 1 pruned · 1 failed');
});

test('hiding pruned and failed trials keeps done and running ones', () => {
  assert.deepEqual(visibleRows(trialRows(snapshot(), 13_500), true).map((r) => r.index), [0, 1, 3, 5]);
  assert.equal(visibleRows(trialRows(snapshot(), 13_500), false).length, 6);
});

test('the headline best: the live best while running, the saved ensemble once it beat every trial', () => {
  assert.deepEqual(bestHeadline(snapshot()), { score: 0.95, source: 'trial #1' });
  const ensemble = makeRecord({ bestKind: 'ensemble', bestScore: 0.96, bestTrial: 1 });
  assert.deepEqual(bestHeadline(snapshot({ live: null, record: ensemble })), { score: 0.96, source: 'ensemble of trials' });
  assert.deepEqual(bestHeadline(snapshot({ live: null, record: makeRecord({ bestKind: 'trial', bestScore: 0.95, bestTrial: 1 }) })), { score: 0.95, source: 'trial #1' });
  assert.deepEqual(bestHeadline(snapshot({ live: null, record: makeRecord(), trials: [] })), { score: null, source: '' });
});

test('a queued sweep: title, place in line and budget; cancelling and paused say so', () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 112].map(ordinal), ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '112th']);
  const q = { position: 2, waiting: 3, dataset: 'loans.csv', target: 'default', budget: '5 min' };
  const t = queuedText(q, 'queued');
  assert.equal(t.title, 'loans.csv → default');
  assert.equal(t.meta, 'queued #2 · budget 5 min');
  assert.match(t.notice, /^Queued: 2nd in line \(3 waiting\)\. It starts/);
  assert.match(queuedText({ ...q, position: 1, waiting: 1 }, 'queued').notice, /^Queued: next in line\. It starts/);
  assert.match(queuedText({ ...q, position: 1 }, 'queued').notice, /next in line/);
  assert.match(queuedText(q, 'paused').notice, /start paused/);
  assert.equal(queuedText(q, 'stopping').notice, 'Cancelling this queued sweep…');
  assert.equal(queuedText({ ...q, budget: null }, 'queued').meta, 'queued #2');
});
