// Which trial wins: the metric first; an exact tie (common with accuracy on small data) goes to the lower
// out-of-fold log loss, then to the earlier trial. Failed and pruned trials never rank.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ranked } from '../../../src/core/search/sweep.js';
import type { TrialRecord } from '../../../src/protocol/experiment.js';

function trial(index: number, status: TrialRecord['status'], objective: number | null, logLoss?: number): TrialRecord {
  return {
    index,
    config: { model: 'knn', params: {} },
    status,
    source: 'sampler',
    score: objective,
    objective,
    foldScores: [],
    foldStd: null,
    reports: [],
    metrics: logLoss === undefined ? {} : { log_loss: logLoss },
    seconds: 1,
    error: null,
    finishedAt: '2026-11-28T00:00:00.000Z',
  };
}

test('ties on the metric go to the lower log loss, then the earlier trial', () => {
  const order = ranked([
    trial(0, 'done', 0.96, 0.2),
    trial(1, 'done', 0.97, 0.5),
    trial(2, 'done', 0.96, 0.1),
    trial(3, 'failed', null),
    trial(4, 'done', 0.96),
    trial(5, 'pruned', null),
    trial(6, 'done', 0.96, 0.1),
  ]).map((t) => t.index);
  assert.deepEqual(order, [1, 2, 6, 0, 4]);
});

test('without log loss (regression), ties keep trial order', () => {
  assert.deepEqual(ranked([trial(3, 'done', -2), trial(1, 'done', -2), trial(2, 'done', -1)]).map((t) => t.index), [2, 1, 3]);
});
