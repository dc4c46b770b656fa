// The editor's words for deployments: the serve process's listening line, deployment ids, and the Models
// view's rows from records and stats (values worked out by hand).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deploymentName,
  deploymentRow,
  deploymentState,
  formatErrorRate,
  formatMs,
  formatRate,
  newDeploymentId,
  orderDeployments,
  parseListeningLine,
  retrainedRow,
  shortExperimentName,
  statsText,
} from '../../../src/extension/deploymentText.js';
import type { DeploymentRecord, DeploymentStats } from '../../../src/protocol/deploy.js';

test('parseListeningLine reads the URL, host and port, and nothing else', () => {
  assert.deepEqual(parseListeningLine('listening on http://127.0.0.1:8123'), { url: 'http://127.0.0.1:8123', host: '127.0.0.1', port: 8123 });
  assert.deepEqual(parseListeningLine('listening on http://localhost:65535/\n'), { url: 'http://localhost:65535', host: 'localhost', port: 65535 });
  assert.deepEqual(parseListeningLine('listening on http://[::1]:9000'), { url: 'http://[::1]:9000', host: '[::1]', port: 9000 });
  assert.equal(parseListeningLine('listening on http://127.0.0.1:0'), null);
  assert.equal(parseListeningLine('listening on http://127.0.0.1:70000'), null);
  assert.equal(parseListeningLine('loaded model, listening on http://127.0.0.1:80'), null);
  assert.equal(parseListeningLine('listening on 127.0.0.1:80'), null);
  assert.equal(parseListeningLine(''), null);
});

test('newDeploymentId: readable, safe for a file name, sorted by time', () => {
  const at = new Date('2026-11-28T09:41:05.123Z');
  assert.equal(newDeploymentId('20261128-071502-penguins-a3f', at, 'x9z'), '20261128-071502-penguins-a3f-20261128-094105-x9z');
  assert.equal(newDeploymentId('../my model/', at, 'ab'), 'my-model-20261128-094105-ab');
  assert.equal(newDeploymentId('///', at, 'ab!'), 'model-20261128-094105-ab');
});

const base: DeploymentRecord = {
  schemaVersion: 1,
  id: 'd1',
  kind: 'served',
  experimentId: null,
  model: '/ws/.mllab/experiments/exp-1/models/best.json',
  location: 'http://127.0.0.1:8123',
  created: '2026-11-28T09:00:00.000Z',
  stopped: null,
  pid: 4242,
  logDir: '/ws/.mllab/deployments/d1',
  lastDrift: null,
};

test('deploymentName: the experiment id without its start time, else the experiment or package folder', () => {
  assert.equal(deploymentName({ ...base, experimentId: 'exp-7' }), 'exp-7');
  assert.equal(deploymentName({ ...base, experimentId: '20261128-093723-penguins-cd7' }), 'penguins-cd7');
  assert.equal(shortExperimentName('20261128-093723-'), '20261128-093723-');
  assert.equal(deploymentName(base), 'exp-1');
  assert.equal(deploymentName({ ...base, model: '/out/penguins-model/model.json' }), 'penguins-model');
});

test('deploymentState: served rows are serving only while the pid lives and no stop is recorded', () => {
  assert.equal(deploymentState(base, () => true), 'serving');
  assert.equal(deploymentState(base, () => false), 'stopped');
  assert.equal(deploymentState({ ...base, stopped: '2026-11-28T10:00:00Z' }, () => true), 'stopped');
  assert.equal(deploymentState({ ...base, pid: null }, () => true), 'stopped');
  assert.equal(deploymentState({ ...base, kind: 'exported' }, () => false), 'exported');
});

