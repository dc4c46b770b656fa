import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPruner, rungBudgets } from '../../../src/core/search/pruners.js';

test('rung budgets: minBudget · η^k up to exactly 1', () => {
  const r = rungBudgets();
  assert.equal(r.length, 3);
  assert.ok(Math.abs((r[0] as number) - 1 / 9) < 1e-15);
  assert.ok(Math.abs((r[1] as number) - 1 / 3) < 1e-15);
  assert.equal(r[2], 1);
  assert.deepEqual(rungBudgets({ eta: 2, minBudget: 0.25 }), [0.25, 0.5, 1]);
  // 0.3 · 3 = 0.9 < 1 is a rung of its own; the full budget follows
  assert.deepEqual(
    rungBudgets({ eta: 3, minBudget: 0.3 }).map((b) => Math.round(b * 1e12) / 1e12),
    [0.3, 0.9, 1],
  );
  assert.deepEqual(rungBudgets({ minBudget: 1 }), [1]);
  assert.throws(() => rungBudgets({ eta: 1 }), /eta/);
  assert.throws(() => rungBudgets({ minBudget: 0 }), /minBudget/);
});

test('ASHA (η = 3) keeps a trial only while it is in the top third of its rung so far', () => {
  const asha = createPruner('asha');
  const at = (trial: number, step: number, objective: number): boolean => asha.shouldStop({ trial, step, objective });
  // rung 0, in arrival order; the decision uses the results there so far, this one included
  assert.equal(at(0, 0, 0.5), false); // 1 result < η: promoted
  assert.equal(at(1, 0, 0.4), false); // 2 results < η: promoted
  assert.equal(at(2, 0, 0.3), true); // [0.5 0.4 0.3]: top 1 is 0.5
  assert.equal(at(3, 0, 0.6), false); // 4 results, top 1: 0.6 is it
  assert.equal(at(4, 0, 0.55), true); // 5 results, top 1 is 0.6
  assert.equal(at(5, 0, 0.58), false); // 6 results, top 2: 0.6, 0.58
  assert.equal(at(6, 0, 0.5), true); // 7 results, top 2
  assert.equal(at(7, 0, 0.58), false); // a tie with the 2nd best keeps the trial
  assert.equal(at(8, 0, Number.NaN), true); // a failed fit ranks last
  // rung 1 is judged on its own results only
  assert.equal(at(0, 1, 0.7), false);
  assert.equal(at(3, 1, 0.65), false);
  assert.equal(at(5, 1, 0.66), true); // [0.7 0.65 0.66]: top 1 is 0.7
  // the last rung is the full budget: never stopped
  assert.equal(at(5, 2, -100), false);
});

test("ASHA 'best' early promotion: like Optuna, only the best so far passes while a rung has < η results", () => {
  const asha = createPruner('asha', { asha: { earlyPromotion: 'best' } });
  assert.equal(asha.shouldStop({ trial: 0, step: 0, objective: 0.5 }), false);
  assert.equal(asha.shouldStop({ trial: 1, step: 0, objective: 0.4 }), true);
  assert.equal(asha.shouldStop({ trial: 2, step: 0, objective: 0.6 }), false);
  assert.equal(asha.shouldStop({ trial: 3, step: 0, objective: 0.55 }), true); // 4 results: top 1 is 0.6
});

test('median stopping: running mean below the median of the others at the same fold, after warmup, never at fold 0', () => {
  const median = createPruner('median', { median: { warmupTrials: 2 } });
  const at = (trial: number, step: number, objective: number): boolean => median.shouldStop({ trial, step, objective });
  // trial 0: folds 0.8 0.6 0.7 → running means 0.8, 0.7, 0.7
  assert.equal(at(0, 0, 0.8), false);
  assert.equal(at(0, 1, 0.6), false); // no other trial yet
  assert.equal(at(0, 2, 0.7), false);
  // trial 1: 0.5 0.5 → means 0.5, 0.5. At fold 1 only 1 other trial (< 2 warmup): continues
  assert.equal(at(1, 0, 0.5), false);
  assert.equal(at(1, 1, 0.5), false);
  // trial 2: 0.9 → fold 1: 0.3 → mean 0.6; others at fold 1: 0.7 (t0), 0.5 (t1) → median 0.6: not below, continues
  assert.equal(at(2, 0, 0.9), false);
  assert.equal(at(2, 1, 0.3), false);
  // trial 3: 0.1 at fold 0 is never judged; fold 1: 0.9 → mean 0.5 < median(0.7, 0.5, 0.6) = 0.6: stops
  assert.equal(at(3, 0, 0.1), false);
  assert.equal(at(3, 1, 0.9), true);
  // trial 2 at fold 2: 0.9 → mean 0.7; others reaching fold 2: only t0 (< 2 warmup): continues
  assert.equal(at(2, 2, 0.9), false);
  // trial 4: fold 2 mean (0.7 + 0.7 + 0.6) / 3 = 0.6667 < median(t0 0.7, t2 0.7) = 0.7: stops
  assert.equal(at(4, 0, 0.7), false);
  assert.equal(at(4, 1, 0.7), false); // mean 0.7 ≥ median(0.7, 0.5, 0.6, 0.5) = 0.55
  assert.equal(at(4, 2, 0.6), true);
});

test("'none' never stops", () => {
  const none = createPruner('none');
  assert.equal(none.name, 'none');
  for (let i = 0; i < 10; i++) assert.equal(none.shouldStop({ trial: i, step: i % 3, objective: -i }), false);
});
