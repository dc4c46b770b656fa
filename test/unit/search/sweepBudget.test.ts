// `--budget S` bounds the whole sweep (trials, ensemble, refit, importance, saved files), on test doubles:
// a model whose fits take |t - 0.5| × 4 s, so the default (t = 0.5) is instant and most sampled trials are
// far slower than the budget. Behaviour checks with generous slack, not benchmarks: before the budget
// bounded the end, these sweeps ran on until the slow trials' 10 s time box.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUDGET_STOP_ERROR, runSweep } from '../../../src/core/search/sweep.js';
import type { SweepConfig, SweepParts } from '../../../src/core/search/sweep.js';
import type { ModelFamily } from '../../../src/core/ml/types.js';
import type { TrialKit } from '../../../src/core/search/trial.js';
import { ExperimentStore } from '../../../src/core/store/experiments.js';
import { doubleSchema, doubleTable, thresholdPredictor, trialKit as doubleKit } from './sweepDoubles.js';

let root: string;
let dataset: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mllab-budget-'));
  dataset = join(root, 'doubles.csv');
  writeFileSync(dataset, 'x,y\n1,yes\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Resolves after `ms`, or rejects at once when the fit is asked to stop (a cut trial frees its slot). */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('stopped'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('stopped'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** 'mlp' double: P(yes) = sigmoid(8 (x - t)); every fit waits |t - 0.5| × 4 s. */
function slowFamily(defaultT: number): ModelFamily {
  return {
    kind: 'mlp',
    input: 'columns',
    tasks: ['binary'],
    space: [{ name: 't', type: 'float', low: -1, high: 2, default: defaultT }],
    async fit(_input, _labels, params, options) {
      const t = Number(params.t);
      await wait(Math.abs(t - 0.5) * 4000, options.signal);
      return thresholdPredictor(t, 'mlp');
    },
    load: (saved) => thresholdPredictor(Number(saved.t), 'mlp'),
  };
}

function parts(family: ModelFamily): Partial<SweepParts> {
  const kit: TrialKit = { ...doubleKit, family: () => family };
  return { loadTable: async () => ({ table: doubleTable(), schema: doubleSchema }), families: [family], kit };
}

function config(extra: Partial<SweepConfig> = {}): SweepConfig {
  return { dataset, target: 'y', workspace: root, metric: 'accuracy', folds: 3, seed: 11, parallel: 2, pruner: 'none', models: ['mlp'], ...extra };
}

test('a 3 s budget ends the sweep, model and report written, within the budget: slow trials are cut and journaled as failed', async () => {
  const family = slowFamily(0.5);
  const t0 = Date.now();
  const r = await runSweep(config({ budgetSeconds: 3 }), {}, parts(family));
  const wallMs = Date.now() - t0;
  // The whole sweep, model and report included, ends near the budget (slack for a loaded machine).
  assert.ok(wallMs < 3000 + 1500, `the sweep took ${wallMs} ms for a 3 s budget`);
  assert.ok(existsSync(r.modelPath) && existsSync(r.reportPath));
  assert.equal(r.trials[0]?.status, 'done');
  const cut = r.trials.filter((t) => t.error === BUDGET_STOP_ERROR);
  assert.ok(cut.length >= 1, 'some slow trial was running at the end of the budget');
  for (const t of cut) {
    assert.equal(t.status, 'failed');
    assert.equal(t.score, null);
  }
  // The journal holds each trial once, the cut ones included; none of them counts as done.
  const store = new ExperimentStore(root);
  const journal = await store.readTrials(r.experimentId);
  assert.deepEqual(journal.map((t) => t.index).sort((a, b) => a - b), r.trials.map((t) => t.index));
  const record = await store.read(r.experimentId);
  assert.equal(record?.status, 'done');
  assert.ok((record?.times.searchSeconds ?? 0) <= 3 + 1.5);
  const report = JSON.parse(readFileSync(r.reportPath, 'utf8')) as { importance: unknown; importanceNote: string | null };
  // The winner (t = 0.5) fits instantly: importance had the time it needs.
  assert.notEqual(report.importance, null);
  assert.equal(report.importanceNote, null);

  // A resume with more budget goes on from the journal: the cut trials stay failed and are not re-run.
  const resumed = await runSweep({ dataset, target: 'y', workspace: root, resume: r.experimentId, budgetSeconds: 5 }, {}, parts(family));
  const after = await store.readTrials(r.experimentId);
  const indices = after.map((t) => t.index);
  assert.equal(new Set(indices).size, indices.length, 'no trial index is journaled twice');
  for (const t of cut) assert.deepEqual(after.find((x) => x.index === t.index), t);
  assert.ok(resumed.trials.length >= r.trials.length);
});

test('with no trial done at the end of the budget, the running ones go on until one is, then the rest are cut', async () => {
  // The default takes 0.4 s per fit (1.2 s a trial): more than the whole 0.5 s budget.
  const family = slowFamily(0.6);
  const t0 = Date.now();
  const r = await runSweep(config({ budgetSeconds: 0.5 }), {}, parts(family));
  const wallMs = Date.now() - t0;
  assert.equal(r.trials[0]?.status, 'done');
  assert.equal(r.bestTrial, 0);
  assert.ok(existsSync(r.modelPath));
  // Trial 1 (sampled, slow) was cut once trial 0 was done, not left to its 10 s time box.
  assert.ok(wallMs < 5000, `the sweep took ${wallMs} ms`);
  for (const t of r.trials.slice(1)) assert.equal(t.error, BUDGET_STOP_ERROR);
});
