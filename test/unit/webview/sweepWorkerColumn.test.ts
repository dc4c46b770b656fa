// The Sweep panel's Worker column for distributed sweeps: the snapshot read from a real store carries each
// trial's worker, the protocol check accepts it (and refuses a non-string), the rows hold it (null for local
// and running trials), the column shows only when some trial has one, and the tooltip names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentStore } from '../../../src/core/store/experiments.js';
import { buildSweepSnapshot } from '../../../src/extension/views/sweepSnapshot.js';
import { isTrialRecord } from '../../../src/protocol/sweepPanel.js';
import { hasWorkers, rowTooltip, trialRows } from '../../../webview/sweep/sweepModel.js';
import { EXPERIMENT_ID, makeRecord, makeTrial, writeExperiment } from '../../fixtures/sweep/experiment.js';

const distributed = [
  makeTrial(0, 'gbdt', 0.9, { worker: 'gpu-1' }),
  makeTrial(1, 'linear', null, { status: 'failed', error: 'out of memory', worker: 'cpu-box' }),
  makeTrial(2, 'gbdt', 0.8),
];

test('the snapshot read from the store carries each trial\'s worker', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'mllab-workercol-'));
  try {
    writeExperiment(ws, makeRecord(), distributed);
    const snapshot = await buildSweepSnapshot(EXPERIMENT_ID, new ExperimentStore(ws), undefined, 0);
    assert.deepEqual(snapshot.trials.map((t) => t.worker), ['gpu-1', 'cpu-box', undefined]);
    assert.ok(snapshot.trials.every(isTrialRecord));
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('isTrialRecord: a worker must be a string when present', () => {
  assert.equal(isTrialRecord({ ...makeTrial(0, 'gbdt', 0.9), worker: 'w' }), true);
  assert.equal(isTrialRecord({ ...makeTrial(0, 'gbdt', 0.9), worker: 7 }), false);
});

test('rows: the worker of each finished trial, none for local or running ones; the column only when some trial has one', () => {
  const base = { experimentId: EXPERIMENT_ID, record: makeRecord(), live: null, notice: null };
  const rows = trialRows({ ...base, trials: distributed }, 0);
  assert.deepEqual(rows.map((r) => r.worker), ['gpu-1', 'cpu-box', null]);
  assert.equal(hasWorkers(rows), true);
  assert.equal(rowTooltip(rows[0]!), 'Ran on worker gpu-1');
  assert.equal(rowTooltip(rows[1]!), 'out of memory\nRan on worker cpu-box');
  assert.equal(rowTooltip(rows[2]!), '');

  const live = { state: 'running' as const, progress: null, running: [{ index: 3, model: 'gbdt', startedAt: 0 }], error: null, receivedAt: 0 };
  const local = trialRows({ ...base, trials: [makeTrial(0, 'gbdt', 0.9), makeTrial(1, 'linear', 0.7, { worker: '' })], live }, 1000);
  assert.deepEqual(local.map((r) => r.worker), [null, null, null]);
  assert.equal(hasWorkers(local), false);
});
