import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MODEL_LABELS, metricLabel, modelLabel } from '../../../src/protocol/labels.js';
import * as report from '../../../src/protocol/experimentReportFormat.js';
import * as sweep from '../../../webview/sweep/sweepModel.js';

test('model and metric labels read as people write them; unknown names pass through', () => {
  assert.equal(modelLabel('gbdt'), 'Gradient boosting');
  assert.equal(modelLabel('knn'), 'k-nearest neighbours');
  assert.equal(modelLabel('xgboost'), 'xgboost');
  assert.equal(modelLabel('toString'), 'toString');
  assert.equal(metricLabel('r2'), 'R²');
  assert.equal(metricLabel('roc_auc'), 'ROC AUC');
  assert.equal(metricLabel('__proto__'), '__proto__');
  assert.equal(metricLabel('brier'), 'brier');
});

test('the Sweep panel and the report show the same labels (one source)', () => {
  for (const kind of Object.keys(MODEL_LABELS)) assert.equal(sweep.modelLabel(kind), report.modelLabel(kind));
  for (const m of ['accuracy', 'pr_auc', 'log_loss', 'mape']) assert.equal(sweep.metricLabel(m), report.metricLabel(m));
  assert.equal(report.MODEL_LABELS, MODEL_LABELS);
});
