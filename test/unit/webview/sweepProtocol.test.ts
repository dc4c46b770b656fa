// Host↔webview messages of the Sweep panel: what each side accepts, saved state, merging live deltas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveSweep, SweepSnapshot } from '../../../src/protocol/sweepPanel.js';
import { applyActivity, isSweepHostMessage, isSweepWebviewMessage, mergeTrials, parseSweepState } from '../../../src/protocol/sweepPanel.js';
import { EXPERIMENT_ID, makeRecord, makeTrial } from '../../fixtures/sweep/experiment.js';

const live: LiveSweep = { state: 'running', progress: null, running: [{ index: 2, model: 'gbdt', startedAt: 1 }, { index: 3, model: 'linear', startedAt: 2 }], error: null, receivedAt: 5 };
const snapshot: SweepSnapshot = { experimentId: EXPERIMENT_ID, record: makeRecord(), trials: [makeTrial(0, 'gbdt', 0.9), makeTrial(1, 'linear', null)], live: null, notice: null };

test('the webview accepts snapshots and activity deltas, and nothing malformed', () => {
  assert.ok(isSweepHostMessage({ type: 'snapshot', snapshot }));
  assert.ok(isSweepHostMessage({ type: 'activity', live, finished: [makeTrial(2, 'gbdt', 0.8)], record: null }));
  assert.ok(!isSweepHostMessage({ type: 'snapshot', snapshot: { ...snapshot, trials: [{ index: 0 }] } }));
  assert.ok(!isSweepHostMessage({ type: 'activity', live: { ...live, state: 'exploded' }, finished: [], record: null }));
  assert.ok(!isSweepHostMessage({ type: 'activity', live: { ...live, receivedAt: Number.NaN }, finished: [], record: null }));
  assert.ok(!isSweepHostMessage({ type: 'activity', live, finished: [makeTrial(2, 'gbdt', 0.8, { status: 'weird' as 'done' })], record: null }));
  assert.ok(!isSweepHostMessage({ type: 'snapshot', snapshot: { ...snapshot, record: { id: 'x' } } }));
  assert.ok(!isSweepHostMessage({ type: 'progress' }));
  assert.ok(!isSweepHostMessage(null));
});

test('the host accepts ready, the three controls and openReport, and nothing else', () => {
  assert.ok(isSweepWebviewMessage({ type: 'ready', protocolVersion: 1 }));
  for (const action of ['pause', 'resume', 'stop']) assert.ok(isSweepWebviewMessage({ type: 'control', action }));
  assert.ok(isSweepWebviewMessage({ type: 'openReport' }));
  assert.ok(!isSweepWebviewMessage({ type: 'control', action: 'delete' }));
  assert.ok(!isSweepWebviewMessage({ type: 'ready', protocolVersion: '1' }));
  assert.ok(!isSweepWebviewMessage({ type: 'runCommand', command: 'workbench.action.terminal.new' }));
  assert.ok(!isSweepWebviewMessage('ready'));
});

test('saved state: the id is required, bad fields fall back to defaults', () => {
  assert.equal(parseSweepState(null), undefined);
  assert.equal(parseSweepState({ sortKey: 'score' }), undefined);
  assert.deepEqual(parseSweepState({ experimentId: EXPERIMENT_ID, sortKey: 'score', sortDescending: false, selectedTrial: 4, hideUnscored: true }), { experimentId: EXPERIMENT_ID, sortKey: 'score', sortDescending: false, selectedTrial: 4, hideUnscored: true });
  assert.deepEqual(parseSweepState({ experimentId: EXPERIMENT_ID, sortKey: 'bogus', sortDescending: 'yes', selectedTrial: -1, hideUnscored: 1 }), { experimentId: EXPERIMENT_ID, sortKey: 'index', sortDescending: true, selectedTrial: null, hideUnscored: false });
});

test('merging trials: by index, ascending, a replayed index replaced; nothing new returns the same array', () => {
  const a = [makeTrial(0, 'gbdt', 0.9), makeTrial(2, 'gbdt', 0.7)];
  const merged = mergeTrials(a, [makeTrial(1, 'linear', 0.8), makeTrial(2, 'gbdt', 0.75)]);
  assert.deepEqual(merged.map((t) => [t.index, t.score]), [[0, 0.9], [1, 0.8], [2, 0.75]]);
  assert.equal(mergeTrials(a, []), a);
});

test('a delta adds finished trials, drops them from running, and keeps the record unless a new one came', () => {
  const next = applyActivity(snapshot, live, [makeTrial(2, 'gbdt', 0.8)], null);
  assert.deepEqual(next.trials.map((t) => t.index), [0, 1, 2]);
  assert.deepEqual(next.live?.running.map((r) => r.index), [3]);
  assert.equal(next.record, snapshot.record);
  const record = makeRecord({ bestTrial: 2, bestScore: 0.8 });
  assert.equal(applyActivity(snapshot, live, [], record).record, record);
});

test('a snapshot may carry a queued sweep\'s place; a malformed one is refused', () => {
  const base = { experimentId: 'queued-2', record: null, trials: [], live: null, notice: null };
  const queued = { position: 1, waiting: 2, dataset: 'loans.csv', target: 'default', budget: null };
  assert.equal(isSweepHostMessage({ type: 'snapshot', snapshot: base }), true, 'absent: a host from before the field');
  assert.equal(isSweepHostMessage({ type: 'snapshot', snapshot: { ...base, queued } }), true);
  assert.equal(isSweepHostMessage({ type: 'snapshot', snapshot: { ...base, queued: null } }), true);
  assert.equal(isSweepHostMessage({ type: 'snapshot', snapshot: { ...base, queued: { ...queued, position: '1' } } }), false);
  assert.equal(isSweepHostMessage({ type: 'snapshot', snapshot: { ...base, queued: { ...queued, budget: 5 } } }), false);
});