test('stats formatting', () => {
  assert.equal(formatMs(null), '—');
  assert.equal(formatMs(3.14159), '3.1 ms');
  assert.equal(formatMs(0.0456), '0.046 ms');
  assert.equal(formatMs(123.6), '124 ms');
  assert.equal(formatRate(0), '0/s');
  assert.equal(formatRate(0.2), '0.2/s');
  assert.equal(formatRate(12.345), '12/s');
  assert.equal(formatRate(2345.6), '2346/s');
  assert.equal(formatErrorRate(0), '0.0% errors');
  assert.equal(formatErrorRate(0.125), '12.5% errors');
  assert.equal(formatErrorRate(0.0004), '0.04% errors');
  const stats: DeploymentStats = { windowSeconds: 60, requests: 12, requestsPerSecond: 0.2, errorRate: 1 / 12, p50Ms: 1.5, p99Ms: 3.14159, lastRequest: '2026-11-28T09:01:00Z' };
  assert.equal(statsText(stats), '12 req · 0.2/s · p99 3.1 ms · 8.3% errors');
});

test('deploymentRow: served, stopped and exported rows', () => {
  const stats: DeploymentStats = { windowSeconds: 60, requests: 30, requestsPerSecond: 0.5, errorRate: 0, p50Ms: 2, p99Ms: 4, lastRequest: null };
  const serving = deploymentRow({ ...base, experimentId: 'exp-1' }, 'serving', stats);
  assert.equal(serving.label, 'exp-1');
  assert.equal(serving.description, ':8123 · 30 req · 0.5/s · p99 4 ms · 0.0% errors');
  assert.equal(serving.contextValue, 'deployment.serving');
  assert.equal(serving.icon, 'radio-tower');
  assert.equal(serving.drifted, false);
  assert.match(serving.tooltip, /Serving at http:\/\/127\.0\.0\.1:8123/);

  const drifted = deploymentRow({ ...base, stopped: '2026-11-28T10:00:00Z', lastDrift: { checked: '2026-11-28T09:30:00Z', drifted: true, report: '/ws/.mllab/drift/r.json' } }, 'stopped', null);
  assert.equal(drifted.description, 'stopped · drifted');
  assert.equal(drifted.contextValue, 'deployment.stopped');
  assert.equal(drifted.drifted, true);

  const exported = deploymentRow({ ...base, kind: 'exported', location: '/ws/export/penguins-model', pid: null, logDir: null }, 'exported', null);
  assert.equal(exported.description, 'exported · penguins-model');
  assert.equal(exported.contextValue, 'deployment.exported');
  assert.equal(exported.icon, 'package');
});

test('orderDeployments: serving, stopped, exported; newest first within each', () => {
  const rows = [
    { record: { ...base, id: 'a', created: '2026-11-28T08:00:00Z' }, state: 'exported' as const },
    { record: { ...base, id: 'b', created: '2026-11-28T07:00:00Z' }, state: 'serving' as const },
    { record: { ...base, id: 'c', created: '2026-11-28T09:00:00Z' }, state: 'stopped' as const },
    { record: { ...base, id: 'd', created: '2026-11-28T09:30:00Z' }, state: 'serving' as const },
  ];
  assert.deepEqual(orderDeployments(rows).map((r) => r.record.id), ['d', 'b', 'c', 'a']);
});

test('retrainedRow: the child, whether it was promoted, and both holdout scores', () => {
  const row = retrainedRow({
    parentExperiment: 'p',
    childExperiment: '20261128-093746-shifted-2c0',
    mode: 'new',
    newData: { path: '/ws/penguins-shifted.csv', sha256: 'x', rows: 344 },
    holdoutRows: 69,
    metric: 'accuracy',
    greaterIsBetter: true,
    parentScore: 0.94202898,
    childScore: 0.97101449,
    promoted: true,
    reason: 'accuracy 0.971 > 0.942 on 69 held-out rows',
  }, '2026-11-28 09:37:46');
  assert.equal(row.label, 'Retrained → 2026-11-28 09:37:46');
  assert.equal(row.description, 'promoted · accuracy 0.971 vs 0.942');
  assert.equal(row.tooltip, '20261128-093746-shifted-2c0, trained on penguins-shifted.csv\naccuracy 0.971 > 0.942 on 69 held-out rows');
});
