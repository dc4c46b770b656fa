// The held-out test split end to end with the built CLI (dist/cli.js) and real models: `mllab sweep` sets
// rows aside (split.json), the test rows are cut out of the file by their data-row numbers, `mllab predict`
// scores them with the saved model, and scikit-learn (/usr/bin/python3) computes the metrics from those
// predictions: they must equal report.json's heldOut metrics. Rows with a missing target sit in the file,
// so split.json's data-row numbers are checked to be file rows, not table rows. Skipped, visibly, without
// Debian's python3-sklearn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtFile } from './builtFiles.js';
import { seededRandom } from '../../src/core/ml/random.js';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import sklearn, numpy'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `needs ${PYTHON} with scikit-learn (apt-get install python3-sklearn)`;

let cli: string;
let dir: string;
before(() => {
  cli = builtFile('cli.js');
  dir = mkdtempSync(join(tmpdir(), 'mllab-heldout-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function mllab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 180 data rows: x1, x2 numeric, k categorical, y from them with noise; every 17th row lacks its target. */
function writeData(path: string, task: 'binary' | 'regression'): string[] {
  const next = seededRandom(task === 'binary' ? 3 : 4);
  const lines = ['x1,x2,k,y'];
  for (let i = 0; i < 180; i++) {
    const x1 = Math.round((next() * 4 - 2) * 1000) / 1000;
    const x2 = Math.round((next() * 4 - 2) * 1000) / 1000;
    const k = ['a', 'b', 'c'][Math.floor(next() * 3)]!;
    const signal = x1 + 0.5 * x2 + (k === 'a' ? 0.7 : 0) + (next() - 0.5) * 1.5;
    const y = i % 17 === 5 ? '' : task === 'binary' ? (signal > 0.3 ? 'yes' : 'no') : (Math.round(signal * 1000) / 1000).toString();
    lines.push(`${x1},${x2},${k},${y}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return lines;
}

interface Report {
  classes: string[] | null;
  heldOut: { rows: number; metrics: Record<string, number>; evaluation: { task: string; confusion?: { counts: number[][] }; residuals?: { rows: number } } } | null;
}

/** Runs a sweep, cuts the test rows out of the file, predicts them with the saved model: the file paths. */
function sweepAndPredict(task: 'binary' | 'regression'): { report: Report; testCsv: string; predCsv: string; split: { testRows: number[]; trainRows: number; rows: number } } {
  const data = join(dir, `${task}.csv`);
  const lines = writeData(data, task);
  const ws = join(dir, `ws-${task}`);
  const r = mllab('sweep', data, '--target', 'y', '--trials', '4', '--models', 'gbdt,linear', '--folds', '3', '--seed', '5', '--workspace', ws, '--test-fraction', '0.25');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { experimentId: string; model: string; report: string; heldOutScore: number; heldOutRows: number; bestScore: number };
  // 180 rows, 11 without a target (i = 5, 22, …, 175): 169 read, round(169 × 0.25) = 42 held out.
  assert.equal(out.heldOutRows, 42);
  assert.match(r.stderr, /cross-validated, held out \(42 rows\)/);
  const split = JSON.parse(readFileSync(join(ws, '.mllab', 'experiments', out.experimentId, 'split.json'), 'utf8')) as { testRows: number[]; trainRows: number; rows: number; seed: number };
  assert.equal(split.rows, 169);
  assert.equal(split.trainRows, 127);
  assert.equal(split.seed, 5);
  // Data-row numbers of the file: none of them a row without a target.
  assert.ok(split.testRows.every((row) => row % 17 !== 5 && row >= 0 && row < 180));
  const testCsv = join(dir, `${task}-test.csv`);
  writeFileSync(testCsv, [lines[0], ...split.testRows.map((row) => lines[row + 1])].join('\n') + '\n');
  const predCsv = join(dir, `${task}-pred.csv`);
  const p = mllab('predict', out.model, testCsv, '--out', predCsv);
  assert.equal(p.code, 0, p.stderr);
  const report = JSON.parse(readFileSync(out.report, 'utf8')) as Report;
  assert.equal(report.heldOut?.metrics[task === 'binary' ? 'roc_auc' : 'rmse'], out.heldOutScore);
  return { report, testCsv, predCsv, split };
}

function sklearn(script: string, ...args: string[]): Record<string, number> {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, number>;
}

test('binary: report.json heldOut metrics = scikit-learn on mllab predict over split.json rows', { skip }, () => {
  const { report, testCsv, predCsv } = sweepAndPredict('binary');
  const ref = sklearn(
    `
import sys, json, numpy as np, pandas as pd
from sklearn import metrics as m
truth = pd.read_csv(sys.argv[1])['y']
pred = pd.read_csv(sys.argv[2])
classes = sys.argv[3].split(',')
y = np.array([classes.index(v) for v in truth])
proba = pred[['proba_' + c for c in classes]].to_numpy()
hard = np.array([classes.index(v) for v in pred['prediction']])
print(json.dumps({
  'accuracy': m.accuracy_score(y, hard),
  'balanced_accuracy': m.balanced_accuracy_score(y, hard),
  'f1_macro': m.f1_score(y, hard, average='macro'),
  'roc_auc': m.roc_auc_score(y, proba[:, 1]),
  'pr_auc': m.average_precision_score(y, proba[:, 1]),
  'log_loss': m.log_loss(y, proba, labels=[0, 1]),
  'confusion': m.confusion_matrix(y, hard, labels=[0, 1]).tolist(),
}))
`,
    testCsv,
    predCsv,
    (report.classes ?? []).join(','),
  );
  const held = report.heldOut!;
  assert.equal(held.rows, 42);
  for (const name of ['accuracy', 'balanced_accuracy', 'f1_macro', 'roc_auc', 'pr_auc', 'log_loss']) {
    assert.ok(Math.abs(held.metrics[name]! - ref[name]!) < 1e-9, `${name}: ${held.metrics[name]} vs scikit-learn ${ref[name]}`);
  }
  assert.deepEqual(held.evaluation.confusion?.counts, (ref as unknown as { confusion: number[][] }).confusion);
});

test('regression: report.json heldOut metrics = scikit-learn on mllab predict over split.json rows', { skip }, () => {
  const { report, testCsv, predCsv } = sweepAndPredict('regression');
  const ref = sklearn(
    `
import sys, json, numpy as np, pandas as pd
from sklearn import metrics as m
y = pd.read_csv(sys.argv[1])['y'].to_numpy(float)
p = pd.read_csv(sys.argv[2])['prediction'].to_numpy(float)
print(json.dumps({'rmse': float(np.sqrt(m.mean_squared_error(y, p))), 'mae': m.mean_absolute_error(y, p), 'r2': m.r2_score(y, p)}))
`,
    testCsv,
    predCsv,
  );
  const held = report.heldOut!;
  for (const name of ['rmse', 'mae', 'r2']) {
    assert.ok(Math.abs(held.metrics[name]! - ref[name]!) < 1e-9, `${name}: ${held.metrics[name]} vs scikit-learn ${ref[name]}`);
  }
  assert.equal(held.evaluation.residuals?.rows, 42);
});
